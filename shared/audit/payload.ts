import * as z from 'zod';
import { ACCOUNT_ID, REGION_NAME, VPC_ID } from '../aws/ids';
import { meantName } from '../config';
import { InputError } from '../errors';
import { parseWith } from '../validation';

/** Output formats of the audit Lambda. */
export const AUDIT_FORMATS = ['json', 'asff', 'sarif'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** The format a value names in any case (`"SARIF"` → `sarif`), or undefined. */
function formatOf(value: unknown): AuditFormat | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return AUDIT_FORMATS.find((format) => format === lower);
}

/** The audit Lambda's payload (unknown keys are an error, so a typo is not silently ignored). */
export const AuditPayloadSchema = z
  .object({
    /** Whole VPCs to audit (in the one region audited). */
    vpcIds: z
      .array(z.string().regex(VPC_ID, { message: 'not a VPC id like vpc-0123456789abcdef0' }))
      .min(1, { message: 'give at least one VPC id, or leave vpcIds out to audit whole regions' })
      .max(200, { message: 'at most 200 VPC ids in one audit' })
      .optional(),
    /** Regions to audit (default: the function's own region). */
    regions: z
      .array(z.string().regex(REGION_NAME, { message: 'not a region name like eu-west-1' }))
      .min(1, { message: "give at least one region, or leave regions out for the function's own" })
      .max(40, { message: 'at most 40 regions in one audit' })
      .optional(),
    /** Organization mode: these accounts (through the member role; the own account directly). */
    accounts: z
      .array(z.string().regex(ACCOUNT_ID, { message: 'not a 12-digit AWS account id' }))
      .min(1, { message: 'give at least one account id (or organization: true), or leave accounts out' })
      .max(10_000, { message: 'at most 10,000 accounts in one audit' })
      .optional(),
    /**
     * Organization mode: every ACTIVE account of the organization (organizations:ListAccounts).
     * `false` is the same as leaving it out (a scheduler's template often sets every flag).
     */
    organization: z.boolean().optional(),
    /**
     * In any case, as the CLI's `--format` (`"SARIF"` means the one value it can mean); the
     * answer's `format` is the canonical lower-case name.
     */
    format: z
      // Only a value that is a format once lower-cased is rewritten: an error shows what was given.
      .preprocess((value) => formatOf(value) ?? value, z.enum(AUDIT_FORMATS))
      .default('json'),
    /** Apply the configured remediation (VPC_GUARDRAIL_MODE / per-rule modes) to what the audit finds. */
    remediate: z.boolean().default(false),
    /** Send one summary notice to the topic. */
    notify: z.boolean().default(false),
  })
  .strict()
  .superRefine((payload, ctx) => {
    if (payload.accounts && payload.organization) {
      ctx.addIssue({
        code: 'custom',
        path: ['organization'],
        message: 'give either accounts or organization: true, not both',
      });
    }
    const accounts = payload.organization ? 2 : new Set(payload.accounts ?? []).size;
    if (payload.vpcIds && accounts > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['vpcIds'],
        message: 'VPC ids belong to one account: give at most one account with vpcIds',
      });
    }
    if (payload.vpcIds && payload.regions && new Set(payload.regions).size > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['vpcIds'],
        message: 'VPC ids belong to one region: give exactly one region with vpcIds',
      });
    }
  });

export type AuditPayload = z.infer<typeof AuditPayloadSchema>;

const KEYS = Object.keys(AuditPayloadSchema.shape);

/**
 * Validates an invocation payload; `null`/absent is `{}` (an `aws lambda invoke` without payload).
 * An unknown key names the key it most likely meant (`region` → `regions`); an EventBridge event
 * (a rule or schedule that targets the function without an input) says to give it one.
 */
export function parseAuditPayload(input: unknown): AuditPayload {
  const value = input ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('invalid audit payload', ['(root): expected a JSON object']);
  }
  const o = value as Record<string, unknown>;
  if (typeof o['detail-type'] === 'string' && typeof o.source === 'string') {
    throw new InputError('invalid audit payload', [
      `(root): an EventBridge event ("${o['detail-type'].slice(0, 80)}"), not an audit payload: give the rule's target a constant input, e.g. {"notify": true} (the stack's auditSchedule does)`,
    ]);
  }
  try {
    return parseWith(AuditPayloadSchema, value, 'audit payload');
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const issues = error.issues.map((issue) => {
      const unknown = /^([^.[\]]+): unknown key$/.exec(issue);
      const meant = unknown?.[1] === undefined ? undefined : meantName(unknown[1], KEYS);
      return meant ? `${issue}; did you mean ${meant}?` : issue;
    });
    throw new InputError('invalid audit payload', issues, { cause: error });
  }
}
