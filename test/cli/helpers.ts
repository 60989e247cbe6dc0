import { readFile } from 'node:fs/promises';
import type { CliIo } from '../../cli/io';
import { InputError } from '../../shared/errors';

/** An in-memory CLI environment: files from a map (or disk), captured output, a fixed clock. */
export function memoryIo(files: Record<string, string> = {}, now = new Date('2026-11-25T12:00:00Z')) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readText: async (path) => {
      const text = files[path];
      if (text !== undefined) return text;
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        throw new InputError(`cannot read ${path}`, ['no such file'], { cause: error });
      }
    },
    now: () => now,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
