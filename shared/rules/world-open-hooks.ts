import type { Config } from '../config';
import type { Finding } from '../findings';
import { parseCidr4, parseCidr6 } from '../net/cidr';
import { parseProtocol } from '../net/protocol';
import { sanitize, shortId } from '../notify/sanitize';
import type { HeadlineFit, SourceRule } from './types';

// Hooks the world-open rules (`sg-open-*`, `nacl-open-admin-port`) declare in their meta, so a
// notice and the event pipeline ask the rule instead of deciding by its id or its evidence text.

/** `sg-0abc world-open on 22/tcp, 3389/tcp`: the headline of a world-open finding, cut to `fit`. */
export function worldOpenHeadline(finding: Finding, fit: HeadlineFit): string | undefined {
  // The rule's own evidence: `ports` as the engine formatted the draft's structured ports.
  const ports = finding.evidence.ports;
  if (!Array.isArray(ports) || ports.length === 0 || !ports.every((p) => typeof p === 'string'))
    return undefined;
  const max = fit.maxPorts ?? 3;
  const shown = ports.slice(0, max).map((p) => sanitize(p, 16));
  return `${shortId(finding.resourceId, fit.idMax)} world-open on ${shown.join(', ')}${ports.length > max ? ', …' : ''}`;
}

/**
 * True when an added source rule is one the `sg-open-*` rules revoke: ingress, its own source the
 * whole internet (`0.0.0.0/0`, `::/0`, or a prefix list holding one), on some port that is not
 * authorized (ICMP never counts).
 */
export function worldOpenSource(rule: SourceRule, config: Config): boolean {
  return !rule.egress && isWorldCidr(rule) && offendingPorts(rule, config);
}

/**
 * True when an added NACL entry, read as a source rule (allow entries only), is one
 * `nacl-open-admin-port` fixes: inbound, from the whole internet, on some configured admin port.
 */
export function worldOpenAdminSource(rule: SourceRule, config: Config): boolean {
  if (rule.egress || !isWorldCidr(rule)) return false;
  const protocol = parseProtocol(rule.ipProtocol);
  if (protocol !== 'all' && protocol !== 'tcp' && protocol !== 'udp') return false;
  // An all-protocol entry carries no port range: every port.
  const all = protocol === 'all' || rule.fromPort === undefined;
  const from = all ? 0 : (rule.fromPort ?? 0);
  const to = all ? 65535 : (rule.toPort ?? from);
  return config.adminPorts.some(
    (p) => (protocol === 'all' || p.protocol === protocol) && p.from <= to && p.to >= from,
  );
}

/** Whether a world rule on these ports makes an `sg-open-*` finding: not ICMP, not only authorized ports. */
function offendingPorts(rule: SourceRule, config: Config): boolean {
  const protocol = parseProtocol(rule.ipProtocol);
  if (protocol === 'all') return true;
  if (protocol !== 'tcp' && protocol !== 'udp') return false;
  const from = rule.fromPort === undefined || rule.fromPort < 0 ? 0 : rule.fromPort;
  const to = rule.toPort === undefined || rule.toPort < 0 ? 65535 : rule.toPort;
  const authorized = config.authorizedPorts
    .filter((p) => p.protocol === protocol)
    .sort((a, b) => a.from - b.from);
  let next = from;
  for (const p of authorized) {
    if (p.from > next) break;
    if (p.to >= next) next = p.to + 1;
    if (next > to) return false;
  }
  return true;
}

/** Its own source is the whole internet: a `/0`, or a prefix list holding one (DESIGN §8). */
function isWorldCidr(rule: SourceRule): boolean {
  if (rule.cidrIpv4 !== undefined) return parseCidr4(rule.cidrIpv4)?.prefix === 0;
  if (rule.cidrIpv6 !== undefined) return parseCidr6(rule.cidrIpv6)?.prefix === 0;
  return (rule.prefixListCidrs ?? []).some((c) => (parseCidr4(c) ?? parseCidr6(c))?.prefix === 0);
}
