import { exemptionParts } from '../events/tag-event';
import type { ExemptionChange, ParsedEvent } from '../events/types';
import { exemptionActive, KIND_NAMES, otherKindJudged, parseExemptionTag } from '../exemptions';
import { ID_PREFIXES, judgedTypeOf } from '../findings';
import { REGISTRY, type RuleRegistry } from '../rules/registry';
import { cap } from './action-text';
import type { NoticeInput } from './notice-types';
import { sanitize } from './sanitize';

// A notice's exemption changes (DESIGN §8 "exemption changes always notify"): who set or removed
// the tag, on what, and what it does there as the rules read it.

/** The EXEMPTION TAG CHANGED blocks of a notice: one per call and value set or removed (DESIGN §8). */
export function exemptionLines(input: NoticeInput): string[] {
  const lines: string[] = [];
  const untaggable = new Map((input.untaggable ?? []).map((u) => [u.resourceId, u.instead]));
  for (const { event, scope } of input.calls) {
    if (!scope.exemption) continue;
    for (const exemption of exemptionParts(scope.exemption)) {
      lines.push(...exemptionChangeLines(event, exemption, untaggable, input));
    }
  }
  return lines;
}

/** One exemption change (one value) of a call: who set or removed what, where, and its effect. */
function exemptionChangeLines(
  event: ParsedEvent,
  exemption: ExemptionChange,
  untaggable: ReadonlyMap<string, readonly string[]>,
  input: NoticeInput,
): string[] {
  const lines: string[] = [];
  const who = sanitize(event.actor.arn) || '(unknown principal)';
  const judged = exemption.resourceIds.filter((id) => !untaggable.has(id));
  const verb = exemption.change === 'set' ? 'set' : 'removed';
  const value = exemption.value !== undefined ? ` = ${sanitize(exemption.value, 200)}` : '';
  const what = exemption.everyTag
    ? `every tag (the tag ${sanitize(exemption.key, 128)} with them, if it was set)`
    : `the tag ${sanitize(exemption.key, 128)}${value}`;
  lines.push(
    'EXEMPTION TAG CHANGED',
    `  ${who} ${verb} ${what}`,
    `  on ${cap(exemptionTargets(exemption), 50).join(', ')}${event.eventTime ? ` at ${sanitize(event.eventTime, 64)}` : ''}.`,
  );
  if (judged.length > 0 && exemption.change === 'set') {
    lines.push(...setTagEffect(exemption.value ?? '', judged, input.now, input.registry ?? REGISTRY));
  } else if (judged.length > 0) {
    lines.push(...removedTagEffect(judged, exemption.value, input));
  }
  for (const id of exemption.resourceIds) {
    const instead = untaggable.get(id);
    if (instead === undefined) continue;
    lines.push(
      `  The tag on ${sanitize(id, 64)} has no effect: no rule judges this kind of resource.`,
      instead.length > 0
        ? `  To exempt its findings, tag what they are about instead: ${cap(instead, 20)
            .map((x) => sanitize(x, 64))
            .join(', ')}.`
        : untaggedAdvice(id),
    );
  }
  lines.push('');
  return lines;
}

/**
 * The resources an exemption change names, as a notice shows them: a group created by name whose
 * id the slice did not resolve (deleted since, or the slice could not be read) is named by its name.
 */
export function exemptionTargets(exemption: ExemptionChange): string[] {
  if (exemption.resourceIds.length === 0 && exemption.groupName !== undefined)
    return [
      `the group named ${sanitize(exemption.groupName, 255)} (the record gives no id, and the group was not read)`,
    ];
  return exemption.resourceIds.map((id) => sanitize(id, 64));
}

/**
 * Where to put an exemption instead of on a resource no rule judges. A security-group rule (`sgr-`)
 * is judged as part of its group: the group carries the exemption (a rule id in the value narrows
 * it to that rule's findings, an allow-list entry to its ports).
 */
function untaggedAdvice(id: string): string {
  return id.startsWith('sgr-')
    ? '  A security-group rule has no exemption of its own: tag its security group (sg-…) instead, with the rule ids to exempt as the value (e.g. sg-open-admin-port), or allow-list the group’s port in the config.'
    : '  To exempt findings, tag the security groups, network ACLs, subnets, route tables or interfaces they are about.';
}

