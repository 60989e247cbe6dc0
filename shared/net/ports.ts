import type { IntervalSet } from './interval-set';

export type TransportProtocol = 'tcp' | 'udp';

/** A port or inclusive port range of one transport protocol (config port specs, finding ports). */
export interface PortSpec {
  protocol: TransportProtocol;
  from: number;
  to: number;
}

/** A set of ports as half-open intervals: port p is the interval [p, p + 1). */
export type PortSet = IntervalSet<number>;

export const ALL_PORTS: PortSet = [[0, 65536]];

/** The port set of an inclusive range. */
export function portRangeSet(from: number, to: number): PortSet {
  return from <= to ? [[from, to + 1]] : [];
}

// hot: these run for every finding's ports, mostly before they are optimized, where destructuring
// an interval (`([s, e]) =>`) steps an array iterator: intervals are read by index instead.

/** Inclusive ranges of a port set. */
export function portRanges(set: PortSet): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (let i = 0; i < set.length; i++) {
    const interval = set[i] as readonly [number, number];
    out.push({ from: interval[0], to: interval[1] - 1 });
  }
  return out;
}

/** `22`, `1024-65535`: one entry per range. */
export function formatPortSet(set: PortSet): string[] {
  const out: string[] = [];
  for (let i = 0; i < set.length; i++) {
    const interval = set[i] as readonly [number, number];
    const s = interval[0];
    const e = interval[1];
    out.push(e - 1 === s ? String(s) : `${s}-${e - 1}`);
  }
  return out;
}

/** Formats a port set of one transport protocol: `["22/tcp", "8000-8100/tcp"]`. */
export function formatPortsWithProtocol(set: PortSet, protocol: 'tcp' | 'udp'): string[] {
  return formatPortSet(set).map((p) => `${p}/${protocol}`);
}
