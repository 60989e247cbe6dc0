import { type Command, Option } from 'commander';
import { type Config, MODES, type Mode } from '../../shared/config';
import { InputError } from '../../shared/errors';
import { type EventOutcome, runEventPipeline } from '../../shared/events/pipeline';
import type { Finding } from '../../shared/findings';
import { parseSnapshotText } from '../../shared/model/snapshot';
import { type ChatNotification, chatFromText } from '../../shared/notify/chat';
import { describeAction } from '../../shared/notify/notice';
import type { Ec2Call } from '../../shared/remediation/types';
import { parseJsonText } from '../../shared/validation';
import { loadConfigFile } from '../config-file';
import { type CliIo, EXIT } from '../io';

export const SIMULATE_FORMATS = ['text', 'json'] as const;
export type SimulateFormat = (typeof SIMULATE_FORMATS)[number];

export interface SimulateOptions {
  event: string;
  snapshot: string;
  mode?: Mode;
  config?: string;
  format: SimulateFormat;
}

/** The JSON `simulate --format json` prints (DESIGN §11). */
export interface SimulateReport {
  event: Record<string, unknown>;
  ignored?: string;
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

/** Reads the event file: one JSON object (a one-record array, as some CloudTrail exports hold, is unwrapped). */
function parseEventText(text: string, path: string): unknown {
  const json = parseJsonText(text, `event ${path}`);
  if (Array.isArray(json)) {
    if (json.length !== 1) {
      throw new InputError(`invalid event ${path}`, [
        `(root): an array of ${json.length} records; give one event`,
      ]);
    }
    return json[0];
  }
  return json;
}

/**
 * What the Lambda would do with an event, with the snapshot standing in for EC2: the same
 * pipeline (triage, scope, findings, plan, notice); nothing is called. In remediate mode every
 * planned call is assumed to succeed, so the notice reads as the Lambda's would.
 */
export async function simulate(io: CliIo, options: SimulateOptions): Promise<SimulateReport> {
  const fileConfig = await loadConfigFile(io, options.config);
  const config: Config = options.mode ? { ...fileConfig, mode: options.mode } : fileConfig;
  const event = parseEventText(await io.readText(options.event), options.event);
  const snapshot = parseSnapshotText(await io.readText(options.snapshot), `snapshot ${options.snapshot}`);
  const outcome = await runEventPipeline(
    event,
    config,
    {
      loadSlice: async () => ({ snapshot, complete: true, errors: [] }),
      execute: async (plan) =>
        plan.actions.map((action) => ({
          action,
          status: plan.dryRun ? ('dry-run' as const) : ('done' as const),
        })),
    },
    { now: io.now() },
  );
  return report(outcome);
}

function report(outcome: EventOutcome): SimulateReport {
  const event = outcome.event
    ? {
        eventId: outcome.event.eventId,
        eventName: outcome.event.eventName,
        eventTime: outcome.event.eventTime,
        accountId: outcome.event.accountId,
        region: outcome.event.region,
        actor: outcome.event.actor,
        envelope: outcome.event.envelope,
      }
    : {};
  if (outcome.kind === 'ignored') {
    return {
      event,
      ignored: outcome.ignored.reason,
      scope: {},
      findings: [],
      actions: [],
      notification: null,
    };
  }
  const { eventName, area } = outcome.scope;
  const scope = outcome.assessment
    ? { eventName, area, ...outcome.assessment.resolved }
    : { ...outcome.scope };
  return {
    event,
    scope,
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

/** The text form: what a person reads in a terminal. */
export function formatSimulateText(r: SimulateReport): string {
  const lines = [
    `event:   ${String(r.event.eventName ?? '(unreadable)')}${r.event.eventId ? ` (${String(r.event.eventId)})` : ''}`,
  ];
  if (r.ignored !== undefined) {
    lines.push(`ignored: ${r.ignored}`);
    return `${lines.join('\n')}\n`;
  }
  const scopeParts = Object.entries(r.scope)
    .filter(([key, value]) => Array.isArray(value) && value.length > 0 && key !== 'missing')
    .map(([key, value]) => `${key} ${(value as string[]).join(', ')}`);
  lines.push(`scope:   ${scopeParts.join('; ') || '(nothing found in the snapshot)'}`);
  lines.push(`findings (${r.findings.length}):`);
  for (const f of r.findings) {
    lines.push(
      `  [${f.severity.toUpperCase()}] ${f.ruleId} ${f.resourceId}: ${f.title}${f.suppressed ? ` (suppressed: ${f.suppressed.reason})` : ''}`,
    );
  }
  lines.push(`actions (${r.actions.length}):`);
  for (const a of r.actions) lines.push(`  ${describeAction({ ...a, findingIds: [] })}`);
  if (r.notification) {
    lines.push('notification:', `  subject: ${r.notification.subject}`, '', r.notification.message);
  } else {
    lines.push('notification: none (nothing to report)');
  }
  return `${lines.join('\n')}\n`;
}

/** Registers `vpc-guardrail simulate`. */
export function registerSimulate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('simulate')
    .description(
      'show what the event Lambda would do with a CloudTrail event, a snapshot standing in for EC2',
    )
    .requiredOption('--event <file>', 'CloudTrail record or EventBridge event (JSON)')
    .requiredOption('--snapshot <file>', 'snapshot JSON (DESIGN §3 format) standing in for EC2')
    .addOption(new Option('--mode <mode>', 'override the configured mode').choices([...MODES]))
    .option('--config <file>', 'config JSON (same schema as VPC_GUARDRAIL_CONFIG)')
    .addOption(
      new Option('--format <format>', 'output format').choices([...SIMULATE_FORMATS]).default('text'),
    )
    .action(async (options: SimulateOptions) => {
      const result = await simulate(io, options);
      io.stdout(
        options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatSimulateText(result),
      );
      setExit(EXIT.ok);
    });
}
