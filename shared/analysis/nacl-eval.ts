import type { NaclEntry } from '../model/model';
import { IPV4_SPACE, IPV6_SPACE } from '../net/cidr';
import { type Bound, type Interval, type IntervalSet, normalize } from '../net/interval-set';
import { matchesTransport } from '../net/protocol';
import { isWorldOpen4, isWorldOpen6 } from '../net/public-space';
import type { FamilyPorts, Transport } from './sg-reach';

/** What one direction of a NACL permits over a port segment, after first-match evaluation. */
export interface NaclSegment {
  from: number;
  to: number;
  /** Peers whose traffic reaches an allow entry first. */
  v4: IntervalSet<number>;
  v6: IntervalSet<bigint>;
  /** Allow entries that permit at least one peer here (in rule-number order), per family. */
  contributors4: NaclEntry[];
  contributors6: NaclEntry[];
}

type Decision = Pick<NaclSegment, 'v4' | 'v6' | 'contributors4' | 'contributors6'>;

/**
 * Adds [s, e) to a normalized set held as parallel start and end arrays of which the first `n`
 * items count, in place (merging overlapping and adjacent intervals, as `union` does); returns the
 * new count. Items past the count are stale and never read: the arrays are written by index, never
 * emptied (`length = 0` would drop their storage, and every decision would grow it again).
 */
export function insertBounds<T extends Bound>(starts: T[], ends: T[], n: number, s: T, e: T): number {
  let i = 0;
  while (i < n && (ends[i] as T) < s) i++;
  let j = i;
  let start = s;
  let end = e;
  while (j < n && (starts[j] as T) <= e) {
    if ((starts[j] as T) < start) start = starts[j] as T;
    if ((ends[j] as T) > end) end = ends[j] as T;
    j++;
  }
  if (j === i) {
    for (let k = n; k > i; k--) {
      starts[k] = starts[k - 1] as T;
      ends[k] = ends[k - 1] as T;
    }
    starts[i] = s;
    ends[i] = e;
    return n + 1;
  }
  starts[i] = start;
  ends[i] = end;
  const removed = j - i - 1;
  if (removed > 0) {
    for (let k = j; k < n; k++) {
      starts[k - removed] = starts[k] as T;
      ends[k - removed] = ends[k] as T;
    }
  }
  return n - removed;
}

/**
 * Scratch sets and lists reused by every `decide` (not reentrant), each with its count: the
 * decided and permitted sets per family as parallel bounds, and the contributing entries. What a
 * decision keeps is copied out at exact size.
 */
const decidedStarts4: number[] = [];
const decidedEnds4: number[] = [];
const decidedStarts6: bigint[] = [];
const decidedEnds6: bigint[] = [];
const permittedStarts4: number[] = [];
const permittedEnds4: number[] = [];
const permittedStarts6: bigint[] = [];
const permittedEnds6: bigint[] = [];
const contributors4: NaclEntry[] = [];
const contributors6: NaclEntry[] = [];
const NO_PEERS4: IntervalSet<number> = Object.freeze([]);
const NO_PEERS6: IntervalSet<bigint> = Object.freeze([]);
const NO_ENTRIES = Object.freeze([]) as unknown as NaclEntry[];

/**
 * Adds the parts of [s, e) that the decided set (first `dn` bounds) does not hold to the permitted
 * set (first `pn` bounds), in place. Returns the permitted set's new count, doubled, plus 1 when
 * some part was added (one number: no result object per entry).
 */
function addUndecided<T extends Bound>(
  dStarts: readonly T[],
  dEnds: readonly T[],
  dn: number,
  pStarts: T[],
  pEnds: T[],
  pn: number,
  s: T,
  e: T,
): number {
  let at = s;
  let any = 0;
  let count = pn;
  for (let k = 0; k < dn; k++) {
    const ds = dStarts[k] as T;
    const de = dEnds[k] as T;
    if (de <= at) continue;
    if (ds >= e) break;
    if (ds > at) {
      count = insertBounds(pStarts, pEnds, count, at, ds);
      any = 1;
    }
    at = de;
    if (at >= e) return count * 2 + any;
  }
  if (at < e) {
    count = insertBounds(pStarts, pEnds, count, at, e);
    any = 1;
  }
  return count * 2 + any;
}

