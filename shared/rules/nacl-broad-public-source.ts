import { memoByTwoKeys } from '../analysis/memo';
import type { NaclSegment } from '../analysis/nacl-eval';
import { portClasses, portSetsBySpec } from '../analysis/port-classes';
import { type Family, TRANSPORTS, type Transport } from '../analysis/sg-reach';
import type { PortSpec } from '../config';
import type { FindingDraft } from '../findings';
import type { NaclEntry, NetworkAclNode } from '../model/model';
import { intersect, subtract, union } from '../net/interval-set';
import { formatPortsWithProtocol, type PortSet } from '../net/ports';
import {
  BROAD_IPV4,
  BROAD_IPV6,
  coversWorld4,
  coversWorld6,
  PUBLIC_IPV4_SIZE,
  PUBLIC_IPV6_SIZE,
  publicCount4,
  publicCount6,
} from '../net/public-space';
import { defineRule, reportOnly } from './define-rule';
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
  mapPorts,
  mergedFamilies,
  portSpecsOf,
  type TransportPorts,
} from './sg-open-common';
import type { RuleContext } from './types';

const ID = 'nacl-broad-public-source';
const TITLE = 'Network ACL admits a very broad public source range on an admin port';
const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

/** Admin ports of one transport and family let in through the same entries, with the same share. */
interface BroadPart {
  transport: Transport;
  family: Family;
  ports: PortSet;
  /** Share of the family's public space permitted, as a percentage with one decimal. */
  publicShare: string;
  entries: NaclEntry[];
}

/**
 * How much of the family's public space a segment permits: broad (at least 2^24 IPv4 or 2^96
 * IPv6 public addresses), world-open (at least `coverage` of it), and the share (`46.4%`).
 */
function judgeSegment(
  segment: NaclSegment,
  family: Family,
  coverage: number,
): { broad: boolean; open: boolean; share: string } {
  if (family === 'ipv4') {
    const count = publicCount4(segment.v4);
    return {
      broad: count >= BROAD_IPV4,
      open: coversWorld4(count, coverage),
      share: `${((count / PUBLIC_IPV4_SIZE) * 100).toFixed(1)}%`,
    };
  }
  const count = publicCount6(segment.v6);
  return {
    broad: count >= BROAD_IPV6,
    open: coversWorld6(count, coverage),
    share: `${(Number((count * 1000n) / PUBLIC_IPV6_SIZE) / 10).toFixed(1)}%`,
  };
}

/**
 * The admin ports on which the NACL's inbound, after first match, permits at least 2^24 public
 * IPv4 (2^96 IPv6) sources without being world-open there (in either family: DESIGN §5 "not
 * world-open there", a port world-open over IPv6 and broad over IPv4 is a world-open port, also
 * when `nacl-open-admin-port` is off and claims nothing), less the ports a rule above it in the
 * NACL precedence group (`nacl-open-admin-port`) already reported.
 */
function broadParts(context: RuleContext, acl: NetworkAclNode): BroadPart[] {
  const { analysis, config } = context;
  const admin = portClasses(config).admin;
  const claimed = portSetsBySpec(context.claimed(acl.id));
  const parts: BroadPart[] = [];
  for (const transport of TRANSPORTS) {
    const wanted = subtract(admin[transport], claimed[transport]);
    if (wanted.length === 0) continue;
    const segments = analysis.naclEntries(acl.ingress, transport);
    const first = parts.length;
    /** Wanted ports world-open in some family: never broad, whichever family is broad there. */
    let open: PortSet = [];
    for (const family of FAMILIES) {
      for (const segment of segments) {
        // Most segments permit nobody in one family or the other: no count to take.
        if ((family === 'ipv4' ? segment.v4 : segment.v6).length === 0) continue;
        if (segment.to < (wanted[0]?.[0] ?? 0) || segment.from >= (wanted.at(-1)?.[1] ?? 0)) continue;
        const ports = intersect(wanted, [[segment.from, segment.to + 1]]);
        if (ports.length === 0) continue;
        const judged = judgeSegment(segment, family, config.worldOpenCoverage);
        if (judged.open) open = union(open, ports);
        if (!judged.broad || judged.open) continue;
        const share = judged.share;
        // Every entry either spans a whole segment or misses it: the segment's first port stands for all.
        const entries = publicContributors(acl.ingress, transport, family, segment.from, segment.from);
        const last = parts.at(-1);
        const same =
          last?.transport === transport &&
          last.family === family &&
          last.publicShare === share &&
          last.entries.map((e) => e.ruleNumber).join() === entries.map((e) => e.ruleNumber).join();
        if (last && same) last.ports = [...last.ports, ...ports];
        else parts.push({ transport, family, ports, publicShare: share, entries });
      }
    }
    // Rare (claimed ports already hold them while nacl-open-admin-port is on): only when it is off.
    if (open.length > 0) {
      const kept = parts.splice(first).flatMap((p) => {
        const left = subtract(p.ports, open);
        return left.length > 0 ? [{ ...p, ports: left }] : [];
      });
      parts.push(...kept);
    }
  }
  return parts;
}

/** What a finding says that depends only on the NACL's inbound entries (not on its id or subnets). */
interface BroadTemplate {
  ports: PortSpec[];
  ipv4: string[];
  ipv6: string[];
  broadThrough: { ports: string[]; family: Family; publicShare: string; entries: number[] }[];
  entries: Record<string, string | number>[];
  /** The detail after `Network ACL <label>`, up to the association note. */
  detailBody: string;
  evidenceKey: string;
}

