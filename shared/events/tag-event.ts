import { judgedTypeOf } from '../findings';
import { type ExtractContext, ids, noResource, type ScopeParts } from './extract';
import { either, field, members, text } from './shapes';
import { type ExemptionChange, IGNORE_REASONS, type Ignored } from './types';

// CreateTags / DeleteTags rows of the event table (./event-table.ts): exemption tag changes.

/** Where a tagged resource goes in the scope, by id prefix (other resources are only named). */
const TAGGABLE: readonly [string, keyof ScopeParts][] = [
  ['sg-', 'securityGroupIds'],
  ['acl-', 'networkAclIds'],
  ['subnet-', 'subnetIds'],
  ['rtb-', 'routeTableIds'],
  ['eni-', 'networkInterfaceIds'],
  ['nat-', 'natGatewayIds'],
  ['vpce-', 'vpcEndpointIds'],
  // No rule judges an instance; its interfaces are loaded so the notice can name what to tag instead.
  ['i-', 'instanceIds'],
];

/**
 * The tag the subnet naming rules read (`subnet-private-has-igw-route`, `subnet-public-no-igw-route`,
 * DESIGN §5); EC2 tag keys are case-sensitive, as the model reads it.
 */
const NAME_TAG = 'Name';

/**
 * CreateTags / DeleteTags: an exemption tag set or removed (DESIGN §7, §8), or — beyond §7's list — a
 * subnet's Name set, which decides the naming rules: the subnet is then the scope, as a subnet event's.
 * A Name removed leaves no name for those rules to fire on, and is ignored.
 */
export function tagEvent(change: ExemptionChange['change']) {
  return ({ request, exemptionTagKey }: ExtractContext): ScopeParts | Ignored => {
    const tagList = either(request, 'tagSet', 'Tags');
    // CreateTags always names its tags: none named is a record left out or cut (told as unreadable),
    // which may have set the exemption tag; never "not the exemption tag".
    if (change === 'set' && tagList === undefined) return noResource('no tagSet in the request');
    const tags = members(tagList);
    const tag = tags.find((t) => text(field(t, 'key')) === exemptionTagKey);
    // DeleteTags without tags deletes every user tag, so an exemption too: re-evaluate, notify.
    const everyTag = change === 'removed' && tags.length === 0;
    // `resourcesSet.items[].resourceId`, or the SDK's `Resources`: a list of ids.
    const named = ids(
      ...members(either(request, 'resourcesSet', 'Resources')).map((r) =>
        typeof r === 'string' ? r : field(r, 'resourceId'),
      ),
    );
    if (!tag && !everyTag) {
      // A subnet's Name is what the two naming rules judge: a subnet routed to an igw- while named
      // `batch` and renamed `batch-private` after is told now, not at the next audit.
      const renamed = change === 'set' && tags.some((t) => text(field(t, 'key')) === NAME_TAG);
      const subnetIds = renamed ? named.filter((id) => id.startsWith('subnet-')) : [];
      if (subnetIds.length > 0) return { subnetIds };
      return { code: IGNORE_REASONS.notExemptionTag, reason: `the tags changed are not ${exemptionTagKey}` };
    }
    // Every tag gone from an AMI or an instance says nothing of an exemption: only judged kinds count.
    const resourceIds = everyTag ? named.filter((id) => judgedTypeOf(id) !== undefined) : named;
    if (everyTag && named.length > 0 && resourceIds.length === 0) {
      return {
        code: IGNORE_REASONS.notExemptionTag,
        reason: 'every tag removed from resources no rule judges',
      };
    }
    if (resourceIds.length === 0) return noResource('no resourcesSet in the request');
    const value = typeof field(tag, 'value') === 'string' ? (field(tag, 'value') as string) : undefined;
    const exemption: ExemptionChange = {
      change,
      key: exemptionTagKey,
      resourceIds,
      ...(value !== undefined ? { value } : {}),
      ...(everyTag ? { everyTag: true } : {}),
    };
    const parts: ScopeParts = { exemption };
    for (const id of resourceIds) {
      const slot = TAGGABLE.find(([prefix]) => id.startsWith(prefix));
      if (!slot) continue;
      const key = slot[1] as 'securityGroupIds';
      parts[key] = [...(parts[key] ?? []), id];
    }
    return parts;
  };
}

/**
 * The exemption tag a Create call sets on what it creates (`tagSpecificationSet.items[]` with
 * `resourceType` and `tags` or `tagSet`, the SDK's `TagSpecifications`, a PascalCase wrapper's
 * `TagSpecification` with `Tag` members): an exemption set as surely as by CreateTags, which
 * CloudTrail then does not record. Told like one (DESIGN §8: exemption changes always notify, who
 * exempted what); without it a group created exempt and opened to the world right after was never
 * heard of. `created` gives, per tag `resourceType`, the ids the call created (a specification
 * without a type tags them all).
 */
export function exemptionOnCreate(
  request: unknown,
  exemptionTagKey: string,
  created: Readonly<Record<string, readonly string[]>>,
): ScopeParts {
  const specs = members(either(request, 'tagSpecificationSet', 'TagSpecifications', 'TagSpecification'));
  // Per value as set (a tag without a value under `undefined`), in the record's order: each is told
  // with the resources it was given to (DESIGN §8 "exemption changes always notify": every value
  // that now applies, and to what).
  const byValue = new Map<string | undefined, string[]>();
  for (const spec of specs) {
    const tag = members(either(spec, 'tags', 'tagSet', 'Tag')).find(
      (t) => text(field(t, 'key')) === exemptionTagKey,
    );
    if (tag === undefined) continue;
    const type = text(field(spec, 'resourceType'));
    // `hasOwn`: a hostile `resourceType` such as `constructor` names no created resource.
    const ofType = type !== undefined && Object.hasOwn(created, type) ? (created[type] ?? []) : [];
    const named = type === undefined ? Object.values(created).flat() : ofType;
    if (named.length === 0) continue;
    const tagValue = field(tag, 'value');
    const value = typeof tagValue === 'string' ? tagValue : undefined;
    byValue.set(value, [...(byValue.get(value) ?? []), ...named]);
  }
  const parts = [...byValue].map(([value, ids]) => ({
    ...(value !== undefined ? { value } : {}),
    resourceIds: [...new Set(ids)],
  }));
  const [first] = parts;
  if (first === undefined) return {};
  return {
    exemption: {
      change: 'set',
      key: exemptionTagKey,
      resourceIds: [...new Set(parts.flatMap((p) => p.resourceIds))],
      ...(first.value !== undefined ? { value: first.value } : {}),
      ...(parts.length > 1 ? { values: parts } : {}),
    },
  };
}

/**
 * An exemption change as one change per value it sets: itself, or, for a create call whose tag
 * specifications gave different values, one per value with the resources given it.
 */
export function exemptionParts(exemption: ExemptionChange): ExemptionChange[] {
  const { values, ...rest } = exemption;
  if (values === undefined) return [exemption];
  return values.map((part) => {
    const { value: _first, ...base } = rest;
    return { ...base, ...part };
  });
}
