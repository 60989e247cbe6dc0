import { describe, expect, it } from 'vitest';
import { escapeErrorLine, runCli } from '../../../cli/main';
import { memoryIo } from '../../helpers';

// Commander writes its own error lines with the refused argument as given: a U+202E in an option
// name turned the rest of the line around on a terminal, an ESC sequence recoloured or rewrote it.
// Our own errors (`quoted`) show such characters as \uXXXX; Commander's now do the same.

async function stderrOf(argv: string[]): Promise<{ code: number; stderr: string }> {
  const env = memoryIo();
  const code = await runCli(argv, env.io);
  return { code, stderr: env.stderr() };
}

describe("Commander's error lines", () => {
  it('escapes a bidi override in an unknown option, still exit 2', async () => {
    const { code, stderr } = await stderrOf(['audit', '--bogus\u202e']);
    expect(code).toBe(2);
    expect(stderr).toBe("error: unknown option '--bogus\\u202e'\n");
  });

  it('escapes an escape sequence in a refused option value', async () => {
    const { code, stderr } = await stderrOf(['audit', '--snapshot', 'x.json', '--format', 'js\u001b[31mon']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "error: option '--format <format>' argument 'js\\u001b[31mon' is invalid. Allowed choices are table, json, sarif, asff (in any case).\n",
    );
  });

  it('escapes a zero-width character in an unknown command, keeping its hint line', async () => {
    const { code, stderr } = await stderrOf(['aud\u200bit']);
    expect(code).toBe(2);
    expect(stderr).toBe("error: unknown command 'aud\\u200bit'\n(Did you mean audit?)\n");
  });

  it('leaves printable text, line feeds and non-Latin letters as they are', () => {
    expect(escapeErrorLine("error: unknown option '--é日本'\n(Did you mean --vpc?)\n")).toBe(
      "error: unknown option '--é日本'\n(Did you mean --vpc?)\n",
    );
    expect(escapeErrorLine('a\tb\rc\u0085d\ufeffe\u2066f')).toBe('a\\u0009b\\u000dc\\u0085d\\ufeffe\\u2066f');
  });
});
