import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { memoryIo } from '../helpers';

// QA s17, the user path (README "Output formats": a resource name cannot drive your terminal):
// the table sanitizes, and Commander's error lines were escaped, but the CLI's own error messages
// and warnings were written raw. Found with `audit --snapshot` of a file holding an escape
// sequence (`not JSON (Unexpected token '<ESC>', "{"a":<ESC>[31m1}"…)`: JSON.parse quotes the
// bytes), of the packed tarball given by mistake (NUL and control bytes on the terminal), and of a
// snapshot whose top-level key holds one (`warning: X<ESC>[2Jy: unknown top-level key`).

/** C0 controls but the line feed, DEL, C1 and bidi overrides: what must not reach a terminal raw. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters stderr must not carry raw
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

async function audit(text: string, extra: string[] = []) {
  const { io, stdout, stderr } = memoryIo({ 'in.json': text });
  const code = await runCli(['audit', '--snapshot', 'in.json', ...extra], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('QA s17: what the CLI writes on stderr cannot drive the terminal', () => {
  it('escapes the bytes a "not JSON" error quotes from the file', async () => {
    const out = await audit('{"a":\u001b[31m1}');
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      'vpc-guardrail: invalid snapshot in.json:\n  (root): not JSON (Unexpected token \'\\u001b\', "{"a":\\u001b[31m1}" is not valid JSON)\n',
    );
  });

  it('escapes NUL and control bytes of a binary file given as the snapshot (a .tgz)', async () => {
    const out = await audit('\u001f\u008b\u0008\u0000\u0000\u0000\u0000\u0000\u0002\u0003');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^vpc-guardrail: invalid snapshot in\.json:\n {2}\(root\): not JSON \(/);
    expect(out.stderr).toContain('\\u001f');
    expect(out.stderr).not.toMatch(UNSAFE);
  });

  it('escapes a warning that names a key holding an escape sequence or a bidi override, exit code unchanged', async () => {
    const out = await audit(JSON.stringify({ 'X\u001b[2Jy': [], 'Z\u202eY': [], SecurityGroups: [] }));
    expect(out.code).toBe(0);
    expect(out.stderr.split('\n').filter((line) => line.includes('unknown top-level key'))).toEqual([
      'warning: X\\u001b[2Jy: unknown top-level key, ignored',
      'warning: Z\\u202eY: unknown top-level key, ignored',
    ]);
    expect(out.stderr).not.toMatch(UNSAFE);
  });

  it('keeps the raw key in the JSON report (JSON escapes it; a consumer gets the exact text)', async () => {
    const out = await audit(JSON.stringify({ 'X\u001b[2Jy': [], SecurityGroups: [] }), ['--format', 'json']);
    const report = JSON.parse(out.stdout) as { summary: { warnings: string[] } };
    expect(report.summary.warnings).toContain('X\u001b[2Jy: unknown top-level key, ignored');
  });

  it("simulate's text form escapes what the event file and the snapshot's tags carry", async () => {
    // Prepare: the shipped example event with an escape sequence in its id, and the demo snapshot
    // with one in the exemption tag whose reason the suppressed finding prints
    const event = JSON.parse(
      readFileSync('examples/events/authorize-bastion-ssh-world-and-office.json', 'utf8'),
    ) as {
      detail: { eventID: string };
    };
    event.detail.eventID = 'abc\u001b[2Jdef';
    const snapshot = JSON.parse(readFileSync('examples/demo-snapshot.json', 'utf8')) as {
      SecurityGroups: { GroupId: string; Tags?: { Key: string; Value: string }[] }[];
    };
    const bastion = snapshot.SecurityGroups.find((g) => g.GroupId === 'sg-0d3m00000000000b1');
    if (!bastion) throw new Error('the demo bastion group');
    bastion.Tags = [{ Key: 'vpc-guardrail:exempt', Value: 'sg-open-admin-port\u202e' }];
    const { io, stdout } = memoryIo({ 'e.json': JSON.stringify(event), 's.json': JSON.stringify(snapshot) });

    // Act
    const code = await runCli(['simulate', '--event', 'e.json', '--snapshot', 's.json'], io);

    // Assess
    expect(code).toBe(0);
    const text = stdout();
    expect(text.split('\n')[0]).toBe('event:   AuthorizeSecurityGroupIngress (abc\\u001b[2Jdef)');
    expect(text).not.toMatch(UNSAFE);
  });
});
