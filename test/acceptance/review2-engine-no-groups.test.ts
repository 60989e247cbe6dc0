import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { evaluateReport } from '../../shared/engine';
import { parseSnapshot } from '../../shared/model/snapshot';
import { buildWorld, SUBNET, VPC } from '../helpers';

// Review of 84f5105 (an interface no security group filters, DESIGN §3 "Not judged is said"): the
// reason must name what to add. An instance's interfaces of the other kinds EC2 prints (`efa`,
// `trunk`, `branch`: NetworkInterfaceType) always carry groups as `interface` does, so one listed
// without any lacks its Groups; it was told that "the service owning it" (a load balancer's
// listeners) decides, which sends the reader to look for a load balancer that is not there.

const report = (snapshot: object) => evaluateReport(parseSnapshot(snapshot), DEFAULT_CONFIG);

const world = (InterfaceType: string) => {
  const w = buildWorld({ groupId: 'sg-0web', rules: [] });
  w.NetworkInterfaces.push({
    NetworkInterfaceId: 'eni-0x',
    SubnetId: SUBNET,
    VpcId: VPC,
    InterfaceType,
    Association: { PublicIp: '54.0.0.21' },
    Groups: [],
  });
  return w;
};

const INSTANCE_REASON =
  'it has a public address and no security group in the snapshot (EC2 gives every instance interface one: add its Groups)';

describe('an instance interface of another InterfaceType listed without groups', () => {
  it.each(['interface', 'efa', 'trunk', 'branch'])('%s: not judged, and told to add its Groups', (type) => {
    const r = report(world(type));
    expect(r.findings.filter((f) => f.resourceId === 'eni-0x')).toEqual([]);
    expect(r.notJudged).toEqual([
      { resourceId: 'eni-0x', ruleId: 'eni-internet-exposed', reason: INSTANCE_REASON },
    ]);
  });

  it('a network load balancer’s interface keeps the listeners reason', () => {
    const r = report(world('network_load_balancer'));
    expect(r.notJudged.map((n) => n.reason)).toEqual([
      'it has a public address and no security group (InterfaceType network_load_balancer): what reaches it is what the service owning it accepts (a load balancer’s listeners), which the snapshot does not describe',
    ]);
  });
});
