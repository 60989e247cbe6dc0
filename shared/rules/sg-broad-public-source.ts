import { TRANSPORTS } from '../analysis/sg-reach';
import type { FindingDraft } from '../findings';
import {
  describeRule,
  familyOnly,
  familyText,
  formatTransportPorts,
  groupLabel,
  isEmptyPorts,
  mergedFamilies,
  publicFamilies,
  type TransportPorts,
  touches,
} from './sg-open-common';
import type { RuleDefinition } from './types';

const ID = 'sg-broad-public-source';
const MAX_RULES_IN_EVIDENCE = 20;

/**
 * Ports where the group admits at least 2^24 public IPv4 (2^96 IPv6) sources without being
 * world-open in that family on that port: a /8-sized hole is usually a typo or a shortcut. Judged
 * per protocol, port and family; 80/443 are not exempt, and all-traffic does not silence it.
 */
export const sgBroadPublicSource: RuleDefinition = {
  id: ID,
  severity: 'low',
  title: 'Security group admits a very broad public source range',
  resourceType: 'AWS::EC2::SecurityGroup',
  controls: [],
  autoFix: 'no',
  fixActions: [],
  parameters: ['worldOpenCoverage'],
  evaluate({ analysis }) {
    const drafts: FindingDraft[] = [];
    for (const group of analysis.groupsWithReach()) {
      const reach = analysis.groupReach(group.id);
      const ports: TransportPorts = {
        tcp: { ipv4: reach.tcp.broad.ipv4, ipv6: reach.tcp.broad.ipv6 },
        udp: { ipv4: reach.udp.broad.ipv4, ipv6: reach.udp.broad.ipv6 },
      };
      if (isEmptyPorts(ports)) continue;
      const portList = formatTransportPorts(mergedFamilies(ports));
      const rules = group.ingress.filter((rule) =>
        publicFamilies(rule, analysis).some((f) => TRANSPORTS.some((t) => touches(rule, t, ports[t][f]))),
      );
      const evidence: Record<string, unknown> = {
        ports: portList,
        ipv4: formatTransportPorts(familyOnly(ports, 'ipv4')),
        ipv6: formatTransportPorts(familyOnly(ports, 'ipv6')),
        rules: rules.slice(0, MAX_RULES_IN_EVIDENCE).map(describeRule),
      };
      if (rules.length > MAX_RULES_IN_EVIDENCE) evidence.rulesNotShown = rules.length - MAX_RULES_IN_EVIDENCE;
      if (reach.unresolvedPrefixLists.length > 0)
        evidence.unresolvedPrefixLists = reach.unresolvedPrefixLists;
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
        evidence,
        evidenceKey: portList.join(','),
      });
    }
    return drafts;
  },
};
