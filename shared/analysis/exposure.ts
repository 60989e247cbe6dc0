import type { Config } from '../config';
import type { Severity } from '../findings';
import type { NetworkInterfaceNode } from '../model/model';
import { intersect, isSubset, union } from '../net/interval-set';
import type { PortSet } from '../net/ports';
import type { Analysis, Direction, IgwRoute } from './analysis';
import { memoByTwoKeys } from './memo';
import { type NaclSegment, worldOpenPorts } from './nacl-eval';
import { portClasses } from './port-classes';
import {
  EMPTY_REACH,
  type Family,
  type FamilyPorts,
  type Reach,
  TRANSPORTS,
  type Transport,
} from './sg-reach';

/** Exposed ports per transport protocol (ICMP never counts). */
export interface ExposedPorts {
  tcp: PortSet;
  udp: PortSet;
}

/** The path the internet takes to an interface: gateway, route table, NACL, security groups. */
export interface ExposurePath {
  internetGatewayId: string;
  routeTableId: string;
  /** `explicit` association, or the VPC's `main` table. */
  routeTableAssociation: 'explicit' | 'main';
  networkAclId: string;
  /** `explicit` association, or the VPC's `default` NACL. */
  networkAclAssociation: 'explicit' | 'default';
  securityGroupIds: string[];
}

/** Exposure of one interface over one address family. */
export interface FamilyExposure {
  family: Family;
  /** The public IPv4 addresses, or the IPv6 addresses, the internet reaches. */
  addresses: string[];
  ports: ExposedPorts;
  path: ExposurePath;
}

/** An interface the internet can reach, on which ports and through which path. */
export interface InterfaceExposure {
  networkInterfaceId: string;
  /** The interface itself: its finding reads its item and tags without a lookup by id. */
  networkInterface: NetworkInterfaceNode;
  vpcId?: string;
  subnetId: string;
  /** The families with at least one exposed port (IPv4 first). */
  families: FamilyExposure[];
  /** Union over the families. */
  ports: ExposedPorts;
  severity: Severity;
}

const NO_PORTS: PortSet = Object.freeze([]) as unknown as PortSet;
const NONE: ExposedPorts = { tcp: NO_PORTS, udp: NO_PORTS };
const FAMILY_ORDER: readonly Family[] = ['ipv4', 'ipv6'];
const ALL_TCP: PortSet = [[0, 65536]];

function overlaps(a: PortSet, b: PortSet): boolean {
  return intersect(a, b).length > 0;
}

/**
 * Severity of an exposure (DESIGN §5): critical when an admin port or every tcp port is exposed,
 * high for a high-risk port, info when only authorized ports are, medium otherwise.
 */
export function exposureSeverity(ports: ExposedPorts, config: Config): Severity {
  const classes = portClasses(config);
  if (isSubset(ALL_TCP, ports.tcp)) return 'critical';
  for (const t of TRANSPORTS) if (overlaps(ports[t], classes.admin[t])) return 'critical';
  for (const t of TRANSPORTS) if (overlaps(ports[t], classes.highRisk[t])) return 'high';
  const onlyAuthorized = TRANSPORTS.every((t) => isSubset(ports[t], classes.authorized[t]));
  return onlyAuthorized ? 'info' : 'medium';
}

interface SubnetPath {
  networkAclId: string;
  networkAclAssociation: 'explicit' | 'default';
  routeTableAssociation: 'explicit' | 'main';
  /** The subnet's default igw route per family, once asked (null: none): no second lookup by id. */
  igw4: IgwRoute | null | undefined;
  igw6: IgwRoute | null | undefined;
}

/**
 * Effective internet exposure of network interfaces (what Network Access Analyzer answers). Per
 * family: an address of that family; the subnet's default route to an igw- for it; the NACL's
 * inbound world-open on port p; its outbound world-open on at least one port of the same protocol
 * (the attacker picks the return port); and the union of the interface's groups world-open on p.
 *
 * Memoized for one evaluation: the port computation by (family, NACL, group set), so 50k interfaces
 * sharing a few hundred subnet/group shapes cost a few hundred interval intersections.
 */
export class ExposureAnalysis {
  /** World-open ports of a NACL evaluation, per evaluation (NACLs with equal entries share one). */
  private readonly worldBySegments = new Map<NaclSegment[], FamilyPorts>();
  private readonly intersections = new Map<PortSet, Map<PortSet, PortSet>>();
  /** Exposed port sets by content (see `canonical`). */
  private readonly setsByContent = new Map<string, PortSet>();
  private readonly portsByPair = new Map<PortSet, Map<PortSet, ExposedPorts>>();
  /** The ports of dual-stack interfaces: the union of the two families' shared objects. */
  private readonly unions = new Map<ExposedPorts, Map<ExposedPorts, ExposedPorts>>();
  private readonly subnetPaths = new Map<string, SubnetPath | null>();
  /** Severity per exposed-ports object: single-family ones are shared by interfaces of one shape. */
  private readonly severities = new Map<ExposedPorts, Severity>();
  private all?: InterfaceExposure[];
  private countByGroup?: Map<string, number>;

