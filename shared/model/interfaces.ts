import { isPublicIpv6 } from '../net/public-space';
import { compareStrings, push, sortSmall } from './common';
import type { NetworkInterfaceItem, Tag } from './snapshot-schema';
import type { NetworkInterfaceNode } from './types';

const NO_ADDRESSES: string[] = Object.freeze([]) as unknown as string[];

/**
 * An interface whose lists are derived on first read: three in four interfaces of a region have
 * no public address, and the exposure analysis never asks for their groups.
 */
export class InterfaceNode implements NetworkInterfaceNode {
  readonly id: string;
  readonly subnetId?: string;
  readonly tags: Tag[];
  private groups?: string[];
  private publicV4?: string[];
  private v6?: string[];
  private publicV6?: string[];

  constructor(
    readonly item: NetworkInterfaceItem,
    readonly vpcId: string | undefined,
  ) {
    this.id = item.NetworkInterfaceId;
    this.subnetId = item.SubnetId;
    this.tags = item.TagSet.length > 0 ? item.TagSet : (item.Tags ?? item.TagSet);
  }

  get groupIds(): string[] {
    if (!this.groups) {
      const ids: string[] = [];
      for (const g of this.item.Groups) if (!ids.includes(g.GroupId)) ids.push(g.GroupId);
      if (ids.length > 1) sortSmall(ids, compareStrings);
      this.groups = ids;
    }
    return this.groups;
  }

  get publicIps(): string[] {
    if (!this.publicV4) {
      // No closure per interface: this runs for every interface of the region.
      const eni = this.item;
      let ips: string[] = NO_ADDRESSES;
      const primary = eni.Association?.PublicIp;
      if (primary) ips = [primary];
      for (const address of eni.PrivateIpAddresses) {
        const ip = address.Association?.PublicIp;
        if (!ip || ips.includes(ip)) continue;
        if (ips === NO_ADDRESSES) ips = [];
        ips.push(ip);
      }
      if (ips.length > 1) sortSmall(ips, compareStrings);
      this.publicV4 = ips;
    }
    return this.publicV4;
  }

  get ipv6Addresses(): string[] {
    if (!this.v6) {
      const eni = this.item;
      let ips: string[] = NO_ADDRESSES;
      if (eni.Ipv6Addresses.length > 0 || eni.Ipv6Address) {
        ips = [];
        for (const a of eni.Ipv6Addresses) if (!ips.includes(a.Ipv6Address)) ips.push(a.Ipv6Address);
        if (eni.Ipv6Address && !ips.includes(eni.Ipv6Address)) ips.push(eni.Ipv6Address);
        if (ips.length > 1) sortSmall(ips, compareStrings);
      }
      this.v6 = ips;
    }
    return this.v6;
  }

  get publicIpv6Addresses(): string[] {
    if (!this.publicV6) {
      const all = this.ipv6Addresses;
      this.publicV6 = all.every(isPublicIpv6) ? all : all.filter(isPublicIpv6);
    }
    return this.publicV6;
  }
}

/** Interface ids per key (`keys` gives an interface's keys: its groups, its subnet). */
export function indexInterfaces(
  interfaces: ReadonlyMap<string, NetworkInterfaceNode>,
  keys: (eni: NetworkInterfaceNode) => readonly string[],
): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const eni of interfaces.values()) for (const key of keys(eni)) push(index, key, eni.id);
  return index;
}
