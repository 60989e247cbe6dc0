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

/** What a failed read means to the person who named the file. */
const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

/** Text as a JSON parser wants it: editors on Windows often save UTF-8 with a byte-order mark. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads a file or standard input as UTF-8; a failed read is an InputError saying why in words. */
export async function readTextFile(path: string): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return withoutBom(Buffer.concat(chunks).toString('utf8'));
  }
  try {
    return withoutBom(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = (code && READ_ERRORS[code]) ?? `cannot be read (${code ?? String(error)})`;
    throw new InputError(`cannot read ${path}`, [reason], { cause: error });
  }
}

/**
 * Writes to standard output until its reader goes away. When a reader such as `head -1` closes the
 * pipe, the rest of the output has nobody to read it: the write fails with EPIPE, which is not an
 * error of the command. Later writes are dropped and the exit code stays the command's own.
 */
export function pipeSafeWriter(stream: NodeJS.WritableStream): (text: string) => void {
  let closed = false;
  let listening = false;
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closed = true;
    // Any other failure is what it would have been without this listener: uncaught.
    else throw error;
  };
  return (text) => {
    if (closed) return;
    // Listen from the first write, not at import: importing the CLI must not touch the stream.
    if (!listening) {
      stream.on('error', onError);
      listening = true;
    }
    stream.write(text);
  };
}

/** The process's real streams, files and clock. */
export const processIo: CliIo = {
  stdout: pipeSafeWriter(process.stdout),
  stderr: (text) => process.stderr.write(text),
  readText: readTextFile,
  now: () => new Date(),
};

/** Exit codes (DESIGN §11). */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
