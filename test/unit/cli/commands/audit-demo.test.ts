import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import type { Finding } from '../../../../shared/findings';
import { memoryIo } from '../../../helpers';

const DEMO = 'examples/demo-snapshot.json';

async function auditJson(...args: string[]) {
  const env = memoryIo();
  const code = await runCli(['audit', '--snapshot', DEMO, '--format', 'json', ...args], env.io);
  return {
    code,
    report: JSON.parse(env.stdout()) as { findings: Finding[]; summary: Record<string, unknown> },
  };
}

describe('vpc-guardrail audit on the demo VPC', () => {
  it('reports exactly the demo findings, in a deterministic order', async () => {
    const { code, report } = await auditJson();
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.severity, f.ruleId, f.resourceId, f.suppressed?.by ?? ''])).toEqual([
      ['critical', 'eni-internet-exposed', 'eni-0d3m0000000000b51', ''],
      ['critical', 'sg-open-admin-port', 'sg-0d3m00000000000b1', ''],
      ['high', 'nacl-open-admin-port', 'acl-0d3m00000000000d0', ''],
      ['high', 'nacl-open-admin-port', 'acl-0d3m0000000000a99', ''],
      ['medium', 'nacl-ephemeral-return-blocked', 'acl-0d3m0000000000a99', ''],
      ['medium', 'sg-default-not-restricted', 'sg-0d3m00000000000d0', ''],
      ['medium', 'sg-open-unauthorized-port', 'sg-0d3m0000000000e7c', ''],
      ['medium', 'subnet-auto-assign-public-ip', 'subnet-0a1a000000000pub1', ''],
      ['low', 'route-blackhole', 'rtb-0d3m000000private', ''],
      ['low', 'sg-broad-public-source', 'sg-0d3m0000000000f00', 'tag'],
      ['low', 'vpce-policy-full-access', 'vpce-0d3m00000000s3gw', ''],
      ['info', 'eni-internet-exposed', 'eni-0d3m000000000a1b1', ''],
    ]);
    expect(report.summary).toMatchObject({
      total: 11,
      suppressed: 1,
      bySeverity: { critical: 2, high: 2, medium: 4, low: 2, info: 1 },
      highestSeverity: 'critical',
    });
  });

  it('carries the DESIGN §6 fields on every finding', async () => {
    const { report } = await auditJson();
    for (const f of report.findings) {
      expect(f).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f]{20}$/),
        ruleId: expect.any(String),
        severity: expect.stringMatching(/^(critical|high|medium|low|info)$/),
        resourceType: expect.stringMatching(/^AWS::EC2::/),
        resourceId: expect.any(String),
        vpcId: 'vpc-0d3m0a1b2c3d4e5f6',
        accountId: '111122223333',
        region: 'eu-west-1',
        title: expect.any(String),
        detail: expect.any(String),
        controls: expect.any(Array),
        evidence: expect.any(Object),
      });
    }
  });

  it('plans the precise fixes: the world rule of the bastion, a deny before the return entry after an allow from the VPC', async () => {
    const { report } = await auditJson();
    const bastion = report.findings.find((f) => f.ruleId === 'sg-open-admin-port');
    expect(bastion?.remediation).toEqual({
      action: 'revoke-security-group-rules',
      groupId: 'sg-0d3m00000000000b1',
      rules: [
        {
          direction: 'ingress',
          securityGroupRuleId: 'sgr-0d3m0000000b10001',
          ipPermission: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        },
      ],
    });
    expect(bastion?.exposure).toBe(1);
    const appNacl = report.findings.find(
      (f) => f.ruleId === 'nacl-open-admin-port' && f.resourceId === 'acl-0d3m0000000000a99',
    );
    expect(appNacl?.remediation).toEqual({
      action: 'fix-network-acl-entries',
      networkAclId: 'acl-0d3m0000000000a99',
      deleteEntries: [],
      replaceEntries: [],
      previousEntries: [],
      createEntries: [
        {
          NetworkAclId: 'acl-0d3m0000000000a99',
          RuleNumber: 109,
          Protocol: '6',
          RuleAction: 'deny',
          Egress: false,
          CidrBlock: '0.0.0.0/0',
          PortRange: { From: 3389, To: 3389 },
        },
        {
          NetworkAclId: 'acl-0d3m0000000000a99',
          RuleNumber: 108,
          Protocol: '6',
          RuleAction: 'allow',
          Egress: false,
          CidrBlock: '10.20.0.0/16',
          PortRange: { From: 3389, To: 3389 },
        },
      ],
    });
  });

  it('is deterministic: the same input gives byte-identical output', async () => {
    const a = memoryIo();
    const b = memoryIo();
    await runCli(['audit', '--snapshot', DEMO, '--format', 'json'], a.io);
    await runCli(['audit', '--snapshot', DEMO, '--format', 'json'], b.io);
    expect(a.stdout()).toBe(b.stdout());
  });

  it('honours --fail-on: exit 0 when nothing reaches the threshold', async () => {
    const env = memoryIo();
    const only = JSON.parse(readFileSync(DEMO, 'utf8')) as Record<string, unknown>;
    env.io.readText = async () =>
      JSON.stringify({ ...only, SecurityGroups: [], SecurityGroupRules: [], NetworkAcls: [] });
    expect(await runCli(['audit', '--snapshot', 'x', '--fail-on', 'high'], env.io)).toBe(0);
    expect(await runCli(['audit', '--snapshot', 'x', '--fail-on', 'medium'], env.io)).toBe(1);
    expect((await auditJson('--fail-on', 'none')).code).toBe(0);
  });

  it('lets an expired exemption lapse', async () => {
    const env = memoryIo({}, new Date('2027-07-01T00:00:00Z'));
    await runCli(['audit', '--snapshot', DEMO, '--format', 'json'], env.io);
    const report = JSON.parse(env.stdout()) as { findings: Finding[] };
    const partner = report.findings.find((f) => f.ruleId === 'sg-broad-public-source');
    expect(partner?.suppressed).toBeUndefined();
    expect(partner?.evidence.exemptionExpired).toBe('2027-06-30');
  });

  it('prints a table that fits 80 columns', async () => {
    const env = memoryIo();
    await runCli(['audit', '--snapshot', DEMO], env.io);
    const lines = env.stdout().trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'VPC Guardrail: 11 findings, 1 suppressed',
      '2 critical, 2 high, 4 medium, 2 low, 1 info',
    ]);
    expect(lines.filter((l) => l.length > 80)).toEqual([]);
    expect(lines).toContain('CRITICAL (2)');
    expect(lines).toContain('SUPPRESSED (1)');
  });
});
