import { evaluateNacl, type NaclSegment, permittedAt, worldOpenPorts } from '../analysis/nacl-eval';
import type { Family, Transport } from '../analysis/sg-reach';
import type { Config } from '../config';
import type { NaclEntryInput } from '../findings';
import type { NaclEntry, NetworkAclNode } from '../model/model';
import { parseCidr4, parseCidr6 } from '../net/cidr';
import { type IntervalSet, intersect, isSubset, normalize } from '../net/interval-set';
import { formatPortSet, type PortSet, portRangeSet } from '../net/ports';
import { parseProtocol, protocolNumber } from '../net/protocol';
import { isWorldOpen4, isWorldOpen6 } from '../net/public-space';
import { allowedAlready, type KeptSources, keptOnly } from './kept-sources';
import { SimulatedEntries } from './simulated-entries';

/** The lowest and highest rule numbers a person (or the fix) can give an entry. */
const LOWEST_RULE_NUMBER = 1;
const HIGHEST_RULE_NUMBER = 32766;

/** An entry without its NACL id: NACLs with equal entries and kept sources share one plan. */
export type EntryInput = Omit<NaclEntryInput, 'NetworkAclId'>;

/** The world-open part of one admin port spec in one family, and the allow entries that open it. */
export interface OpenAdmin {
  transport: Transport;
  family: Family;
  /** The admin spec as configured (a deny entry repeats its whole range). */
  spec: { from: number; to: number };
  open: PortSet;
  /** Allow entries contributing public peers to the world-open set, ascending by rule number. */
  contributors: NaclEntry[];
}

/** What the fix does to one NACL's inbound entries: EC2 inputs without the NACL id. */
export interface NaclFixPlan {
  /** Allow entries for kept sources and deny entries, to create. */
  createEntries: EntryInput[];
  /** Admin-only world allow entries narrowed to the first kept source (same number). */
  replaceEntries: EntryInput[];
  /** Admin-only world allow entries deleted (no kept source of their family). */
  deleteEntries: { RuleNumber: number; Egress: boolean }[];
  /** The replaced and deleted entries as they are now (what undoing takes). */
  previousEntries: EntryInput[];
  /** Ports that stay notify-only, each with the reason (`22/tcp ipv4: …`). */
  notPlanned: string[];
}

/** A simulated NACL entry: the model's fields, a literal apart from its `Entry` class (model/nacls.ts says why). */
function simulated(input: EntryInput): NaclEntry | undefined {
  const protocol = parseProtocol(input.Protocol);
  const ranged = protocol === 'tcp' || protocol === 'udp';
  const ipv4 = input.CidrBlock !== undefined;
  const cidr = ipv4 ? input.CidrBlock : input.Ipv6CidrBlock;
  if (cidr === undefined) return undefined;
  const range4 = ipv4 ? parseCidr4(cidr) : undefined;
  const range6 = ipv4 ? undefined : parseCidr6(cidr);
  if (!range4 && !range6) return undefined;
  return {
    ruleNumber: input.RuleNumber,
    egress: input.Egress,
    allow: input.RuleAction === 'allow',
    protocol,
    rawProtocol: input.Protocol,
    fromPort: ranged ? (input.PortRange?.From ?? 0) : 0,
    toPort: ranged ? (input.PortRange?.To ?? 65535) : 65535,
    family: ipv4 ? 'ipv4' : 'ipv6',
    cidr,
    range4,
    range6,
    item: { ...input },
  };
}

/** A model entry in EC2 input form (what replacing or re-creating it takes). */
export function entryInput(entry: NaclEntry): EntryInput {
  const out: EntryInput = {
    RuleNumber: entry.ruleNumber,
    Protocol: entry.rawProtocol,
    RuleAction: entry.allow ? 'allow' : 'deny',
    Egress: entry.egress,
    ...(entry.family === 'ipv4' ? { CidrBlock: entry.cidr } : { Ipv6CidrBlock: entry.cidr }),
  };
  const range = entry.item.PortRange;
  if (range?.From !== undefined && range.To !== undefined) out.PortRange = { From: range.From, To: range.To };
  return out;
}

