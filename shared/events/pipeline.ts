import type { Config } from '../config';
import type { Finding } from '../findings';
import { parseSnapshot } from '../model/snapshot';
import type { Snapshot } from '../model/snapshot-schema';
import { withChat } from '../notify/event-chat';
import {
  buildNotice,
  type FixedFinding,
  type Notice,
  type NoticeInput,
  shouldNotify,
} from '../notify/notice';
import { applyActions } from '../remediation/apply';
import { isRevokeById, narrowed } from '../remediation/narrow';
import type { ActionResult, PlannedAction, RemediationPlanResult } from '../remediation/types';
import type { AutoFix } from '../rules/types';
import { type Assessment, assessSlice, findingsAfter } from '../scope/assess';
import { type BatchMessage, type EventGroup, mergeScopes, type TriagedBatch, triageBatch } from './batch';
import { stillTaggedOf, untaggableOf, withResolvedExemptions } from './exemption-notes';
import type { TriageOptions } from './parse';
import type { EventScope } from './types';

/** A loaded slice: the snapshot, and whether every read succeeded. */
export interface SliceSource {
  snapshot: Snapshot;
  complete: boolean;
  errors: string[];
  /** Nothing was read: the member role could not be assumed (not onboarded, or its trust broken). */
  memberRoleDenied?: true;
  /**
   * The read was throttled (or EC2 unavailable) past the SDK's retries on the messages' last
   * receive: no redelivery will evaluate them, so the "could not evaluate" notice is sent (and says
   * so); before the last receive such a read fails the messages quietly (DESIGN §14).
   */
  lastReceiveReadFault?: true;
  /** Organization mode: the member role this slice was read with (a refused read is its to fix). */
  readAs?: string;
}

/** The account and region a group's calls go to (per-account clients plug in here). */
export interface Where {
  accountId?: string;
  region?: string;
}

/**
 * What the pipeline needs from the outside world: the Lambda reads EC2 and calls it, the simulate
 * command reads a snapshot file and calls nothing.
 */
export interface PipelinePorts {
  loadSlice(scope: EventScope, where: Where): Promise<SliceSource>;
  execute(plan: RemediationPlanResult, where: Where): Promise<ActionResult[]>;
}

/** The triage's origin checks (the function's own account and region; organization mode's), and: */
export interface PipelineOptions
  extends Pick<TriageOptions, 'expectedAccountId' | 'expectedRegion' | 'requireAwsOrigin'> {
  /** The time exemption expiries are judged at. */
  now: Date;
  autoFixOf?: (ruleId: string) => AutoFix;
}

/** What the pipeline did with one account-region group of a batch. */
export interface GroupOutcome {
  group: EventGroup;
  /** The merged scope the slice was loaded for. */
  scope: EventScope;
  /** Set when the slice could not be fully read: the reason (nothing was assessed or remediated). */
  couldNotEvaluate?: string;
  assessment?: Assessment;
  results: ActionResult[];
  /** Findings in scope after the actions (the slice changed in memory; no new reads). */
  after: Finding[];
  /** The message to publish; undefined when there is nothing to tell (DESIGN §8 "No noise"). */
  notice?: Notice;
  /** The notice as it would read even when it is not sent (simulate prints it). */
  draft: Notice;
}

/** The triage options of a config and the function's own account and region. */
function triageOptionsOf(config: Config, options: PipelineOptions): TriageOptions {
  return {
    exemptionTagKey: config.exemptionTagKey,
    ...(config.ownRoleArn ? { ownRoleArn: config.ownRoleArn } : {}),
    ...(options.expectedAccountId !== undefined ? { expectedAccountId: options.expectedAccountId } : {}),
    ...(options.expectedRegion !== undefined ? { expectedRegion: options.expectedRegion } : {}),
    ...(options.requireAwsOrigin === true ? { requireAwsOrigin: true } : {}),
  };
}

/** Triages a batch's messages and groups them by account and region (DESIGN §14). */
export function triageMessages(
  messages: readonly BatchMessage[],
  config: Config,
  options: PipelineOptions,
): TriagedBatch {
  return triageBatch(messages, triageOptionsOf(config, options));
}

/**
 * One account-region group: merged scope → one slice → findings → one plan → act → the state
 * after the actions → one digest notice (DESIGN §7, §8, §14). Publishing is left to the caller,
 * after the actions: remediation never waits on SNS. Transient faults propagate.
 */
