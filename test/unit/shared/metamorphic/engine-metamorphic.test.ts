import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateReport } from '../../../../shared/engine';
import { type Finding, findingId } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { parseCidr4, parseCidr6 } from '../../../../shared/net/cidr';
import { type Ports, parsePorts, TRANSPORTS } from './oracle';
import {
  type Entry,
  isV6,
  key,
  type Perm,
  PLAIN,
  render,
  type Spelling,
  spelling,
  type World,
  world,
} from './world';

// Metamorphic relations of the engine (DESIGN §4–§6): two inputs whose outputs the spec fixes
// relative to each other. Where the spec says two inputs mean the same (a spelling, a split, an
// order), the findings must be the same, ids included (§6: hash of rule, resource and evidence
// key); where one input permits more than the other, the findings may only move one way.
// Bounded: fixed seeds, a few hundred runs each.

const CONFIG = parseConfig({});

function evaluateSnapshot(snapshot: unknown) {
  return evaluateReport(parseSnapshot(snapshot), CONFIG);
}

const findingsOf = (w: World, s: Spelling = PLAIN) => evaluateSnapshot(render(w, s)).findings;

const sortedKey = (rows: ReturnType<typeof key>) =>
  [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

const find = (findings: readonly Finding[], ruleId: string, resourceId: string) =>
  findings.find((f) => f.ruleId === ruleId && f.resourceId === resourceId);

/** The ports a set of rules reports for a resource, merged. */
function ports(findings: readonly Finding[], ruleIds: readonly string[], resourceId: string): Ports {
  return parsePorts(
    ruleIds.flatMap((r) => (find(findings, r, resourceId)?.evidence.ports as string[]) ?? []),
  );
}

const within = (a: Ports, b: Ports) =>
  TRANSPORTS.every((t) => a[t].every(([x, y]) => b[t].some(([u, v]) => u <= x && y <= v)));

/** The ports less the authorized ones (tcp 80 and 443 by default). */
function withoutAuthorized(p: Ports): Ports {
  const cut = (ranges: [number, number][], port: number) =>
    ranges.flatMap(([a, b]): [number, number][] =>
      a <= port && port <= b
        ? (
            [
              [a, port - 1],
              [port + 1, b],
            ] as [number, number][]
          ).filter(([x, y]) => x <= y)
        : [[a, b]],
    );
  return { tcp: cut(cut(p.tcp, 80), 443), udp: p.udp };
}

const SG_OPEN = [
  'sg-open-all-traffic',
  'sg-open-admin-port',
  'sg-open-high-risk-port',
  'sg-open-unauthorized-port',
];

/** A copy of the world (relations edit it). */
const copy = (w: World): World => structuredClone(w);

// --- input rewrites -------------------------------------------------------------------------

/** The two halves of a CIDR (undefined for a single address). */
function halves(cidr: string): [string, string] | undefined {
  if (isV6(cidr)) {
    const r = parseCidr6(cidr);
    if (!r || r.prefix >= 128) return undefined;
    const mid = r.start + (r.end - r.start) / 2n;
    return [`${v6Text(r.start)}/${r.prefix + 1}`, `${v6Text(mid)}/${r.prefix + 1}`];
  }
  const r = parseCidr4(cidr);
  if (!r || r.prefix >= 32) return undefined;
  const mid = r.start + (r.end - r.start) / 2;
  return [`${v4Text(r.start)}/${r.prefix + 1}`, `${v4Text(mid)}/${r.prefix + 1}`];
}

const v4Text = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
const v6Text = (n: bigint) =>
  Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');

/** Shuffles every list and the keys of every object of a JSON value (a seeded permutation). */
function shuffleDeep(value: unknown, random: () => number): unknown {
  const shuffle = <T>(items: T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };
  if (Array.isArray(value)) return shuffle(value.map((v) => shuffleDeep(v, random)));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      shuffle(Object.entries(value as Record<string, unknown>)).map(([k, v]) => [k, shuffleDeep(v, random)]),
    );
  return value;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** The places of a world's permissions, [group, permission]. */
const permPlaces = (w: World) => w.groups.flatMap((g, gi) => g.ingress.map((_, pi) => [gi, pi] as const));
const entryPlaces = (w: World) => w.acls.flatMap((a, ai) => a.entries.map((_, ei) => [ai, ei] as const));

const pick = <T>(items: readonly T[], n: number): T | undefined =>
  items.length === 0 ? undefined : items[n % items.length];

const choice = fc.nat(1000);

describe('spelling invariance (DESIGN §3, §4): the same rules written differently give the same findings and ids', () => {
  it('protocol names/numbers/case, -1 with or without ports, IpPermissions vs SecurityGroupRules vs both, one permission per source, host bits', () => {
    fc.assert(
      fc.property(world, spelling, (w, s) => {
        const got = key(findingsOf(w, s));
        const plain = key(findingsOf(w));
        // A group given only as SecurityGroupRules names no VPC: one no interface uses has an
        // empty vpcId, and findings are ordered by VPC before resource (§6 order), so only the
        // set is the same there.
        if (s.view === 'rules') expect(sortedKey(got)).toEqual(sortedKey(plain));
        else expect(got).toEqual(plain);
      }),
      { numRuns: 200, seed: 7101 },
    );
  });

  it('key order and the order of every list: the same findings, byte for byte (§6), evidence and fix plans included', () => {
    fc.assert(
      fc.property(world, spelling, fc.integer({ min: 1, max: 2 ** 31 }), (w, s, seed) => {
        const snapshot = render(w, { ...s, view: s.view === 'partial' ? 'both' : s.view });
        const shuffled = shuffleDeep(snapshot, seeded(seed));
        const a = evaluateSnapshot(snapshot);
        const b = evaluateSnapshot(shuffled);
        expect(JSON.stringify(b.findings)).toBe(JSON.stringify(a.findings));
        expect(b.notJudged).toEqual(a.notJudged);
        expect([...b.warnings].sort()).toEqual([...a.warnings].sort());
      }),
      { numRuns: 200, seed: 7102 },
    );
  });

  it('a port range split in two (22-80 vs 22-22 + 23-80), in a group and in a NACL entry', () => {
    fc.assert(
      fc.property(world, choice, choice, fc.boolean(), (w, n, cut, inNacl) => {
        const after = copy(w);
        if (inNacl) {
          const place = pick(
            entryPlaces(w).filter(([a, e]) => {
              const x = w.acls[a]?.entries[e];
              return x !== undefined && (x.proto === 'tcp' || x.proto === 'udp') && x.from < x.to;
            }),
            n,
          );
          if (!place) return;
          const acl = after.acls[place[0]];
          const e = acl?.entries[place[1]] as Entry;
          const mid = e.from + (cut % (e.to - e.from));
          // The second half takes the next free number: nothing can match in between.
          acl?.entries.push({ ...e, number: e.number + 1, from: mid + 1 });
          e.to = mid;
        } else {
          const place = pick(
            permPlaces(w).filter(([g, p]) => {
              const x = w.groups[g]?.ingress[p];
              return x !== undefined && (x.proto === 'tcp' || x.proto === 'udp') && x.from < x.to;
            }),
            n,
          );
          if (!place) return;
          const group = after.groups[place[0]];
          const p = group?.ingress[place[1]] as Perm;
          const mid = p.from + (cut % (p.to - p.from));
          group?.ingress.push({ ...p, from: mid + 1 });
          p.to = mid;
        }
        expect(key(findingsOf(after))).toEqual(key(findingsOf(w)));
      }),
      { numRuns: 200, seed: 7103 },
    );
  });

  it('a CIDR split in halves (0.0.0.0/0 vs 0.0.0.0/1 + 128.0.0.0/1: world-open either way, §4), in a group and in a NACL entry', () => {
    fc.assert(
      fc.property(world, choice, fc.boolean(), (w, n, inNacl) => {
        const after = copy(w);
        if (inNacl) {
          const place = pick(entryPlaces(w), n);
          if (!place) return;
          const acl = after.acls[place[0]];
          const e = acl?.entries[place[1]] as Entry;
          const parts = halves(e.cidr);
          if (!parts) return;
          e.cidr = parts[0];
          acl?.entries.push({ ...e, number: e.number + 1, cidr: parts[1] });
        } else {
          const place = pick(
            permPlaces(w).filter(([g, p]) => w.groups[g]?.ingress[p]?.sources.some((x) => 'cidr' in x)),
            n,
          );
          if (!place) return;
          const p = after.groups[place[0]]?.ingress[place[1]] as Perm;
          p.sources = p.sources.flatMap((x) => {
            const parts = 'cidr' in x ? halves(x.cidr) : undefined;
            return parts ? parts.map((cidr) => ({ cidr })) : [x];
          });
        }
        expect(key(findingsOf(after))).toEqual(key(findingsOf(w)));
      }),
      { numRuns: 200, seed: 7104 },
    );
  });

  it('a resolved prefix list vs its CIDRs written in the rule', () => {
    fc.assert(
      fc.property(world, (w) => {
        const after = copy(w);
        for (const g of after.groups)
          for (const p of g.ingress)
            p.sources = p.sources.flatMap((x) =>
              'prefixList' in x
                ? (w.prefixLists.find((l) => l.id === x.prefixList)?.cidrs ?? []).map((cidr) => ({ cidr }))
                : [x],
            );
        expect(key(findingsOf(after))).toEqual(key(findingsOf(w)));
      }),
      { numRuns: 150, seed: 7105 },
    );
  });
});

describe('independence: what one resource is judged from is its own (DESIGN §5 route and NACL resolution)', () => {
  /** The snapshot's ids renamed into a second VPC (its own main table, default NACL, groups…). */
  function renamed(snapshot: Record<string, unknown>): Record<string, unknown> {
    const text = JSON.stringify(snapshot)
      .replaceAll('"vpc-1"', '"vpc-2"')
      .replaceAll('igw-1', 'igw-2')
      .replace(/"(subnet|rtb|acl|sg|sgr|eni|rtbassoc|aclassoc)-/g, '"$1-z');
    const {
      accountId: _a,
      region: _r,
      ManagedPrefixLists: _l,
      ...rest
    } = JSON.parse(text) as Record<string, unknown>;
    return rest;
  }

  const rows = (findings: readonly Finding[]) =>
    findings
      .map((f) =>
        JSON.stringify([
          f.ruleId,
          f.resourceId,
          f.vpcId,
          f.severity,
          f.evidence.ports ?? null,
          f.exposure ?? null,
        ]),
      )
      .sort();

  it('two VPCs in one snapshot: each is judged as if alone (no main table, default NACL or group crosses over)', () => {
    fc.assert(
      fc.property(world, (w) => {
        const one = render(w);
        const two = renamed(one);
        const merged: Record<string, unknown> = { ...one };
        for (const [k, v] of Object.entries(two))
          merged[k] = [...((one[k] as unknown[]) ?? []), ...(v as unknown[])];
        const alone = evaluateSnapshot(one).findings;
        const copyFindings = rows(
          evaluateSnapshot({ ...two, ManagedPrefixLists: one.ManagedPrefixLists }).findings,
        );
        expect(rows(evaluateSnapshot(merged).findings)).toEqual([...rows(alone), ...copyFindings].sort());
        // The first VPC's ids are unchanged by the second.
        const ids = new Set(alone.map((f) => f.id));
        expect(evaluateSnapshot(merged).findings.filter((f) => ids.has(f.id)).length).toBe(alone.length);
      }),
      { numRuns: 100, seed: 7151 },
    );
  });

  it('a slice (an interface, its subnet, route table, NACL and groups, as the event path loads it) judges the interface and its groups as the whole region does', () => {
    fc.assert(
      fc.property(world, choice, (w, n) => {
        const eni = w.enis[n % w.enis.length];
        if (!eni) return;
        const subnet = w.subnets.find((x) => x.id === eni.subnet);
        const table = w.tables.find((t) =>
          t.subnets.includes(eni.subnet)
            ? true
            : t.main && !w.tables.some((o) => o.subnets.includes(eni.subnet)),
        );
        const acl = w.acls.find((a) =>
          a.subnets.includes(eni.subnet)
            ? true
            : a.isDefault && !w.acls.some((o) => o.subnets.includes(eni.subnet)),
        );
        if (!subnet || !table || !acl) return;
        const slice: World = {
          ...w,
          subnets: [subnet],
          tables: [table],
          acls: [acl],
          groups: w.groups.filter((g) => eni.groups.includes(g.id)),
          enis: [eni],
        };
        // What the slice holds is judged the same, but a group's exposure count (the region's
        // other interfaces are not in the slice) and what concerns the subnets left out.
        const ids = new Set([eni.id, ...eni.groups, acl.id]);
        const pick = (findings: readonly Finding[]) =>
          findings
            .filter((f) => ids.has(f.resourceId))
            .map((f) => [f.id, f.ruleId, f.resourceId, f.severity, f.evidence.ports ?? null]);
        expect(pick(findingsOf(slice))).toEqual(pick(findingsOf(w)));
      }),
      { numRuns: 150, seed: 7153 },
    );
  });

  it('removing an interface changes no other interface and, of its groups, only their exposure count', () => {
    fc.assert(
      fc.property(world, choice, (w, n) => {
        const after = copy(w);
        const [gone] = after.enis.splice(n % after.enis.length, 1);
        if (!gone) return;
        const strip = (findings: readonly Finding[]) =>
          findings
            .filter((f) => f.resourceId !== gone.id)
            .map((f) => [f.id, f.ruleId, f.resourceId, f.severity]);
        expect(strip(findingsOf(after))).toEqual(strip(findingsOf(w)));
      }),
      { numRuns: 150, seed: 7152 },
    );
  });
});

describe('not judged is said (DESIGN §3): an interface whose path lacks a piece is listed, never judged clean', () => {
  it('without its route table or NACL an interface is listed as not judged; without one of its groups, also reported on what the others open', () => {
    fc.assert(
      fc.property(world, choice, fc.constantFrom('table', 'acl', 'group'), (w, n, what) => {
        const eni = w.enis[n % w.enis.length];
        if (!eni) return;
        const snapshot = render(w);
        // An explicit association lives in its table's (NACL's) item: without the item, the subnet
        // is on the main table (default NACL), as EC2 reads it. So the main one goes too.
        const own = <T extends { id: string; subnets: string[] }>(
          items: T[],
          fallback: (x: T) => boolean,
        ) => [items.find((x) => x.subnets.includes(eni.subnet))?.id, items.find(fallback)?.id];
        const cut = (key: string, idKey: string, ids: (string | undefined)[]) => {
          snapshot[key] = (snapshot[key] as Record<string, unknown>[]).filter(
            (x) => !ids.includes(x[idKey] as string),
          );
        };
        if (what === 'table')
          cut(
            'RouteTables',
            'RouteTableId',
            own(w.tables, (t) => t.main),
          );
        else if (what === 'acl')
          cut(
            'NetworkAcls',
            'NetworkAclId',
            own(w.acls, (a) => a.isDefault),
          );
        else cut('SecurityGroups', 'GroupId', [eni.groups[0]]);
        const report = evaluateSnapshot(snapshot);
        const listed = report.notJudged.filter((x) => x.resourceId === eni.id);
        expect({ eni: eni.id, what, listed: listed.length > 0 }).toEqual({ eni: eni.id, what, listed: true });
        const exposure = (findings: readonly Finding[]) =>
          findings.find((f) => f.ruleId === 'eni-internet-exposed' && f.resourceId === eni.id)?.evidence
            .ports;
        if (what !== 'group') expect(exposure(report.findings)).toBeUndefined();
        else {
          // What the groups in the snapshot open is known, and reported (a lower bound: the
          // missing group can only add ports); the rest is what "not judged" says.
          const emptied = copy(w);
          for (const g of emptied.groups) if (g.id === eni.groups[0]) g.ingress = [];
          expect(exposure(report.findings)).toEqual(exposure(findingsOf(emptied)));
        }
      }),
      { numRuns: 150, seed: 7161 },
    );
  });
});

describe('monotonicity (DESIGN §4, §5): permitting more never hides, permitting less never adds', () => {
  /** Every interface's exposed ports, and every group's world-open and broad ports. */
  function reach(w: World) {
    const findings = findingsOf(w);
    return {
      findings,
      eni: new Map(w.enis.map((e) => [e.id, ports(findings, ['eni-internet-exposed'], e.id)])),
      open: new Map(w.groups.map((g) => [g.id, ports(findings, SG_OPEN, g.id)])),
      openOrBroad: new Map(
        w.groups.map((g) => [g.id, ports(findings, [...SG_OPEN, 'sg-broad-public-source'], g.id)]),
      ),
      openOrBroadUnauthorized: new Map(
        w.groups.map((g) => [
          g.id,
          withoutAuthorized(ports(findings, [...SG_OPEN, 'sg-broad-public-source'], g.id)),
        ]),
      ),
      nacl: new Map(w.acls.map((a) => [a.id, ports(findings, ['nacl-open-admin-port'], a.id)])),
      naclOrBroad: new Map(
        w.acls.map((a) => [
          a.id,
          ports(findings, ['nacl-open-admin-port', 'nacl-broad-public-source'], a.id),
        ]),
      ),
    };
  }

  type Reach = ReturnType<typeof reach>;
  type Field = Exclude<keyof Reach, 'findings'>;

  /** `small`'s ports of each resource within `large`'s, for each field named. */
  function grows(small: Reach, large: Reach, fields: readonly Field[]) {
    for (const field of fields)
      for (const [id, p] of small[field]) {
        const q = large[field].get(id) ?? { tcp: [], udp: [] };
        if (!within(p, q)) expect({ field, id, ports: p }).toEqual({ field, id, ports: q });
      }
  }

  // Groups judged by the whole-internet share: a rule added can only add sources. A port may
  // MOVE between the sg-open-* rules (an admin port joins all-traffic), never leave them (§5).
  const extraPerm: fc.Arbitrary<Perm> = fc
    .record({
      proto: fc.constantFrom<Perm['proto']>('tcp', 'udp', 'all'),
      from: fc.integer({ min: 0, max: 65535 }),
      len: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 65535 })),
      cidr: fc.constantFrom('0.0.0.0/0', '::/0', '0.0.0.0/1', '128.0.0.0/1', '2000::/3', '1.0.0.0/8'),
    })
    .map(({ proto, from, len, cidr }) => ({
      proto,
      from,
      to: Math.min(65535, from + len),
      sources: [{ cidr }],
    }));

  it('adding an ingress rule to a group never removes a world-open, broad or exposed port', () => {
    fc.assert(
      fc.property(world, choice, extraPerm, (w, n, extra) => {
        const after = copy(w);
        after.groups[n % after.groups.length]?.ingress.push(extra);
        grows(reach(w), reach(after), ['eni', 'open', 'openOrBroadUnauthorized']);
      }),
      { numRuns: 200, seed: 7201 },
    );
  });

  it('widening a source CIDR (to the whole family) never turns world-open into not world-open', () => {
    fc.assert(
      fc.property(world, choice, (w, n) => {
        const place = pick(permPlaces(w), n);
        if (!place) return;
        const after = copy(w);
        const p = after.groups[place[0]]?.ingress[place[1]] as Perm;
        p.sources = p.sources.map((x) => ('cidr' in x ? { cidr: isV6(x.cidr) ? '::/0' : '0.0.0.0/0' } : x));
        // 'openOrBroad' is not monotone on authorized ports: broad 80/tcp that becomes world-open
        // leaves sg-broad-public-source ("… but is not world-open") for no sg-open-* rule
        // (sg-open-unauthorized-port: "any other tcp/udp port not authorized"), as DESIGN §5 says.
        grows(reach(w), reach(after), ['eni', 'open', 'openOrBroadUnauthorized']);
      }),
      { numRuns: 200, seed: 7202 },
    );
  });

  it('a NACL deny entry numbered before the rest never adds exposure; an allow after the rest never removes it', () => {
    const rule = fc.record({
      proto: fc.constantFrom<Entry['proto']>('tcp', 'udp', 'all'),
      from: fc.integer({ min: 0, max: 65535 }),
      len: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 65535 })),
      cidr: fc.constantFrom('0.0.0.0/0', '::/0', '0.0.0.0/1', '2000::/4', '10.0.0.0/8'),
      egress: fc.boolean(),
    });
    fc.assert(
      fc.property(world, choice, rule, fc.boolean(), (w, n, r, deny) => {
        const after = copy(w);
        const acl = after.acls[n % after.acls.length];
        acl?.entries.push({
          number: deny ? 1 : 32000,
          proto: r.proto,
          from: r.from,
          to: Math.min(65535, r.from + r.len),
          allow: !deny,
          egress: r.egress,
          cidr: r.cidr,
        });
        const fields: Field[] = ['eni', 'nacl', 'naclOrBroad'];
        if (deny) grows(reach(after), reach(w), fields);
        else grows(reach(w), reach(after), fields);
      }),
      { numRuns: 200, seed: 7203 },
    );
  });

  it('removing the igw route: exposure and subnet-private-has-igw-route only shrink, subnet-public-no-igw-route only grows', () => {
    fc.assert(
      fc.property(world, choice, fc.constantFrom('v4', 'v6'), (w, n, family) => {
        const after = copy(w);
        const table = after.tables[n % after.tables.length];
        if (!table) return;
        if (family === 'v4') table.v4 = 'none';
        else table.v6 = 'none';
        const before = reach(w);
        const now = reach(after);
        grows(now, before, ['eni']);
        const ids = (r: Reach, ruleId: string) =>
          r.findings.filter((f) => f.ruleId === ruleId).map((f) => f.resourceId);
        expect(ids(before, 'subnet-private-has-igw-route')).toEqual(
          expect.arrayContaining(ids(now, 'subnet-private-has-igw-route')),
        );
        expect(ids(now, 'subnet-public-no-igw-route')).toEqual(
          expect.arrayContaining(ids(before, 'subnet-public-no-igw-route')),
        );
      }),
      { numRuns: 150, seed: 7204 },
    );
  });

  it('a public address or one more group on an interface never removes an exposed port', () => {
    fc.assert(
      fc.property(world, choice, fc.constantFrom('ip', 'ipv6', 'group'), (w, n, what) => {
        const after = copy(w);
        const eni = after.enis[n % after.enis.length];
        if (!eni) return;
        if (what === 'ip') eni.publicIp = true;
        else if (what === 'ipv6') eni.ipv6 = 'public';
        else eni.groups = ['sg-a', 'sg-b', 'sg-c'];
        grows(reach(w), reach(after), ['eni']);
      }),
      { numRuns: 150, seed: 7205 },
    );
  });
});

