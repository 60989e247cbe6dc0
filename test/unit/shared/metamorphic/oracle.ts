// A brute-force reading of DESIGN §4–§5 over a generated World (world.ts), written from the
// spec's words and sharing no code with the rules: it walks the abstract world (not the
// snapshot), NACL entries in rule-number order, and asks only the separately oracle-tested
// address arithmetic (CIDR parsing, public-space counts) of shared/net. Ports are visited per
// segment between the world's breakpoints (every from/to+1 of a rule or entry and every port of
// the catalogue's classes), inside which every answer is constant.
import { parseCidr4, parseCidr6 } from '../../../../shared/net/cidr';
import { type Interval, normalize, subtract, union } from '../../../../shared/net/interval-set';
import { isWorldOpen4, isWorldOpen6, publicCount4, publicCount6 } from '../../../../shared/net/public-space';
import type { Acl, Eni, Entry, Perm, Table, Transport, World } from './world';
import { isV6 } from './world';

export type Family = 'v4' | 'v6';
export const FAMILIES: readonly Family[] = ['v4', 'v6'];
export const TRANSPORTS: readonly Transport[] = ['tcp', 'udp'];

/** A set of ports per transport, as inclusive ranges, merged and sorted. */
export type Ports = Record<Transport, [number, number][]>;

/** The catalogue's port classes (DESIGN §4, all configurable) and the ephemeral range. */
export interface Classes {
  admin: Ports;
  high: Ports;
  authorized: Ports;
  ephemeral: [number, number];
  /** `worldOpenCoverage`. */
  coverage: number;
}

/** Port specs as the config writes them (`22/tcp`, `1024-65535/tcp`) as merged ranges. */
export function portsOfSpecs(specs: readonly string[]): Ports {
  return parsePorts(specs);
}

/** DESIGN §4 defaults. */
export const DEFAULT_CLASSES: Classes = {
  admin: portsOfSpecs(['22/tcp', '3389/tcp', '3389/udp']),
  high: portsOfSpecs(
    [
      20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601,
      8080, 8088, 8888, 9200, 9300,
    ].map((p) => `${p}/tcp`),
  ),
  authorized: portsOfSpecs(['80/tcp', '443/tcp']),
  ephemeral: [1024, 65535],
  coverage: 0.99,
};

type Block = { v4: Interval<number> } | { v6: Interval<bigint> };

function block(cidr: string): Block {
  if (isV6(cidr)) {
    const r = parseCidr6(cidr);
    if (!r) throw new Error(`bad CIDR ${cidr}`);
    return { v6: [r.start, r.end] };
  }
  const r = parseCidr4(cidr);
  if (!r) throw new Error(`bad CIDR ${cidr}`);
  return { v4: [r.start, r.end] };
}

/** Sources of one family, as an address set. */
class Peers {
  v4: Interval<number>[] = [];
  v6: Interval<bigint>[] = [];
  add(cidr: string) {
    const b = block(cidr);
    if ('v4' in b) this.v4.push(b.v4);
    else this.v6.push(b.v6);
  }
  /** At least `coverage` of the family's public space (DESIGN §4: 99% unless configured). */
  worldOpen(f: Family, coverage = 0.99): boolean {
    return f === 'v4'
      ? isWorldOpen4(normalize(this.v4), coverage)
      : isWorldOpen6(normalize(this.v6), coverage);
  }
  /** Adds another set's peers. */
  addAll(other: Peers) {
    this.v4.push(...other.v4);
    this.v6.push(...other.v6);
  }
  /** True when every peer of the family is also in `other`. */
  within(other: Peers, f: Family): boolean {
    return f === 'v4'
      ? subtract(normalize(this.v4), normalize(other.v4)).length === 0
      : subtract(normalize(this.v6), normalize(other.v6)).length === 0;
  }
  broad(f: Family): boolean {
    return f === 'v4'
      ? publicCount4(normalize(this.v4)) >= 2 ** 24
      : publicCount6(normalize(this.v6)) >= 1n << 96n;
  }
}