export async function runGroupPipeline(
  group: EventGroup,
  config: Config,
  ports: PipelinePorts,
  options: PipelineOptions,
): Promise<GroupOutcome> {
  const where: Where = {
    ...(group.accountId !== undefined ? { accountId: group.accountId } : {}),
    ...(group.region !== undefined ? { region: group.region } : {}),
  };
  const scopes = group.members.map((m) => m.scope);
  const scope = mergeScopes(scopes);
  // Calls whose record does not name what they created: nothing to read for them (DESIGN §8
  // "Safety": could not evaluate, with the reason); the other calls of the group are judged as usual.
  const unevaluated = group.members.flatMap(({ event, scope: own }) =>
    own.unreadable !== undefined ? [`${event.eventName}: ${own.unreadable}`] : [],
  );
  const allUnreadable = unevaluated.length === group.members.length;
  // The loader reads the prefix lists of added rules gone from their group, for "already removed"
  // (DESIGN §8): news only on a redelivery, so a first delivery's added rules are not given to it.
  const loading = group.members.map((m) => (m.redelivered ? m.scope : { ...m.scope, addedRules: [] }));
  const slice: SliceSource = allUnreadable
    ? { snapshot: parseSnapshot({}), complete: false, errors: unevaluated }
    : await loadGroupSlice(loading, mergeScopes(loading), where, ports);
  const base: Omit<NoticeInput, 'findings' | 'open' | 'fixed' | 'results' | 'skipped' | 'dryRun'> = {
    ...where,
    calls: group.members.map(({ event, scope: own }) => ({ event, scope: own })),
    mode: config.mode,
    exemptionTagKey: config.exemptionTagKey,
    notifyMinSeverity: config.notifyMinSeverity,
    redelivery: group.members.some((m) => m.redelivered),
    // The notice says whether a dated exemption tag just set is in force or already expired.
    now: options.now,
    alreadyRemoved: [],
    goneFindings: [],
  };

  if (!slice.complete) {
    // The calls left unevaluated beside a slice that failed are named too (else only their call line).
    const reasons = allUnreadable ? slice.errors : [...slice.errors, ...unevaluated];
    const couldNotEvaluate = reasons.join('; ') || 'the slice could not be loaded';
    const input: NoticeInput = {
      ...base,
      couldNotEvaluate,
      ...(slice.memberRoleDenied ? { memberRoleDenied: true as const } : {}),
      ...(slice.lastReceiveReadFault ? { lastReceiveReadFault: true as const } : {}),
      ...(slice.readAs !== undefined ? { readAs: slice.readAs } : {}),
      ...(allUnreadable ? { responseDropped: true as const } : {}),
      findings: [],
      open: [],
      fixed: [],
      results: [],
      skipped: [],
      dryRun: config.mode === 'dry-run',
    };
    const draft = withChat(buildNotice(input), input);
    return { group, scope, couldNotEvaluate, results: [], after: [], notice: draft, draft };
  }

  const assessment = assessSlice(scopes, slice.snapshot, config, {
    now: options.now,
    sliceComplete: true,
    retried: group.members.map((m) => m.redelivered),
    ...(options.autoFixOf ? { autoFixOf: options.autoFixOf } : {}),
  });
  // Act first, then tell: the caller publishes after this returns.
  const results = await ports.execute(assessment.plan, where);
  const redelivery = base.redelivery;
  const gone = splitGone(results, redelivery ? freshOnlyRuleIds(group) : undefined);
  const state = stateAfter(slice.snapshot, assessment, results, gone, config, options.now);
  const input: NoticeInput = {
    ...base,
    calls: withResolvedExemptions(base.calls, assessment.perEvent),
    resolved: assessment.resolved,
    perEvent: assessment.perEvent,
    findings: assessment.findings,
    open: state.open,
    fixed: state.fixed,
    // A rule found already gone was removed and reported by a concurrent batch: news only when
    // this delivery is a retry of one that may have removed it itself (DESIGN §8, §14).
    results: gone.reported,
    goneFindings: state.goneByOthers,
    // Looked for in redelivered messages only (assessSlice's `retried`).
    alreadyRemoved: assessment.alreadyRemoved,
    removedEntries: assessment.removedEntries,
    skipped: assessment.plan.skipped,
    dryRun: assessment.plan.dryRun,
  };
  if (unevaluated.length > 0) input.unevaluated = unevaluated;
  const untaggable = untaggableOf(group, slice.snapshot);
  if (untaggable.length > 0) input.untaggable = untaggable;
  const stillTagged = stillTaggedOf(group, assessment.model, config.exemptionTagKey);
  if (stillTagged.length > 0) input.stillTagged = stillTagged;
  const draft = withChat(buildNotice(input), input);
  return {
    group,
    scope,
    assessment,
    results,
    after: state.open,
    draft,
    ...(shouldNotify(input) ? { notice: draft } : {}),
  };
}

