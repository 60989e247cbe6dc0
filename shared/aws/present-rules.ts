import type { EC2Client, Filter, IpPermission } from '@aws-sdk/client-ec2';
import type { RevokeAction } from '../remediation/narrow';
import { DESCRIBE } from './ec2/describe-table';
import { chunks, readListing } from './ec2/pages';
import { DescribeError, errorCode, errorText, isRetryable, throttled } from './errors';

// What a revoke answered NotFound finds when it reads the group back (DESIGN §8 "Verified
// outcome"): the rule ids still present, or the sources still present in one direction. A read
// that cannot be made (access denied, …) leaves the outcome unverified — a failure, never a
// claimed outcome; a transient fault throws, stopped at that revoke.

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

/** One key per source: protocol, ports (-1 where EC2 leaves them out) and source. */
function sourceKey(
  protocol: string | undefined,
  from: number | undefined,
  to: number | undefined,
  source: string,
) {
  const name = (protocol ?? '').toLowerCase();
  return `${PROTOCOL_NAMES[name] ?? name}|${from ?? -1}|${to ?? -1}|${source}`;
}

export function sourceKeys(p: IpPermission): string[] {
  const key = (source: string | undefined) => sourceKey(p.IpProtocol, p.FromPort, p.ToPort, source ?? '');
  return [
    ...(p.IpRanges ?? []).map((r) => key(r.CidrIp)),
    ...(p.Ipv6Ranges ?? []).map((r) => key(r.CidrIpv6)),
    ...(p.PrefixListIds ?? []).map((r) => key(r.PrefixListId)),
    ...(p.UserIdGroupPairs ?? []).map((r) => key(r.GroupId)),
  ];
}

/** The source keys of the group's rules in one direction, read with DescribeSecurityGroupRules. */
export async function presentSources(
  ec2: EC2Client,
  action: RevokeAction,
  egress: boolean,
): Promise<Set<string> | { unverified: string }> {
  const groupId = action.parameters.GroupId;
  try {
    const rules = await readListing(ec2, DESCRIBE.securityGroupRules, {
      filters: [{ Name: 'group-id', Values: [groupId] }],
    });
    const keys = rules
      .filter((r) => r.GroupId === groupId && (r.IsEgress ?? false) === egress)
      .map((r) =>
        sourceKey(
          r.IpProtocol,
          r.FromPort,
          r.ToPort,
          r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId ?? r.ReferencedGroupInfo?.GroupId ?? '',
        ),
      );
    return new Set(keys);
  } catch (error) {
    const cause = error instanceof DescribeError ? error.cause : error;
    if (isRetryable(cause)) throw throttled(action, cause, 'DescribeSecurityGroupRules');
    // Unverifiable (access denied, …): a failure, never a claimed outcome.
    return { unverified: `cannot verify which rules remain: ${errorText(cause)}` };
  }
}

/**
 * The ids of `ids` that the group still holds: DescribeSecurityGroupRules with the
 * `security-group-rule-id` filter (DESIGN §8), or, where that filter is refused, the group's rules.
 */
export async function presentRuleIds(
  ec2: EC2Client,
  action: RevokeAction,
  ids: readonly string[],
): Promise<string[] | { unverified: string }> {
  const groupId = action.parameters.GroupId;
  const read = async (filters: Filter[]) => {
    // Read through the describe table; its DescribeError is unwrapped so the AWS code decides below.
    const found = new Set<string | undefined>();
    for (const filter of filters) {
      const rules = await readListing(ec2, DESCRIBE.securityGroupRules, { filters: [filter] }).catch(
        (error: unknown) => {
          throw error instanceof DescribeError ? error.cause : error;
        },
      );
      for (const r of rules) if (r.GroupId === groupId) found.add(r.SecurityGroupRuleId);
    }
    return ids.filter((id) => found.has(id));
  };
  const unverified = (error: unknown) => {
    if (isRetryable(error)) throw throttled(action, error, 'DescribeSecurityGroupRules');
    // Unverifiable (access denied, …): a failure, never a claimed outcome.
    return { unverified: `cannot verify which rules remain: ${errorText(error)}` };
  };
  try {
    // EC2 takes at most 200 values per filter (FilterLimitExceeded): a revoke of a group's rules
    // can name up to its 1,000 rules, read back in chunks.
    return await read(chunks(ids).map((Values) => ({ Name: 'security-group-rule-id', Values })));
  } catch (error) {
    if (isRetryable(error) || /Unauthorized|AccessDenied/.test(errorCode(error))) return unverified(error);
    try {
      return await read([{ Name: 'group-id', Values: [groupId] }]);
    } catch (second) {
      return unverified(second);
    }
  }
}