const carries = (x: { proto: string; from: number; to: number }, t: Transport, p: number) =>
  x.proto === 'all' || (x.proto === t && x.from <= p && p <= x.to);

/** The starts of the port segments: every port where some answer may change. */
export function segments(w: World, c: Classes = DEFAULT_CLASSES): number[] {
  const cuts = new Set<number>([0]);
  const cut = (from: number, to: number) => {
    cuts.add(from);
    if (to < 65535) cuts.add(to + 1);
  };
  for (const g of w.groups) for (const p of g.ingress) cut(p.from, p.to);
  for (const a of w.acls) for (const e of a.entries) cut(e.from, e.to);
  for (const set of [c.admin, c.high, c.authorized])
    for (const t of TRANSPORTS) for (const [a, b] of set[t]) cut(a, b);
  cut(c.ephemeral[0], c.ephemeral[1]);
  return [...cuts].sort((a, b) => a - b);
}

/** The port set of the segments where `holds` is true. */
function portsWhere(starts: readonly number[], holds: (t: Transport, p: number) => boolean): Ports {
  const out: Ports = { tcp: [], udp: [] };
  for (const t of TRANSPORTS) {
    for (let i = 0; i < starts.length; i++) {
      const from = starts[i] as number;
      const to = i + 1 < starts.length ? (starts[i + 1] as number) - 1 : 65535;
      if (!holds(t, from)) continue;
      const last = out[t][out[t].length - 1];
      if (last && last[1] + 1 === from) last[1] = to;
      else out[t].push([from, to]);
    }
  }
  return out;
}

export function isEmpty(p: Ports): boolean {
  return p.tcp.length === 0 && p.udp.length === 0;
}

export function has(p: Ports, t: Transport, port: number): boolean {
  return p[t].some(([a, b]) => a <= port && port <= b);
}

/** A group's ingress sources on (transport, port): the union of its rules (allow-only). */
export function groupPeers(w: World, groupIds: readonly string[], t: Transport, port: number): Peers {
  const peers = new Peers();
  for (const g of w.groups) {
    if (!groupIds.includes(g.id)) continue;
    for (const perm of g.ingress as Perm[]) {
      if (!carries(perm, t, port)) continue;
      for (const s of perm.sources) {
        if ('cidr' in s) peers.add(s.cidr);
        else if ('prefixList' in s)
          for (const c of w.prefixLists.find((l) => l.id === s.prefixList)?.cidrs ?? []) peers.add(c);
        // A referenced group is not an internet source (DESIGN §4).
      }
    }
  }
  return peers;
}

/** NACL first match (DESIGN §4): the peers whose first matching entry, by rule number, allows. */
export function naclPeers(acl: Acl, egress: boolean, f: Family, t: Transport, port: number): Peers {
  const peers = new Peers();
  const ordered = acl.entries
    .filter((e: Entry) => e.egress === egress && isV6(e.cidr) === (f === 'v6'))
    .sort((a, b) => a.number - b.number);
  if (f === 'v4') {
    let decided: Interval<number>[] = [];
    for (const e of ordered) {
      if (!carries(e, t, port)) continue;
      const b = block(e.cidr);
      if (!('v4' in b)) continue;
      if (e.allow) peers.v4.push(...subtract([b.v4], normalize(decided)));
      decided = [...union(normalize(decided), [b.v4])];
    }
  } else {
    let decided: Interval<bigint>[] = [];
    for (const e of ordered) {
      if (!carries(e, t, port)) continue;
      const b = block(e.cidr);
      if (!('v6' in b)) continue;
      if (e.allow) peers.v6.push(...subtract([b.v6], normalize(decided)));
      decided = [...union(normalize(decided), [b.v6])];
    }
  }
  return peers;
}

