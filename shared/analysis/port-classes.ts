import type { Config, PortSpec } from '../config';
import { type PortSet, portSetOf } from '../net/ports';
import type { Transport } from './sg-reach';

/** The configured port classes (DESIGN §4) as port sets per transport protocol. */
export interface PortClasses {
  admin: Record<Transport, PortSet>;
  highRisk: Record<Transport, PortSet>;
  authorized: Record<Transport, PortSet>;
}

const classesByConfig = new WeakMap<Config, PortClasses>();

/** Port specs as one port set per transport protocol. */
export function portSetsBySpec(specs: readonly PortSpec[]): Record<Transport, PortSet> {
  return {
    tcp: portSetOf(specs.filter((s) => s.protocol === 'tcp')),
    udp: portSetOf(specs.filter((s) => s.protocol === 'udp')),
  };
}

/** The admin, high-risk and authorized ports of a config (computed once per config object). */
export function portClasses(config: Config): PortClasses {
  let classes = classesByConfig.get(config);
  if (!classes) {
    classes = {
      admin: portSetsBySpec(config.adminPorts),
      highRisk: portSetsBySpec(config.highRiskPorts),
      authorized: portSetsBySpec(config.authorizedPorts),
    };
    classesByConfig.set(config, classes);
  }
  return classes;
}