describe('remediation precision (DESIGN §8): the revoke plan removes exactly the whole-internet rules on the offending ports', () => {
  /** The world's name of a revoke target's source. */
  function targetSource(permission: Record<string, unknown>): string | undefined {
    const first = (key: string, field: string) =>
      (permission[key] as Record<string, string>[] | undefined)?.[0]?.[field];
    return (
      first('IpRanges', 'CidrIp') ?? first('Ipv6Ranges', 'CidrIpv6') ?? first('PrefixListIds', 'PrefixListId')
    );
  }

  const WORLD = ['0.0.0.0/0', '::/0'];

  it('each target is a rule of the group whose own source is the whole internet on a reported port; after the revokes only notRemediable ports stay world-open', () => {
    fc.assert(
      fc.property(world, (w) => {
        const before = findingsOf(w);
        const after = copy(w);
        for (const g of w.groups) {
          const open = before.filter((f) => f.resourceId === g.id && SG_OPEN.includes(f.ruleId));
          if (open.length === 0) continue;
          const reported = parsePorts(open.flatMap((f) => f.evidence.ports as string[]));
          const group = after.groups.find((x) => x.id === g.id) as (typeof after.groups)[number];
          for (const f of open) {
            const plan = f.remediation;
            if (!plan) continue;
            expect(plan.action).toBe('revoke-security-group-rules');
            if (plan.action !== 'revoke-security-group-rules') continue;
            for (const target of plan.rules) {
              const permission = target.ipPermission as unknown as Record<string, unknown>;
              const source = targetSource(permission);
              const proto = permission.IpProtocol === '-1' ? 'all' : permission.IpProtocol;
              const perm = g.ingress.find(
                (p) =>
                  p.proto === proto &&
                  (proto === 'all' || (p.from === permission.FromPort && p.to === permission.ToPort)) &&
                  p.sources.some(
                    (x) => ('cidr' in x ? x.cidr : 'prefixList' in x ? x.prefixList : '') === source,
                  ),
              );
              // A target names a rule the group has, whose own source is the whole internet…
              expect({ target, found: perm !== undefined }).toEqual({ target, found: true });
              const world =
                WORLD.includes(source ?? '') ||
                w.prefixLists.some((l) => l.id === source && l.cidrs.some((c) => WORLD.includes(c)));
              expect({ target, world }).toEqual({ target, world: true });
              // … and carries a port the group's findings report.
              const carries = TRANSPORTS.some((t) =>
                reported[t].some(
                  ([a, b]) => proto === 'all' || (proto === t && perm && perm.from <= b && a <= perm.to),
                ),
              );
              expect({ target, carries }).toEqual({ target, carries: true });
              // Revoked in the copy (several findings may name the same rule; EC2 holds a rule
              // once, so a permission repeated in the generated input is the same rule).
              for (const same of group.ingress)
                if (
                  perm &&
                  same.proto === perm.proto &&
                  (perm.proto === 'all' || (same.from === perm.from && same.to === perm.to))
                )
                  same.sources = same.sources.filter(
                    (x) => ('cidr' in x ? x.cidr : 'prefixList' in x ? x.prefixList : '') !== source,
                  );
            }
          }
          // Every reported port either closes or is listed as notRemediable (DESIGN §8: "World-open
          // via a union of narrower ranges is notify-only").
          const stuck = parsePorts(
            open.flatMap((f) => {
              const n = (f.evidence.notRemediable ?? {}) as Record<string, string[]>;
              return [...(n.ipv4 ?? []), ...(n.ipv6 ?? [])];
            }),
          );
          const again = findingsOf(after);
          const still = parsePorts(
            again
              .filter((f) => f.resourceId === g.id && SG_OPEN.includes(f.ruleId))
              .flatMap((f) => f.evidence.ports as string[]),
          );
          const stillReported: Ports = {
            tcp: still.tcp.flatMap(([a, b]) =>
              reported.tcp.flatMap(([c, d]): [number, number][] =>
                Math.max(a, c) <= Math.min(b, d) ? [[Math.max(a, c), Math.min(b, d)]] : [],
              ),
            ),
            udp: still.udp.flatMap(([a, b]) =>
              reported.udp.flatMap(([c, d]): [number, number][] =>
                Math.max(a, c) <= Math.min(b, d) ? [[Math.max(a, c), Math.min(b, d)]] : [],
              ),
            ),
          };
          // Still reported ⊆ notRemediable, and notRemediable is still open (still reported, but
          // for the authorized ports, which no rule reports once all-traffic no longer fires).
          const stillOpen = parsePorts([...toTexts(stillReported)]);
          expect({
            group: g.id,
            closed: within(stillOpen, stuck),
            listed: within(withoutAuthorized(stuck), stillOpen),
          }).toEqual({
            group: g.id,
            closed: true,
            listed: true,
          });
        }
      }),
      { numRuns: 200, seed: 7251 },
    );
  });
});

