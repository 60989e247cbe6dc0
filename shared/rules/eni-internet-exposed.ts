import { type ExposedPorts, exposureAnalysis, type FamilyExposure } from '../analysis/exposure';
import type { FindingDraft } from '../findings';
import { formatPortSet, formatPortsWithProtocol } from '../net/ports';
import type { RuleContext, RuleDefinition } from './types';

const ID = 'eni-internet-exposed';

/** `["22/tcp", "80/tcp", "53/udp"]`: what allow-lists and notices read. */
function portList(ports: ExposedPorts): string[] {
  return [...formatPortsWithProtocol(ports.tcp, 'tcp'), ...formatPortsWithProtocol(ports.udp, 'udp')];
}

function familyEvidence(f: FamilyExposure): Record<string, unknown> {
  return {
    addresses: f.addresses,
    ports: { tcp: formatPortSet(f.ports.tcp), udp: formatPortSet(f.ports.udp) },
    path: [
      { type: 'internet-gateway', id: f.path.internetGatewayId },
      { type: 'route-table', id: f.path.routeTableId, association: f.path.routeTableAssociation },
      { type: 'network-acl', id: f.path.networkAclId, association: f.path.networkAclAssociation },
      { type: 'security-groups', ids: f.path.securityGroupIds },
    ],
  };
}

/**
 * Effective internet exposure of a network interface, per address family (DESIGN §5): it has an
 * address of the family, its subnet routes that family's default route to an igw-, its NACL lets
 * the world in on the port and out on some port of the protocol, and its groups let the world in
 * on the port. Severity by the exposed ports.
 */
export const eniInternetExposed: RuleDefinition = {
  id: ID,
  severity: 'by-ports',
  title: 'Network interface reachable from the internet',
  resourceType: 'AWS::EC2::NetworkInterface',
  controls: [],
  autoFix: 'no',
  fixActions: [],
  parameters: ['adminPorts', 'highRiskPorts', 'authorizedPorts', 'worldOpenCoverage'],
  evaluate({ model, analysis }: RuleContext): FindingDraft[] {
    const out: FindingDraft[] = [];
    for (const exposure of exposureAnalysis(analysis).exposedInterfaces()) {
      const eni = model.networkInterfaces.get(exposure.networkInterfaceId);
      const ports = portList(exposure.ports);
      const shown = ports.length > 8 ? `${ports.slice(0, 8).join(', ')} …` : ports.join(', ');
      const families = exposure.families.map((f) => (f.family === 'ipv4' ? 'IPv4' : 'IPv6')).join(' and ');
      const addresses = exposure.families.flatMap((f) => f.addresses);
      const attached = eni?.item.Attachment?.InstanceId ? ` (${eni.item.Attachment.InstanceId})` : '';
      const first = exposure.families[0];
      const path = first
        ? `${first.path.internetGatewayId} → ${first.path.routeTableId} → ${first.path.networkAclId} → ${first.path.securityGroupIds.join(', ')}`
        : '';
      out.push({
        ruleId: ID,
        severity: exposure.severity,
        resourceType: 'AWS::EC2::NetworkInterface',
        resourceId: exposure.networkInterfaceId,
        vpcId: exposure.vpcId ?? '',
        title: `${exposure.networkInterfaceId}${attached} is reachable from the internet on ${shown}`,
        detail:
          `Network interface ${exposure.networkInterfaceId}${attached} can be reached from the internet over ` +
          `${families} (${addresses.join(', ')}) on ${ports.join(', ')}: its route table, network ACL and ` +
          `security groups all let the traffic through (${path}). Close the ports in a security group, ` +
          'or move the interface to a private subnet.',
        controls: [],
        evidence: {
          ports,
          subnetId: exposure.subnetId,
          ...(eni?.item.InterfaceType ? { interfaceType: eni.item.InterfaceType } : {}),
          ...(eni?.item.Attachment?.InstanceId ? { instanceId: eni.item.Attachment.InstanceId } : {}),
          families: Object.fromEntries(exposure.families.map((f) => [f.family, familyEvidence(f)])),
        },
      });
    }
    return out;
  },
};
