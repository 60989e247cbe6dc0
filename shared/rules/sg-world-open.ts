import type { Analysis } from '../analysis/analysis';
import { type PortClasses, portClasses, portSetsBySpec } from '../analysis/port-classes';
import { worldSourceFamilies } from '../analysis/sg-families';
import type { Family } from '../analysis/sg-reach';
import { residualReach, type WorldOpen, worldOpenGroups } from '../analysis/world-open';
import type { FindingDraft } from '../findings';
import type { SecurityGroupNode, SgRule } from '../model/model';
import { intersect, subtract } from '../net/interval-set';
import { defineRule } from './define-rule';
import {
  compareRules,
  familyOnly,
  familyText,
  formatTransportPorts,
  groupLabel,
  hitsPorts,
  intersectPorts,
  isEmptyPorts,
  mapPorts,
  mergedFamilies,
  openPortsEvidence,
  portSpecsOf,
  publicFamilies,
  revokeTarget,
  somePorts,
  subtractPorts,
  type TransportPorts,
} from './sg-open-common';
import type { RuleContext, RuleDefinition, RuleMeta } from './types';
import { worldOpenHeadline, worldOpenSource } from './world-open-hooks';

// The `sg-open-*` rules: one precedence group (DESIGN §5), each rule its metadata plus a selector
// of the world-open ports it reports. Which rule reports a port first is the registry's order.

/** The precedence group of the `sg-open-*` rules. */
export const SG_WORLD_OPEN = 'sg-world-open';

const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

export type { WorldOpen };

/**
 * Picks a rule's ports from a group's world-open ports (before precedence), or undefined. It picks
 * among `open.world`: a group without a world-open port is never offered.
 */
export type WorldOpenSelector = (open: WorldOpen, classes: PortClasses) => TransportPorts | undefined;

/**
 * The finding of a sg-open-* rule for one group and its world-open ports: the ports (structured),
 * per-family detail, the contributing rules and unresolved prefix lists, and the revoke plan of
 * the rules whose own source is the world on those ports (DESIGN §8 precision).
 */
function sgOpenDraft(
  analysis: Analysis,
  group: SecurityGroupNode,
  meta: SgOpenMeta,
  ports: TransportPorts,
  classes: PortClasses,
): FindingDraft {
  const { prefixLists } = analysis.model;
  const merged = mergedFamilies(ports);
  const portList = formatTransportPorts(merged);

  const reach = analysis.groupReach(group.id);
  // Ports world-open in one family and broad in the other: no broad finding names them (DESIGN
  // §5, one finding per port), so this one does, and lists the broad rules its fix leaves.
  const alsoBroad = somePorts((t, f) =>
    intersectPorts(ports[t][f === 'ipv4' ? 'ipv6' : 'ipv4'], reach[t].broad[f]),
  );

  // The ports a revoke is for: the finding's, less the authorized ones no sg-open-* rule reports on
  // their own (only `sg-open-all-traffic` lists them): a world rule on tcp 80 beside an allow-all
  // rule is the group's website, not what made the finding (README, Remediation safety).
  // Only the all-traffic rule reports such ports: the other rules' ports are admin, high-risk or
  // unclassed ones, so theirs stay as they are (no port set built per finding for nothing).
  const fixPorts =
    meta.id === 'sg-open-all-traffic'
      ? mapPorts((t, f) => subtractPorts(ports[t][f], classes.authorizedOnly[t]))
      : ports;
  const contributing: SgRule[] = [];
  const targets: SgRule[] = [];
  // Only a rule whose source may be public can open a port to the internet.
  for (const rule of group.publicIngress) {
    if (hitsPorts(rule, worldSourceFamilies(rule, prefixLists), fixPorts)) targets.push(rule);
    const families = publicFamilies(rule, analysis);
    if (hitsPorts(rule, families, ports) || (alsoBroad && hitsPorts(rule, families, alsoBroad)))
      contributing.push(rule);
  }

  contributing.sort(compareRules);
  targets.sort(compareRules);

  const residual = residualReach(analysis, group);
  const notRemediable: Partial<Record<Family, string[]>> = {};
  for (const family of FAMILIES) {
    const stuck = formatTransportPorts({
      tcp: intersect(ports.tcp[family], residual.tcp.worldOpen[family]),
      udp: intersect(ports.udp[family], residual.udp.worldOpen[family]),
    });
    if (stuck.length > 0) notRemediable[family] = stuck;
  }

  const unresolved = reach.unresolvedPrefixLists;
  const evidence = openPortsEvidence(ports, contributing, unresolved);
  const stuckFamilies = Object.keys(notRemediable).length > 0;
  if (stuckFamilies) evidence.notRemediable = notRemediable;
  const broadList = alsoBroad ? formatTransportPorts(mergedFamilies(alsoBroad)) : [];
  if (alsoBroad) {
    const broad: Partial<Record<Family, string[]>> = {};
    for (const family of FAMILIES) {
      const list = formatTransportPorts(familyOnly(alsoBroad, family));
      if (list.length > 0) broad[family] = list;
    }
    evidence.alsoBroad = broad;
  }

  let detail =
    `Security group ${groupLabel(group)} admits the whole internet (${familyText(ports)}) ` +
    `on ${portList.join(', ')}. ${meta.why}`;
  if (targets.length > 0) {
    const rules = targets.length === 1 ? 'rule' : `${targets.length} rules`;
    // A rule whose source is a list holding the world is revoked whole (DESIGN §8): the list's
    // other ranges lose that access with it, which "other sources stay" would deny.
    const lists = [
      ...new Set(targets.flatMap((t) => (t.source.kind === 'prefix-list' ? [t.source.prefixListId] : []))),
    ];
    detail +=
      lists.length === 0
        ? ` Fix: revoke the ${rules} whose source is the whole internet; other sources stay.`
        : ` Fix: revoke the ${rules} whose source is the whole internet. A rule naming a prefix list (${lists.join(', ')}) goes with every range of the list; to keep the others, take the world range out of the list instead.`;
  }
  if (stuckFamilies) {
    detail +=
      ' Some ports stay world-open through a union of narrower ranges (see notRemediable): ' +
      'they are reported only, narrow those sources by hand.';
  }
  if (broadList.length > 0) {
    detail +=
      ` ${broadList.join(', ')} also admit${broadList.length === 1 ? 's' : ''} a very broad public range ` +
      `of the other address family (${familyText(alsoBroad as TransportPorts)}, see alsoBroad), which no ` +
      'revoke of a whole-internet rule removes: narrow it by hand.';
  }
  if (unresolved.length > 0) {
    detail += ` Prefix lists ${unresolved.join(', ')} could not be resolved; their entries are unknown.`;
  }

  return {
    ruleId: meta.id,
    severity: meta.severity,
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: group.id,
    vpcId: group.vpcId,
    title: meta.title,
    detail,
    controls: [...meta.controls],
    ports: portSpecsOf(merged),
    evidence,
    ...(targets.length > 0
      ? {
          remediation: {
            action: 'revoke-security-group-rules' as const,
            groupId: group.id,
            rules: targets.map(revokeTarget),
          },
        }
      : {}),
    evidenceKey: portList.join(','),
  };
}