/** True when the entry permits nothing but admin ports (a tcp/udp entry inside the admin set). */
export function adminOnly(entry: NaclEntry, admin: Record<Transport, PortSet>): boolean {
  if (entry.protocol !== 'tcp' && entry.protocol !== 'udp') return false;
  // A contiguous range is inside a normalized set exactly when one of its intervals holds it.
  return admin[entry.protocol].some(([s, e]) => s <= entry.fromPort && entry.toPort < e);
}

function cidrField(family: Family, cidr: string): { CidrBlock: string } | { Ipv6CidrBlock: string } {
  return family === 'ipv4' ? { CidrBlock: cidr } : { Ipv6CidrBlock: cidr };
}

function familyLabel(family: Family): string {
  return family === 'ipv4' ? 'IPv4' : 'IPv6';
}

/** True when the kept sources of the family are themselves world-open (no deny can close the port then). */
function keptWorldOpen(kept: readonly string[], family: Family, coverage: number): boolean {
  if (family === 'ipv4') {
    const set: IntervalSet<number> = normalize(
      kept.map((c) => parseCidr4(c)).flatMap((c) => (c ? [[c.start, c.end] as const] : [])),
    );
    return isWorldOpen4(set, coverage);
  }
  const set: IntervalSet<bigint> = normalize(
    kept.map((c) => parseCidr6(c)).flatMap((c) => (c ? [[c.start, c.end] as const] : [])),
  );
  return isWorldOpen6(set, coverage);
}

/** One item's candidate change, applied to the simulated entries only if it is accepted. */
interface Candidate {
  creates: EntryInput[];
  replaces: { entry: NaclEntry; input: EntryInput }[];
  deletes: NaclEntry[];
}

/**
 * Plans the fix of DESIGN §8 "NACL precision" for one NACL's world-open admin ports, item by item
 * in the given order (tcp 22, tcp 3389, udp 3389; IPv4 before IPv6):
 * - contributing entries that permit only admin ports are narrowed to the first kept source of
 *   their family (`ReplaceNetworkAclEntry`), with an allow for each further kept source at the
 *   largest free numbers below; with no kept source of the family they are deleted;
 * - otherwise a deny for the admin spec from the world goes at the largest free number below the
 *   lowest contributor, and allows for the kept sources at the next largest free numbers below it.
 * A narrowing or delete that would leave the port world-open (a broader allow behind it takes
 * over) takes the deny path instead. Without enough free numbers, beyond `naclEntryLimit`, or
 * when the kept sources themselves are world-open, the item is notify-only with the reason.
 *
 * `evaluated` gives the first-match evaluation of `acl.ingress` (the analysis has it already);
 * without it the plan evaluates the entries itself.
 */