/**
 * What a removal did, resource by resource, as the slice read after it shows: where the tag is gone
 * findings are reported again; where it is still there EC2 deleted nothing (DeleteTags deletes a
 * tag only when the value it names, if any, is the tag's value, and answers success either way) —
 * or it was set again since — and the exemption stays.
 */
function removedTagEffect(
  judged: readonly string[],
  named: string | undefined,
  input: NoticeInput,
): string[] {
  const still = new Map((input.stillTagged ?? []).map((s) => [s.resourceId, s.value]));
  const gone = judged.filter((id) => !still.has(id));
  const lines: string[] = [];
  if (gone.length > 0) {
    lines.push(
      `  Findings on ${cap(gone, 20).join(', ')} are reported (and remediated where configured) again.`,
    );
  }
  for (const id of cap(
    judged.filter((id) => still.has(id)),
    20,
  )) {
    // The value named is the one there now: EC2 deleted it, and it was set again since.
    const why =
      named !== undefined && named !== still.get(id)
        ? 'EC2 deleted nothing there: it deletes the tag only when the value named is the tag’s value'
        : 'it was set again since';
    lines.push(
      `  ${sanitize(id, 64)} still carries the tag (= ${sanitize(still.get(id) ?? '', 200)}): ${why}. Its exemption stays.`,
    );
  }
  return lines;
}

/**
 * What an exemption tag just set does, read from its value as the rules read it: the entries in
 * force suppress; an entry whose date has passed, or a part that is no `*` / rule id (`@YYYY-MM-DD`
 * optional), exempts nothing — the notice says so instead of promising a suppression.
 */
function setTagEffect(
  value: string,
  judged: readonly string[],
  now: Date | undefined,
  registry: RuleRegistry,
): string[] {
  const on = cap(judged, 20).join(', ');
  const parsed = parseExemptionTag(value);
  // A rule id the catalogue does not know exempts nothing either (a typo: `sg-open-admin-prot`).
  const known = (e: { ruleId: string }) => e.ruleId === '*' || registry.byId(e.ruleId) !== undefined;
  // Nor does a rule that judges none of the tagged resources (an interface tagged
  // sg-open-admin-port: that rule judges its groups), as the audit's warning says.
  const meta = registry.rules.map((rule) => rule.meta);
  const elsewhere = (e: { ruleId: string }) =>
    e.ruleId !== '*' &&
    judged.every((id) => {
      const kind = judgedTypeOf(id);
      return kind !== undefined && otherKindJudged(e.ruleId, kind, meta) !== undefined;
    });
  const misdirected = parsed.entries.filter((e) => known(e) && elsewhere(e));
  const entries = parsed.entries.filter((e) => known(e) && !elsewhere(e));
  const invalid = [
    ...parsed.invalid,
    ...parsed.entries.filter((e) => !known(e)).map((e) => `${e.ruleId} (no such rule)`),
  ];
  const inForce = entries.filter((e) => exemptionActive(e, now));
  const expired = entries.filter((e) => !exemptionActive(e, now));
  const lines: string[] = [];
  if (inForce.length > 0) {
    const rules = inForce.some((e) => e.ruleId === '*')
      ? 'every rule'
      : `the rules ${inForce.map((e) => sanitize(e.ruleId, 64)).join(', ')}`;
    lines.push(`  Findings of ${rules} on ${on} are now reported as suppressed and never remediated.`);
  }
  if (expired.length > 0) {
    lines.push(
      `  Already expired, no effect: ${expired.map((e) => `${sanitize(e.ruleId, 64)}@${e.until ?? ''}`).join(', ')} (the date has passed).`,
    );
  }
  for (const e of misdirected) {
    const type = registry.byId(e.ruleId)?.meta.resourceType;
    const kind = type ? `${KIND_NAMES[type]} (${ID_PREFIXES[type]}…)` : 'another kind of resource';
    lines.push(
      `  No effect here: ${sanitize(e.ruleId, 64)} judges ${kind}, not what was tagged; tag those instead.`,
    );
  }
  if (invalid.length > 0) {
    lines.push(
      `  Not understood, no effect: ${cap(invalid, 10)
        .map((x) => sanitize(x, 64) || '""')
        .join(', ')} (the value is * or rule ids, each optionally @YYYY-MM-DD).`,
    );
  }
  if (inForce.length === 0) {
    lines.push(
      `  Nothing is exempted: findings on ${on} are reported (and remediated where configured) as before.`,
    );
  }
  return lines;
}
