import type { NotJudged } from '../engine';
import type { Finding, ResourceType } from '../findings';
import type { ActionResult } from '../remediation/types';
import { type AsffFinding, type AsffOptions, asffFindingId, toAsffFinding } from '../report/asff';
import { RULES, ruleById } from '../rules/registry';
import type { ResolvedScope } from '../scope/resolve';

// What one evaluation tells Security Hub (DESIGN §16), decided without calling it: the findings
// that fire, those its remediation closed, and those that may have fired before and no longer do.
// Pure: shared/aws/security-hub.ts makes the calls.

/** The three sets of ASFF records one evaluation sends. */
export interface SecurityHubPlan {
  /** Firing findings (suppressed ones as `Workflow: SUPPRESSED`), imported as ACTIVE. */
  active: AsffFinding[];
  /** Findings this evaluation saw firing and its remediation closed: archived and resolved. */
  closed: AsffFinding[];
  /** Rule × resource pairs in scope with no finding now: archived and resolved if Security Hub holds them. */
  gone: AsffFinding[];
  /**
   * Firing findings whose exemption changed (`workflowChanges`), with the workflow that change
   * implies: a provider's import cannot change the Workflow of an existing finding, so without
   * these an exemption removed later would leave the finding SUPPRESSED (hidden from Security
   * Hub's default views) while it fires again.
   */
  workflow: { suppress: AsffFinding[]; reopen: AsffFinding[] };
  /**
   * Firing and closed findings of other accounts than the one importing them, left out of the
   * three sets (`accountOnly`), counted per account (sorted by id). Empty when all are its own.
   */
  otherAccounts: { accountId: string; findings: number }[];
  /** An audit's sweep of what Security Hub holds for the account-regions it read whole (stale-findings.ts). */
  sweep?: StaleSweep;
}

/** What an audit's sweep may close (stale-findings.ts decides which held findings). */
export interface StaleSweep {
  /** The product whose findings are ours (the account's default product, in the home region). */
  productArn: string;
  /** `vpc-guardrail/<account>/<region>/` of each account-region read whole (not a VPC subset). */
  prefixes: string[];
  /** The ASFF ids this audit found firing (imported ACTIVE now): never closed. */
  firing: ReadonlySet<string>;
  /** What the audit could not judge: a rule with no finding on such a resource says nothing. */
  notJudged: readonly NotJudged[];
  /** When the audit began reading: a record written since (an event's) may hold what it did not see. */
  now: Date;
}

export interface SecurityHubPlanInput {
  /** Every finding still firing on the resources evaluated (suppressed ones included). */
  open: readonly Finding[];
  /** Findings seen firing in this evaluation that its remediation closed. */
  closed: readonly Finding[];
  /**
   * The resources whose every finding is in `findings` (an event's resolved scope, from a
   * completely loaded slice). A rule that judges such a resource and has no finding on it no
   * longer fires there. Unset (an audit): nothing is inferred about findings not seen.
   */
  scope?: ResolvedScope;
  /** Exemption tags set or removed by the calls evaluated (CreateTags / DeleteTags), if any. */
  exemptionChanges?: readonly { change: 'set' | 'removed'; resourceIds: readonly string[] }[];
  /**
   * What the evaluation could not judge: never inferred gone (a rule with no finding on a resource
   * it could not judge says nothing about that resource). `ruleId` unset: every rule of it.
   */
  notJudged?: readonly NotJudged[];
  /** Account, home region (of the product ARN) and time of the records. */
  asff: AsffOptions;
}

/**
 * Whether remediation closed a finding: every call that names it succeeded (or found its target
 * already gone), at least one did, and the rule did not report ports no call can close
 * (`evidence.notRemediable`: world-open through a union of narrower ranges; `evidence.notPlanned`:
 * NACL ports left notify-only). Conservative on
 * purpose: a finding archived while it still fires is a silent false negative in Security Hub.
 */
