import { readFile } from 'node:fs/promises';
import { InputError } from '../shared/errors';

/** What a command may touch, injectable so tests run the CLI in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads a file (`-` is standard input). */
  readText(path: string): Promise<string>;
  now(): Date;
}

/** The process's real streams, files and clock. */
export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readText: async (path) => {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(
        `cannot read ${path}`,
        [code === 'ENOENT' ? 'no such file' : String(code ?? error)],
        {
          cause: error,
        },
      );
    }
  },
  now: () => new Date(),
};

/** Exit codes (DESIGN §11). */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