export function aclOf(w: World, subnet: string): Acl {
  const own = w.acls.find((a) => a.subnets.includes(subnet));
  const acl = own ?? w.acls.find((a) => a.isDefault);
  if (!acl) throw new Error('no NACL');
  return acl;
}

export function tableOf(w: World, subnet: string): Table {
  const own = w.tables.find((t) => t.subnets.includes(subnet));
  const table = own ?? w.tables.find((t) => t.main);
  if (!table) throw new Error('no route table');
  return table;
}

/** A default route to an igw- for the family: active `0.0.0.0/0` / `::/0` to `igw-…`. */
export function igwRoute(table: Table, f: Family): boolean {
  return f === 'v4' ? table.v4 === 'igw' : table.v6 === 'igw';
}

export interface Exposure {
  v4: Ports;
  v6: Ports;
  all: Ports;
  severity: 'critical' | 'high' | 'medium' | 'info';
}

/** DESIGN §5 `eni-internet-exposed`, word by word; undefined when the interface is not exposed. */
export function exposureOf(
  w: World,
  eni: Eni,
  starts = segments(w),
  c: Classes = DEFAULT_CLASSES,
): Exposure | undefined {
  const acl = aclOf(w, eni.subnet);
  const table = tableOf(w, eni.subnet);
  const per = {} as Record<Family, Ports>;
  for (const f of FAMILIES) {
    const address = f === 'v4' ? eni.publicIp : eni.ipv6 === 'public';
    const wayBack: Record<Transport, boolean> = {
      tcp: starts.some((q) => naclPeers(acl, true, f, 'tcp', q).worldOpen(f, c.coverage)),
      udp: starts.some((q) => naclPeers(acl, true, f, 'udp', q).worldOpen(f, c.coverage)),
    };
    per[f] = portsWhere(
      starts,
      (t, p) =>
        address &&
        igwRoute(table, f) &&
        wayBack[t] &&
        naclPeers(acl, false, f, t, p).worldOpen(f, c.coverage) &&
        groupPeers(w, eni.groups, t, p).worldOpen(f, c.coverage),
    );
  }
  const all = portsWhere(starts, (t, p) => has(per.v4, t, p) || has(per.v6, t, p));
  if (isEmpty(all)) return undefined;
  const severity = severityOf(all, c);
  return { v4: per.v4, v6: per.v6, all, severity };
}

export interface GroupVerdict {
  all: Ports;
  admin: Ports;
  high: Ports;
  other: Ports;
  broad: Ports;
}

/** DESIGN §5 `sg-open-*` precedence and `sg-broad-public-source` for one group. */
export function groupVerdict(
  w: World,
  groupId: string,
  starts = segments(w),
  c: Classes = DEFAULT_CLASSES,
): GroupVerdict {
  const open = (t: Transport, p: number) => {
    const peers = groupPeers(w, [groupId], t, p);
    return peers.worldOpen('v4', c.coverage) || peers.worldOpen('v6', c.coverage);
  };
  const world = portsWhere(starts, open);
  const everyTcp = world.tcp.length === 1 && world.tcp[0]?.[0] === 0 && world.tcp[0]?.[1] === 65535;
  const none: Ports = { tcp: [], udp: [] };
  return {
    all: everyTcp ? world : none,
    admin: everyTcp ? none : portsWhere(starts, (t, p) => open(t, p) && has(c.admin, t, p)),
    high: everyTcp
      ? none
      : portsWhere(starts, (t, p) => open(t, p) && !has(c.admin, t, p) && has(c.high, t, p)),
    other: everyTcp
      ? none
      : portsWhere(
          starts,
          (t, p) => open(t, p) && !has(c.admin, t, p) && !has(c.high, t, p) && !has(c.authorized, t, p),
        ),
    broad: portsWhere(starts, (t, p) => {
      if (open(t, p)) return false;
      const peers = groupPeers(w, [groupId], t, p);
      return peers.broad('v4') || peers.broad('v6');
    }),
  };
}

