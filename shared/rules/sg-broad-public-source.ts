import type { TransportReach } from '../analysis/sg-reach';
import type { FindingDraft } from '../findings';
import { subtract } from '../net/interval-set';
import type { PortSet } from '../net/ports';
import { defineRule, reportOnly } from './define-rule';
import {
  compareRules,
  familyText,
  formatTransportPorts,
  groupLabel,
  hitsPorts,
  isEmptyPorts,
  mergedFamilies,
  openPortsEvidence,
  portSpecsOf,
  publicFamilies,
  type TransportPorts,
} from './sg-open-common';

const ID = 'sg-broad-public-source';

/**
 * Ports where the group admits at least 2^24 public IPv4 (2^96 IPv6) sources without being
 * world-open on that port: a /8-sized hole is usually a typo or a shortcut. Judged per protocol and
 * port (DESIGN §5: "broad but not world-open on that same port"): a port world-open in one family
 * is reported once, by the sg-open-* rules, not again as broad in the other (as
 * nacl-broad-public-source reads it). 80/443 are not exempt, and all-traffic does not silence it.
 */
export const sgBroadPublicSource = defineRule({
  meta: reportOnly(ID, 'low', {
    title: 'Security group admits a very broad public source range',
    resourceType: 'AWS::EC2::SecurityGroup',
    parameters: ['worldOpenCoverage'],
  }),
  evaluate({ analysis }) {
    const drafts: FindingDraft[] = [];
    for (const { group, reach } of analysis.reachingGroups()) {
      // The reach's own family ports: nothing is built for the many groups without a broad port.
      const ports: TransportPorts = { tcp: broadOnly(reach.tcp), udp: broadOnly(reach.udp) };
      if (isEmptyPorts(ports)) continue;
      const merged = mergedFamilies(ports);
      const portList = formatTransportPorts(merged);
      // Only a rule whose source may be public can admit public addresses.
      const rules = group.publicIngress
        .filter((rule) => hitsPorts(rule, publicFamilies(rule, analysis), ports))
        .sort(compareRules);
      drafts.push({
        ruleId: ID,
        severity: 'low',
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: group.id,
        vpcId: group.vpcId,
        title: 'Security group admits a very broad public source range',
        detail:
          `Security group ${groupLabel(group)} admits at least 2^24 public IPv4 or 2^96 public IPv6 ` +
          `addresses (${familyText(ports)}) on ${portList.join(', ')}, short of the whole internet. ` +
          'Narrow the sources to the ranges that need access.',
        controls: [],
        ports: portSpecsOf(merged),
        evidence: openPortsEvidence(ports, rules, reach.unresolvedPrefixLists),
        evidenceKey: portList.join(','),
      });
    }
    return drafts;
  },
});

/**
 * One transport's broad ports of each family less the ports world-open in the other family (a
 * family's own world-open ports are never broad). The reach's own sets when nothing is taken away.
 */
function broadOnly(reach: TransportReach): TransportPorts['tcp'] {
  const { broad, worldOpen } = reach;
  const ipv4 = less(broad.ipv4, worldOpen.ipv6);
  const ipv6 = less(broad.ipv6, worldOpen.ipv4);
  return ipv4 === broad.ipv4 && ipv6 === broad.ipv6 ? broad : { ipv4, ipv6 };
}

function less(ports: PortSet, taken: PortSet): PortSet {
  return ports.length === 0 || taken.length === 0 ? ports : subtract(ports, taken);
}
