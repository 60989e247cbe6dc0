import { resourceTags } from '../exemptions';
import { judgedTypeOf } from '../findings';
import type { Model } from '../model/model';
import type { Snapshot } from '../model/snapshot-schema';
import type { NoticeInput, UntaggableResource } from '../notify/notice';
import type { ResolvedScope } from '../scope/resolve';
import type { EventGroup } from './batch';

// What an event group's notice says about its exemption changes beyond the change itself (DESIGN
// §8 "Exemptions"): the group a tag set by name resolves to, tags on resources no rule judges, and
// removals that left the tag in place. Read from the slice, after the calls.

/** Calls whose exemption is set on a group created by name, given the id the slice resolved. */
export function withResolvedExemptions(
  calls: NoticeInput['calls'],
  perEvent: readonly ResolvedScope[],
): NoticeInput['calls'] {
  return calls.map((call, i) => {
    const exemption = call.scope.exemption;
    const groups = perEvent[i]?.securityGroups ?? [];
    if (exemption?.groupName === undefined || groups.length === 0) return call;
    return { ...call, scope: { ...call.scope, exemption: { ...exemption, resourceIds: groups } } };
  });
}

/**
 * Tagged resources no rule judges (DESIGN §8 "Exemptions"): an instance (name its interfaces and
 * their groups, from the slice), a VPC or anything else (no suggestion).
 */
export function untaggableOf(group: EventGroup, snapshot: Snapshot): UntaggableResource[] {
  const out: UntaggableResource[] = [];
  const seen = new Set<string>();
  for (const member of group.members) {
    for (const id of member.scope.exemption?.resourceIds ?? []) {
      if (seen.has(id) || judgedTypeOf(id) !== undefined) continue;
      seen.add(id);
      const interfaces = snapshot.NetworkInterfaces.filter((e) => e.Attachment?.InstanceId === id);
      const groups = interfaces.flatMap((e) => e.Groups.map((g) => g.GroupId));
      out.push({
        resourceId: id,
        instead: [...new Set([...interfaces.map((e) => e.NetworkInterfaceId), ...groups])],
      });
    }
  }
  return out;
}

/**
 * Resources a DeleteTags named that the slice (read after the call) shows still carrying the
 * exemption tag: EC2 deleted nothing there (the value named was not the tag's; it answers success
 * anyway), or the tag was set again since. The notice says so rather than "reported again".
 */
export function stillTaggedOf(
  group: EventGroup,
  model: Model,
  key: string,
): { resourceId: string; value: string }[] {
  const out: { resourceId: string; value: string }[] = [];
  const seen = new Set<string>();
  for (const member of group.members) {
    const exemption = member.scope.exemption;
    if (exemption?.change !== 'removed') continue;
    for (const id of exemption.resourceIds) {
      const type = judgedTypeOf(id);
      if (seen.has(id) || type === undefined) continue;
      seen.add(id);
      const tag = resourceTags(model, type, id).find((t) => t.Key === key);
      if (tag) out.push({ resourceId: id, value: tag.Value ?? '' });
    }
  }
  return out;
}
