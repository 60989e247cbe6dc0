import { evaluateNacl, type NaclSegment, worldOpenPorts } from '../analysis/nacl-eval';
import { portClasses } from '../analysis/port-classes';
import { type Family, type FamilyPorts, TRANSPORTS, type Transport } from '../analysis/sg-reach';
import type { PortSpec } from '../config';
import type { FindingDraft, NaclEntryInput } from '../findings';
import type { NaclEntry, NetworkAclNode } from '../model/model';
import { intersect } from '../net/interval-set';
import { formatPortSet, formatPortsWithProtocol, type PortSet, portRangeSet } from '../net/ports';
import { protocolNumber } from '../net/protocol';
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
import { worldOpenHeadline } from './world-open-hooks';

const ID = 'nacl-open-admin-port';
const CONTROLS = ['CIS 5.1', 'FSBP EC2.21'] as const;
const TITLE = 'Network ACL open to the internet on an admin port';
const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];
const LOWEST_RULE_NUMBER = 1;

/** The world-open part of one admin port spec in one family, and the entries that open it. */
interface OpenAdmin {
  transport: Transport;
  family: Family;
  /** The admin spec as configured (a deny entry repeats its whole range). */
  spec: { from: number; to: number };
  open: PortSet;
  contributors: NaclEntry[];
}

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

/** True when the entry permits nothing but admin ports (a tcp/udp entry inside the admin set). */
function adminOnly(entry: NaclEntry, admin: Record<Transport, PortSet>): boolean {
  if (entry.protocol !== 'tcp' && entry.protocol !== 'udp') return false;
  // A contiguous range is inside a normalized set exactly when one of its intervals holds it.
  return admin[entry.protocol].some(([s, e]) => s <= entry.fromPort && entry.toPort < e);
}

interface Plan {
  deleteEntries: { RuleNumber: number; Egress: boolean }[];
  /** Deny entries to create, without their `NetworkAclId` (the plan is shared by equal NACLs). */
  createEntries: Omit<NaclEntryInput, 'NetworkAclId'>[];
  /** Ports that cannot be closed automatically, with the reason. */
  notPlanned: string[];
}

/**
 * True when the NACL would still be world-open on the item's ports once `removed` entries are gone:
 * a later, broader allow (e.g. `200 allow -1 0.0.0.0/0` behind `100 allow tcp 22`) takes over, so
 * deleting alone would not close the port.
 */
function stillOpenWithout(
  acl: NetworkAclNode,
  item: OpenAdmin,
  removed: ReadonlySet<number>,
  coverage: number,
): boolean {
  const remaining = acl.ingress.filter((e) => !removed.has(e.ruleNumber));
  const world = worldOpenPorts(evaluateNacl(remaining, item.transport), coverage)[item.family];
  return intersect(world, item.open).length > 0;
}

/**
 * DESIGN §8 "NACL precision": delete the contributing entries when they permit only admin ports
 * (and deleting them really closes the port), else insert a deny for the admin spec at the largest free rule number below the lowest
 * contributing entry (free: not used by an existing ingress entry nor by an earlier insert).
 */
function planFix(
  acl: NetworkAclNode,
  open: readonly OpenAdmin[],
  admin: Record<Transport, PortSet>,
  coverage: number,
): Plan {
  const plan: Plan = { deleteEntries: [], createEntries: [], notPlanned: [] };
  const used = new Set(acl.ingress.map((e) => e.ruleNumber));
  const deleted = new Set<number>();
  for (const item of open) {
    const lowest = item.contributors[0];
    if (!lowest) continue;
    const deletable =
      item.contributors.every((e) => adminOnly(e, admin)) &&
      !stillOpenWithout(
        acl,
        item,
        new Set([...deleted, ...item.contributors.map((e) => e.ruleNumber)]),
        coverage,
      );
    if (deletable) {
      for (const entry of item.contributors) {
        if (deleted.has(entry.ruleNumber)) continue;
        deleted.add(entry.ruleNumber);
        plan.deleteEntries.push({ RuleNumber: entry.ruleNumber, Egress: false });
      }
      continue;
    }
    const cidr = item.family === 'ipv4' ? '0.0.0.0/0' : '::/0';
    const protocol = protocolNumber(item.transport);
    const exists = acl.ingress.some(
      (e) =>
        e.ruleNumber < lowest.ruleNumber &&
        !e.allow &&
        e.rawProtocol === protocol &&
        e.cidr === cidr &&
        e.fromPort === item.spec.from &&
        e.toPort === item.spec.to,
    );
    if (exists) continue;
    let number = lowest.ruleNumber - 1;
    while (number >= LOWEST_RULE_NUMBER && used.has(number)) number--;
    if (number < LOWEST_RULE_NUMBER) {
      const label = `${formatPortSet(portRangeSet(item.spec.from, item.spec.to))[0]}/${item.transport} ${item.family}`;
      plan.notPlanned.push(`${label}: no free rule number below ${lowest.ruleNumber}`);
      continue;
    }
    used.add(number);
    plan.createEntries.push({
      RuleNumber: number,
      Protocol: protocol,
      RuleAction: 'deny',
      Egress: false,
      ...(item.family === 'ipv4' ? { CidrBlock: cidr } : { Ipv6CidrBlock: cidr }),
      PortRange: { From: item.spec.from, To: item.spec.to },
    });
  }
  return plan;
}