/** The finding's content for a NACL's broad parts, or null when there are none. */
function broadTemplate(parts: readonly BroadPart[]): BroadTemplate | null {
  if (parts.length === 0) return null;
  const ports: TransportPorts = mapPorts((t, f) =>
    parts.filter((p) => p.transport === t && p.family === f).flatMap((p) => p.ports),
  );
  const merged = mergedFamilies(ports);
  const portList = formatTransportPorts(merged);
  const entries = [...new Map(parts.flatMap((p) => p.entries).map((e) => [e.ruleNumber, e])).values()].sort(
    (a, b) => a.ruleNumber - b.ruleNumber,
  );
  const family = (p: BroadPart) => (p.family === 'ipv4' ? 'IPv4' : 'IPv6');
  const shares = parts
    .map(
      (p) =>
        `${p.publicShare} of public ${family(p)} on ${formatPortsWithProtocol(p.ports, p.transport).join(', ')}`,
    )
    .join('; ');
  return {
    ports: portSpecsOf(merged),
    ipv4: formatTransportPorts(familyOnly(ports, 'ipv4')),
    ipv6: formatTransportPorts(familyOnly(ports, 'ipv6')),
    broadThrough: parts.map((p) => ({
      ports: formatPortsWithProtocol(p.ports, p.transport),
      family: p.family,
      publicShare: p.publicShare,
      entries: p.entries.map((e) => e.ruleNumber),
    })),
    entries: entries.map(describeEntry),
    detailBody:
      ` lets at least 2^24 public IPv4 or 2^96 public IPv6 addresses (${familyText(ports)}) reach admin ` +
      `ports ${portList.join(', ')} inbound, short of the whole internet (${shares}), through ` +
      `${entries.map((e) => entryText(e, 'ingress')).join(', ')}. A deny list in front of a broad allow ` +
      'is no access control: allow only the ranges that need these ports.',
    evidenceKey: portList.join(','),
  };
}

/** The claimed ports as a memo key (`tcp22-22,udp3389-3389`); '' for none, the usual case. */
function claimKey(claimed: readonly PortSpec[]): string {
  let key = '';
  for (let i = 0; i < claimed.length; i++) {
    const p = claimed[i] as PortSpec;
    key += i === 0 ? `${p.protocol}${p.from}-${p.to}` : `,${p.protocol}${p.from}-${p.to}`;
  }
  return key;
}

/** One NACL's finding from its template (hot: no spreads; key order is the report's). */
function broadDraft(acl: NetworkAclNode, template: BroadTemplate, subnetIds: string[]): FindingDraft {
  const associated = subnetIds.length > 0;
  let detail = `Network ACL ${aclLabel(acl, subnetIds)}${template.detailBody}`;
  if (!associated) detail += ' The NACL is not associated with any subnet today.';
  return {
    ruleId: ID,
    severity: 'medium',
    resourceType: 'AWS::EC2::NetworkAcl',
    resourceId: acl.id,
    vpcId: acl.vpcId,
    title: TITLE,
    detail,
    controls: [],
    ports: template.ports,
    evidence: associated
      ? {
          ipv4: template.ipv4,
          ipv6: template.ipv6,
          isDefault: acl.isDefault,
          associated,
          subnetIds,
          broadThrough: template.broadThrough,
          entries: template.entries,
        }
      : {
          ipv4: template.ipv4,
          ipv6: template.ipv6,
          isDefault: acl.isDefault,
          associated,
          subnetIds,
          association: 'not associated',
          broadThrough: template.broadThrough,
          entries: template.entries,
        },
    evidenceKey: template.evidenceKey,
    resourceTags: acl.tags,
  };
}

/**
 * NACL inbound permits at least 2^24 public IPv4 (2^96 IPv6) sources on an admin port without
 * being world-open there (e.g. `90 deny all 0.0.0.0/1` before `100 allow tcp 22 0.0.0.0/0`): a
 * blocklist in front of an allow-all is no access control. Ranked after `nacl-open-admin-port` in
 * the NACL precedence group, so a port reported as world-open is not reported again.
 */
export const naclBroadPublicSource = defineRule({
  meta: reportOnly(ID, 'medium', {
    title: TITLE,
    resourceType: 'AWS::EC2::NetworkAcl',
    parameters: ['adminPorts', 'worldOpenCoverage'],
    precedenceGroup: NACL_ADMIN_INBOUND,
  }),
  evaluate(context) {
    const drafts: FindingDraft[] = [];
    // NACLs with identical inbound entries share one evaluation (the same segment arrays), and
    // their claimed ports come from those entries too: the content is computed once per shape.
    const templates = new Map<readonly NaclSegment[], Map<string, BroadTemplate | null>>();
    // The claimed ports' keys by list: the claims of one shape are one list (the engine keeps a
    // rule's shared `ports`), so a key is built per shape, not per NACL.
    const claimKeys = new Map<readonly PortSpec[], string>();
    for (const acl of context.model.networkAcls.values()) {
      const key = context.analysis.naclEntries(acl.ingress, 'tcp');
      const claimedPorts = context.claimed(acl.id);
      let claimed = claimedPorts.length === 0 ? '' : claimKeys.get(claimedPorts);
      if (claimed === undefined) {
        claimed = claimKey(claimedPorts);
        claimKeys.set(claimedPorts, claimed);
      }
      const template = memoByTwoKeys(templates, key, claimed, () => broadTemplate(broadParts(context, acl)));
      if (template === null) continue;
      drafts.push(broadDraft(acl, template, subnetsUsing(context, acl)));
    }
    return drafts;
  },
});
