import { describe, expect, it } from 'vitest';
import { filteredIgwRoutes } from '../../../../shared/analysis/igw-routes';
import { mayCarryInternet, routesToInternet } from '../../../../shared/scope/resolve';

// RouteState is `active | blackhole | filtered`, and the EC2 API reference describes only the first
// two. A route to an igw- in state `filtered` may or may not carry the internet: the rules list the
// subnets it decides as not judged (Analysis.unknownIgwRoute), and the event slice keeps the table.

const LOCAL = { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' };
const v4 = { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'filtered' };
const v6 = { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'filtered' };
const list = { DestinationPrefixListId: 'pl-1', GatewayId: 'igw-1', State: 'filtered' };

describe('filteredIgwRoutes', () => {
  it('names the destinations of filtered routes to an igw-, per family (a prefix list in both)', () => {
    const routes = [LOCAL, v6, v4, list];
    expect(filteredIgwRoutes(routes)).toEqual(['0.0.0.0/0', '::/0', 'pl-1']);
    expect(filteredIgwRoutes(routes, 'ipv4')).toEqual(['0.0.0.0/0', 'pl-1']);
    expect(filteredIgwRoutes(routes, 'ipv6')).toEqual(['::/0', 'pl-1']);
  });

  it('leaves out active, blackhole and absent states, and filtered routes to other targets', () => {
    expect(
      filteredIgwRoutes([
        LOCAL,
        { ...v4, State: 'active' },
        { ...v4, State: 'blackhole' },
        { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' },
        { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'nat-1', State: 'filtered' },
        { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'vgw-1', State: 'filtered' },
      ]),
    ).toEqual([]);
  });
});

describe('the event slice keeps a main table whose igw- route is filtered', () => {
  it('mayCarryInternet and routesToInternet: true for a filtered igw- route, false for a blackhole one', () => {
    expect(mayCarryInternet([LOCAL, v4])).toBe(true);
    expect(routesToInternet([LOCAL, v6], 1)).toBe(true);
    expect(mayCarryInternet([LOCAL, { ...v4, State: 'blackhole' }])).toBe(false);
    expect(routesToInternet([LOCAL, { ...v4, State: 'blackhole' }], 1)).toBe(false);
  });
});
