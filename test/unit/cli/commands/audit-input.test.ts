import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { memoryIo } from '../../../helpers';

async function audit(snapshotText: string, ...args: string[]) {
  const env = memoryIo({ 'snap.json': snapshotText });
  const code = await runCli(['audit', '--snapshot', 'snap.json', ...args], env.io);
  return { code, stdout: env.stdout(), stderr: env.stderr() };
}

describe('vpc-guardrail audit: bad input', () => {
  it('exits 2 on a file that is not JSON, naming the problem', async () => {
    const { code, stderr, stdout } = await audit('{"SecurityGroups": [');
    expect(code).toBe(2);
    expect(stderr).toMatch(/invalid snapshot snap\.json/);
    expect(stderr).toMatch(/not JSON/);
    expect(stdout).toBe('');
  });

  it('exits 2 on an empty file', async () => {
    const { code, stderr } = await audit('  \n');
    expect(code).toBe(2);
    expect(stderr).toMatch(/the file is empty/);
  });

  it('exits 2 on a JSON value that is not an object', async () => {
    const { code, stderr } = await audit('[{"GroupId": "sg-1"}]');
    expect(code).toBe(2);
    expect(stderr).toMatch(/\(root\): expected an object/);
  });

  it('names the path of a wrongly typed field', async () => {
    const snapshot = {
      SecurityGroups: [
        { GroupId: 'sg-1', IpPermissions: [] },
        { GroupId: 'sg-2', IpPermissions: [{ IpProtocol: 'tcp', FromPort: '22', ToPort: 22 }] },
      ],
    };
    const { code, stderr } = await audit(JSON.stringify(snapshot));
    expect(code).toBe(2);
    expect(stderr).toContain(
      'SecurityGroups[1].IpPermissions[0].FromPort: expected a number, got a string ("22")',
    );
  });

  it('names the path of a missing id', async () => {
    const snapshot = { NetworkAcls: [{ VpcId: 'vpc-1', Entries: [] }] };
    const { code, stderr } = await audit(JSON.stringify(snapshot));
    expect(code).toBe(2);
    expect(stderr).toContain('NetworkAcls[0].NetworkAclId: is required (expected a string)');
  });

  it('names a malformed CIDR', async () => {
    const snapshot = {
      SecurityGroups: [
        { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', IpRanges: [{ CidrIp: '10.0.0/8' }] }] },
      ],
    };
    const { code, stderr } = await audit(JSON.stringify(snapshot));
    expect(code).toBe(2);
    expect(stderr).toContain(
      'SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp: not a valid IPv4 CIDR ("10.0.0/8")',
    );
  });

  it('names a list given as an object', async () => {
    const { code, stderr } = await audit('{"Subnets": {"SubnetId": "subnet-1"}}');
    expect(code).toBe(2);
    expect(stderr).toContain('Subnets: expected an array, got an object');
  });

  it('exits 2 when the snapshot file does not exist', async () => {
    const env = memoryIo();
    const code = await runCli(['audit', '--snapshot', '/nonexistent/snap.json'], env.io);
    expect(code).toBe(2);
    expect(env.stderr()).toMatch(/cannot read \/nonexistent\/snap\.json/);
  });

  it('exits 2 on an unknown format or severity', async () => {
    expect((await audit('{}', '--format', 'xml')).code).toBe(2);
    expect((await audit('{}', '--fail-on', 'severe')).code).toBe(2);
  });

  it('exits 2 on an invalid config file, naming the key', async () => {
    const env = memoryIo({ 'snap.json': '{}', 'cfg.json': '{"mode": "fix-everything", "adminPort": []}' });
    const code = await runCli(['audit', '--snapshot', 'snap.json', '--config', 'cfg.json'], env.io);
    expect(code).toBe(2);
    expect(env.stderr()).toContain('mode: expected one of "notify", "remediate", "dry-run"');
    expect(env.stderr()).toContain('adminPort: unknown key');
  });

  it('ignores unknown snapshot keys and treats missing lists as empty', async () => {
    const { code, stdout } = await audit('{"Reservations": [], "status_code": 200}');
    expect(code).toBe(0);
    expect(stdout).toBe('VPC Guardrail: no findings\n');
  });
});
