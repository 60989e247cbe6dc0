/**
 * A normalized IP protocol: `all` for `-1`, names for the four the engine reasons about, and
 * `other` for any other protocol number (which never counts towards tcp/udp exposure).
 */
export type Protocol = 'all' | 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'other';

const BY_NAME: Record<string, Protocol> = {
  '-1': 'all',
  all: 'all',
  '6': 'tcp',
  tcp: 'tcp',
  '17': 'udp',
  udp: 'udp',
  '1': 'icmp',
  icmp: 'icmp',
  '58': 'icmpv6',
  icmpv6: 'icmpv6',
};

const BY_TEXT = new Map<string, Protocol>(Object.entries(BY_NAME));

/** Normalizes `-1`, `6`/`tcp`, `17`/`udp`, `1`/`icmp`, `58`/`icmpv6` (any case); anything else is `other`. */
export function parseProtocol(text: string): Protocol {
  // Exact spellings first: EC2 writes "-1", "6", "tcp"; trimming and lower-casing allocate.
  // A Map, not the object: `constructor` or `__proto__` must read as no protocol, not Object's own.
  return BY_TEXT.get(text) ?? BY_TEXT.get(text.trim().toLowerCase()) ?? 'other';
}

/** True when a rule of protocol `rule` carries traffic of transport protocol `transport`. */
export function matchesTransport(rule: Protocol, transport: 'tcp' | 'udp'): boolean {
  return rule === 'all' || rule === transport;
}

/** The protocol number EC2 NACL entries use (`"6"`, `"17"`). */
export function protocolNumber(transport: 'tcp' | 'udp'): string {
  return transport === 'tcp' ? '6' : '17';
}

const EC2_NAMES = new Set(['-1', 'tcp', 'udp', 'icmp', 'icmpv6']);

/**
 * The protocol as EC2 accepts it (DESIGN §3): `-1`, `tcp`, `udp`, `icmp`, `icmpv6` in any case, or
 * a protocol number 0–255 written without leading zeros; `undefined` for anything else (`all`,
 * `bogus`, `300`, ` tcp`), which EC2 would refuse and which must not be read as "other".
 */
export function ec2Protocol(text: string): Protocol | undefined {
  const known = BY_TEXT.get(text);
  if (known !== undefined && text !== 'all') return known;
  if (EC2_NAMES.has(text.toLowerCase())) return parseProtocol(text);
  if (/^(?:0|[1-9]\d{0,2})$/.test(text) && Number(text) <= 255) return parseProtocol(text);
  return undefined;
}
