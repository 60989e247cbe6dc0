import type { FindingDraft } from '../findings';
import { defineRule, reportOnly } from './define-rule';
import {
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
 * world-open in that family on that port: a /8-sized hole is usually a typo or a shortcut. Judged
 * per protocol, port and family; 80/443 are not exempt, and all-traffic does not silence it.
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
      const ports: TransportPorts = { tcp: reach.tcp.broad, udp: reach.udp.broad };
      if (isEmptyPorts(ports)) continue;
      const merged = mergedFamilies(ports);
      const portList = formatTransportPorts(merged);
      // Only a rule whose source may be public can admit public addresses.
      const rules = group.publicIngress.filter((rule) =>
        hitsPorts(rule, publicFamilies(rule, analysis), ports),
      );
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
