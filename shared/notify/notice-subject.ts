import { type Finding, type ResourceType, type Severity, severityRank } from '../findings';
import { byHeadline, type HeadlineFit, headline, isLoud, openInHeadlineOrder } from './notice-policy';
import { MAX_SUBJECT_LENGTH, type NoticeAction, type NoticeInput } from './notice-types';
import { sanitize, truncateUnits } from './sanitize';

const OUTCOME: Record<NoticeAction, string> = {
  remediated: 'remediated',
  'partially-remediated': 'partially remediated',
  failed: 'remediation failed',
  'dry-run': 'dry run',
  notified: '',
};

/** Shortenings tried in order until the subject fits: the port is the last thing to go. */
const FITS: readonly (HeadlineFit & { countResources: boolean })[] = [
  { countResources: true },
  { idMax: 12, countResources: true },
  { idMax: 12, countResources: false },
  { idMax: 12, maxPorts: 1, countResources: false },
  { idMax: 8, maxPorts: 1, countResources: false },
];

/**
 * The subject of a digest (DESIGN §8, §14): worst severity, the lead finding and how many more,
 * the outcome — `[CRITICAL] sg-0ab… world-open on 22/tcp (+4 more on 2 groups) — revoked`. The
 * lead is the worst finding still open, else the worst one fixed (DESIGN §8).
 */
export function subjectOf(input: NoticeInput, action: NoticeAction, severity: Severity): string {
  let outcome = OUTCOME[action];
  const made = input.results.filter((r) => r.status === 'done' || r.status === 'already-done');
  // "revoked" only for what this invocation's own calls removed (DESIGN §8 "Verified outcome"):
  // calls that all found their target gone (told on a redelivery) removed nothing.
  if (action === 'remediated' && made.length > 0 && made.every((r) => r.status === 'already-done')) {
    outcome = 'already removed';
  } else if (
    action === 'remediated' &&
    made.every((r) => r.action.action.startsWith('RevokeSecurityGroup'))
  ) {
    outcome = 'revoked';
  }
  const suffix = outcome ? ` — ${outcome}` : '';
  // A call of the batch left unevaluated (its record names nothing to read) is news of its own;
  // where a finding leads, the subject says so: "— revoked" alone told an on-call engineer that
  // the whole batch was handled.
  const unevaluated = input.unevaluated?.length ?? 0;
  const leadSuffix =
    unevaluated > 0
      ? `${suffix}${outcome ? ';' : ' —'} ${unevaluated} call${unevaluated === 1 ? '' : 's'} not evaluated`
      : suffix;
  const tag = `[${severity.toUpperCase()}] `;

  if (input.couldNotEvaluate !== undefined) {
    return fitSubject(`${tag}could not evaluate ${callsText(input)}${onText(input)}`, ' — failed');
  }
  const open = openInHeadlineOrder(input);
  // Open findings below notifyMinSeverity are listed but never the news (DESIGN §8 "No noise"):
  // the info exposure of a web server on 443 does not lead over the 22/tcp rule just revoked.
  const lead =
    open.find((f) => isLoud(f, input.notifyMinSeverity)) ??
    byHeadline(input.fixed.map((f) => f.finding))[0] ??
    byHeadline(input.goneFindings)[0];
  const news = newsItems(input);
  if (lead) {
    // News more severe than the lead finding leads instead (DESIGN §14 "worst severity"): a
    // redelivery's 22/tcp world rule already removed over a low finding still open.
    const worst = news[0];
    if (worst === undefined || severityRank(worst.severity) >= severityRank(lead.severity)) {
      return leadSubject(input, lead, open, leadSuffix, news.filter((n) => n.removal).length);
    }
    const findings = new Set([
      ...open.filter((f) => isLoud(f, input.notifyMinSeverity)),
      ...input.fixed.map((f) => f.finding),
      ...input.goneFindings,
    ]);
    return newsSubject(news, findings.size, suffix);
  }
  if (news.length > 0) return newsSubject(news, 0, suffix);
  if (open[0]) return leadSubject(input, open[0], open, leadSuffix, 0);
  return fitSubject(`[${severity.toUpperCase()}] ${callsText(input)}${onText(input)}`, suffix);
}