/** Intervals built by `copySet` before the copy (a packed array, as the set operations expect). */
const tuples: [Bound, Bound][] = [];

/** The first `n` bounds as an interval set of exact size. */
function copySet<T extends Bound>(starts: readonly T[], ends: readonly T[], n: number): [T, T][] {
  for (let k = 0; k < n; k++) tuples[k] = [starts[k] as T, ends[k] as T];
  return tuples.slice(0, n) as [T, T][];
}

/**
 * First match over the entries covering port `at` (in rule-number order): the entries of `relevant`
 * whose range holds it. The decided and permitted sets are grown in place (no set copied per entry).
 */
function decide(relevant: readonly NaclEntry[], at: number): Decision {
  let dn4 = 0;
  let dn6 = 0;
  let pn4 = 0;
  let pn6 = 0;
  let cn4 = 0;
  let cn6 = 0;
  let done4 = false;
  let done6 = false;
  for (let i = 0; i < relevant.length; i++) {
    const entry = relevant[i] as NaclEntry;
    if (entry.fromPort > at || at > entry.toPort) continue;
    // Once a family's whole space is decided (a 0.0.0.0/0 or ::/0 entry), later entries of that
    // family can match nothing: the usual trailing denies cost nothing.
    const range4 = entry.range4;
    const range6 = entry.range6;
    if (range4) {
      if (done4) continue;
      if (entry.allow) {
        const r = addUndecided(
          decidedStarts4,
          decidedEnds4,
          dn4,
          permittedStarts4,
          permittedEnds4,
          pn4,
          range4.start,
          range4.end,
        );
        pn4 = r >> 1;
        if (r & 1) contributors4[cn4++] = entry;
      }
      dn4 = insertBounds(decidedStarts4, decidedEnds4, dn4, range4.start, range4.end);
      done4 = dn4 === 1 && decidedStarts4[0] === 0 && decidedEnds4[0] === IPV4_SPACE;
    } else if (range6) {
      if (done6) continue;
      if (entry.allow) {
        const r = addUndecided(
          decidedStarts6,
          decidedEnds6,
          dn6,
          permittedStarts6,
          permittedEnds6,
          pn6,
          range6.start,
          range6.end,
        );
        pn6 = r >> 1;
        if (r & 1) contributors6[cn6++] = entry;
      }
      dn6 = insertBounds(decidedStarts6, decidedEnds6, dn6, range6.start, range6.end);
      done6 = dn6 === 1 && decidedStarts6[0] === 0n && decidedEnds6[0] === IPV6_SPACE;
    }
    if (done4 && done6) break;
  }
  return {
    v4: pn4 > 0 ? copySet(permittedStarts4, permittedEnds4, pn4) : NO_PEERS4,
    v6: pn6 > 0 ? copySet(permittedStarts6, permittedEnds6, pn6) : NO_PEERS6,
    contributors4: cn4 > 0 ? contributors4.slice(0, cn4) : NO_ENTRIES,
    contributors6: cn6 > 0 ? contributors6.slice(0, cn6) : NO_ENTRIES,
  };
}

/**
 * True when no entry is of one transport alone (tcp or udp): the entries both transports see are
 * then the same, so are their evaluations.
 */
export function transportFree(entries: readonly NaclEntry[]): boolean {
  for (let i = 0; i < entries.length; i++) {
    const protocol = (entries[i] as NaclEntry).protocol;
    if (protocol === 'tcp' || protocol === 'udp') return false;
  }
  return true;
}

/**
 * First-match evaluation of one direction's entries (ascending rule number) for a transport
 * protocol: for every port segment, the peers permitted. Entries of other protocols are skipped;
 * whatever reaches no allow entry meets the final deny (32767/32768), listed or not. Segments
 * covered by the same entries share one evaluation (port 22 and 23–79 usually do).
 *
 * The segments are those of `segmentPorts` (maximal port ranges over which the covering entries
 * are constant: between two consecutive distinct range bounds), computed directly: a NACL
 * direction holds a few dozen entries at most, so each segment's covering set is found by a scan,
 * keyed by a bit mask of entry positions (a string of positions beyond 30 entries).
 */