/**
 * The group's one slice. A call naming a group only by name, with no VPC, means the name in the
 * default VPC; merged with calls that name VPCs, the loader would look for the name in those VPCs
 * only and miss it. That rare mix is read as two slices (the by-name calls, the rest) and united.
 */
async function loadGroupSlice(
  scopes: readonly EventScope[],
  merged: EventScope,
  where: Where,
  ports: PipelinePorts,
): Promise<SliceSource> {
  const byNameOnly = (s: EventScope) => s.securityGroupNames.length > 0 && s.vpcIds.length === 0;
  const named = scopes.filter(byNameOnly);
  const rest = scopes.filter((s) => !byNameOnly(s));
  if (named.length === 0 || !rest.some((s) => s.vpcIds.length > 0)) return ports.loadSlice(merged, where);
  const [a, b] = await Promise.all([
    ports.loadSlice(mergeScopes(named), where),
    ports.loadSlice(mergeScopes(rest), where),
  ]);
  return {
    snapshot: unionSnapshots(a.snapshot, b.snapshot),
    complete: a.complete && b.complete,
    errors: [...a.errors, ...b.errors],
    ...(a.memberRoleDenied || b.memberRoleDenied ? { memberRoleDenied: true as const } : {}),
    ...(a.lastReceiveReadFault || b.lastReceiveReadFault ? { lastReceiveReadFault: true as const } : {}),
    ...((a.readAs ?? b.readAs) !== undefined ? { readAs: a.readAs ?? b.readAs } : {}),
  };
}

/** Two slices of one account and region as one: each list's union by id (the fuller item kept). */
function unionSnapshots(a: Snapshot, b: Snapshot): Snapshot {
  const union = <T>(x: readonly T[], y: readonly T[], id: (item: T) => string): T[] => {
    const out = new Map<string, T>();
    for (const item of [...x, ...y]) {
      const key = id(item);
      const seen = out.get(key);
      if (!seen || Object.keys(item as object).length > Object.keys(seen as object).length)
        out.set(key, item);
    }
    return [...out.values()];
  };
  return {
    ...a,
    Vpcs: union(a.Vpcs, b.Vpcs, (v) => v.VpcId),
    Subnets: union(a.Subnets, b.Subnets, (v) => v.SubnetId),
    SecurityGroups: union(a.SecurityGroups, b.SecurityGroups, (v) => v.GroupId),
    SecurityGroupRules: union(a.SecurityGroupRules, b.SecurityGroupRules, (v) => v.SecurityGroupRuleId),
    NetworkAcls: union(a.NetworkAcls, b.NetworkAcls, (v) => v.NetworkAclId),
    RouteTables: union(a.RouteTables, b.RouteTables, (v) => v.RouteTableId),
    InternetGateways: union(a.InternetGateways, b.InternetGateways, (v) => v.InternetGatewayId),
    NatGateways: union(a.NatGateways, b.NatGateways, (v) => v.NatGatewayId),
    VpcEndpoints: union(a.VpcEndpoints, b.VpcEndpoints, (v) => v.VpcEndpointId),
    NetworkInterfaces: union(a.NetworkInterfaces, b.NetworkInterfaces, (v) => v.NetworkInterfaceId),
    ManagedPrefixLists: union(a.ManagedPrefixLists, b.ManagedPrefixLists, (v) => v.PrefixListId),
  };
}

/** The calls found already done, split into news (a redelivery's own) and the rest (not news). */
interface GoneSplit {
  news: ActionResult[];
  quiet: ActionResult[];
  /** Every result, in order, with each already-done call cut down to its news (or left out). */
  reported: ActionResult[];
}

/**
 * Rule ids that only first-delivered messages of the group added or named. Found already gone,
 * such a rule was removed and reported by a concurrent batch: not news, even when another message
 * of the same group is a redelivery (DESIGN §8 "Order and retries", §14 "Concurrency").
 */
function freshOnlyRuleIds(group: EventGroup): Set<string> {
  const named = (scope: EventScope) => [
    ...scope.securityGroupRuleIds,
    ...scope.addedRules.flatMap((r) => (r.ruleId !== undefined ? [r.ruleId] : [])),
  ];
  const retried = new Set(group.members.filter((m) => m.redelivered).flatMap((m) => named(m.scope)));
  return new Set(
    group.members
      .filter((m) => !m.redelivered)
      .flatMap((m) => named(m.scope))
      .filter((id) => !retried.has(id)),
  );
}

