import {
  type ExposedPorts,
  exposureAnalysis,
  type FamilyExposure,
  type InterfaceExposure,
} from '../analysis/exposure';
import type { PortSpec } from '../config';
import type { FindingDraft } from '../findings';
import { formatPortSet, type PortSet } from '../net/ports';
import { defineRule, reportOnly } from './define-rule';
import { formatTransportPorts, portSpecsOf } from './sg-open-common';
import type { RuleContext } from './types';

const ID = 'eni-internet-exposed';

/** The first eight ports, then an ellipsis (a title stays short). */
export function shownPorts(list: readonly string[]): string {
  return list.length > 8 ? `${list.slice(0, 8).join(', ')} …` : list.join(', ');
}

/** A finding's title: `eni-… (i-…) is reachable from the internet on 22/tcp, …` (`shown`: see shownPorts). */
export function interfaceTitle(interfaceId: string, instanceId: string | undefined, shown: string): string {
  return `${interfaceId}${instanceId ? ` (${instanceId})` : ''} is reachable from the internet on ${shown}`;
}

/** The formatted forms of one exposed-ports object, shared by the interfaces of one shape. */
interface PortTexts {
  /** The ports structured: the draft's `ports` (allow-lists and precedence read these). */
  specs: PortSpec[];
  /** The first eight of them (the title). */
  shown: string;
  /** All of them (the detail). */
  joined: string;
  /** All of them, the finding's evidence key (as the other port rules key theirs: `22/tcp,443/tcp`). */
  key: string;
}

/**
 * Port sets and exposed-ports objects are shared by identity across interfaces of one shape (the
 * exposure analysis memoizes them), so their text is built once per object, not once per finding
 * (7k findings on a large region). Findings get their own copies of the arrays.
 */
class PortFormatter {
  private readonly sets = new Map<PortSet, string[]>();
  private readonly exposed = new Map<ExposedPorts, PortTexts>();

  set(ports: PortSet): string[] {
    let text = this.sets.get(ports);
    if (!text) {
      text = formatPortSet(ports);
      this.sets.set(ports, text);
    }
    return text;
  }

  texts(ports: ExposedPorts): PortTexts {
    let texts = this.exposed.get(ports);
    if (!texts) {
      const list = formatTransportPorts(ports);
      const joined = list.join(', ');
      const shown = shownPorts(list);
      texts = { specs: portSpecsOf(ports), shown, joined, key: list.join(',') };
      this.exposed.set(ports, texts);
    }
    return texts;
  }
}

function familyEvidence(f: FamilyExposure, format: PortFormatter): Record<string, unknown> {
  return {
    addresses: f.addresses,
    ports: { tcp: format.set(f.ports.tcp).slice(), udp: format.set(f.ports.udp).slice() },
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
export const eniInternetExposed = defineRule({
  meta: reportOnly(ID, 'by-ports', {
    title: 'Network interface reachable from the internet',
    resourceType: 'AWS::EC2::NetworkInterface',
    parameters: ['adminPorts', 'highRiskPorts', 'authorizedPorts', 'worldOpenCoverage'],
  }),
  evaluate({ analysis }: RuleContext): FindingDraft[] {
    const out: FindingDraft[] = [];
    const format = new PortFormatter();
    const exposures = exposureAnalysis(analysis).exposedInterfaces();
    // Indexed: a for-of step allocates an iterator result until the loop is optimized.
    for (let i = 0; i < exposures.length; i++) {
      const exposure = exposures[i] as InterfaceExposure;
      // hot (one per exposed interface): the interface the exposure was computed from, not a
      // lookup by id in the region's 50k (a cold read of the map and of the id each).
      const eni = exposure.networkInterface;
      const texts = format.texts(exposure.ports);
      // At most two families: plain loops instead of map/flatMap/fromEntries per finding.
      let families = '';
      let addresses = '';
      const byFamily: Record<string, unknown> = {};
      for (const f of exposure.families) {
        families += `${families === '' ? '' : ' and '}${f.family === 'ipv4' ? 'IPv4' : 'IPv6'}`;
        for (const address of f.addresses) addresses += `${addresses === '' ? '' : ', '}${address}`;
        byFamily[f.family] = familyEvidence(f, format);
      }
      const instanceId = eni.item.Attachment?.InstanceId;
      const attached = instanceId ? ` (${instanceId})` : '';
      const first = exposure.families[0];
      const path = first
        ? `${first.path.internetGatewayId} → ${first.path.routeTableId} → ${first.path.networkAclId} → ${first.path.securityGroupIds.join(', ')}`
        : '';
      // Evidence keys in the order the report has always shown them (the engine writes `ports` first).
      const evidence: Record<string, unknown> = { subnetId: exposure.subnetId };
      const interfaceType = eni.item.InterfaceType;
      if (interfaceType) evidence.interfaceType = interfaceType;
      if (instanceId) evidence.instanceId = instanceId;
      evidence.families = byFamily;
      out.push({
        ruleId: ID,
        severity: exposure.severity,
        resourceType: 'AWS::EC2::NetworkInterface',
        resourceId: exposure.networkInterfaceId,
        vpcId: exposure.vpcId ?? '',
        title: interfaceTitle(exposure.networkInterfaceId, instanceId, texts.shown),
        detail:
          `Network interface ${exposure.networkInterfaceId}${attached} can be reached from the internet over ` +
          `${families} (${addresses}) on ${texts.joined}: its route table, network ACL and ` +
          `security groups all let the traffic through (${path}). Close the ports in a security group, ` +
          'or move the interface to a private subnet.',
        controls: [],
        ports: texts.specs,
        evidence,
        // The id follows the exposed ports, as a sg-open-* finding's does: an interface newly
        // reachable on 22 is news to a consumer deduplicating by id, not a repeat of its 443.
        evidenceKey: texts.key,
        // Read here, where the interface's item was just read (no second lookup of it by id).
        resourceTags: eni.tags,
      });
    }
    return out;
  },
});
