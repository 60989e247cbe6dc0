import { type Command, Option } from 'commander';
import { ACCOUNT_ID } from '../../shared/aws/ids';
import { type Config, MODES, type Mode } from '../../shared/config';
import { InputError } from '../../shared/errors';
import type { BatchMessage, MessageTriage, TriagedBatch } from '../../shared/events/batch';
import { type GroupOutcome, runGroupPipeline, triageMessages } from '../../shared/events/pipeline';
import type { ParsedEvent } from '../../shared/events/types';
import type { Finding } from '../../shared/findings';
import { readSnapshot } from '../../shared/model/snapshot';
import { describeAction } from '../../shared/notify/action-text';
import { type ChatNotification, chatFromText } from '../../shared/notify/chat';
import { ROLE_NAME } from '../../shared/org/settings';
import { type OrgScope, orgTriageBatch } from '../../shared/org/triage';
import type { Ec2Call } from '../../shared/remediation/types';
import { loadConfigFile } from '../config-file';
import { SIMULATE_HELP_FOOTER } from '../help';
import { type CliIo, EXIT } from '../io';
import { choiceOf, optionValue, optionValues, refuseStdinTwice } from '../option-value';
import { readSnapshotFile } from '../snapshot-file';
import { escapeErrorLine } from '../terminal-text';
import { eventMessages } from './simulate-input';

export const SIMULATE_FORMATS = ['text', 'json'] as const;
export type SimulateFormat = (typeof SIMULATE_FORMATS)[number];

export interface SimulateOptions {
  /** One or more event files (`--event` repeated). */
  event: string[] | string;
  snapshot: string;
  mode?: Mode;
  config?: string;
  format: SimulateFormat;
  /** Organization mode's member role (VPC_GUARDRAIL_MEMBER_ROLE_NAME of the central functions). */
  roleName?: string;
  /** Organization mode's central account (the functions' own): governed unless excluded. */
  centralAccount?: string;
}

/** The member role the central stack names when its context does not (DESIGN §15). */
const DEFAULT_ROLE_NAME = 'VpcGuardrailMember';

/**
 * The organization scope a simulation triages with, as the central event function does (DESIGN
 * §15), or undefined for the single-account function. Organization mode is on when the options
 * name the member role or the central account, or the configuration names `accounts` or
 * `excludeAccounts` (keys only organization mode reads; the central stack sets them). Without
 * `--central-account` no account is spared the allow-list, as for a file of several snapshots:
 * the events of the central account then read as the Lambda's only when `accounts` lists it.
 */
export function simulationScope(options: SimulateOptions, config: Config): OrgScope | undefined {
  const issues: string[] = [];
  if (options.roleName !== undefined && !ROLE_NAME.test(options.roleName)) {
    issues.push(`--role-name: not an IAM role name (${JSON.stringify(options.roleName)})`);
  }
  if (options.centralAccount !== undefined && !ACCOUNT_ID.test(options.centralAccount)) {
    issues.push(`--central-account: not a 12-digit account id (${JSON.stringify(options.centralAccount)})`);
  }
  if (issues.length > 0) throw new InputError('invalid options', issues);
  const on =
    options.roleName !== undefined ||
    options.centralAccount !== undefined ||
    config.accounts.length > 0 ||
    config.excludeAccounts.length > 0;
  if (!on) return undefined;
  return {
    homeAccountId: options.centralAccount ?? '',
    memberRoleName: options.roleName ?? DEFAULT_ROLE_NAME,
    accounts: config.accounts,
    excludeAccounts: config.excludeAccounts,
  };
}

/**
 * Without `--central-account` the simulation cannot know the central account (nothing is called,
 * not even STS): an event the allow-list rejects may be the central account's, which the Lambda
 * governs whether or not `accounts` lists it. Said once per account on stderr (the JSON keeps the
 * reason the Lambda logs), with the option that settles it.
 */