/**
 * The already-done calls: on a first delivery none is news; on a redelivery each is, except the
 * rules only fresh messages added (`freshOnly`), split off a revoke by ids. A call that names no
 * rule id (a NACL entry, a revoke by permissions) stays news on a redelivery: better a repeated
 * "already removed" than a person never told.
 */
function splitGone(results: readonly ActionResult[], freshOnly: ReadonlySet<string> | undefined): GoneSplit {
  const split: GoneSplit = { news: [], quiet: [], reported: [] };
  const news = (result: ActionResult) => {
    split.news.push(result);
    split.reported.push(result);
  };
  for (const result of results) {
    if (result.status !== 'already-done') split.reported.push(result);
    else if (!freshOnly) split.quiet.push(result);
    else if (!isRevokeById(result.action)) news(result);
    else {
      const ids = result.action.parameters.SecurityGroupRuleIds;
      const quiet = ids.filter((id) => freshOnly.has(id));
      const retried = ids.filter((id) => !freshOnly.has(id));
      if (quiet.length === 0) news(result);
      else {
        if (retried.length > 0) news({ ...result, action: narrowed(result.action, retried) });
        split.quiet.push({ ...result, action: narrowed(result.action, quiet) });
      }
    }
  }
  return split;
}

/**
 * DESIGN §8 "Notices tell the state after the actions", evaluated in memory (no new reads). Rules
 * verified gone (someone else's fix) are applied first: that is the state this invocation found.
 * What only the news among them closed is `goneByOthers` (the quiet ones, a concurrent batch's
 * report, are applied before it). The calls that succeeded are applied next: what they closed is
 * `fixed` (with the finding as it read before them, so it names only what they removed). What is
 * left is open. A finding is matched across evaluations by rule and resource, since its evidence
 * (and so its id) changes when some of its rules go. A dry run changes nothing.
 */
function stateAfter(
  snapshot: Snapshot,
  assessment: Assessment,
  results: readonly ActionResult[],
  gone: GoneSplit,
  config: Config,
  now: Date,
): { open: Finding[]; fixed: FixedFinding[]; goneByOthers: Finding[] } {
  const done = results.filter((r) => r.status === 'done').map((r) => r.action);
  const quiet = gone.quiet.map((r) => r.action);
  const news = gone.news.map((r) => r.action);
  if (done.length === 0 && quiet.length === 0 && news.length === 0)
    return { open: assessment.findings, fixed: [], goneByOthers: [] };
  const evaluate = (actions: readonly PlannedAction[], from: Snapshot) =>
    findingsAfter(applyActions(from, actions), assessment.resolved, config, { now });
  const quietFound = quiet.length > 0 ? applyActions(snapshot, quiet) : snapshot;
  const found = news.length > 0 ? applyActions(quietFound, news) : quietFound;
  const baseline =
    found === snapshot ? assessment.findings : findingsAfter(found, assessment.resolved, config, { now });
  const after = done.length > 0 ? evaluate(done, found) : baseline;
  const keys = (findings: readonly Finding[]) => new Set(findings.filter((f) => !f.suppressed).map(keyOf));
  const inBaseline = keys(baseline);
  const inAfter = keys(after);
  // A finding closed but for ports now accepted (suppressed after: reachable only through an
  // exempted group) is fixed, and says what stays reachable.
  const accepted = new Map(after.filter((f) => f.suppressed).map((f) => [keyOf(f), f]));
  const before = assessment.findings.filter((f) => !f.suppressed);
  // What the news closed, as it read before it: after the quiet removals when there were any.
  const beforeNews =
    news.length === 0
      ? []
      : quiet.length === 0
        ? before
        : findingsAfter(quietFound, assessment.resolved, config, { now }).filter((f) => !f.suppressed);
  return {
    open: after,
    fixed: baseline
      .filter((f) => !f.suppressed && !inAfter.has(keyOf(f)))
      .map((finding) => {
        const rest = accepted.get(keyOf(finding));
        return { finding, by: closedBy(finding, before, done), ...(rest ? { accepted: rest } : {}) };
      }),
    goneByOthers: beforeNews.filter((f) => !inBaseline.has(keyOf(f))),
  };
}

function keyOf(f: Finding): string {
  return `${f.ruleId}|${f.resourceId}`;
}

/** The calls that closed a finding: those planned for it, else (a knock-on effect) every call made. */
function closedBy(
  finding: Finding,
  before: readonly Finding[],
  done: readonly PlannedAction[],
): PlannedAction[] {
  const ids = new Set(before.filter((f) => keyOf(f) === keyOf(finding)).map((f) => f.id));
  ids.add(finding.id);
  const own = done.filter((a) => a.findingIds.some((id) => ids.has(id)));
  return own.length > 0 ? own : [...done];
}