  constructor(readonly analysis: Analysis) {}

  /**
   * Every exposed interface of the model, in the model's (snapshot) order. Only exposed ones are
   * kept: a region has tens of thousands of interfaces and a few percent are reachable.
   */
  exposedInterfaces(): InterfaceExposure[] {
    if (!this.all) {
      const all: InterfaceExposure[] = [];
      // An array, read by index: a for-of step over the map allocates an iterator result until
      // the loop is optimized (this loop runs once per evaluation).
      const interfaces = [...this.analysis.model.networkInterfaces.values()];
      for (let i = 0; i < interfaces.length; i++) {
        const eni = interfaces[i] as NetworkInterfaceNode;
        // Three interfaces in four have no public address: no lookup at all for them.
        if (eni.publicIps.length === 0 && eni.publicIpv6Addresses.length === 0) continue;
        const exposure = this.computeFor(eni);
        if (exposure) all.push(exposure);
      }
      this.all = all;
    }
    return this.all;
  }

  /** How many exposed interfaces use each security group. */
  exposedCountByGroup(): ReadonlyMap<string, number> {
    if (!this.countByGroup) {
      const counts = new Map<string, number>();
      const all = this.exposedInterfaces();
      for (let i = 0; i < all.length; i++) {
        // Every family's path carries the interface's own group list (no lookup of the interface).
        const groupIds = (all[i] as InterfaceExposure).families[0]?.path.securityGroupIds ?? [];
        for (let j = 0; j < groupIds.length; j++) {
          const groupId = groupIds[j] as string;
          counts.set(groupId, (counts.get(groupId) ?? 0) + 1);
        }
      }
      this.countByGroup = counts;
    }
    return this.countByGroup;
  }

  private computeFor(eni: NetworkInterfaceNode): InterfaceExposure | undefined {
    const networkInterfaceId = eni.id;
    if (!eni.subnetId || eni.groupIds.length === 0) return undefined;
    // The groups' reach first: most interfaces' groups are world-open nowhere (half of the public
    // ones on the bench's L), and then neither the subnet, the route nor the NACL is looked at.
    // (Group sets repeat across interfaces, NACL and group set pairs hardly do: the reach is
    // memoized per group set, the NACL's side per evaluation.) Both checks are pure: either order
    // gives the same answer.
    const reach = this.analysis.unionReach(eni.groupIds);
    if (reach === EMPTY_REACH) return undefined;
    const subnetPath = this.subnetPath(eni.subnetId);
    if (!subnetPath) return undefined;
    // At most two, kept with the exposure: collected first, then listed at exact size.
    let first: FamilyExposure | undefined;
    let second: FamilyExposure | undefined;
    for (const family of FAMILY_ORDER) {
      const addresses = family === 'ipv4' ? eni.publicIps : eni.publicIpv6Addresses;
      if (addresses.length === 0) continue;
      if (reach.tcp.worldOpen[family].length === 0 && reach.udp.worldOpen[family].length === 0) continue;
      const route = this.igwRoute(subnetPath, eni.subnetId, family);
      if (!route) continue;
      const ports = this.computePorts(family, subnetPath.networkAclId, reach);
      if (ports.tcp.length === 0 && ports.udp.length === 0) continue;
      const found: FamilyExposure = {
        family,
        addresses,
        ports,
        path: {
          internetGatewayId: route.internetGatewayId,
          routeTableId: route.routeTableId,
          routeTableAssociation: subnetPath.routeTableAssociation,
          networkAclId: subnetPath.networkAclId,
          networkAclAssociation: subnetPath.networkAclAssociation,
          securityGroupIds: eni.groupIds,
        },
      };
      if (first) second = found;
      else first = found;
    }
    if (!first) return undefined;
    const families = second ? [first, second] : [first];
    // Both families' port objects are shared (memoized per NACL and group set), so their union is
    // too: interfaces of one dual-stack shape share it, and with it its severity and its texts.
    const ports = second ? this.unionOf(first.ports, second.ports) : first.ports;
    return {
      networkInterfaceId,
      networkInterface: eni,
      vpcId: eni.vpcId,
      subnetId: eni.subnetId,
      families,
      ports,
      severity: this.severity(ports),
    };
  }