function centralAccountHint(io: CliIo, triaged: TriagedBatch, config: Config): void {
  if (config.accounts.length === 0) return;
  const rejected = new Set<string>();
  for (const m of triaged.messages) {
    if (m.outcome !== 'ignored' || m.ignored.code !== 'other-account') continue;
    const account = m.event?.accountId;
    if (account && !config.excludeAccounts.includes(account)) rejected.add(account);
  }
  for (const account of rejected) {
    io.stderr(
      `note: account ${account} is not in accounts of --config; if it is the central account (governed whether or not accounts lists it), give --central-account ${account}\n`,
    );
  }
}

/** What triage decided for one record, in input order. */
export interface SimulateRecord {
  index: number;
  eventId?: string;
  eventName?: string;
  outcome: MessageTriage['outcome'];
  /** Why a record was ignored, unreadable or a duplicate. */
  reason?: string;
}

/** What one account-region group of the batch does: merged scope, findings, actions, one digest. */
export interface SimulateGroup {
  accountId?: string;
  region?: string;
  scope: Record<string, unknown>;
  findings: Finding[];
  actions: Ec2Call[];
  /**
   * The one SNS message the Lambda would publish; null when it would stay silent. `chat`: what
   * the `https` protocol carries (Amazon Q Developer in chat applications, DESIGN §16).
   */
  notification: {
    subject: string;
    message: string;
    attributes: Record<string, unknown>;
    chat: ChatNotification;
  } | null;
}

/** The JSON `simulate --format json` prints (DESIGN §11): the first group's fields at the top. */
export interface SimulateReport extends SimulateGroup {
  event: Record<string, unknown>;
  ignored?: string;
  records: SimulateRecord[];
  /** Every account-region group, when the events span more than one. */
  groups?: SimulateGroup[];
  /** What looked odd in the snapshot file (also on stderr); left out when nothing did. */
  warnings?: string[];
}

/**
 * What the Lambda would do with one batch of events, with the snapshot standing in for EC2: the
 * same pipeline (triage per record, coalescing per account and region, findings, one plan, one
 * digest); nothing is called. In remediate mode every planned call is assumed to succeed, so the
 * notice reads as the Lambda's would.
 */
export async function simulate(io: CliIo, options: SimulateOptions): Promise<SimulateReport> {
  refuseStdinTwice([
    ...[options.event].flat().map((path) => ['--event', path] as const),
    ['--snapshot', options.snapshot],
    ['--config', options.config],
  ]);
  const fileConfig = await loadConfigFile(io, options.config);
  const config: Config = options.mode ? { ...fileConfig, mode: options.mode } : fileConfig;
  const org = simulationScope(options, config);
  const messages: BatchMessage[] = [];
  for (const path of [options.event].flat()) {
    messages.push(...eventMessages(await io.readText(path), path, messages.length));
  }
  const { json, source } = await readSnapshotFile(io, options.snapshot);
  const { snapshot, warnings } = readSnapshot(json, source);
  // DESIGN §3: warnings go to stderr (and, in JSON, beside the report). The snapshot is the user's
  // own file here, so what looked odd in it (an unknown key, no item at all) is theirs to see.
  for (const warning of warnings) io.stderr(`warning: ${escapeErrorLine(warning)}\n`);
  const pipelineOptions = { now: io.now() };
  const all = triageMessages(messages, config, pipelineOptions);
  // Organization mode: ungoverned accounts and the member role's own calls are ignored, with the
  // reason the central function logs (the same triage it runs).
  const triaged = org ? orgTriageBatch(all, org) : all;
  if (org && options.centralAccount === undefined) centralAccountHint(io, triaged, config);
  const outcomes: GroupOutcome[] = [];
  for (const group of triaged.groups) {
    outcomes.push(
      await runGroupPipeline(
        group,
        config,
        {
          loadSlice: async () => ({ snapshot, complete: true, errors: [] }),
          execute: async (plan) =>
            plan.actions.map((action) => ({
              action,
              status: plan.dryRun ? ('dry-run' as const) : ('done' as const),
            })),
        },
        pipelineOptions,
      ),
    );
  }
  const result = report(triaged.messages, outcomes);
  return warnings.length > 0 ? { ...result, warnings } : result;
}