export function evaluateNacl(entries: readonly NaclEntry[], transport: Transport): NaclSegment[] {
  const relevant: NaclEntry[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as NaclEntry;
    if (matchesTransport(e.protocol, transport)) relevant.push(e);
  }
  const n = relevant.length;
  if (n === 0) return [];
  // The segments are kept for the whole evaluation (shared by every NACL of equal entries): built
  // in `segments`, then copied at exact size (a list grown by push keeps up to half of it empty).
  let count = 0;
  const bounds: number[] = new Array(2 * n);
  for (let i = 0; i < n; i++) {
    const e = relevant[i] as NaclEntry;
    bounds[2 * i] = e.fromPort;
    bounds[2 * i + 1] = e.toPort + 1;
  }
  sortNumbers(bounds);
  const small = n <= 30;
  const keys: (number | string)[] = [];
  const decisions: Decision[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const from = bounds[k] as number;
    const next = bounds[k + 1] as number;
    if (next === from) continue;
    let mask = 0;
    let positions = '';
    for (let i = 0; i < n; i++) {
      const e = relevant[i] as NaclEntry;
      if (e.fromPort <= from && from <= e.toPort) {
        if (small) mask |= 1 << i;
        else positions += positions === '' ? `${i}` : `,${i}`;
      }
    }
    if (small ? mask === 0 : positions === '') continue;
    const key = small ? mask : positions;
    let decision: Decision | undefined;
    for (let d = 0; d < keys.length; d++) {
      if (keys[d] === key) {
        decision = decisions[d];
        break;
      }
    }
    if (!decision) {
      decision = decide(relevant, from);
      keys.push(key);
      decisions.push(decision);
    }
    if (decision.v4.length > 0 || decision.v6.length > 0) {
      segments[count++] = {
        from,
        to: next - 1,
        v4: decision.v4,
        v6: decision.v6,
        contributors4: decision.contributors4,
        contributors6: decision.contributors6,
      };
    }
  }
  return segments.slice(0, count);
}

/** The segments `evaluateNacl` builds (not reentrant); past its count, stale. */
const segments: NaclSegment[] = [];

const ascending = (a: number, b: number) => a - b;

/** Sorts numbers ascending in place: insertion sort for the usual few dozen (`sort` allocates). */
function sortNumbers(values: number[]): void {
  if (values.length > 64) {
    values.sort(ascending);
    return;
  }
  for (let i = 1; i < values.length; i++) {
    const v = values[i] as number;
    let k = i - 1;
    while (k >= 0 && (values[k] as number) > v) {
      values[k + 1] = values[k] as number;
      k--;
    }
    values[k + 1] = v;
  }
}

/** Peers permitted on one port (first match), per family. */
export function permittedAt(
  segments: readonly NaclSegment[],
  port: number,
): { v4: IntervalSet<number>; v6: IntervalSet<bigint> } {
  for (const s of segments) {
    if (s.from <= port && port <= s.to) return { v4: s.v4, v6: s.v6 };
  }
  return { v4: [], v6: [] };
}

/** Ports on which the permitted peers are world-open, per family. */
export function worldOpenPorts(segments: readonly NaclSegment[], coverage: number): FamilyPorts {
  const v4: Interval<number>[] = [];
  const v6: Interval<number>[] = [];
  // Segments of one first-match decision share their sets: each distinct set is judged once.
  let last4: IntervalSet<number> | undefined;
  let last6: IntervalSet<bigint> | undefined;
  let open4 = false;
  let open6 = false;
  for (const s of segments) {
    if (s.v4.length > 0) {
      if (s.v4 !== last4) {
        last4 = s.v4;
        open4 = isWorldOpen4(s.v4, coverage);
      }
      if (open4) v4.push([s.from, s.to + 1]);
    }
    if (s.v6.length > 0) {
      if (s.v6 !== last6) {
        last6 = s.v6;
        open6 = isWorldOpen6(s.v6, coverage);
      }
      if (open6) v6.push([s.from, s.to + 1]);
    }
  }
  return { ipv4: normalize(v4), ipv6: normalize(v6) };
}