export function closedByRemediation(finding: Finding, results: readonly ActionResult[]): boolean {
  if (finding.suppressed) return false;
  if (finding.evidence.notRemediable !== undefined || finding.evidence.notPlanned !== undefined) return false;
  const own = results.filter((r) => r.action.findingIds.includes(finding.id));
  return own.length > 0 && own.every((r) => r.status === 'done' || r.status === 'already-done');
}

/**
 * ASFF records each under the default product of the finding's own account (in `options.region`),
 * for an output file of several accounts: only a finding's own account may import it under a
 * default product (BatchImportFindings API reference), so each account's records are importable
 * with that account's credentials. A finding without an account takes `options.accountId`.
 */
export function toAsffPerAccount(findings: readonly Finding[], options: AsffOptions): AsffFinding[] {
  return findings.map((finding) =>
    toAsffFinding(finding, { ...options, accountId: finding.accountId ?? options.accountId }),
  );
}

/**
 * The FirstObservedAt of an event group's records: the latest valid CloudTrail `eventTime` of its
 * calls not after `now`. The evaluated state held from that moment at the latest (every change of
 * the batch was made); the earliest could predate the call that opened a port. Undefined without
 * one (the records then use `now`).
 */
export function observedSince(eventTimes: readonly (string | undefined)[], now: Date): Date | undefined {
  let latest: number | undefined;
  for (const text of eventTimes) {
    if (text === undefined) continue;
    const time = Date.parse(text);
    if (Number.isNaN(time) || time > now.getTime()) continue;
    if (latest === undefined || time > latest) latest = time;
  }
  return latest === undefined ? undefined : new Date(latest);
}

/** A record turned into its closed form: archived, resolved, and compliant where it had controls. */
export function archivedRecord(record: AsffFinding): AsffFinding {
  return {
    ...record,
    RecordState: 'ARCHIVED',
    Workflow: { Status: 'RESOLVED' },
    ...(record.Compliance ? { Compliance: { ...record.Compliance, Status: 'PASSED' } } : {}),
  };
}

const SCOPE_TYPES: readonly [keyof Omit<ResolvedScope, 'missing'>, ResourceType][] = [
  ['securityGroups', 'AWS::EC2::SecurityGroup'],
  ['networkAcls', 'AWS::EC2::NetworkAcl'],
  ['subnets', 'AWS::EC2::Subnet'],
  ['routeTables', 'AWS::EC2::RouteTable'],
  ['natGateways', 'AWS::EC2::NatGateway'],
  ['vpcEndpoints', 'AWS::EC2::VPCEndpoint'],
  ['networkInterfaces', 'AWS::EC2::NetworkInterface'],
];

/**
 * The record that closes a rule's finding on a resource, when only the rule and resource are known;
 * `how` says what evaluated it again (an event's change, or an audit).
 */
export function goneRecord(
  ruleId: string,
  resourceType: ResourceType,
  resourceId: string,
  options: AsffOptions,
  how = 'evaluated again after a change',
): AsffFinding {
  const rule = ruleById(ruleId);
  const title = rule?.meta.title ?? ruleId;
  const record = toAsffFinding(
    {
      // No engine id or VPC: the finding is not there any more (the builder leaves them out).
      id: '',
      ruleId,
      // Security Hub's own controls report a passed check as informational.
      severity: 'info',
      resourceType,
      resourceId,
      vpcId: '',
      title,
      detail: `No longer detected: ${resourceId} was ${how} and rule ${ruleId} (${title}) no longer fires on it.`,
      controls: [...(rule?.meta.controls ?? [])],
      evidence: {},
    },
    options,
  );
  return archivedRecord(record);
}

/**
 * Findings before the actions split by what the calls did (`closedByRemediation`), for a caller
 * that has no evaluation of the state after them.
 */
export function splitByRemediation(
  findings: readonly Finding[],
  results: readonly ActionResult[],
): { open: Finding[]; closed: Finding[] } {
  const open: Finding[] = [];
  const closed: Finding[] = [];
  for (const finding of findings) (closedByRemediation(finding, results) ? closed : open).push(finding);
  return { open, closed };
}

