// API model audit: CreateVpc and CreateDefaultVpc (botocore `CreateVpcRequest`: `CidrBlock`,
// IPAM pools, `TagSpecifications`; result `vpc.vpcId`; `CreateDefaultVpcRequest`: only `DryRun`)
// make resources the rules judge at once, named nowhere in the record: the VPC's default security
// group, which EC2 creates with its inbound self-reference and outbound all
// (`sg-default-not-restricted`, CIS 5.4 / FSBP EC2.2), and its default NACL, which allows everything
// from 0.0.0.0/0 and ::/0 (`nacl-open-admin-port`, FSBP EC2.21: no exemption for default NACLs,
// DESIGN §5); a default VPC adds subnets that assign public IPv4 addresses (FSBP EC2.15). AWS Config
// evaluates those controls when the VPC appears; the event path did not see it at all.

import { EC2Client } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { triageEvent } from '../../shared/events/parse';
import { ACL, buildWorld, cloudTrailRecord, envelope, runRecord, SUBNET, VPC, type World } from '../helpers';

const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const OPTIONS = { exemptionTagKey: 'vpc-guardrail:exempt' };

beforeEach(() => {
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

/** A VPC as EC2 makes it: its default group (self-reference in, all out), default NACL, main table. */
function newVpc(withSubnet: boolean): World {
  const w = buildWorld({
    groupId: 'sg-0def',
    groupName: 'default',
    rules: [{ id: 'sgr-self', protocol: '-1', group: 'sg-0def' }],
  });
  w.SecurityGroups = w.SecurityGroups.filter((g) => g.GroupId === 'sg-0def');
  w.SecurityGroupRules = w.SecurityGroupRules.filter((r) => r.GroupId === 'sg-0def');
  w.NetworkInterfaces = [];
  const table = w.RouteTables[0];
  if (table && !withSubnet)
    table.Routes = [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }];
  if (withSubnet) {
    const subnet = w.Subnets[0];
    if (subnet) {
      subnet.MapPublicIpOnLaunch = true;
      subnet.DefaultForAz = true;
      subnet.Tags = [];
    }
  } else {
    w.Subnets = [];
    const acl = w.NetworkAcls[0];
    if (acl) acl.Associations = [];
  }
  return w;
}

const run = (w: World, record: Record<string, unknown>) =>
  runRecord({ ec2: ec2Mock, sns: snsMock }, w, record);

const createVpc = () =>
  cloudTrailRecord(
    'CreateVpc',
    { cidrBlock: '10.0.0.0/16', amazonProvidedIpv6CidrBlock: false },
    { requestId: 'r', vpc: { vpcId: VPC, state: 'pending', cidrBlock: '10.0.0.0/16', isDefault: false } },
  );

describe('CreateVpc: the default group and default NACL EC2 makes with it', () => {
  it('is scoped to the new VPC (response vpc.vpcId)', () => {
    const triage = triageEvent(envelope(createVpc()), OPTIONS);
    expect(triage.kind === 'handle' ? triage.scope.newVpcIds : triage).toEqual([VPC]);
  });

  it('reports the default NACL open on admin ports and the default group not restricted', async () => {
    const { result, notices } = await run(newVpc(false), createVpc());
    expect(result.messages[0]?.outcome).toBe('handled');
    expect(notices.map((n) => n.Subject)).toEqual([
      expect.stringMatching(new RegExp(`^\\[HIGH\\] .*${ACL}`)),
    ]);
    const body = notices[0]?.Message ?? '';
    expect(body).toContain('nacl-open-admin-port');
    expect(body).toContain('sg-default-not-restricted');
    expect(body).toContain('sg-0def');
    // Nothing is remediated: both fixes are opt-in (DESIGN §5, §8).
    expect(result.groups[0]?.actions).toEqual([]);
  });

  it('is told, not dropped, when the record names no VPC (responseElements left out)', () => {
    const triage = triageEvent(
      envelope(cloudTrailRecord('CreateVpc', { cidrBlock: '10.0.0.0/16' }, null)),
      OPTIONS,
    );
    expect(triage.kind === 'handle' ? triage.scope.unreadable : triage).toMatch(/no responseElements/);
  });
});

describe('CreateDefaultVpc: a default VPC with subnets that assign public IPv4 addresses', () => {
  it('reports the subnets too', async () => {
    const { notices } = await run(
      newVpc(true),
      cloudTrailRecord('CreateDefaultVpc', {}, { requestId: 'r', vpc: { vpcId: VPC, isDefault: true } }),
    );
    const body = notices[0]?.Message ?? '';
    expect(body).toContain('subnet-auto-assign-public-ip');
    expect(body).toContain(SUBNET);
    expect(body).toContain('nacl-open-admin-port');
    expect(body).toContain('sg-default-not-restricted');
  });
});
