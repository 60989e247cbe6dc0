import type { RouteItem } from '../model/snapshot-schema';

/** The target of a route, whichever field holds it. */
export function routeTarget(route: RouteItem): string | undefined {
  return (
    route.GatewayId ??
    route.NatGatewayId ??
    route.TransitGatewayId ??
    route.VpcPeeringConnectionId ??
    route.EgressOnlyInternetGatewayId ??
    route.NetworkInterfaceId ??
    route.InstanceId ??
    route.CarrierGatewayId ??
    route.LocalGatewayId ??
    route.CoreNetworkArn
  );
}
