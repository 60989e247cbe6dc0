import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditJson } from '../helpers';

// summary.warnings do not depend on the order EC2 happened to list things in (small8 review): a
// snapshot with its lists reversed warns in the same order. Built from the demo snapshot.

type Json = Record<string, unknown>;
const DEMO = JSON.parse(readFileSync('examples/demo-snapshot.json', 'utf8')) as Json;
const TAG = [{ Key: 'vpc-guardrail:exempt', Value: '*' }];

/**
 * The demo with every group's two views disagreeing (a rule only in SecurityGroupRules, one per
 * group) and exemption tags where no rule looks (a VPC and an internet gateway of each of two VPCs).
 */
function disagreeing(): Json {
  const snapshot = structuredClone(DEMO);
  const extra = (snapshot.SecurityGroups as Json[]).map((group, i) => ({
    SecurityGroupRuleId: `sgr-0small8000000${String(i).padStart(4, '0')}`,
    GroupId: group.GroupId,
    GroupOwnerId: '111122223333',
    IsEgress: false,
    IpProtocol: 'tcp',
    FromPort: 8443,
    ToPort: 8443,
    CidrIpv4: '10.9.9.9/32',
    Tags: [],
  }));
  snapshot.SecurityGroupRules = [...(snapshot.SecurityGroupRules as Json[]), ...extra];
  const vpcs = snapshot.Vpcs as Json[];
  const igws = snapshot.InternetGateways as Json[];
  vpcs.push({ ...structuredClone(vpcs[0] as Json), VpcId: 'vpc-0small8second00' });
  igws.push({
    ...structuredClone(igws[0] as Json),
    InternetGatewayId: 'igw-0small8second00',
    Attachments: [],
  });
  for (const item of [...vpcs, ...igws]) item.Tags = TAG;
  return snapshot;
}

function reversed(snapshot: Json): Json {
  const out = structuredClone(snapshot);
  for (const [key, value] of Object.entries(out)) if (Array.isArray(value)) out[key] = [...value].reverse();
  return out;
}

describe('warnings in an order of their own', () => {
  it('a reversed snapshot gives the same summary.warnings, sorted by resource', async () => {
    const forward = await auditJson(disagreeing(), '--fail-on', 'none');
    const backward = await auditJson(reversed(disagreeing()), '--fail-on', 'none');
    const warnings = forward.report?.summary.warnings ?? [];
    const groups = warnings.filter((w) => w.startsWith('security group '));
    const tags = warnings.filter((w) => w.startsWith('the vpc-guardrail:exempt tag on '));
    // Several of each, else the order would prove nothing.
    expect(groups.length).toBeGreaterThan(1);
    expect(tags.length).toBeGreaterThan(1);
    expect(groups).toEqual([...groups].sort());
    expect(tags).toEqual([...tags].sort());
    expect(backward.report?.summary.warnings).toEqual(warnings);
    expect(backward.stderr).toBe(forward.stderr);
  });
});