/** DESIGN §5 `nacl-open-admin-port` and `nacl-broad-public-source` for one NACL (admin ports, inbound). */
export function naclVerdict(
  acl: Acl,
  starts: readonly number[],
  c: Classes = DEFAULT_CLASSES,
): { open: Ports; broad: Ports } {
  const peers = (t: Transport, p: number) =>
    FAMILIES.map((f) => [f, naclPeers(acl, false, f, t, p)] as const);
  const open = (t: Transport, p: number) =>
    has(c.admin, t, p) && peers(t, p).some(([f, x]) => x.worldOpen(f, c.coverage));
  return {
    open: portsWhere(starts, open),
    broad: portsWhere(
      starts,
      (t, p) => has(c.admin, t, p) && !open(t, p) && peers(t, p).some(([f, x]) => x.broad(f)),
    ),
  };
}

/** `["22/tcp", "1024-65535/tcp"]` (a finding's `evidence.ports`) as merged ranges per transport. */
export function parsePorts(list: unknown): Ports {
  const raw: Record<Transport, [number, number][]> = { tcp: [], udp: [] };
  for (const text of Array.isArray(list) ? (list as string[]) : []) {
    const [range = '', t] = text.split('/') as [string, Transport];
    const [from = 0, to = from] = range.split('-').map(Number);
    raw[t].push([from, to]);
  }
  const out: Ports = { tcp: [], udp: [] };
  for (const t of TRANSPORTS) {
    for (const [a, b] of raw[t].sort((x, y) => x[0] - y[0])) {
      const last = out[t][out[t].length - 1];
      if (last && last[1] + 1 >= a) last[1] = Math.max(last[1], b);
      else out[t].push([a, b]);
    }
  }
  return out;
}

/** `{tcp: ["22", "80-90"], udp: []}` (an exposure family's ports) as merged ranges. */
export function parseFamilyPorts(value: unknown): Ports {
  const v = (value ?? {}) as Partial<Record<Transport, string[]>>;
  return parsePorts([...(v.tcp ?? []).map((x) => `${x}/tcp`), ...(v.udp ?? []).map((x) => `${x}/udp`)]);
}

const VERDICT_OF: Record<string, keyof GroupVerdict> = {
  'sg-open-all-traffic': 'all',
  'sg-open-admin-port': 'admin',
  'sg-open-high-risk-port': 'high',
  'sg-open-unauthorized-port': 'other',
  'sg-broad-public-source': 'broad',
};

/** The rule ids of a group's exemption tag (`*`, or a comma list; DESIGN §8). */
export function tagRules(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((x) => x.trim());
}

/**
 * DESIGN §8: an interface's exposure is suppressed for the ports on which every security group
 * that opens them to the world is exempted for them. A group is exempted for a port by a tag for
 * `*` or `eni-internet-exposed`, or by a tag naming the rule that reports that port of the group.
 * As the README reads it, a port that the groups not exempted for it still open to the world
 * together (a union of narrower ranges) stays reported: no one accepted that path.
 */
/** A config `allowLists` entry (DESIGN §8 "config allow-lists"). */
export interface AllowEntry {
  resourceId: string;
  ruleIds?: string[];
  ports?: string[];
}

/** True when the allow-list entry exempts the group's port, as the README reads §8. */
function allowListed(entry: AllowEntry, verdict: GroupVerdict | undefined, t: Transport, p: number): boolean {
  if (entry.ports && !has(portsOfSpecs(entry.ports), t, p)) return false;
  if (!entry.ruleIds || entry.ruleIds.includes('eni-internet-exposed')) return true;
  return entry.ruleIds.some((r) => {
    const field = VERDICT_OF[r];
    return field !== undefined && verdict !== undefined && has(verdict[field], t, p);
  });
}

