import { memoByTwoKeys } from '../analysis/memo';
import { type NaclSegment, worldOpenPorts } from '../analysis/nacl-eval';
import { portClasses } from '../analysis/port-classes';
import { type Family, type FamilyPorts, TRANSPORTS, type Transport } from '../analysis/sg-reach';
import type { PortSpec } from '../config';
import type { FindingDraft } from '../findings';
import type { NaclEntry, NetworkAclNode } from '../model/model';
import { intersect } from '../net/interval-set';
import { formatPortsWithProtocol, type PortSet, portRangeSet } from '../net/ports';
import {
  adminOnly,
  type EntryInput,
  fixSummary,
  type KeptSources,
  keptSources,
  type NaclFixPlan,
  type OpenAdmin,
  planNaclFix,
} from '../remediation/nacl-fix';
import { defineRule } from './define-rule';
import {
  aclLabel,
  describeEntry,
  entryText,
  NACL_ADMIN_INBOUND,
  naclFindingHead,
  publicContributors,
  subnetsUsing,
} from './nacl-common';
import {
  familyOnly,
  familyText,
  formatTransportPorts,
  mergedFamilies,
  portSpecsOf,
  type TransportPorts,
} from './sg-open-common';
import type { RuleContext } from './types';
import { worldOpenHeadline } from './world-open-hooks';

const ID = 'nacl-open-admin-port';
const CONTROLS = ['CIS 5.1', 'FSBP EC2.21'] as const;
const TITLE = 'Network ACL open to the internet on an admin port';
const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

function openAdminPorts(
  context: RuleContext,
  acl: NetworkAclNode,
): { ports: TransportPorts; open: OpenAdmin[] } {
  const { analysis, config } = context;
  const classes = portClasses(config);
  const ports: TransportPorts = { tcp: { ipv4: [], ipv6: [] }, udp: { ipv4: [], ipv6: [] } };
  const worldByTransport: Record<Transport, FamilyPorts> = {
    tcp: { ipv4: [], ipv6: [] },
    udp: { ipv4: [], ipv6: [] },
  };
  for (const transport of TRANSPORTS) {
    const specs = config.adminPorts.filter((p) => p.protocol === transport);
    if (specs.length === 0) continue;
    // Only segments touching an admin port matter: the world-open test is the costly part.
    const segments: NaclSegment[] = [];
    for (const segment of analysis.nacl(acl.id, 'ingress', transport)) {
      for (const p of specs) {
        if (p.from <= segment.to && segment.from <= p.to) {
          segments.push(segment);
          break;
        }
      }
    }
    if (segments.length === 0) continue;
    const world = worldOpenPorts(segments, config.worldOpenCoverage);
    worldByTransport[transport] = world;
    for (const family of FAMILIES)
      ports[transport][family] = intersect(world[family], classes.admin[transport]);
  }
  const open: OpenAdmin[] = [];
  // Config order (tcp 22, tcp 3389, udp 3389 by default), IPv4 before IPv6: the plan is deterministic.
  for (const spec of config.adminPorts) {
    for (const family of FAMILIES) {
      const part = intersect(worldByTransport[spec.protocol][family], portRangeSet(spec.from, spec.to));
      if (part.length === 0) continue;
      const contributors = new Map<number, NaclEntry>();
      for (const segment of analysis.nacl(acl.id, 'ingress', spec.protocol)) {
        if (segment.to < spec.from || segment.from > spec.to) continue;
        const listed = family === 'ipv4' ? segment.contributors4 : segment.contributors6;
        for (const [s, e] of intersect(part, portRangeSet(segment.from, segment.to))) {
          // A lone contributor of a world-open segment necessarily lets in public peers.
          const found =
            listed.length === 1 ? listed : publicContributors(acl.ingress, spec.protocol, family, s, e - 1);
          for (const entry of found) contributors.set(entry.ruleNumber, entry);
        }
      }
      open.push({
        transport: spec.protocol,
        family,
        spec: { from: spec.from, to: spec.to },
        open: part,
        contributors: [...contributors.values()].sort((a, b) => a.ruleNumber - b.ruleNumber),
      });
    }
  }
  return { ports, open };
}

/** Everything a finding says that depends only on the NACL's inbound entries and kept sources. */
interface AdminTemplate {
  ports: PortSpec[];
  ipv4: string[];
  ipv6: string[];
  openThrough: { ports: string[]; family: Family; entries: number[] }[];
  entries: Record<string, string | number>[];
  entriesAllowingOtherPorts?: number[];
  keptSources?: KeptSources;
  notPlanned?: string[];
  /** The detail after `Network ACL <label>`, up to the association note. */
  detailBody: string;
  plan: NaclFixPlan;
  evidenceKey: string;
}