export function planNaclFix(
  acl: NetworkAclNode,
  open: readonly OpenAdmin[],
  kept: KeptSources | undefined,
  admin: Record<Transport, PortSet>,
  config: Pick<Config, 'worldOpenCoverage' | 'naclEntryLimit'>,
  evaluated?: (transport: Transport) => readonly NaclSegment[],
): NaclFixPlan {
  const plan: NaclFixPlan = {
    createEntries: [],
    replaceEntries: [],
    deleteEntries: [],
    previousEntries: [],
    notPlanned: [],
  };
  // Numbers in use now or by an earlier create: a deleted entry's number stays taken, since the
  // creates run before the deletes.
  const taken = new Set(acl.ingress.map((e) => e.ruleNumber));
  const current = new SimulatedEntries(acl.ingress.slice(), evaluated);
  const changed = new Set<number>();
  // `keptWorldOpen` per family, asked at most once a plan: its items share the kept sources.
  const keptOpen: Partial<Record<Family, boolean>> = {};

  for (const item of open) {
    if (!kept) {
      refuse(
        plan,
        item,
        `the CIDR blocks of VPC ${acl.vpcId} are not known (it is not in the snapshot or could not be read), so no fix can keep its own admin traffic`,
      );
      continue;
    }
    // An earlier item's change (a custom admin range shared by two specs) may have closed it already.
    const touched = changed.size > 0 || plan.createEntries.length > 0;
    if (touched && !stillOpen(current.evaluation(item.transport), item, config.worldOpenCoverage)) continue;
    const sources = kept[item.family];
    const left = item.contributors.filter((e) => !changed.has(e.ruleNumber));
    // An allow that admits only kept sources is what the fix keeps, not what it closes: neither an
    // anchor for the deny nor an entry to narrow (a public admin source, or a VPC's IPv6 block, is
    // public space). A fix retried after its first allow was made finds that allow so. Only kept
    // sources left would be world-open themselves: the refusal below says so.
    const closing = left.filter((e) => !keptOnly(e, sources));
    const contributors = closing.length > 0 ? closing : left;
    // Every contributor narrowed by an earlier item and the port still open: an entry they shadowed
    // took over. The deny path below the lowest contributor closes it (not left open unsaid).
    const lowest = contributors[0] ?? item.contributors[0];
    if (!lowest) continue;
    let candidate: Candidate | string | undefined;
    // The narrowed entries and their evaluation, reused when that candidate is taken.
    let narrowed: { entries: NaclEntry[]; segments: readonly NaclSegment[] } | undefined;
    if (contributors.length > 0 && contributors.every((e) => adminOnly(e, admin))) {
      candidate = narrowOrDelete(contributors, sources, item.family, taken, current.entries);
      if (typeof candidate !== 'string') {
        const entries = apply(current.entries, candidate);
        const segments = evaluateNacl(entries, item.transport);
        if (stillOpen(segments, item, config.worldOpenCoverage)) candidate = undefined;
        else narrowed = { entries, segments };
      }
    }
    if (candidate === undefined) {
      keptOpen[item.family] ??= keptWorldOpen(sources, item.family, config.worldOpenCoverage);
      const worldOpen = keptOpen[item.family];
      candidate = worldOpen
        ? `the kept sources of ${familyLabel(item.family)} (the VPC's blocks and naclAdminSources) are world-open themselves`
        : denyAndAllow(item, lowest.ruleNumber, sources, taken, current.entries);
    }
    if (typeof candidate === 'string') {
      refuse(plan, item, candidate);
      continue;
    }
    const next = narrowed ? narrowed.entries : apply(current.entries, candidate);
    const nextEval = narrowed ? narrowed.segments : evaluateNacl(next, item.transport);
    // A fix only takes away: an allow for a kept source placed before an entry that denied it
    // (a taken number between the allow and the anchor) would let in what was kept out.
    if (widens(current.evaluation(item.transport), nextEval)) {
      refuse(plan, item, WIDENS);
      continue;
    }
    const before = familyCount(current.entries, item.family);
    const after = familyCount(next, item.family);
    if (Math.max(before, after) > config.naclEntryLimit) {
      const holds = before > config.naclEntryLimit ? `holds ${before}` : `would hold ${after}`;
      refuse(
        plan,
        item,
        `the NACL ${holds} inbound ${familyLabel(item.family)} entries, more than naclEntryLimit (${config.naclEntryLimit})`,
      );
      continue;
    }
    current.accept(next, item.transport, nextEval);
    for (const create of candidate.creates) {
      taken.add(create.RuleNumber);
      plan.createEntries.push(create);
    }
    for (const { entry, input } of candidate.replaces) {
      changed.add(entry.ruleNumber);
      plan.replaceEntries.push(input);
      plan.previousEntries.push(entryInput(entry));
    }
    for (const entry of candidate.deletes) {
      changed.add(entry.ruleNumber);
      plan.deleteEntries.push({ RuleNumber: entry.ruleNumber, Egress: false });
      plan.previousEntries.push(entryInput(entry));
    }
  }
  return plan;
}

