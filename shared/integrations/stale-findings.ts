import type { AsffFinding } from '../report/asff';
import { ruleById } from '../rules/registry';
import { goneRecord, type StaleSweep } from './security-hub';

// An audit's sweep of Security Hub (DESIGN §16, README "AWS Security Hub"): a finding imported
// earlier that the audit of its whole account-region no longer reports — fixed by hand with the
// event missed, its resource deleted (no event handles a deletion), its rule turned off — stayed
// ACTIVE there for good, a fixed group still shown as open. The audit reads what Security Hub
// holds ACTIVE under its product for the account-regions it read whole and closes the others.
// Pure: shared/aws/security-hub.ts makes the calls.

/** The part of a finding Security Hub returns that the sweep reads. */
export interface HeldFinding {
  Id?: string | undefined;
  ProductArn?: string | undefined;
  RecordState?: string | undefined;
  UpdatedAt?: string | undefined;
  ProductFields?: Record<string, string> | undefined;
}

/**
 * The closing records (archived, resolved) of the held findings the audit no longer reports. A held
 * finding is left alone unless it is ACTIVE, under `productArn`, of a swept account-region, not
 * firing, names its rule and resource in its product fields (`vpc-guardrail/RuleId`,
 * `vpc-guardrail/ResourceId`, as every record of ours does) and a rule the registry knows, its
 * resource was judged, and it was written before the audit began reading (`UpdatedAt` < `now`): the
 * event function may import a finding of a change made while the audit read, which the audit's
 * state cannot show. Each record keeps the held Id.
 */
export function staleRecords(held: readonly HeldFinding[], sweep: StaleSweep): AsffFinding[] {
  const blind = new Set(sweep.notJudged.map((n) => `${n.ruleId ?? '*'}\u0000${n.resourceId}`));
  const seen = new Set<string>();
  const out: AsffFinding[] = [];
  for (const finding of held) {
    const id = finding.Id;
    if (id === undefined || seen.has(id) || sweep.firing.has(id)) continue;
    if (finding.RecordState !== 'ACTIVE' || finding.ProductArn !== sweep.productArn) continue;
    if (!(Date.parse(finding.UpdatedAt ?? '') < sweep.now.getTime())) continue;
    const prefix = sweep.prefixes.find((p) => id.startsWith(p));
    if (prefix === undefined) continue;
    const ruleId = finding.ProductFields?.['vpc-guardrail/RuleId'];
    const resourceId = finding.ProductFields?.['vpc-guardrail/ResourceId'];
    const rule = ruleId === undefined ? undefined : ruleById(ruleId);
    if (!rule || ruleId === undefined || resourceId === undefined) continue;
    if (blind.has(`${ruleId}\u0000${resourceId}`) || blind.has(`*\u0000${resourceId}`)) continue;
    const [, accountId = '', region = ''] = prefix.split('/');
    seen.add(id);
    const options = { accountId, region, now: sweep.now, productArn: sweep.productArn };
    const record = goneRecord(ruleId, rule.meta.resourceType, resourceId, options, 'read again by an audit');
    out.push({ ...record, Id: id });
  }
  return out;
}