/** Runs one sg-open-* rule over every group with a reach: its selected ports less those claimed above it. */
function evaluateSgOpen(context: RuleContext, meta: SgOpenMeta, select: WorldOpenSelector): FindingDraft[] {
  const { analysis } = context;
  const classes = portClasses(context.config);
  const drafts: FindingDraft[] = [];
  // Only the few groups with a world-open port are read (computed once for the four rules).
  for (const { group, open: world } of worldOpenGroups(analysis)) {
    let ports = select(world, classes);
    if (!ports || isEmptyPorts(ports)) continue;
    const claimed = context.claimed(group.id);
    if (claimed.length > 0) {
      const taken = portSetsBySpec(claimed);
      const open = ports;
      ports = mapPorts((t, f) => subtract(open[t][f], taken[t]));
      if (isEmptyPorts(ports)) continue;
    }
    drafts.push(sgOpenDraft(analysis, group, meta, ports, classes));
  }
  return drafts;
}

/** What one `sg-open-*` rule states: its catalogue row, and the sentence that says why its ports matter. */
export interface SgOpenMeta extends Pick<RuleMeta, 'id' | 'title' | 'controls' | 'parameters'> {
  severity: 'critical' | 'high' | 'medium' | 'low';
  /** Appended to the finding's detail. */
  why: string;
}

/**
 * A `sg-open-*` rule: its row, a selector, and what every rule of the group shares (revoke fix,
 * the group's precedence, acceptance by interface shape, the world-open headline and the
 * offending-source test).
 */
export function sgOpenRule(meta: SgOpenMeta, select: WorldOpenSelector): RuleDefinition {
  const { why: _why, ...row } = meta;
  return defineRule({
    meta: {
      ...row,
      resourceType: 'AWS::EC2::SecurityGroup',
      autoFix: 'yes',
      fixActions: ['ec2:RevokeSecurityGroupIngress'],
      precedenceGroup: SG_WORLD_OPEN,
      acceptedByInterfaceShape: true,
      hooks: { headline: worldOpenHeadline, offendingSource: worldOpenSource },
    },
    evaluate: (context) => evaluateSgOpen(context, meta, select),
  });
}
