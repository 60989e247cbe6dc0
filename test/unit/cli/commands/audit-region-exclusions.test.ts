import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { memoryIo } from '../../../helpers';
import { mockRegion, sshGroup } from '../../../helpers/region-mock';

// DESIGN §15: "The central account is governed with the function's own role …, whether or not
// `accounts` lists it, unless `excludeAccounts` does." `audit --region` reads the local
// credentials' own account, the CLI's central account: as the audit function (which reads nothing
// for an excluded own account) and `audit --accounts` (exit 2, "nothing to audit"), an excluded
// account is not read and the run exits 2 naming the exclusion, never a clean report.

const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);
const OWN = '111122223333';

/** One VPC of `owner` with one group open to the world on 22/tcp. */
function region(owner = OWN): void {
  mockRegion(ec2, 'vpc-0000000a', [sshGroup('sg-1', 'vpc-0000000a', ['0.0.0.0/0'], owner)], owner);
}

const config = (keys: Record<string, unknown>) => ({ 'config.json': JSON.stringify(keys) });
const AUDIT = ['audit', '--region', 'eu-west-1', '--config', 'config.json', '--format', 'json'];

describe('audit --region with accounts / excludeAccounts of --config', () => {
  beforeEach(() => {
    ec2.reset();
    sts.reset();
  });

  it('refuses the own account that excludeAccounts lists, before reading anything: exit 2 naming it', async () => {
    // Prepare
    region();
    sts.on(GetCallerIdentityCommand).resolves({ Account: OWN });
    const { io, stdout, stderr } = memoryIo(config({ excludeAccounts: ['444455556666', OWN] }));

    // Act
    const code = await runCli(AUDIT, io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toBe(
      'vpc-guardrail: nothing to audit:\n' +
        `  account ${OWN} (the local credentials') is in excludeAccounts of --config: it is never governed, so it is not read\n`,
    );
    expect(ec2.calls()).toHaveLength(0);
  });

  it('audits the own account that the accounts allow-list leaves out (it is the central one)', async () => {
    // Prepare
    region();
    sts.on(GetCallerIdentityCommand).resolves({ Account: OWN });
    const { io, stdout } = memoryIo(
      config({ accounts: ['444455556666'], excludeAccounts: ['777788889999'] }),
    );

    // Act
    const code = await runCli(AUDIT, io);

    // Assess
    expect(code).toBe(1);
    const report = JSON.parse(stdout()) as { findings: { ruleId: string; resourceId: string }[] };
    expect(report.findings.map((f) => `${f.ruleId} ${f.resourceId}`)).toEqual(['sg-open-admin-port sg-1']);
  });

  it('without an STS answer, refuses the region whose VPCs the excluded account owns', async () => {
    // Prepare
    region();
    sts.on(GetCallerIdentityCommand).rejects(new Error('endpoint unreachable'));
    const { io, stdout, stderr } = memoryIo(config({ excludeAccounts: [OWN] }));

    // Act
    const code = await runCli(AUDIT, io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toMatch(
      new RegExp(
        `vpc-guardrail: nothing to audit:\\n  account ${OWN} \\(the local credentials'\\) is in excludeAccounts of --config: it is never governed, so it is not read\\n$`,
      ),
    );
  });

  it('without an STS answer and without a VPC, audits and warns that the exclusions were not applied', async () => {
    // Prepare
    mockRegion(ec2, 'vpc-0000000a', []);
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    sts.on(GetCallerIdentityCommand).rejects(new Error('endpoint unreachable'));
    const { io, stderr } = memoryIo(config({ excludeAccounts: [OWN] }));

    // Act
    const code = await runCli(AUDIT, io);

    // Assess
    expect(code).toBe(0);
    expect(stderr()).toContain(
      'warning: the account of the local credentials is not known (STS GetCallerIdentity did not answer, no VPC names its owner): excludeAccounts of --config could not be applied\n',
    );
  });

  it('without exclusions, does not wait for STS to read (an audit without --config is unchanged)', async () => {
    // Prepare
    region();
    sts.on(GetCallerIdentityCommand).rejects(new Error('endpoint unreachable'));
    const { io, stdout } = memoryIo();

    // Act
    const code = await runCli(['audit', '--region', 'eu-west-1', '--format', 'json'], io);

    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(stdout()).findings).toHaveLength(1);
  });
});

describe('audit --snapshot FILE (one snapshot) with excludeAccounts of --config', () => {
  const snapshot = (top: Record<string, unknown>, owner?: string) =>
    JSON.stringify({
      ...top,
      Vpcs: [{ VpcId: 'vpc-0000000a', ...(owner ? { OwnerId: owner } : {}) }],
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          GroupName: 'ssh',
          VpcId: 'vpc-0000000a',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
          IpPermissionsEgress: [],
        },
      ],
    });
  const FILE = ['audit', '--snapshot', 's.json', '--config', 'config.json', '--format', 'json'];

  it('does not judge a snapshot whose accountId is excluded: exit 2 naming it', async () => {
    // Prepare
    const { io, stdout, stderr } = memoryIo({
      ...config({ excludeAccounts: [OWN] }),
      's.json': snapshot({ accountId: OWN, region: 'eu-west-1' }),
    });

    // Act
    const code = await runCli(FILE, io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toBe(
      'vpc-guardrail: nothing to audit:\n' +
        `  account ${OWN} (the snapshot's) is in excludeAccounts of --config: it is never governed, so it is not judged\n`,
    );
  });

  it("takes the VPCs' OwnerId when the snapshot has no accountId", async () => {
    // Prepare
    const { io, stderr } = memoryIo({ ...config({ excludeAccounts: [OWN] }), 's.json': snapshot({}, OWN) });

    // Act
    const code = await runCli(FILE, io);

    // Assess
    expect(code).toBe(2);
    expect(stderr()).toContain(`account ${OWN} (the snapshot's) is in excludeAccounts of --config`);
  });

  it('judges a snapshot of another account, and one the allow-list leaves out (it may be the central one)', async () => {
    // Prepare
    const { io, stdout, stderr } = memoryIo({
      ...config({ accounts: ['444455556666'], excludeAccounts: ['777788889999'] }),
      's.json': snapshot({ accountId: OWN }),
    });

    // Act
    const code = await runCli(FILE, io);

    // Assess
    expect(code).toBe(1);
    expect(stderr()).toBe('');
    expect(JSON.parse(stdout()).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      'sg-open-admin-port',
    ]);
  });

  it('warns when the snapshot names no account at all, and judges it', async () => {
    // Prepare
    const { io, stderr } = memoryIo({ ...config({ excludeAccounts: [OWN] }), 's.json': snapshot({}) });

    // Act
    const code = await runCli(FILE, io);

    // Assess
    expect(code).toBe(1);
    expect(stderr()).toBe(
      "warning: the snapshot names no account (a top-level accountId, or a VPC's OwnerId): excludeAccounts of --config could not be applied\n",
    );
  });
});
