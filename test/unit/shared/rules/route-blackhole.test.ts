import { describe, expect, it } from 'vitest';
import { routeBlackhole } from '../../../../shared/rules/route-blackhole';
import { ec2Fixture, run } from '../../../helpers';

describe('route-blackhole', () => {
  it('real responses: one finding for the table whose NAT route is a blackhole, none for the others', () => {
    // Act
    const result = run(routeBlackhole, ec2Fixture('DescribeRouteTables--awscli-example-nat-blackhole-igw'));
    // Assess
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({
      severity: 'low',
      resourceType: 'AWS::EC2::RouteTable',
      resourceId: 'rtb-09ba434c1bEXAMPLE',
      vpcId: 'vpc-0065acced4EXAMPLE',
      evidence: {
        blackholeRoutes: [{ destination: '0.0.0.0/0', target: 'nat-06c018cbd8EXAMPLE' }],
        main: true,
      },
    });
  });

  it('lists every blackhole route of a table in one finding (IPv6, prefix-list and peering targets)', () => {
    // Prepare
    const snapshot = {
      RouteTables: [
        {
          RouteTableId: 'rtb-1',
          VpcId: 'vpc-1',
          Routes: [
            { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
            { DestinationCidrBlock: '172.16.0.0/16', VpcPeeringConnectionId: 'pcx-1', State: 'blackhole' },
            { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'blackhole' },
            { DestinationPrefixListId: 'pl-1', GatewayId: 'vpce-1', State: 'blackhole' },
          ],
        },
      ],
    };
    // Act
    const result = run(routeBlackhole, snapshot);
    // Assess
    expect(result).toHaveLength(1);
    expect(result[0]?.evidence.blackholeRoutes).toEqual([
      { destination: '172.16.0.0/16', target: 'pcx-1' },
      { destination: '::/0', target: 'eigw-1' },
      { destination: 'pl-1', target: 'vpce-1' },
    ]);
    expect(result[0]?.title).toContain('3 blackhole routes');
  });

  it('real responses: four blackhole routes to deleted interfaces (Kubernetes pod routes) make one finding', () => {
    // Act
    const result = run(routeBlackhole, ec2Fixture('DescribeRouteTables--igw-endpoint-peering-placebo'));
    // Assess
    expect(result.map((f) => f.resourceId)).toEqual(['rtb-e888328d']);
    expect(result[0]?.evidence.blackholeRoutes).toEqual([
      { destination: '10.244.1.0/24', target: 'eni-961cc8ce' },
      { destination: '10.244.2.0/24', target: 'eni-a91cc8f1' },
      { destination: '10.244.3.0/24', target: 'eni-4a1dc912' },
      { destination: '10.244.4.0/24', target: 'eni-6a1dc932' },
    ]);
  });

  it('does not fire on real tables with igw, NAT and gateway-endpoint routes that are all active', () => {
    expect(
      run(routeBlackhole, ec2Fixture('DescribeRouteTables--igw-nat-gateway-endpoint-13-tables-placebo')),
    ).toEqual([]);
    expect(
      run(routeBlackhole, ec2Fixture('DescribeRouteTables--igw-main-and-subnet-associations-placebo')),
    ).toEqual([]);
  });
});