export function acceptedOf(
  w: World,
  eni: Eni,
  starts = segments(w),
  allowLists: readonly AllowEntry[] = [],
): { remaining: Ports; accepted: boolean } {
  const exposure = exposureOf(w, eni, starts);
  const none: Ports = { tcp: [], udp: [] };
  if (!exposure) return { remaining: none, accepted: false };
  const verdicts = new Map(w.groups.map((g) => [g.id, groupVerdict(w, g.id, starts)]));
  const exempted = (groupId: string, t: Transport, p: number) => {
    const rules = tagRules(w.groups.find((g) => g.id === groupId)?.exempt);
    if (rules.includes('*') || rules.includes('eni-internet-exposed')) return true;
    const verdict = verdicts.get(groupId);
    if (allowLists.some((e) => e.resourceId === groupId && allowListed(e, verdict, t, p))) return true;
    return rules.some((r) => {
      const field = VERDICT_OF[r];
      return field !== undefined && verdict !== undefined && has(verdict[field], t, p);
    });
  };
  const acceptedIn = (f: Family, t: Transport, p: number) => {
    const openers = eni.groups.filter((g) => groupPeers(w, [g], t, p).worldOpen(f));
    if (openers.length === 0 || !openers.every((g) => exempted(g, t, p))) return false;
    const rest = eni.groups.filter((g) => !exempted(g, t, p));
    return !groupPeers(w, rest, t, p).worldOpen(f);
  };
  const remaining = portsWhere(starts, (t, p) =>
    FAMILIES.some((f) => has(exposure[f], t, p) && !acceptedIn(f, t, p)),
  );
  // remaining ⊆ exposure.all: something was accepted when they differ.
  return { remaining, accepted: JSON.stringify(remaining) !== JSON.stringify(exposure.all) };
}

/** DESIGN §5 severity of a set of exposed ports. */
export function severityOf(all: Ports, c: Classes = DEFAULT_CLASSES): Exposure['severity'] {
  const meets = (set: Ports) =>
    TRANSPORTS.some((t) =>
      all[t].some(([a, b]) => set[t].some(([x, y]) => Math.max(a, x) <= Math.min(b, y))),
    );
  const everyTcp = all.tcp.length === 1 && all.tcp[0]?.[0] === 0 && all.tcp[0]?.[1] === 65535;
  const onlyAuthorized = TRANSPORTS.every((t) =>
    all[t].every(([a, b]) => c.authorized[t].some(([x, y]) => x <= a && b <= y)),
  );
  return meets(c.admin) || everyTcp
    ? 'critical'
    : meets(c.high)
      ? 'high'
      : onlyAuthorized
        ? 'info'
        : 'medium';
}

/**
 * DESIGN §5 `nacl-ephemeral-return-blocked` (default ephemeral range 1024–65535), per direction:
 * the peers that the allow entries serve below the ephemeral range (after rule ordering) must be
 * permitted in the other direction on every ephemeral port of the same protocol, admin ports
 * excepted. The blocked ports of each direction, over both families.
 */
export function returnBlocked(
  acl: Acl,
  starts: readonly number[],
  c: Classes = DEFAULT_CLASSES,
): Record<'ingress' | 'egress', Ports> {
  const [from, to] = c.ephemeral;
  const low = starts.filter((p) => p < from);
  const blocked = (egress: boolean): Ports => {
    const served = (f: Family, t: Transport) => {
      const peers = new Peers();
      for (const p of low) peers.addAll(naclPeers(acl, egress, f, t, p));
      return peers;
    };
    const peers = {
      v4: { tcp: served('v4', 'tcp'), udp: served('v4', 'udp') },
      v6: { tcp: served('v6', 'tcp'), udp: served('v6', 'udp') },
    };
    return portsWhere(starts, (t, q) => {
      if (q < from || q > to || has(c.admin, t, q)) return false;
      return FAMILIES.some((f) => !peers[f][t].within(naclPeers(acl, !egress, f, t, q), f));
    });
  };
  return { ingress: blocked(false), egress: blocked(true) };
}