/** Everything a finding says that depends only on the NACL's inbound entries (not on its id or subnets). */
interface AdminTemplate {
  ports: PortSpec[];
  ipv4: string[];
  ipv6: string[];
  openThrough: { ports: string[]; family: Family; entries: number[] }[];
  entries: Record<string, string | number>[];
  entriesAllowingOtherPorts?: number[];
  notPlanned?: string[];
  /** The detail after `Network ACL <label>`, up to the association note. */
  detailBody: string;
  deleteEntries: { RuleNumber: number; Egress: boolean }[];
  /** Deny entries to create, without their `NetworkAclId`. */
  createEntries: Omit<NaclEntryInput, 'NetworkAclId'>[];
  evidenceKey: string;
}

/** The finding's content for one NACL's inbound entries, or undefined when nothing is world-open. */
function adminTemplate(
  context: RuleContext,
  acl: NetworkAclNode,
  admin: Record<Transport, PortSet>,
): AdminTemplate | undefined {
  const { ports, open } = openAdminPorts(context, acl);
  if (open.length === 0) return undefined;
  const portList = formatTransportPorts(mergedFamilies(ports));
  const plan = planFix(acl, open, admin, context.config.worldOpenCoverage);

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
    const numbers = plan.createEntries.map((e) => e.RuleNumber);
    detailBody +=
      ` The admin ports are open through ${broaderEntries.length === 1 ? 'entry' : 'entries'} ` +
      `${broaderEntries.map((e) => entryText(e, 'ingress')).join(', ')}, which also ` +
      `allow${broaderEntries.length === 1 ? 's' : ''} other ports (such as the return range): ` +
      'the standard fix is a deny entry for the admin ports numbered before it' +
      (numbers.length > 0 ? ` (planned: rule ${numbers.join(', ')}).` : '.');
  } else if (plan.deleteEntries.length > 0) {
    detailBody += ` Fix: delete entr${plan.deleteEntries.length === 1 ? 'y' : 'ies'} ${plan.deleteEntries.map((e) => e.RuleNumber).join(', ')}, which allow only admin ports.`;
  }
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
    ...(plan.notPlanned.length > 0 ? { notPlanned: plan.notPlanned } : {}),
    detailBody,
    deleteEntries: plan.deleteEntries,
    createEntries: plan.createEntries,
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
    autoFix: 'yes',
    fixActions: ['ec2:DeleteNetworkAclEntry', 'ec2:CreateNetworkAclEntry'],
    parameters: ['adminPorts', 'worldOpenCoverage'],
    precedenceGroup: NACL_ADMIN_INBOUND,
    hooks: { headline: worldOpenHeadline },
  },
  evaluate(context) {
    const { analysis } = context;
    const admin = portClasses(context.config).admin;
    const drafts: FindingDraft[] = [];
    // Keyed by the shared tcp evaluation of the inbound entries: equal keys mean equal entry lists.
    const templates = new Map<readonly NaclSegment[], AdminTemplate | null>();
    for (const acl of context.model.networkAcls.values()) {
      const key = analysis.nacl(acl.id, 'ingress', 'tcp');
      let template = templates.get(key);
      if (template === undefined) {
        template = adminTemplate(context, acl, admin) ?? null;
        templates.set(key, template);
      }
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
      if (template.notPlanned) evidence.notPlanned = template.notPlanned;

      let detail = `Network ACL ${aclLabel(acl, subnetIds)}${template.detailBody}`;
      if (!associated) detail += ' The NACL is not associated with any subnet today.';

      const hasPlan = template.deleteEntries.length > 0 || template.createEntries.length > 0;
      drafts.push({
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
        ...(hasPlan
          ? {
              remediation: {
                action: 'fix-network-acl-entries' as const,
                networkAclId: acl.id,
                deleteEntries: template.deleteEntries,
                createEntries: template.createEntries.map((entry) => ({ NetworkAclId: acl.id, ...entry })),
              },
            }
          : {}),
        evidenceKey: template.evidenceKey,
      });
    }
    return drafts;
  },
});
