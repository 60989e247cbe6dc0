import { memoByTwoKeys } from '../analysis/memo';
import { type NaclSegment, worldOpenPorts } from '../analysis/nacl-eval';
import { portClasses } from '../analysis/port-classes';
import { type Family, type FamilyPorts, TRANSPORTS, type Transport } from '../analysis/sg-reach';
import type { PortSpec } from '../config';
import type { FindingDraft, NaclEntryInput } from '../findings';
import type { NaclEntry, NetworkAclNode } from '../model/model';
import { intersect } from '../net/interval-set';
import { formatPortsWithProtocol, type PortSet, portRangeSet } from '../net/ports';
import { type KeptSources, keptSources } from '../remediation/kept-sources';
import {
  adminOnly,
  type EntryInput,
  fixSummary,
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
import { worldOpenAdminSource, worldOpenHeadline } from './world-open-hooks';

const ID = 'nacl-open-admin-port';
const CONTROLS = ['CIS 5.1', 'FSBP EC2.21'] as const;
const TITLE = 'Network ACL open to the internet on an admin port';
const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

function openAdminPorts(
  context: RuleContext,
  acl: NetworkAclNode,
  /** The configured admin specs of each transport, in config order. */
  specsByTransport: Record<Transport, readonly PortSpec[]>,
): { ports: TransportPorts; open: OpenAdmin[] } {
  const { analysis, config } = context;
  const classes = portClasses(config);
  const ports: TransportPorts = { tcp: { ipv4: [], ipv6: [] }, udp: { ipv4: [], ipv6: [] } };
  const worldByTransport: Record<Transport, FamilyPorts> = {
    tcp: { ipv4: [], ipv6: [] },
    udp: { ipv4: [], ipv6: [] },
  };
  let anyOpen = false;
  for (const transport of TRANSPORTS) {
    const specs = specsByTransport[transport];
    if (specs.length === 0) continue;
    // Only segments touching an admin port matter: the world-open test is the costly part.
    const segments: NaclSegment[] = [];
    for (const segment of analysis.naclEntries(acl.ingress, transport)) {
      for (const p of specs) {
        if (p.from <= segment.to && segment.from <= p.to) {
          segments.push(segment);
          break;
        }
      }
    }
    if (segments.length === 0) continue;
    const world = worldOpenPorts(segments, config.worldOpenCoverage);
    // Nothing world-open (most NACLs): the ports stay empty, as intersecting would leave them.
    if (world.ipv4.length === 0 && world.ipv6.length === 0) continue;
    anyOpen = true;
    worldByTransport[transport] = world;
    for (const family of FAMILIES)
      ports[transport][family] = intersect(world[family], classes.admin[transport]);
  }
  const open: OpenAdmin[] = [];
  if (!anyOpen) return { ports, open };
  // Config order (tcp 22, tcp 3389, udp 3389 by default), IPv4 before IPv6: the plan is deterministic.
  for (const spec of config.adminPorts) {
    for (const family of FAMILIES) {
      const part = intersect(worldByTransport[spec.protocol][family], portRangeSet(spec.from, spec.to));
      if (part.length === 0) continue;
      const contributors = new Map<number, NaclEntry>();
      for (const segment of analysis.naclEntries(acl.ingress, spec.protocol)) {
        if (segment.to < spec.from || segment.from > spec.to) continue;
        const listed = family === 'ipv4' ? segment.contributors4 : segment.contributors6;
        for (const interval of intersect(part, portRangeSet(segment.from, segment.to))) {
          // A lone contributor of a world-open segment necessarily lets in public peers.
          const found =
            listed.length === 1
              ? listed
              : publicContributors(acl.ingress, spec.protocol, family, interval[0], interval[1] - 1);
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
  specsByTransport: Record<Transport, readonly PortSpec[]>,
  kept: KeptSources | undefined,
): AdminTemplate | undefined {
  const { ports, open } = openAdminPorts(context, acl, specsByTransport);
  if (open.length === 0) return undefined;
  const portList = formatTransportPorts(mergedFamilies(ports));
  const { analysis } = context;
  const plan = planNaclFix(acl, open, kept, admin, context.config, (transport) =>
    analysis.naclEntries(acl.ingress, transport),
  );

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

/** A VPC's kept sources and the key they share templates by. */
interface VpcKept {
  kept: KeptSources | undefined;
  keptKey: string;
}

/** The plan's entries for one NACL (hot: one per finding, no closure). */
function withAclId(entries: readonly EntryInput[], networkAclId: string): NaclEntryInput[] {
  const out: NaclEntryInput[] = [];
  for (const entry of entries) out.push({ NetworkAclId: networkAclId, ...entry });
  return out;
}

/** One NACL's finding from its template: id, subnets and the plan's NACL id are its own. */
function adminDraft(acl: NetworkAclNode, template: AdminTemplate, subnetIds: string[]): FindingDraft {
  const associated = subnetIds.length > 0;
  // Key order is the evidence's order in the report.
  const evidence: Record<string, unknown> = associated
    ? {
        ipv4: template.ipv4,
        ipv6: template.ipv6,
        isDefault: acl.isDefault,
        associated,
        subnetIds,
        openThrough: template.openThrough,
        entries: template.entries,
      }
    : {
        ipv4: template.ipv4,
        ipv6: template.ipv6,
        isDefault: acl.isDefault,
        associated,
        subnetIds,
        association: 'not associated',
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
  const hasPlan = plan.deleteEntries.length + plan.createEntries.length + plan.replaceEntries.length > 0;
  const draft: FindingDraft = {
    ruleId: ID,
    severity: 'high',
    resourceType: 'AWS::EC2::NetworkAcl',
    resourceId: acl.id,
    vpcId: acl.vpcId,
    title: TITLE,
    detail,
    controls: [...CONTROLS],
    ports: template.ports,
    evidence,
    evidenceKey: template.evidenceKey,
    resourceTags: acl.tags,
  };
  // Added last, it still follows `evidence` in the finding: the engine drops `evidenceKey`.
  if (hasPlan) {
    draft.remediation = {
      action: 'fix-network-acl-entries',
      networkAclId: acl.id,
      deleteEntries: plan.deleteEntries,
      createEntries: withAclId(plan.createEntries, acl.id),
      replaceEntries: withAclId(plan.replaceEntries, acl.id),
      previousEntries: withAclId(plan.previousEntries, acl.id),
    };
  }
  return draft;
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
    hooks: { headline: worldOpenHeadline, offendingSource: worldOpenAdminSource },
  },
  evaluate(context) {
    const { analysis, model, config } = context;
    const admin = portClasses(config).admin;
    const specsByTransport: Record<Transport, readonly PortSpec[]> = {
      tcp: config.adminPorts.filter((p) => p.protocol === 'tcp'),
      udp: config.adminPorts.filter((p) => p.protocol === 'udp'),
    };
    const drafts: FindingDraft[] = [];
    // Keyed by the shared tcp evaluation of the inbound entries (equal keys mean equal entry
    // lists), then by the VPC's kept sources: the plan depends on both.
    const templates = new Map<readonly NaclSegment[], Map<string, AdminTemplate | null>>();
    // Kept sources per VPC id (a few dozen VPCs for thousands of NACLs). A VPC missing from the
    // snapshot keys by its id: the refusal names it.
    const keptByVpc = new Map<string, VpcKept>();
    for (const acl of model.networkAcls.values()) {
      const key = analysis.naclEntries(acl.ingress, 'tcp');
      let vpcKept = keptByVpc.get(acl.vpcId);
      if (!vpcKept) {
        const found = keptSources(model.vpcs.get(acl.vpcId), config);
        vpcKept = {
          kept: found,
          keptKey: found ? `${found.ipv4.join(',')}|${found.ipv6.join(',')}` : `missing ${acl.vpcId}`,
        };
        keptByVpc.set(acl.vpcId, vpcKept);
      }
      const { kept, keptKey } = vpcKept;
      const template = memoByTwoKeys(
        templates,
        key,
        keptKey,
        () => adminTemplate(context, acl, admin, specsByTransport, kept) ?? null,
      );
      if (template !== null) drafts.push(adminDraft(acl, template, subnetsUsing(context, acl)));
    }
    return drafts;
  },
});