/**
 * Findings before and after the actions (the slice changed in memory and evaluated again): what
 * fires after them is open, what fired before and no longer does was closed by them.
 */
export function splitByState(
  before: readonly Finding[],
  after: readonly Finding[],
): { open: Finding[]; closed: Finding[] } {
  const firing = new Set(after.map(key));
  return { open: [...after], closed: before.filter((f) => !firing.has(key(f))) };
}

function key(finding: Finding): string {
  return `${finding.ruleId}\u0000${finding.resourceId}`;
}

/** What Security Hub should hold after one evaluation: active, closed and gone records. */
export function securityHubPlan(input: SecurityHubPlanInput): SecurityHubPlan {
  const active = input.open.map((finding) => toAsffFinding(finding, input.asff));
  const closed = input.closed.map((finding) => archivedRecord(toAsffFinding(finding, input.asff)));
  const gone: AsffFinding[] = [];
  if (input.scope) {
    // A rule firing again (or still) on a resource is neither gone nor closed.
    const firing = new Set([...input.open, ...input.closed].map(key));
    const blind = new Set((input.notJudged ?? []).map((n) => `${n.ruleId ?? '*'}\u0000${n.resourceId}`));
    for (const [key, resourceType] of SCOPE_TYPES) {
      const rules = RULES.filter((r) => r.meta.resourceType === resourceType).map((r) => r.meta.id);
      for (const resourceId of input.scope[key]) {
        for (const ruleId of rules) {
          if (firing.has(`${ruleId}\u0000${resourceId}`)) continue; // as key() spells it
          if (blind.has(`${ruleId}\u0000${resourceId}`) || blind.has(`*\u0000${resourceId}`)) continue;
          gone.push(goneRecord(ruleId, resourceType, resourceId, input.asff));
        }
      }
    }
  }
  const activeIds = new Set(active.map((r) => r.Id));
  const workflow = workflowChanges(input, dedupe(active));
  return accountOnly({
    workflow,
    active: dedupe(active),
    closed: dedupe(closed.filter((r) => !activeIds.has(r.Id))),
    gone,
    otherAccounts: [],
  });
}

/** The account whose default product (`product/<account>/default`) an ARN names; undefined for another product. */
function defaultProductAccount(productArn: string): string | undefined {
  return /^arn:[\w-]+:securityhub:[\w-]+:(\d{12}):product\/(\d{12})\/default$/.exec(productArn)?.[2];
}

/**
 * DESIGN §16: "imports member findings only where Security Hub allows it". Under a default product,
 * BatchImportFindings must be called by the account a finding belongs to (its `AwsAccountId`;
 * Security Hub API reference, BatchImportFindings) — being the Security Hub administrator of the
 * member does not change that. So a finding of another account (a member's, seen by the central
 * account in organization mode) is not sent, to be rejected one by one; it is counted in
 * `otherAccounts` (the caller logs it). Its closing (BatchUpdateFindings) is left out too: a
 * finding never imported under this product cannot be resolved under it.
 */
function accountOnly(plan: SecurityHubPlan): SecurityHubPlan {
  const importable = (records: AsffFinding[]) =>
    records.filter((record) => {
      const importer = defaultProductAccount(record.ProductArn);
      return importer === undefined || importer === record.AwsAccountId;
    });
  const other = new Map<string, number>();
  const own = (records: AsffFinding[], count: boolean) =>
    records.filter((record) => {
      const importer = defaultProductAccount(record.ProductArn);
      if (importer === undefined || importer === record.AwsAccountId) return true;
      if (count) other.set(record.AwsAccountId, (other.get(record.AwsAccountId) ?? 0) + 1);
      return false;
    });
  const active = own(plan.active, true);
  const closed = own(plan.closed, true);
  // Gone records are only candidates (Security Hub may never have held them): not counted.
  const gone = own(plan.gone, false);
  const otherAccounts = [...other]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([accountId, findings]) => ({ accountId, findings }));
  const workflow = {
    suppress: importable(plan.workflow.suppress),
    reopen: importable(plan.workflow.reopen),
  };
  return { active, closed, gone, workflow, otherAccounts };
}

