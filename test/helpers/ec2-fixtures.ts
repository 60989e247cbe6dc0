import { readFileSync } from 'node:fs';

/** A real EC2 response from test/fixtures/ec2 (Placebo recordings are unwrapped from `{status_code, data}`). */
export function ec2Fixture(name: string): Record<string, unknown> {
  const json = JSON.parse(
    readFileSync(new URL(`../fixtures/ec2/${name}.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  const data = 'status_code' in json ? (json.data as Record<string, unknown>) : json;
  const { ResponseMetadata: _metadata, ...rest } = data;
  return rest;
}

/** A small region around one subnet: the shape most routing and exposure tests start from. */
export interface RegionOptions {
  subnetName?: string;
  mapPublicIp?: boolean;
  /** Routes of the subnet's explicit table; `undefined` leaves the subnet on the main table. */
  explicitRoutes?: Record<string, unknown>[];
  mainRoutes?: Record<string, unknown>[];
}

export const IGW_ROUTES = [
  { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
  { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' },
  { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active' },
];
export const LOCAL_ROUTES = [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }];

/** Route tables of one subnet: a main table and, when given, an explicitly associated one. */
export function routeTables(options: RegionOptions) {
  const tables: Record<string, unknown>[] = [
    {
      RouteTableId: 'rtb-main',
      VpcId: 'vpc-1',
      Routes: options.mainRoutes ?? LOCAL_ROUTES,
      Associations: [{ Main: true, RouteTableId: 'rtb-main', RouteTableAssociationId: 'rtbassoc-main' }],
    },
  ];
  if (options.explicitRoutes) {
    tables.push({
      RouteTableId: 'rtb-1',
      VpcId: 'vpc-1',
      Routes: options.explicitRoutes,
      Associations: [
        {
          Main: false,
          RouteTableId: 'rtb-1',
          SubnetId: 'subnet-1',
          AssociationState: { State: 'associated' },
        },
      ],
    });
  }
  return tables;
}

export function subnet(options: RegionOptions) {
  return {
    SubnetId: 'subnet-1',
    VpcId: 'vpc-1',
    CidrBlock: '10.0.1.0/24',
    MapPublicIpOnLaunch: options.mapPublicIp ?? false,
    Tags: options.subnetName === undefined ? [] : [{ Key: 'Name', Value: options.subnetName }],
  };
}

/** A snapshot of the one subnet `options` describe and its route tables (the subnet rules' tests). */
export function subnetRegion(options: RegionOptions) {
  return { Subnets: [subnet(options)], RouteTables: routeTables(options) };
}
