/** A parsed IPv4 CIDR: the half-open address interval [start, end) as numbers. */
export interface Cidr4 {
  start: number;
  end: number;
  prefix: number;
}

/** A parsed IPv6 CIDR: the half-open address interval [start, end) as 128-bit bigints. */
export interface Cidr6 {
  start: bigint;
  end: bigint;
  prefix: number;
}

export const IPV4_SPACE = 2 ** 32;
export const IPV6_SPACE = 1n << 128n;

/**
 * The 32-bit value of the dotted quad `text[start, end)`, or -1. Reads character codes (no split,
 * no regex, no allocation: validation runs it on every source of a 124 MB snapshot). A leading zero
 * is refused, as EC2 does (`010.0.0.1`).
 */
function scanIpv4(text: string, start: number, end: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1; // a leading zero
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

/**
 * True when `text[start, end)` is a dotted quad `scanIpv4` reads, without its value: no sum that
 * could outgrow a small integer (a quad from 128.0.0.0 up made the validator's optimized code
 * start over, on V8's --trace-deopt "overflow").
 */
function isIpv4Range(text: string, start: number, end: number): boolean {
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return false;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return false; // a leading zero
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return false;
    } else return false;
  }
  return dots === 3 && digits > 0;
}

/** True when `text` is an IPv4 address `parseIpv4` reads (without building its value). */
export function isIpv4(text: string): boolean {
  return isIpv4Range(text, 0, text.length);
}

/** The prefix length written in `text[start, end)` (0–max, no leading zero), or -1. */
function scanPrefix(text: string, start: number, end: number, max: number): number {
  if (start >= end || end - start > 3) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57 || (i > start && value === 0)) return -1;
    value = value * 10 + (c - 48);
  }
  return value <= max ? value : -1;
}

/** Parses a dotted-quad IPv4 address to its 32-bit value; a leading zero is refused, as EC2 does (`010.0.0.1`). */
export function parseIpv4(text: string): number | undefined {
  const value = scanIpv4(text, 0, text.length);
  return value < 0 ? undefined : value;
}

/** The 16-bit groups of the last `scanIpv6` (not reentrant; nothing else writes it). */
const groups6 = [0, 0, 0, 0, 0, 0, 0, 0];

/** The value of hex digit `c`, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Reads the `:`-separated groups of `text[start, end)` (1–4 hex digits each) into `groups6` from
 * `at`: how many, or -1 (an empty range holds none). Also -1 past the 8 groups there is room for.
 */
function scanGroups(text: string, start: number, end: number, at: number): number {
  if (start === end) return 0;
  let count = 0;
  let value = 0;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    const c = i === end ? 58 : text.charCodeAt(i);
    if (c === 58 /* : */) {
      if (digits === 0 || at + count > 7) return -1;
      groups6[at + count] = value;
      count++;
      value = 0;
      digits = 0;
      continue;
    }
    const d = hexDigit(c);
    if (d < 0 || ++digits > 4) return -1;
    value = value * 16 + d;
  }
  return count;
}

/**
 * Scans the usual form of an IPv6 address (hex digits and colons only, at most one `::`) into
 * `groups6`: true when valid. No split, regex or string is made (validation runs it on every
 * interface address of a 124 MB snapshot). Other texts are not read here (`-1`: use the general
 * parser); `0` is invalid.
 */
function scanIpv6(text: string): -1 | 0 | 1 {
  const n = text.length;
  if (n === 0) return -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c !== 58 && hexDigit(c) < 0) return -1;
  }
  const gap = text.indexOf('::');
  if (gap < 0) return scanGroups(text, 0, n, 0) === 8 ? 1 : 0;
  if (text.indexOf('::', gap + 2) >= 0) return 0;
  const head = scanGroups(text, 0, gap, 0);
  if (head < 0) return 0;
  // The tail is read after the head, then moved to the end: the groups `::` stands for are zeros.
  const tail = scanGroups(text, gap + 2, n, head);
  if (tail < 0 || head + tail > 7) return 0;
  for (let k = tail - 1; k >= 0; k--) groups6[8 - tail + k] = groups6[head + k] as number;
  for (let k = head; k < 8 - tail; k++) groups6[k] = 0;
  return 1;
}

/**
 * What `scanIpv6` answers for `text[0, end)`, in one pass that writes nothing (hot: validation runs it on
 * every IPv6 text of a snapshot): groups of 1–4 hex digits between colons, one `::` at most (it
 * stands for at least one zero group), eight groups without it. `-1` for a text outside the
 * hex-and-colon alphabet (or empty), checked before the form, as `scanIpv6` does.
 */
function checkIpv6(text: string, end: number): -1 | 0 | 1 {
  if (end === 0) return -1;
  let groups = 0;
  let digits = 0;
  let gap = -1;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 58 /* : */) {
      if (digits > 0) {
        groups++; // a colon closes a group
        digits = 0;
      } else if (i > 0) {
        // After a colon: the `::`, once.
        if (gap >= 0) return restOfIpv6(text, i, end);
        gap = i - 1;
      } else if (end < 2 || text.charCodeAt(1) !== 58) return restOfIpv6(text, i, end);
    } else if (hexDigit(c) < 0) return -1;
    else if (++digits > 4) return restOfIpv6(text, i, end);
  }
  if (digits === 0 && gap !== end - 2) return 0; // a colon ends the text, and not as the `::`
  // The last group counted on every path: an increment reached by one form only (addresses, not
  // CIDRs ending in `::`) made the validator's optimized code start over (--trace-deopt).
  groups += digits > 0 ? 1 : 0;
  return (gap < 0 ? groups === 8 : groups <= 7) ? 1 : 0;
}