/** The finding's content for one NACL's inbound entries, or undefined when nothing is world-open. */
function adminTemplate(
  context: RuleContext,
  acl: NetworkAclNode,
  admin: Record<Transport, PortSet>,
  kept: KeptSources | undefined,
): AdminTemplate | undefined {
  const { ports, open } = openAdminPorts(context, acl);
  if (open.length === 0) return undefined;
  const portList = formatTransportPorts(mergedFamilies(ports));
  const plan = planNaclFix(acl, open, kept, admin, context.config);

  const openThrough = open.map((item) => ({
    ports: formatPortsWithProtocol(item.open, item.transport),
    family: item.family,
    entries: item.contributors.map((e) => e.ruleNumber),
  }));
  const broader = new Map<number, NaclEntry>();
  for (const item of open) {
    for (const entry of item.contributors) if (!adminOnly(entry, admin)) broader.set(entry.ruleNumber, entry);
  }
  const broaderEntries = [...broader.values()].sort((a, b) => a.ruleNumber - b.ruleNumber);

  let detailBody = ` lets the whole internet (${familyText(ports)}) reach ${portList.join(', ')} inbound.`;
  if (broaderEntries.length > 0) {
    detailBody +=
      ` The admin ports are open through ${broaderEntries.length === 1 ? 'entry' : 'entries'} ` +
      `${broaderEntries.map((e) => entryText(e, 'ingress')).join(', ')}, which also ` +
      `allow${broaderEntries.length === 1 ? 's' : ''} other ports (such as the return range): ` +
      'the standard fix is a deny entry for the admin ports numbered before it, after allow entries for the ' +
      "sources that keep admin access (the VPC's CIDR blocks and naclAdminSources).";
  }
  const fix = fixSummary(plan);
  if (fix) detailBody += ` Planned fix (only with rules.${ID} set to "remediate"): ${fix}.`;
  if (plan.notPlanned.length > 0) detailBody += ` Not fixable automatically: ${plan.notPlanned.join('; ')}.`;

  return {
    ports: portSpecsOf(mergedFamilies(ports)),
    ipv4: formatTransportPorts(familyOnly(ports, 'ipv4')),
    ipv6: formatTransportPorts(familyOnly(ports, 'ipv6')),
    openThrough,
    entries: [...new Map(open.flatMap((o) => o.contributors).map((e) => [e.ruleNumber, e])).values()]
      .sort((a, b) => a.ruleNumber - b.ruleNumber)
      .map(describeEntry),
    ...(broaderEntries.length > 0
      ? { entriesAllowingOtherPorts: broaderEntries.map((e) => e.ruleNumber) }
      : {}),
    ...(kept ? { keptSources: kept } : {}),
    ...(plan.notPlanned.length > 0 ? { notPlanned: plan.notPlanned } : {}),
    detailBody,
    plan,
    evidenceKey: portList.join(','),
  };
}

/**
 * NACL inbound world-open (first match, per family) on an admin port. The default NACL gets no
 * exemption and unassociated NACLs are evaluated too (FSBP EC2.21 does both).
 *
 * NACLs with identical inbound entries (stamped from one template) share one `Analysis.nacl`
 * evaluation, hence the same segment arrays: the finding's content is computed once per such
 * evaluation; only the id, the subnets and the plan's `NetworkAclId` are per NACL.
 */
export const naclOpenAdminPort = defineRule({
  meta: {
    id: ID,
    severity: 'high',
    title: TITLE,
    resourceType: 'AWS::EC2::NetworkAcl',
    controls: CONTROLS,
    // Opt-in (DESIGN §5, §8): a NACL serves every instance of its subnets; the global mode never acts.
    autoFix: 'opt-in',
    fixActions: ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAclEntry', 'ec2:ReplaceNetworkAclEntry'],
    parameters: ['adminPorts', 'worldOpenCoverage', 'naclAdminSources', 'naclEntryLimit'],
    precedenceGroup: NACL_ADMIN_INBOUND,
    hooks: { headline: worldOpenHeadline },
  },
  evaluate(context) {
    const { analysis, model, config } = context;
    const admin = portClasses(config).admin;
    const drafts: FindingDraft[] = [];
    // Keyed by the shared tcp evaluation of the inbound entries (equal keys mean equal entry
    // lists), then by the VPC's kept sources: the plan depends on both.
    const templates = new Map<readonly NaclSegment[], Map<string, AdminTemplate | null>>();
    for (const acl of model.networkAcls.values()) {
      const key = analysis.nacl(acl.id, 'ingress', 'tcp');
      const kept = keptSources(model.vpcs.get(acl.vpcId), config);
      const keptKey = kept ? `${kept.ipv4.join(',')}|${kept.ipv6.join(',')}` : '';
      const template = memoByTwoKeys(
        templates,
        key,
        keptKey,
        () => adminTemplate(context, acl, admin, kept) ?? null,
      );
      if (template === null) continue;
      const subnetIds = subnetsUsing(context, acl);
      const associated = subnetIds.length > 0;
      const evidence: Record<string, unknown> = {
        ipv4: template.ipv4,
        ipv6: template.ipv6,
        isDefault: acl.isDefault,
        associated,
        subnetIds,
        ...(associated ? {} : { association: 'not associated' }),
        openThrough: template.openThrough,
        entries: template.entries,
      };
      if (template.entriesAllowingOtherPorts)
        evidence.entriesAllowingOtherPorts = template.entriesAllowingOtherPorts;
      if (template.keptSources) evidence.keptSources = template.keptSources;
      if (template.notPlanned) evidence.notPlanned = template.notPlanned;

      let detail = `Network ACL ${aclLabel(acl, subnetIds)}${template.detailBody}`;
      if (!associated) detail += ' The NACL is not associated with any subnet today.';

      const { plan } = template;
      const withId = (entry: EntryInput) => ({ NetworkAclId: acl.id, ...entry });
      const hasPlan = plan.deleteEntries.length + plan.createEntries.length + plan.replaceEntries.length > 0;
      drafts.push({
        ...naclFindingHead(ID, 'high', acl),
        title: TITLE,
        detail,
        controls: [...CONTROLS],
        ports: template.ports,
        evidence,
        ...(hasPlan
          ? {
              remediation: {
                action: 'fix-network-acl-entries' as const,
                networkAclId: acl.id,
                deleteEntries: plan.deleteEntries,
                createEntries: plan.createEntries.map(withId),
                replaceEntries: plan.replaceEntries.map(withId),
                previousEntries: plan.previousEntries.map(withId),
              },
            }
          : {}),
        evidenceKey: template.evidenceKey,
      });
    }
    return drafts;
  },
});
