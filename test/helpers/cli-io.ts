import { type CliIo, readTextFile } from '../../cli/io';

/** An in-memory CLI environment: files from a map (or disk, as the CLI reads them), captured output, a fixed clock. */
export function memoryIo(files: Record<string, string> = {}, now = new Date('2026-11-25T12:00:00Z')) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readText: async (path) => {
      const text = files[path];
      if (text !== undefined) return text;
      return readTextFile(path);
    },
    now: () => now,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