/** `checkIpv6`'s answer once the form is wrong: `-1` still if a later character is outside the alphabet. */
function restOfIpv6(text: string, from: number, end: number): -1 | 0 {
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 58 && hexDigit(c) < 0) return -1;
  }
  return 0;
}

/** True when `text` is an IPv6 address `parseIpv6` reads (without building its value). */
export function isIpv6(text: string): boolean {
  const scanned = checkIpv6(text, text.length);
  return scanned === 1 || (scanned === -1 && parseIpv6General(text) !== undefined);
}

/** Parses an IPv6 address (with `::` and an optional embedded IPv4 tail) to its 128-bit value. */
export function parseIpv6(text: string): bigint | undefined {
  const scanned = scanIpv6(text);
  if (scanned === -1) return parseIpv6General(text);
  if (scanned === 0) return undefined;
  const g = groups6;
  // Four 32-bit words: four BigInts instead of sixteen (one per group, one per shift).
  return (
    (BigInt((g[0] as number) * 65536 + (g[1] as number)) << 96n) |
    (BigInt((g[2] as number) * 65536 + (g[3] as number)) << 64n) |
    (BigInt((g[4] as number) * 65536 + (g[5] as number)) << 32n) |
    BigInt((g[6] as number) * 65536 + (g[7] as number))
  );
}

/** The first 16-bit group of an address `parseIpv6` reads, else -1 (hot: no 128-bit value built). */
export function ipv6FirstGroup(text: string): number {
  const scanned = scanIpv6(text);
  if (scanned === 1) return groups6[0] as number;
  if (scanned === 0) return -1;
  const value = parseIpv6General(text);
  return value === undefined ? -1 : Number(value >> 112n);
}

/**
 * Parses any IPv6 address text EC2 accepts: hex groups, `::`, an embedded IPv4 tail
 * (`::ffff:192.0.2.1`). The general reading that `scanIpv6` agrees with on the usual hex-and-colon
 * form (a property test holds them equal). Surrounding space and a zone (`fe80::1%eth0`) are
 * refused: EC2 neither prints nor takes them, and an IPv4 text with a space was refused already.
 */
export function parseIpv6General(text: string): bigint | undefined {
  let s = text;
  // Hex digits, colons and an IPv4 tail's dots only: no space, no zone.
  if (s === '' || /[^0-9a-fA-F:.]/.test(s)) return undefined;
  if (s.includes('.')) {
    const lastColon = s.lastIndexOf(':');
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] ?? '').split(':')) : [];
  let groups: string[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return undefined;
    groups = [...head, ...Array<string>(missing).fill('0'), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  return value;
}

/**
 * `parse`, memoized per text (a failure is kept too): real regions repeat the same few hundred
 * CIDRs many times. The memo is emptied past 100,000 texts.
 */
function memoized<T>(parse: (text: string) => T | undefined): (text: string) => T | undefined {
  const cache = new Map<string, T | null>();
  return (text) => {
    const hit = cache.get(text);
    if (hit !== undefined) return hit ?? undefined;
    const parsed = parse(text);
    if (cache.size > 100_000) cache.clear();
    cache.set(text, parsed ?? null);
    return parsed;
  };
}

/** Parses an IPv4 CIDR. Host bits are cleared, as EC2 does (`208.236.235.254/0` is the whole space). */
export const parseCidr4: (text: string) => Cidr4 | undefined = memoized(parseCidr4Uncached);

function parseCidr4Uncached(text: string): Cidr4 | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = scanIpv4(text, 0, slash);
  const prefix = scanPrefix(text, slash + 1, text.length, 32);
  if (address < 0 || prefix < 0) return undefined;
  const size = 2 ** (32 - prefix);
  const start = Math.floor(address / size) * size;
  return { start, end: start + size, prefix };
}

/** Parses an IPv6 CIDR; host bits are cleared. Memoized like IPv4 (bigint parsing is slow). */
export const parseCidr6: (text: string) => Cidr6 | undefined = memoized(parseCidr6Uncached);

function parseCidr6Uncached(text: string): Cidr6 | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIpv6(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^(?:0|[1-9]\d{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 128) return undefined;
  const size = 1n << BigInt(128 - prefix);
  const start = (address / size) * size;
  return { start, end: start + size, prefix };
}

/**
 * True when `text` is an IPv4 CIDR `parseCidr4` reads. Hot: validation runs it on every IPv4
 * source of a snapshot; it reads character codes only (no memo lookup, nothing allocated).
 */
export function isCidr4(text: string): boolean {
  const slash = text.indexOf('/');
  return slash > 0 && isIpv4Range(text, 0, slash) && scanPrefix(text, slash + 1, text.length, 32) >= 0;
}

/**
 * True when `text` is an IPv6 CIDR `parseCidr6` reads. Hot like `isCidr4`: the usual
 * hex-and-colon form is scanned in place; any other form goes to the parser.
 */
export function isCidr6(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  if (scanPrefix(text, slash + 1, text.length, 128) < 0) return false;
  const scanned = checkIpv6(text, slash);
  return scanned === 1 || (scanned === -1 && parseCidr6(text) !== undefined);
}

/** Formats a 32-bit value as a dotted quad. */
export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}