const WIDENS = 'the allow entries for the kept sources would let in traffic an existing entry denies';

/** Records why an item stays notify-only (`22/tcp ipv4: …`). */
function refuse(plan: NaclFixPlan, item: OpenAdmin, reason: string): void {
  const label = `${formatPortSet(portRangeSet(item.spec.from, item.spec.to))[0]}/${item.transport} ${item.family}`;
  plan.notPlanned.push(`${label}: ${reason}`);
}

/** Entries of the family that count towards naclEntryLimit (the default entries do not). */
function familyCount(entries: readonly NaclEntry[], family: Family): number {
  let count = 0;
  for (const e of entries) if (e.family === family && e.ruleNumber <= HIGHEST_RULE_NUMBER) count++;
  return count;
}

/** The largest free numbers below `anchor`, `count` of them, or undefined when there are not enough. */
function freeBelow(anchor: number, count: number, taken: ReadonlySet<number>): number[] | undefined {
  const out: number[] = [];
  for (let n = anchor - 1; n >= LOWEST_RULE_NUMBER && out.length < count; n--) if (!taken.has(n)) out.push(n);
  return out.length === count ? out : undefined;
}

/** Narrow each admin-only contributor to the first kept source (plus allows below), or delete it. */
function narrowOrDelete(
  contributors: readonly NaclEntry[],
  sources: readonly string[],
  family: Family,
  taken: ReadonlySet<number>,
  entries: readonly NaclEntry[],
): Candidate | string {
  const candidate: Candidate = { creates: [], replaces: [], deletes: [] };
  const [first, ...others] = sources;
  if (first === undefined) {
    candidate.deletes.push(...contributors);
    return candidate;
  }
  const reserved = new Set(taken);
  for (const entry of contributors) {
    // Same number, action, protocol and ports; the protocol written as its number, as EC2 lists it.
    const transport = entry.protocol === 'udp' ? 'udp' : 'tcp';
    const further = others.filter(
      (cidr) => !allowedAlready(entries, transport, cidr, entry.fromPort, entry.toPort, entry.ruleNumber),
    );
    const numbers = freeBelow(entry.ruleNumber, further.length, reserved);
    if (!numbers) {
      return `no free rule number below ${entry.ruleNumber} for the allow entries of ${further.length} further kept source(s)`;
    }
    const { CidrBlock: _v4, Ipv6CidrBlock: _v6, ...same } = entryInput(entry);
    candidate.replaces.push({
      entry,
      input: { ...same, Protocol: protocolNumber(transport), ...cidrField(family, first) },
    });
    further.forEach((cidr, i) => {
      const number = numbers[i] as number;
      reserved.add(number);
      candidate.creates.push({
        RuleNumber: number,
        Protocol: protocolNumber(transport),
        RuleAction: 'allow',
        Egress: false,
        ...cidrField(family, cidr),
        PortRange: { From: entry.fromPort, To: entry.toPort },
      });
    });
  }
  return candidate;
}