/** `[SEVERITY] <lead's headline> (+N more …) — <outcome>`, shortened until it fits. */
function leadSubject(
  input: NoticeInput,
  lead: Finding,
  open: readonly Finding[],
  suffix: string,
  /** Rules or NACL entries reported already removed besides the findings: counted too. */
  news: number,
): string {
  const others = [...open, ...input.fixed.map((f) => f.finding), ...input.goneFindings].filter(
    (f) => f !== lead,
  );
  // The tag is the lead's own severity: the subject reads as one statement about it.
  const leadTag = `[${lead.severity.toUpperCase()}] `;
  for (const shape of FITS) {
    const text = `${leadTag}${headline(lead, shape, input.registry)}${moreText(lead, others, shape.countResources, news)}${suffix}`;
    if (text.length <= MAX_SUBJECT_LENGTH) return text;
  }
  // Still too long: the headline's end is cut, never the count — "(+3 more)" is how a person
  // learns that the lead is not all (two critical findings fixed behind a high one still open).
  const last = FITS[FITS.length - 1] ?? {};
  return fitSubject(
    `${leadTag}${headline(lead, last, input.registry)}`,
    `${moreText(lead, others, false, news)}${suffix}`,
  );
}

/**
 * The subject of news that is no finding: an exemption change, a rule or NACL entry already
 * removed. The worst of them leads (its severity is the tag: DESIGN §14 "worst severity, resource
 * and count"), then how many more. An exemption change is `info` news: a world-open rule on 22
 * already removed in the same batch leads over it; at equal severity the exemption (a person's
 * own act) leads, then rules before NACL entries.
 */
interface NewsItem {
  severity: Severity;
  text: string;
  /** The text already says "already removed" or "already blocked". */
  removal?: true;
}

function newsItems(input: NoticeInput): NewsItem[] {
  const items: NewsItem[] = [];
  // Who: the caller of the tag change itself, not of the batch's first call.
  const tagCall = input.calls.find((c) => c.scope.exemption);
  const exemption = tagCall?.scope.exemption;
  if (tagCall && exemption) {
    const who = shortActor(tagCall.event.actor.arn);
    const { change, resourceIds } = exemption;
    // A removal that deleted nothing (every resource still tagged: the value named was not the tag's).
    const still = new Set((input.stillTagged ?? []).map((s) => s.resourceId));
    const kept = change === 'removed' && !exemption.everyTag && resourceIds.every((id) => still.has(id));
    const verb = kept
      ? 'exemption not removed from'
      : `exemption ${change === 'set' ? 'set on' : 'removed from'}`;
    items.push({
      severity: 'info',
      text: `${exemption.everyTag ? 'every tag removed from' : verb} ${sanitize(resourceIds[0] ?? `group ${exemption.groupName ?? ''}`, 40)}${
        resourceIds.length > 1 ? ` (+${resourceIds.length - 1})` : ''
      }${who ? ` by ${who}` : ''}`,
    });
  }
  // Calls whose record does not name what they created: nothing was judged for them (at least high).
  const unread = [
    ...new Set(input.calls.filter((c) => c.scope.unreadable !== undefined).map((c) => c.event.eventName)),
  ];
  if (unread.length > 0) {
    items.push({
      severity: 'high',
      text: `could not evaluate ${unread.map((n) => sanitize(n, 40)).join(', ')}`,
    });
  }
  items.push(
    ...input.alreadyRemoved.map((r) => ({
      severity: r.severity ?? 'info',
      text: r.unverified
        ? `prefix-list rule on ${sanitize(r.groupId, 40)} gone, not verified`
        : `world-open rule on ${sanitize(r.groupId, 40)} already removed`,
      removal: true as const,
    })),
    ...(input.removedEntries ?? []).map((e) => ({
      severity: e.severity ?? 'info',
      text: `world-open entry ${e.ruleNumber} of ${sanitize(e.networkAclId, 40)} already ${e.blocked ? 'blocked' : 'removed'}`,
      removal: true as const,
    })),
  );
  // Worst first; a stable sort, so at equal severity the order above stands.
  return items.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}