function report(messages: readonly MessageTriage[], outcomes: readonly GroupOutcome[]): SimulateReport {
  const records = messages.map(recordOf);
  const firstEvent = messages.map(eventOfTriage).find((e) => e !== undefined);
  const groups = outcomes.map(groupOf);
  const first = groups[0] ?? { scope: {}, findings: [], actions: [], notification: null };
  const ignored = messages.find((m) => m.outcome === 'ignored' || m.outcome === 'unreadable');
  return {
    event: firstEvent ? eventJson(firstEvent) : {},
    ...(groups.length === 0 && ignored ? { ignored: reasonOf(ignored) ?? '' } : {}),
    records,
    ...first,
    ...(groups.length > 1 ? { groups } : {}),
  };
}

function groupOf(outcome: GroupOutcome): SimulateGroup {
  const { eventName, area } = outcome.scope;
  return {
    ...(outcome.group.accountId ? { accountId: outcome.group.accountId } : {}),
    ...(outcome.group.region ? { region: outcome.group.region } : {}),
    scope: outcome.assessment ? { eventName, area, ...outcome.assessment.resolved } : { ...outcome.scope },
    findings: outcome.assessment?.findings ?? [],
    actions: outcome.results.map(
      ({ action }) => ({ action: action.action, parameters: action.parameters }) as Ec2Call,
    ),
    notification: outcome.notice
      ? {
          subject: outcome.notice.subject,
          message: outcome.notice.message,
          attributes: outcome.notice.attributes,
          chat: outcome.notice.chat ?? chatFromText(outcome.notice),
        }
      : null,
  };
}

function eventOfTriage(m: MessageTriage): ParsedEvent | undefined {
  return m.outcome === 'unreadable' ? undefined : m.event;
}

function eventJson(e: ParsedEvent): Record<string, unknown> {
  return {
    eventId: e.eventId,
    eventName: e.eventName,
    eventTime: e.eventTime,
    accountId: e.accountId,
    region: e.region,
    actor: e.actor,
    envelope: e.envelope,
  };
}

function reasonOf(m: MessageTriage): string | undefined {
  if (m.outcome === 'unreadable') return m.reason;
  if (m.outcome === 'ignored') return m.ignored.reason;
  if (m.outcome === 'duplicate') return `same CloudTrail event id as ${m.duplicateOf}: counted once`;
  return undefined;
}

function recordOf(m: MessageTriage, index: number): SimulateRecord {
  const event = eventOfTriage(m);
  const reason = reasonOf(m);
  return {
    index,
    ...(event?.eventId ? { eventId: event.eventId } : {}),
    ...(event ? { eventName: event.eventName } : {}),
    outcome: m.outcome,
    ...(reason !== undefined ? { reason } : {}),
  };
}

/** The text form: what a person reads in a terminal. */
export function formatSimulateText(r: SimulateReport): string {
  // Event ids, names and scope ids come from the event file, reasons from tags: on a terminal,
  // their control characters and bidi overrides are written as \uXXXX (the notice is sanitized).
  return escapeErrorLine(simulateLines(r));
}

function simulateLines(r: SimulateReport): string {
  const lines: string[] = [];
  if (r.records.length === 1) {
    lines.push(
      `event:   ${String(r.event.eventName ?? '(unreadable)')}${r.event.eventId ? ` (${String(r.event.eventId)})` : ''}`,
    );
  } else {
    lines.push(`records (${r.records.length}):`);
    for (const rec of r.records) {
      lines.push(
        `  ${rec.index + 1}. ${rec.eventName ?? '(unreadable)'}${rec.eventId ? ` (${rec.eventId})` : ''}: ${rec.outcome}${
          rec.reason ? ` — ${rec.reason}` : ''
        }`,
      );
    }
  }
  if (r.ignored !== undefined) {
    if (r.records.length === 1) lines.push(`ignored: ${r.ignored}`);
    return `${lines.join('\n')}\n`;
  }
  for (const g of r.groups ?? [r]) {
    if (r.groups) lines.push('', `account ${g.accountId ?? '(unknown)'}, region ${g.region ?? '(unknown)'}:`);
    lines.push(...groupText(g));
  }
  return `${lines.join('\n')}\n`;
}

