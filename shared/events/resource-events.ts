import { type ExtractContext, ids, noResource, type ScopeParts } from './extract';
import { field, path } from './shapes';
import { exemptionOnCreate } from './tag-event';
import type { Ignored } from './types';

// The VPC, subnet, NAT gateway and endpoint rows of the event table (./event-table.ts).

/**
 * CreateVpc / CreateDefaultVpc (beyond §7's list, added): EC2 makes the VPC's default security
 * group (inbound from itself, outbound to all: `sg-default-not-restricted`) and default NACL
 * (everything allowed from 0.0.0.0/0 and ::/0: `nacl-open-admin-port`), and a default VPC's subnets
 * assign public IPv4 addresses, none of them named in the record: the scope is what is in the new
 * VPC (`vpc.vpcId` of the response), read by VPC.
 */
export function createVpc({ request, response, exemptionTagKey }: ExtractContext): ScopeParts | Ignored {
  const newVpcIds = ids(path(response, 'vpc', 'vpcId'));
  if (newVpcIds.length === 0) return noResource('no vpc.vpcId in the response');
  return { newVpcIds, vpcIds: newVpcIds, ...exemptionOnCreate(request, exemptionTagKey, { vpc: newVpcIds }) };
}

export function createSubnet({ request, response, exemptionTagKey }: ExtractContext): ScopeParts | Ignored {
  const subnetIds = ids(path(response, 'subnet', 'subnetId'));
  if (subnetIds.length === 0) return noResource('no subnet.subnetId in the response');
  return {
    subnetIds,
    vpcIds: ids(field(request, 'vpcId'), path(response, 'subnet', 'vpcId')),
    ...exemptionOnCreate(request, exemptionTagKey, { subnet: subnetIds }),
  };
}

export function modifySubnetAttribute({ request }: ExtractContext): ScopeParts | Ignored {
  const subnetIds = ids(field(request, 'subnetId'));
  if (subnetIds.length === 0) return noResource('no subnetId in the request');
  return { subnetIds };
}

export function createNatGateway({
  request,
  response,
  exemptionTagKey,
}: ExtractContext): ScopeParts | Ignored {
  const gateway = field(response, 'natGateway');
  const natGatewayIds = ids(field(gateway, 'natGatewayId'));
  const subnetIds = ids(field(gateway, 'subnetId'), field(request, 'SubnetId'));
  if (natGatewayIds.length === 0) return noResource('no natGateway.natGatewayId in the response');
  return {
    natGatewayIds,
    subnetIds,
    ...exemptionOnCreate(request, exemptionTagKey, { natgateway: natGatewayIds }),
  };
}

export function createVpcEndpoint({
  request,
  response,
  exemptionTagKey,
}: ExtractContext): ScopeParts | Ignored {
  const vpcEndpointIds = ids(path(response, 'vpcEndpoint', 'vpcEndpointId'));
  if (vpcEndpointIds.length === 0) return noResource('no vpcEndpoint.vpcEndpointId in the response');
  return {
    vpcEndpointIds,
    ...exemptionOnCreate(request, exemptionTagKey, { 'vpc-endpoint': vpcEndpointIds }),
  };
}

export function modifyVpcEndpoint({ request }: ExtractContext): ScopeParts | Ignored {
  const vpcEndpointIds = ids(field(request, 'VpcEndpointId'));
  if (vpcEndpointIds.length === 0) return noResource('no VpcEndpointId in the request');
  return { vpcEndpointIds };
}
