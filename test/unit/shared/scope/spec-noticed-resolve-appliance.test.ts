import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../../shared/config';
import { evaluateReport } from '../../../../shared/engine';
import { emptyScope } from '../../../../shared/events/event-table';
import { buildModel } from '../../../../shared/model/model';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { mayCarryInternet, notJudgedInScope, resolveScope } from '../../../../shared/scope/resolve';

// DESIGN §7 scope of DisassociateRouteTable (the main tables the subnet can have fallen back to)
// and §3 "Not judged is said": a main table that sends the internet to an appliance in a VPC with
// ingress routing leaves its subnets' public interfaces not judged; the event must say so as the
// audit does. A gateway endpoint's list (S3, DynamoDB) to a `vpce-` is no way in and keeps nothing.

type Route = Record<string, string>;

function snapshot(routes: Route[], options: { edge?: boolean; endpoints?: object[]; lists?: object[] } = {}) {
  return parseSnapshot({
    Subnets: [{ SubnetId: 'subnet-a', VpcId: 'vpc-1' }],
    RouteTables: [
      {
        RouteTableId: 'rtb-main',
        VpcId: 'vpc-1',
        Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }, ...routes],
        Associations: [{ Main: true, RouteTableId: 'rtb-main' }],
      },
      ...(options.edge === false
        ? []
        : [
            {
              RouteTableId: 'rtb-edge',
              VpcId: 'vpc-1',
              Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }],
              Associations: [{ RouteTableId: 'rtb-edge', GatewayId: 'igw-1' }],
            },
          ]),
    ],
    NetworkInterfaces: [
      {
        NetworkInterfaceId: 'eni-a',
        SubnetId: 'subnet-a',
        VpcId: 'vpc-1',
        Groups: [],
        Association: { PublicIp: '54.0.0.10' },
      },
    ],
    NetworkAcls: [
      {
        NetworkAclId: 'acl-1',
        VpcId: 'vpc-1',
        IsDefault: true,
        Entries: [
          { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
          { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
        ],
        Associations: [
          { NetworkAclAssociationId: 'aclassoc-a', NetworkAclId: 'acl-1', SubnetId: 'subnet-a' },
        ],
      },
    ],
    VpcEndpoints: options.endpoints ?? [],
    ManagedPrefixLists: options.lists ?? [],
  });
}

const scope = { ...emptyScope('DisassociateRouteTable', 'route'), mainRouteTables: true as const };

/** The event's resolved tables and its not-judged, beside the audit's not-judged. */
function both(s: ReturnType<typeof parseSnapshot>) {
  const resolved = resolveScope(scope, buildModel(s));
  const audit = evaluateReport(s, DEFAULT_CONFIG).notJudged;
  return { tables: resolved.routeTables, event: notJudgedInScope(audit, resolved), audit };
}

describe('resolveScope: DisassociateRouteTable onto a main table that routes to an appliance', () => {
  it('keeps a main table whose default route is a GWLB endpoint behind ingress routing: not judged, as in the audit', () => {
    const out = both(
      snapshot([{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'vpce-gwlb', State: 'active' }]),
    );
    expect(out.tables).toEqual(['rtb-main']);
    expect(out.audit.map((n) => n.resourceId)).toEqual(['eni-a']);
    expect(out.event).toEqual(out.audit);
  });

  it('keeps one whose ::/0 goes to a firewall interface', () => {
    const out = both(
      snapshot([{ DestinationIpv6CidrBlock: '::/0', NetworkInterfaceId: 'eni-fw', State: 'active' }]),
    );
    expect(out.tables).toEqual(['rtb-main']);
  });

  it('keeps one routing an unresolved customer list to the GWLB endpoint', () => {
    const out = both(
      snapshot([{ DestinationPrefixListId: 'pl-cust', GatewayId: 'vpce-gwlb', State: 'active' }]),
    );
    expect(out.tables).toEqual(['rtb-main']);
    expect(out.event).toEqual(out.audit);
    expect(out.audit[0]?.reason).toContain('pl-cust to vpce-gwlb');
  });

  it('drops one whose only appliance route is a gateway endpoint’s list (S3): no way in, nothing unjudged', () => {
    const out = both(
      snapshot([{ DestinationPrefixListId: 'pl-s3', GatewayId: 'vpce-s3', State: 'active' }], {
        endpoints: [
          {
            VpcEndpointId: 'vpce-s3',
            VpcEndpointType: 'Gateway',
            VpcId: 'vpc-1',
            ServiceName: 'com.amazonaws.us-east-1.s3',
          },
        ],
      }),
    );
    expect(out).toEqual({ tables: [], event: [], audit: [] });
  });

  it('drops one that routes to the appliance without ingress routing (a NAT instance)', () => {
    const out = both(
      snapshot([{ DestinationCidrBlock: '0.0.0.0/0', InstanceId: 'i-nat', State: 'active' }], {
        edge: false,
      }),
    );
    expect(out).toEqual({ tables: [], event: [], audit: [] });
  });

  it('drops one whose appliance route covers only part of the internet', () => {
    const out = both(
      snapshot([{ DestinationCidrBlock: '0.0.0.0/1', GatewayId: 'vpce-gwlb', State: 'active' }]),
    );
    expect(out).toEqual({ tables: [], event: [], audit: [] });
  });
});

describe('mayCarryInternet: which main tables the slice keeps before it knows the edge tables', () => {
  it('keeps tables routing to an igw- or to an appliance, drops local-only and blackholed ones', () => {
    const local = { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' };
    expect(mayCarryInternet([local])).toBe(false);
    expect(
      mayCarryInternet([local, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }]),
    ).toBe(true);
    expect(
      mayCarryInternet([local, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'vpce-1', State: 'active' }]),
    ).toBe(true);
    expect(
      mayCarryInternet([local, { DestinationCidrBlock: '0.0.0.0/0', NetworkInterfaceId: 'eni-1' }]),
    ).toBe(true);
    expect(
      mayCarryInternet([local, { DestinationCidrBlock: '0.0.0.0/0', InstanceId: 'i-1', State: 'blackhole' }]),
    ).toBe(false);
    expect(
      mayCarryInternet([
        local,
        { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' } as never,
      ]),
    ).toBe(false);
  });
});