function groupText(g: SimulateGroup): string[] {
  const lines: string[] = [];
  const scopeParts = Object.entries(g.scope)
    .filter(([key, value]) => Array.isArray(value) && value.length > 0 && key !== 'missing')
    .map(([key, value]) => `${key} ${(value as string[]).join(', ')}`);
  lines.push(`scope:   ${scopeParts.join('; ') || '(nothing found in the snapshot)'}`);
  const missing = g.scope.missing;
  if (Array.isArray(missing) && missing.length > 0) {
    lines.push(`not found in the snapshot: ${missing.map(String).join(', ')}`);
  }
  lines.push(`findings (${g.findings.length}):`);
  for (const f of g.findings) {
    lines.push(
      `  [${f.severity.toUpperCase()}] ${f.ruleId} ${f.resourceId}: ${f.title}${f.suppressed ? ` (suppressed: ${f.suppressed.reason})` : ''}`,
    );
  }
  lines.push(`actions (${g.actions.length}):`);
  for (const a of g.actions) lines.push(`  ${describeAction({ ...a, findingIds: [] })}`);
  if (g.notification) {
    lines.push('notification:', `  subject: ${g.notification.subject}`, '', g.notification.message);
  } else {
    lines.push('notification: none (nothing to report)');
  }
  return lines;
}

/** Registers `vpc-guardrail simulate`. */
export function registerSimulate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('simulate')
    .description(
      'show what the event Lambda would do with one batch of CloudTrail events, a snapshot standing in for EC2 (nothing is called)',
    )
    // DESIGN §11's usage line (README "The vpc-guardrail command").
    .usage(
      '--event FILE --snapshot FILE\n' +
        '                              [--mode notify|remediate|dry-run] [--config FILE]\n' +
        '                              [--format text|json] [--role-name NAME]\n' +
        '                              [--central-account ID]',
    )
    .requiredOption(
      '--event <file>',
      'CloudTrail record, EventBridge event, array of them, CloudTrail log file {"Records":[...]} or SQS event of them (JSON); repeat for several files: they form one batch',
      optionValues,
    )
    .requiredOption(
      '--snapshot <file>',
      'snapshot JSON standing in for EC2 after the calls (the events are not applied to it; "Snapshot format" in the README)',
      optionValue,
    )
    .addOption(
      new Option('--mode <mode>', 'override the configured mode')
        .choices([...MODES])
        .argParser(choiceOf(MODES)),
    )
    .option(
      '--config <file>',
      'config JSON ("Configuration" in the README; the schema of VPC_GUARDRAIL_CONFIG)',
      optionValue,
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices([...SIMULATE_FORMATS])
        .argParser(choiceOf(SIMULATE_FORMATS))
        .default('text'),
    )
    .option(
      '--role-name <name>',
      "organization mode: the member role, whose calls are the guardrail's own (default: VpcGuardrailMember; on with accounts/excludeAccounts in --config)",
      optionValue,
    )
    .option(
      '--central-account <id>',
      'organization mode: the central account, governed whether or not accounts lists it (unless excludeAccounts does)',
      optionValue,
    )
    .addHelpText('after', SIMULATE_HELP_FOOTER)
    .action(async (options: SimulateOptions) => {
      const result = await simulate(io, options);
      io.stdout(
        options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatSimulateText(result),
      );
      setExit(EXIT.ok);
    });
}