/** `[SEVERITY] <the worst news> (+N more)`, N counting the other news and `findings` reported. */
function newsSubject(items: readonly NewsItem[], findings: number, suffix: string): string {
  const [lead] = items;
  if (lead === undefined) return '';
  const others = items.length - 1 + findings;
  const more = others > 0 ? ` (+${others} more)` : '';
  // A lead that already says "already removed" leaves out an outcome saying it again.
  const outcome = lead.removal && suffix === ' — already removed' ? '' : suffix;
  return fitSubject(`[${lead.severity.toUpperCase()}] ${lead.text}${more}`, outcome);
}

function fitSubject(head: string, suffix: string): string {
  // In UTF-16 units, as SNS counts the subject's "less than 100 characters" (a Name tag's emoji is two).
  return `${truncateUnits(head, MAX_SUBJECT_LENGTH - suffix.length)}${suffix}`;
}

/**
 * ` (+4 more on 2 groups)`: the other findings (and `news` rules or entries already removed), and how many resources of the lead's kind they are
 * on when more than the lead's own (interfaces exposed through a group are not counted as groups).
 */
function moreText(lead: Finding, others: readonly Finding[], countResources: boolean, news = 0): string {
  const count = others.length + news;
  if (count === 0) return '';
  const sameKind = new Set(
    [lead, ...others].filter((f) => f.resourceType === lead.resourceType).map((f) => f.resourceId),
  );
  if (!countResources || sameKind.size === 1) return ` (+${count} more)`;
  return ` (+${count} more on ${sameKind.size} ${NOUN[lead.resourceType]})`;
}

const NOUN: Record<ResourceType, string> = {
  'AWS::EC2::SecurityGroup': 'groups',
  'AWS::EC2::NetworkAcl': 'network ACLs',
  'AWS::EC2::Subnet': 'subnets',
  'AWS::EC2::RouteTable': 'route tables',
  'AWS::EC2::NatGateway': 'NAT gateways',
  'AWS::EC2::VPCEndpoint': 'endpoints',
  'AWS::EC2::NetworkInterface': 'interfaces',
};

/** `AuthorizeSecurityGroupIngress`, or `31 calls` for a digest of several. */
function callsText(input: NoticeInput): string {
  const names = [...new Set(input.calls.map((c) => c.event.eventName))];
  if (input.calls.length === 1 || names.length === 1) {
    const name = sanitize(names[0] ?? 'event', 40);
    return input.calls.length > 1 ? `${input.calls.length} ${name} calls` : name;
  }
  return `${input.calls.length} calls`;
}

function onText(input: NoticeInput): string {
  for (const { scope: s } of input.calls) {
    const id =
      s.securityGroupIds[0] ??
      s.securityGroupNames[0] ??
      s.networkAclIds[0] ??
      s.routeTableIds[0] ??
      s.internetGatewayIds[0] ??
      s.subnetIds[0] ??
      s.natGatewayIds[0] ??
      s.vpcEndpointIds[0] ??
      s.networkInterfaceIds[0] ??
      s.instanceIds[0] ??
      s.prefixListIds[0] ??
      s.newVpcIds[0];
    if (id !== undefined) return ` on ${sanitize(id, 40)}`;
  }
  return '';
}

/** The last part of the caller's ARN (`alice`, `Operator/ryan@example.com`). */
function shortActor(arn: string | undefined): string {
  if (!arn) return '';
  const resource = arn.split(':').slice(5).join(':');
  const short = resource.replace(/^(user|role|assumed-role)\//, '');
  return sanitize(short || arn, 40);
}