/** A deny for the admin spec from the world below `anchor`, then an allow per kept source below it. */
function denyAndAllow(
  item: OpenAdmin,
  anchor: number,
  kept: readonly string[],
  taken: ReadonlySet<number>,
  entries: readonly NaclEntry[],
): Candidate | string {
  // The deny takes the largest free number below the anchor however many allows follow; a kept
  // source an allow before that number already admits on the spec needs none (`allowedAlready`).
  const deny = freeBelow(anchor, 1, taken)?.[0];
  const sources =
    deny === undefined
      ? kept
      : kept.filter(
          (cidr) => !allowedAlready(entries, item.transport, cidr, item.spec.from, item.spec.to, deny),
        );
  const numbers = freeBelow(anchor, 1 + sources.length, taken);
  if (!numbers) {
    return sources.length === 0
      ? `no free rule number below ${anchor} for the deny entry`
      : `no ${1 + sources.length} free rule numbers below ${anchor} for the deny entry and the allow entries of ${sources.length} kept source(s)`;
  }
  const protocol = protocolNumber(item.transport);
  const PortRange = { From: item.spec.from, To: item.spec.to };
  const [denyNumber, ...allowNumbers] = numbers as [number, ...number[]];
  const creates: EntryInput[] = [
    {
      RuleNumber: denyNumber,
      Protocol: protocol,
      RuleAction: 'deny',
      Egress: false,
      ...cidrField(item.family, item.family === 'ipv4' ? '0.0.0.0/0' : '::/0'),
      PortRange,
    },
  ];
  sources.forEach((cidr, i) => {
    creates.push({
      RuleNumber: allowNumbers[i] as number,
      Protocol: protocol,
      RuleAction: 'allow',
      Egress: false,
      ...cidrField(item.family, cidr),
      PortRange,
    });
  });
  return { creates, replaces: [], deletes: [] };
}

/** The inbound entries once a candidate is applied, ascending by rule number. */
function apply(entries: readonly NaclEntry[], candidate: Candidate): NaclEntry[] {
  const gone = new Set(candidate.deletes.map((e) => e.ruleNumber));
  const replaced = new Map(candidate.replaces.map((r) => [r.entry.ruleNumber, r.input]));
  const out: NaclEntry[] = [];
  for (const entry of entries) {
    if (gone.has(entry.ruleNumber)) continue;
    const input = replaced.get(entry.ruleNumber);
    const next = input ? simulated(input) : entry;
    if (next) out.push(next);
  }
  for (const input of candidate.creates) {
    const entry = simulated(input);
    if (entry) out.push(entry);
  }
  return out.sort((a, b) => a.ruleNumber - b.ruleNumber);
}

/** True when the evaluated entries still let the world in on some port of the item (its family and protocol). */
function stillOpen(segments: readonly NaclSegment[], item: OpenAdmin, coverage: number): boolean {
  const world = worldOpenPorts(segments, coverage)[item.family];
  return intersect(world, item.open).length > 0;
}

/** `tcp 22 from 10.0.0.0/16` */
function entryWords(e: EntryInput): string {
  const protocol = e.Protocol === '6' ? 'tcp' : e.Protocol === '17' ? 'udp' : `protocol ${e.Protocol}`;
  const range = e.PortRange;
  const ports = !range ? '' : range.From === range.To ? ` ${range.From}` : ` ${range.From}-${range.To}`;
  return `${protocol}${ports} from ${e.CidrBlock ?? e.Ipv6CidrBlock ?? '?'}`;
}

/** The plan in words, for a finding's detail (`narrow entry 100 to …; add allow 99 (…)`), or ''. */
export function fixSummary(plan: NaclFixPlan): string {
  const parts = [
    ...plan.replaceEntries.map((e) => `narrow entry ${e.RuleNumber} to ${e.CidrBlock ?? e.Ipv6CidrBlock}`),
    ...plan.createEntries.map((e) => `add ${e.RuleAction} ${e.RuleNumber} (${entryWords(e)})`),
    ...plan.deleteEntries.map((e) => `delete entry ${e.RuleNumber}`),
  ];
  return parts.join('; ');
}

/** True when `now` (the entries after) lets some peer in on some port that `was` (before) did not. */
function widens(was: readonly NaclSegment[], now: readonly NaclSegment[]): boolean {
  // Both evaluations are constant between these points: checking each one checks every port.
  const points = new Set<number>();
  for (const s of now) points.add(s.from);
  for (const s of was) {
    points.add(s.from);
    points.add(s.to + 1);
  }
  for (const port of points) {
    if (port > 65535) continue;
    const a = permittedAt(now, port);
    if (a.v4.length === 0 && a.v6.length === 0) continue;
    const b = permittedAt(was, port);
    if (!isSubset(a.v4, b.v4) || !isSubset(a.v6, b.v6)) return true;
  }
  return false;
}
