import { DescribeNetworkAclsCommand, type EC2Client, type NetworkAclEntry } from '@aws-sdk/client-ec2';
import type { NaclEntryInput } from '../findings';
import { isRetryable } from './errors';

/**
 * What the NACLs a fix writes to hold now, read only when a call meets another attempt of the same
 * fix: a create answered `NetworkAclEntryAlreadyExists` is done when the entry there is exactly the
 * planned one (a concurrent batch, or an earlier attempt, made it). Each NACL is read once, and
 * again only when a wanted entry is not there yet (the other attempt may still be writing), so a
 * race costs one or two Describe calls, not one per entry. Such a NACL is `concurrent`: its
 * narrowing replaces are checked the same way before they are made — a replace that finds the entry
 * already as planned changes nothing, and reporting it `done` would claim another batch's fix
 * (DESIGN §8 "Verified outcome", §14 "Concurrency").
 */
export class NaclEntryReads {
  private readonly entries = new Map<string, NetworkAclEntry[]>();
  /** NACLs where an identical entry was found in place of a refused create. */
  readonly concurrent = new Set<string>();

  constructor(private readonly ec2: EC2Client) {}

  /**
   * True when the NACL holds exactly `wanted` (same number, direction and content). `again`: read
   * again when the last read did not show it (the other attempt may have written it since); else a
   * NACL is read at most once. A read throttled (or unavailable) past the SDK's retries throws its
   * error: the caller stops the fix there (`throttled`).
   */
  async holds(wanted: NaclEntryInput, again = true): Promise<boolean> {
    const cached = this.entries.get(wanted.NetworkAclId);
    if (cached?.some((e) => sameEntry(e, wanted))) return true;
    if (cached !== undefined && !again) return false;
    return (await this.read(wanted.NetworkAclId)).some((e) => sameEntry(e, wanted));
  }

  private async read(networkAclId: string): Promise<NetworkAclEntry[]> {
    try {
      const out = await this.ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [networkAclId] }));
      const entries = out.NetworkAcls?.[0]?.Entries ?? [];
      this.entries.set(networkAclId, entries);
      return entries;
    } catch (error) {
      // Throttled or unavailable past the SDK's retries: a transient fault like a write's, thrown
      // (not remembered) so that the fix stops and its messages are delivered again (DESIGN §14
      // "Partial failure"); read then as "not there", a create refused as already existing would
      // end a permanent `failed` that no redelivery retries.
      if (isRetryable(error)) throw error;
      // Denied: not known to be there, the caller reports the write as it was answered. Remembered
      // as read, so a replace-only fix whose read failed makes it once, not once per replace.
      this.entries.set(networkAclId, []);
      return [];
    }
  }
}

function sameEntry(entry: NetworkAclEntry, wanted: NaclEntryInput): boolean {
  return (
    entry.RuleNumber === wanted.RuleNumber &&
    entry.Egress === wanted.Egress &&
    entry.Protocol === wanted.Protocol &&
    entry.RuleAction === wanted.RuleAction &&
    (entry.CidrBlock ?? undefined) === wanted.CidrBlock &&
    (entry.Ipv6CidrBlock ?? undefined) === wanted.Ipv6CidrBlock &&
    entry.PortRange?.From === wanted.PortRange?.From &&
    entry.PortRange?.To === wanted.PortRange?.To
  );
}