const toTexts = (p: Ports) =>
  TRANSPORTS.flatMap((t) => p[t].map(([a, b]) => `${a === b ? a : `${a}-${b}`}/${t}`));

describe('determinism (DESIGN §6)', () => {
  it('ids: a finding about ports hashes the ports it reports, any other its rule and resource (README "Finding ids")', () => {
    const tag = fc.constantFrom(
      undefined,
      '*',
      'sg-open-unauthorized-port',
      'eni-internet-exposed',
      'sg-open-admin-port',
    );
    fc.assert(
      fc.property(world, fc.tuple(tag, tag, tag), (w0, tags) => {
        const w: World = { ...w0, groups: w0.groups.map((g, i) => ({ ...g, exempt: tags[i] })) };
        for (const f of findingsOf(w)) {
          const ports = f.evidence.ports as string[] | undefined;
          if (f.ruleId === 'route-blackhole') continue; // keyed by its routes' destinations
          // The return-path rule keys its blocked ports per direction (`ingress:1024-65535/tcp|egress:…`).
          const directions = f.evidence.directions as
            | { direction: string; blockedPorts: string[] }[]
            | undefined;
          const key =
            f.ruleId === 'nacl-ephemeral-return-blocked'
              ? (directions ?? []).map((d) => `${d.direction}:${d.blockedPorts.join(',')}`).join('|')
              : ports
                ? ports.join(',')
                : '';
          expect([f.ruleId, f.resourceId, f.id]).toEqual([
            f.ruleId,
            f.resourceId,
            findingId(f.ruleId, f.resourceId, key),
          ]);
        }
      }),
      { numRuns: 150, seed: 7302 },
    );
  });

  it('the same input gives the same output, byte for byte (findings, not judged, warnings)', () => {
    fc.assert(
      fc.property(world, spelling, (w, s) => {
        const snapshot = render(w, s);
        const first = JSON.stringify(evaluateSnapshot(snapshot));
        expect(JSON.stringify(evaluateSnapshot(structuredClone(snapshot)))).toBe(first);
        expect(JSON.stringify(evaluateSnapshot(snapshot))).toBe(first);
      }),
      { numRuns: 100, seed: 7301 },
    );
  });
});
