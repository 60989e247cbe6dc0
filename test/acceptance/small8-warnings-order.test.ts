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
  it('a reversed snapshot gives the same summary.warnings: by kind as before, each kind by resource', async () => {
    const forward = await auditJson(disagreeing(), '--fail-on', 'none');
    const backward = await auditJson(reversed(disagreeing()), '--fail-on', 'none');
    const warnings = forward.report?.summary.warnings ?? [];
    const groups = warnings.filter((w) => w.startsWith('security group '));
    const tagsOn = (prefix: string) =>
      warnings.filter((w) => w.startsWith(`the vpc-guardrail:exempt tag on ${prefix}`));
    // Several of each, else the order would prove nothing; each kind in id order, kinds as before
    // (VPCs, then internet gateways).
    expect(groups.length).toBeGreaterThan(1);
    expect(groups).toEqual([...groups].sort());
    for (const prefix of ['vpc-', 'igw-']) {
      expect(tagsOn(prefix)).toHaveLength(2);
      expect(tagsOn(prefix)).toEqual([...tagsOn(prefix)].sort());
    }
    expect(warnings.findIndex((w) => w.includes(' tag on igw-'))).toBeGreaterThan(
      warnings.findIndex((w) => w.includes(' tag on vpc-')),
    );
    expect(backward.report?.summary.warnings).toEqual(warnings);
    expect(backward.stderr).toBe(forward.stderr);
  });
});

describe("an interface's public IPv4 addresses in evidence and detail", () => {
  const BASTION_ENI = 'eni-0d3m0000000000b51';

  function withAddresses(privateIps: Json[], association?: Json): Json {
    const snapshot = structuredClone(DEMO);
    const eni = (snapshot.NetworkInterfaces as Json[]).find(
      (e) => e.NetworkInterfaceId === BASTION_ENI,
    ) as Json;
    if (association) eni.Association = association;
    else delete eni.Association;
    eni.PrivateIpAddresses = privateIps;
    return snapshot;
  }
  const address = (ip: string, publicIp: string, primary: boolean) => ({
    PrivateIpAddress: ip,
    Primary: primary,
    Association: { PublicIp: publicIp },
  });

  async function exposure(snapshot: Json) {
    const { report } = await auditJson(snapshot, '--fail-on', 'none');
    const finding = report?.findings.find(
      (f) => f.ruleId === 'eni-internet-exposed' && f.resourceId === BASTION_ENI,
    );
    const families = finding?.evidence.families as { ipv4?: { addresses: string[] } } | undefined;
    return { addresses: families?.ipv4?.addresses, detail: finding?.detail ?? '' };
  }

  it('the primary first (EC2 names it in Association), then the secondaries in numeric order, whatever the listing order', async () => {
    const primary = address('10.20.0.20', '54.9.0.1', true);
    const second = address('10.20.0.21', '100.20.0.1', false);
    const third = address('10.20.0.22', '3.3.3.3', false);
    for (const order of [
      [primary, second, third],
      [third, second, primary],
      [second, primary, third],
    ]) {
      const { addresses, detail } = await exposure(withAddresses(order, { PublicIp: '54.9.0.1' }));
      expect(addresses).toEqual(['54.9.0.1', '3.3.3.3', '100.20.0.1']);
      expect(detail).toContain('over IPv4 (54.9.0.1, 3.3.3.3, 100.20.0.1) on 22/tcp');
    }
  });

  it('without an Association (a hand-made item), numeric order alone', async () => {
    const { addresses } = await exposure(
      withAddresses([address('10.20.0.21', '100.20.0.1', false), address('10.20.0.22', '3.3.3.3', false)]),
    );
    expect(addresses).toEqual(['3.3.3.3', '100.20.0.1']);
  });
});
