import { EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadSlice } from '../../../../../shared/aws/ec2/slice';
import { evaluate } from '../../../../../shared/engine';
import { emptyScope } from '../../../../../shared/events/event-table';
import type { Finding } from '../../../../../shared/findings';
import { parseConfig } from '../../../../../shared/load-config';
import { parseSnapshot } from '../../../../../shared/model/snapshot';
import { assessSlice } from '../../../../../shared/scope/assess';
import { ACL, buildWorld, ENI, entry, installFakeEc2, nacl, VPC, type World } from '../../../../helpers';

// Event-vs-audit parity of a NACL event's slice (found by scripts/emulator/parity.py on moto): the
// slice of a NACL event reads only the NACLs the event names, so a subnet behind another NACL must
// not be taken to be behind the default NACL (DESIGN §5 "Route resolution" applies to the region,
// where every NACL is known).

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1' });
const config = parseConfig({});
const GROUP = 'sg-0web';
const LOCKED_SUBNET = 'subnet-0locked';
const LOCKED_ACL = 'acl-0locked';
const LOCKED_ENI = 'eni-0locked';

/** buildWorld's exposed interface, plus one in a subnet whose own NACL admits only 443. */
function world(lockedIngress = [entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443])]): World {
  const w = buildWorld({ groupId: GROUP, rules: [{ id: 'sgr-world22', from: 22, cidr: '0.0.0.0/0' }] });
  w.Subnets.push({ SubnetId: LOCKED_SUBNET, VpcId: VPC, CidrBlock: '10.0.2.0/24', Tags: [] });
  w.NetworkAcls.push(
    nacl(LOCKED_ACL, [...lockedIngress, entry(100, 'out', 'allow', '-1', '0.0.0.0/0')], {
      vpcId: VPC,
      subnetIds: [LOCKED_SUBNET],
    }),
  );
  const eni = w.NetworkInterfaces[0];
  if (!eni) throw new Error('no interface');
  w.NetworkInterfaces.push({
    ...eni,
    NetworkInterfaceId: LOCKED_ENI,
    SubnetId: LOCKED_SUBNET,
    PrivateIpAddress: '10.0.2.10',
    Association: { PublicIp: '54.0.0.11' },
    Ipv6Addresses: [],
    Attachment: { InstanceId: 'i-0locked', InstanceOwnerId: '111122223333' },
  });
  return w;
}

/** The audit's findings (the whole region) about the resources an event reported on. */
function auditOf(w: World, resources: ReadonlySet<string>): Finding[] {
  return evaluate(parseSnapshot(w), config).filter((f) => resources.has(f.resourceId));
}

async function eventOf(w: World, acl: string) {
  installFakeEc2(ec2Mock, w);
  const scope = { ...emptyScope('CreateNetworkAclEntry', 'network-acl'), networkAclIds: [acl] };
  const slice = await loadSlice(ec2, scope, { accountId: w.accountId, region: w.region });
  const assessment = assessSlice([scope], slice.snapshot, config, { sliceComplete: slice.complete });
  return { slice, assessment };
}

const sortById = (findings: readonly Finding[]) => [...findings].sort((a, b) => a.id.localeCompare(b.id));

describe('a NACL event’s slice and the audit agree', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('a default-NACL event does not put a subnet behind another NACL under the default one', async () => {
    const w = world();
    const { slice, assessment } = await eventOf(w, ACL);
    // 5: a NACL entry event reads no subnet (it reports none); the findings are still the audit's.
    expect(slice.calls).toBe(5);
    // Before: the locked subnet, listed by no NACL the slice read, fell back to the default NACL:
    // its interface was reported exposed on 22/tcp through the default allow-all (the audit: not
    // exposed, its NACL admits only 443), and the default NACL's evidence named its subnet.
    expect(assessment.resolved.networkInterfaces).toEqual([ENI]);
    const reported = new Set([...assessment.resolved.networkAcls, ...assessment.resolved.networkInterfaces]);
    expect(sortById(assessment.findings)).toEqual(sortById(auditOf(w, reported)));
    const aclFinding = assessment.findings.find(
      (f) => f.resourceId === ACL && f.ruleId === 'nacl-open-admin-port',
    );
    expect(aclFinding?.evidence.subnetIds).toEqual(['subnet-0pub']);
    expect(assessment.findings.filter((f) => f.resourceId === LOCKED_ENI)).toEqual([]);
  });

  it('a default-NACL event batched with a subnet event reads every NACL: the named subnet is kept, behind its own NACL', async () => {
    const w = world();
    installFakeEc2(ec2Mock, w);
    const nacl = { ...emptyScope('CreateNetworkAclEntry', 'network-acl'), networkAclIds: [ACL] };
    const subnet = { ...emptyScope('ModifySubnetAttribute', 'subnet'), subnetIds: [LOCKED_SUBNET] };
    const merged = { ...nacl, subnetIds: [LOCKED_SUBNET] };
    const slice = await loadSlice(ec2, merged, { accountId: w.accountId, region: w.region });
    expect(slice.snapshot.NetworkAcls.map((a) => a.NetworkAclId).sort()).toEqual([ACL, LOCKED_ACL].sort());
    expect(slice.snapshot.Subnets.map((s) => s.SubnetId).sort()).toEqual(
      [LOCKED_SUBNET, 'subnet-0pub'].sort(),
    );
    const assessment = assessSlice([nacl, subnet], slice.snapshot, config, { sliceComplete: slice.complete });
    expect(assessment.resolved.networkInterfaces).toEqual([ENI]);
    const reported = new Set([
      ...assessment.resolved.networkAcls,
      ...assessment.resolved.subnets,
      ...assessment.resolved.networkInterfaces,
    ]);
    expect(sortById(assessment.findings)).toEqual(sortById(auditOf(w, reported)));
  });

  it('an explicit NACL’s event reports its own subnets’ interfaces, as the audit judges them', async () => {
    // The locked NACL admits 22 from the world too: its interface is exposed through it.
    const w = world([
      entry(90, 'in', 'allow', '6', '0.0.0.0/0', [22, 22]),
      entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
    ]);
    const { slice, assessment } = await eventOf(w, LOCKED_ACL);
    expect(slice.calls).toBe(5);
    expect(assessment.resolved.networkInterfaces).toEqual([LOCKED_ENI]);
    const reported = new Set([...assessment.resolved.networkAcls, ...assessment.resolved.networkInterfaces]);
    const audit = auditOf(w, reported);
    expect(audit.map((f) => [f.ruleId, f.resourceId]).sort()).toEqual(
      [
        ['eni-internet-exposed', LOCKED_ENI],
        ['nacl-ephemeral-return-blocked', LOCKED_ACL],
        ['nacl-open-admin-port', LOCKED_ACL],
      ].sort(),
    );
    expect(sortById(assessment.findings)).toEqual(sortById(audit));
  });
});