/**
 * The active records whose Workflow follows what the evaluation knows of their exemption. Only in
 * the direction a change implies, so an analyst's NOTIFIED or RESOLVED on other findings is left
 * alone:
 * - SUPPRESSED: a finding now suppressed on a resource whose exemption tag this evaluation saw set.
 * - NEW: a finding firing unsuppressed on a resource whose exemption tag this evaluation saw
 *   removed, and, in every evaluation (the audit's too, which sees no tag change), one whose
 *   exemption for its rule has expired (`evidence.exemptionExpired`): a date passing is no API
 *   call, so no event ever says so, and the finding imported SUPPRESSED while the exemption held
 *   stayed out of Security Hub's default views while it fired again. Moved on each evaluation
 *   while the expired tag stays (renew or remove it).
 * An exempted finding is not set SUPPRESSED without a tag change seen: that would rewrite, on every
 * audit, the Workflow an analyst gave it, for a finding that is visible rather than hidden.
 */
function workflowChanges(
  input: SecurityHubPlanInput,
  active: readonly AsffFinding[],
): SecurityHubPlan['workflow'] {
  const set = new Set<string>();
  const removed = new Set<string>();
  for (const change of input.exemptionChanges ?? []) {
    for (const id of change.resourceIds) (change.change === 'set' ? set : removed).add(id);
  }
  const suppressIds = new Set<string>();
  const reopenIds = new Set<string>();
  const changed = (finding: Finding, ids: ReadonlySet<string>) =>
    ids.size > 0 && decidingResources(finding).some((id) => ids.has(id));
  for (const finding of input.open) {
    const suppress = finding.suppressed !== undefined && changed(finding, set);
    const reopen =
      !finding.suppressed && (changed(finding, removed) || finding.evidence.exemptionExpired !== undefined);
    if (!suppress && !reopen) continue;
    const id = asffFindingId(
      finding.accountId ?? input.asff.accountId,
      finding.region ?? input.asff.region,
      finding.ruleId,
      finding.resourceId,
    );
    (suppress ? suppressIds : reopenIds).add(id);
  }
  return {
    suppress: active.filter((r) => suppressIds.has(r.Id)),
    reopen: active.filter((r) => reopenIds.has(r.Id)),
  };
}

/**
 * The resources whose exemption tags decide a finding: its own, and for an interface's exposure the
 * security groups on its paths (a group's `eni-internet-exposed` or `*` exemption, or its exempted
 * findings, accept the interface's exposure through it: accepted-exposure.ts). A tag set or removed
 * on such a group moves the interface's finding as it moves the group's own.
 */
function decidingResources(finding: Finding): string[] {
  const ids = [finding.resourceId];
  if (finding.ruleId !== 'eni-internet-exposed') return ids;
  const families = finding.evidence.families;
  if (typeof families !== 'object' || families === null) return ids;
  for (const family of Object.values(families as Record<string, unknown>)) {
    const path = (family as { path?: unknown } | null)?.path;
    if (!Array.isArray(path)) continue;
    for (const hop of path as { type?: unknown; ids?: unknown }[]) {
      if (hop?.type !== 'security-groups' || !Array.isArray(hop.ids)) continue;
      for (const id of hop.ids) if (typeof id === 'string') ids.push(id);
    }
  }
  return ids;
}

/**
 * One record per ASFF id: BatchImportFindings rejects a request naming an id twice, and one rule
 * reports at most one finding per resource (the first, most severe in engine order, is kept).
 */
function dedupe(records: AsffFinding[]): AsffFinding[] {
  const seen = new Set<string>();
  const out: AsffFinding[] = [];
  for (const record of records) {
    if (seen.has(record.Id)) continue;
    seen.add(record.Id);
    out.push(record);
  }
  return out;
}