  private igwRoute(path: SubnetPath, subnetId: string, family: Family): IgwRoute | undefined {
    let route = family === 'ipv4' ? path.igw4 : path.igw6;
    if (route === undefined) {
      route = this.analysis.defaultIgwRoute(subnetId, family) ?? null;
      if (family === 'ipv4') path.igw4 = route;
      else path.igw6 = route;
    }
    return route ?? undefined;
  }

  private severity(ports: ExposedPorts): Severity {
    let severity = this.severities.get(ports);
    if (severity === undefined) {
      severity = exposureSeverity(ports, this.analysis.config);
      this.severities.set(ports, severity);
    }
    return severity;
  }

  /** The subnet's NACL and how its table and NACL are associated; null when the NACL is unknown. */
  private subnetPath(subnetId: string): SubnetPath | undefined {
    const cached = this.subnetPaths.get(subnetId);
    if (cached !== undefined) return cached ?? undefined;
    const { model } = this.analysis;
    const subnet = model.subnets.get(subnetId);
    const acl = subnet?.networkAclId ? model.networkAcls.get(subnet.networkAclId) : undefined;
    // An interface whose subnet or NACL the snapshot lacks cannot be judged: no finding.
    const path: SubnetPath | undefined =
      subnet && acl
        ? {
            networkAclId: acl.id,
            networkAclAssociation: acl.subnetIds.includes(subnetId) ? 'explicit' : 'default',
            routeTableAssociation: subnet.routeTableExplicit ? 'explicit' : 'main',
            igw4: undefined,
            igw6: undefined,
          }
        : undefined;
    this.subnetPaths.set(subnetId, path ?? null);
    return path;
  }

  /**
   * Exposed ports of one family: the groups' world-open ports inside the NACL's world-open inbound
   * ports, per protocol with a world-open outbound port. Port sets are shared objects (per group
   * set, per NACL evaluation), so results are memoized by identity: interfaces of one shape share
   * their port sets.
   */
  private computePorts(family: Family, networkAclId: string, reach: Reach): ExposedPorts {
    let tcp: PortSet = NO_PORTS;
    let udp: PortSet = NO_PORTS;
    for (const transport of TRANSPORTS) {
      const sg = reach[transport].worldOpen[family];
      if (sg.length === 0) continue;
      if (this.naclWorld(networkAclId, 'egress', transport)[family].length === 0) continue;
      const open = this.intersection(sg, this.naclWorld(networkAclId, 'ingress', transport)[family]);
      if (transport === 'tcp') tcp = open;
      else udp = open;
    }
    if (tcp.length === 0 && udp.length === 0) return NONE;
    return memoByTwoKeys(this.portsByPair, tcp, udp, () => ({ tcp, udp }));
  }

  private unionOf(a: ExposedPorts, b: ExposedPorts): ExposedPorts {
    return memoByTwoKeys(this.unions, a, b, () => ({
      tcp: this.canonical(union(a.tcp, b.tcp)),
      udp: this.canonical(union(a.udp, b.udp)),
    }));
  }

  private intersection(a: PortSet, b: PortSet): PortSet {
    return memoByTwoKeys(this.intersections, a, b, () => this.canonical(intersect(a, b)));
  }

  /**
   * The one shared set of these ports. The groups' port sets are objects per group set (thousands
   * on a large region) but hold a dozen distinct contents: interned by content, the exposed-ports
   * objects, their severities and their texts (per object, in the rule) are a dozen, not thousands.
   * Equal contents are interchangeable: port sets are never mutated.
   */
  private canonical(ports: PortSet): PortSet {
    if (ports.length === 0) return NO_PORTS;
    let key = '';
    for (let i = 0; i < ports.length; i++) {
      const range = ports[i] as readonly [number, number];
      key += `${range[0]}-${range[1]},`;
    }
    let shared = this.setsByContent.get(key);
    if (!shared) {
      shared = ports;
      this.setsByContent.set(key, shared);
    }
    return shared;
  }

  private naclWorld(networkAclId: string, direction: Direction, transport: Transport): FamilyPorts {
    const segments = this.analysis.nacl(networkAclId, direction, transport);
    let ports = this.worldBySegments.get(segments);
    if (!ports) {
      ports = worldOpenPorts(segments, this.analysis.config.worldOpenCoverage);
      this.worldBySegments.set(segments, ports);
    }
    return ports;
  }
}

const byAnalysis = new WeakMap<Analysis, ExposureAnalysis>();

/**
 * The exposure analysis of one evaluation, shared by `eni-internet-exposed` and the `exposure`
 * count on security-group findings (kept beside the Analysis rather than inside it, so the core
 * memo stays free of rule-specific state).
 */
export function exposureAnalysis(analysis: Analysis): ExposureAnalysis {
  let exposure = byAnalysis.get(analysis);
  if (!exposure) {
    exposure = new ExposureAnalysis(analysis);
    byAnalysis.set(analysis, exposure);
  }
  return exposure;
}
