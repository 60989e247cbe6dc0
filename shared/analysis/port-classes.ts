import type { Config, PortSpec } from '../config';
import { type Interval, normalize, subtract } from '../net/interval-set';
import type { PortSet } from '../net/ports';
import type { Transport } from './sg-reach';

/** The configured port classes (DESIGN §4) as port sets per transport protocol. */
export interface PortClasses {
  admin: Record<Transport, PortSet>;
  highRisk: Record<Transport, PortSet>;
  authorized: Record<Transport, PortSet>;
  /** High-risk ports that are not admin ports (`sg-open-high-risk-port`: "other than admin"). */
  highRiskOnly: Record<Transport, PortSet>;
  /** Admin, high-risk and authorized ports: what `sg-open-unauthorized-port` ("any other port") leaves out. */
  classed: Record<Transport, PortSet>;
  /** Authorized ports that are neither admin nor high-risk: no sg-open-* rule but all-traffic reports them. */
  authorizedOnly: Record<Transport, PortSet>;
}

const classesByConfig = new WeakMap<Config, PortClasses>();

/** Port specs as one port set per transport protocol. */
export function portSetsBySpec(specs: readonly PortSpec[]): Record<Transport, PortSet> {
  // One pass, no filtered copies: this runs for every group a higher sg-open rule has claimed.
  const tcp: Interval<number>[] = [];
  const udp: Interval<number>[] = [];
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i] as PortSpec;
    if (spec.protocol === 'tcp') tcp.push([spec.from, spec.to + 1]);
    else if (spec.protocol === 'udp') udp.push([spec.from, spec.to + 1]);
  }
  return { tcp: normalize(tcp), udp: normalize(udp) };
}

/** The admin, high-risk and authorized ports of a config (computed once per config object). */
export function portClasses(config: Config): PortClasses {
  let classes = classesByConfig.get(config);
  if (!classes) {
    const admin = portSetsBySpec(config.adminPorts);
    const highRisk = portSetsBySpec(config.highRiskPorts);
    const authorized = portSetsBySpec(config.authorizedPorts);
    classes = {
      admin,
      highRisk,
      authorized,
      highRiskOnly: { tcp: subtract(highRisk.tcp, admin.tcp), udp: subtract(highRisk.udp, admin.udp) },
      classed: portSetsBySpec([...config.adminPorts, ...config.highRiskPorts, ...config.authorizedPorts]),
      authorizedOnly: {
        tcp: subtract(subtract(authorized.tcp, admin.tcp), highRisk.tcp),
        udp: subtract(subtract(authorized.udp, admin.udp), highRisk.udp),
      },
    };
    classesByConfig.set(config, classes);
  }
  return classes;
}
