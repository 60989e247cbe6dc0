import { repeatedKey, withoutTrailingS } from '../json-keys';
import type { Model } from '../model/model';
import { unreadablePolicyReason } from '../model/policy-notes';
import type { VpcEndpointItem } from '../model/snapshot-schema';
import { describeValue, keyPath } from '../validation';
import { defineRule, draftsOf, reportOnly } from './define-rule';
import type { RuleContext } from './types';

const ID = 'vpce-policy-full-access';

type Verdict =
  | { kind: 'full-access'; statement: number }
  | { kind: 'restricted' }
  | { kind: 'unreadable'; reason: string };

/** True for `"*"` and for a list holding `"*"` (a list means any of its members). */
function isStar(value: unknown): boolean {
  if (value === '*') return true;
  return Array.isArray(value) && value.includes('*');
}

/** `"*"`, `{"AWS": "*"}`, `{"AWS": ["*"]}` and `["*"]`: anyone. */
function isAnyPrincipal(principal: unknown): boolean {
  if (isStar(principal)) return true;
  if (principal !== null && typeof principal === 'object' && !Array.isArray(principal)) {
    return isStar((principal as Record<string, unknown>).AWS);
  }
  return false;
}

function hasCondition(condition: unknown): boolean {
  if (condition === undefined || condition === null) return false;
  // An empty Condition block restricts nothing.
  return !(typeof condition === 'object' && !Array.isArray(condition) && Object.keys(condition).length === 0);
}

/**
 * The policy object of an endpoint's `PolicyDocument` text, or why it cannot be read. EC2 returns
 * the JSON text; IAM's and some tools' outputs URL-encode it (`%7B%22Version%22…`), which no JSON
 * object text can start with, so it is decoded first. A key an object repeats is unreadable: JSON
 * keeps the last value (`"Effect":"Deny","Effect":"Allow"` would read as Allow) and IAM does not
 * document which one it reads, so neither reading may be chosen in silence.
 */
function readPolicyText(policy: string): { doc: unknown } | { reason: string } {
  let text = policy.trim();
  let how = '';
  if (text.startsWith('%')) {
    try {
      text = decodeURIComponent(text);
      how = 'URL-decoded, ';
    } catch {
      return { reason: 'URL-encoded text that does not decode' };
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { reason: `${how}not JSON (${(error as Error).message})` };
  }
  const repeated = repeatedKey(text);
  if (repeated) {
    return {
      reason: `${how}the key ${keyPath(repeated.path)} is given twice (JSON keeps the last value; which one IAM reads is not documented)`,
    };
  }
  return { doc };
}

/**
 * Two keys of one object that differ only in case (`"Effect"` and `"effect"`), with their path:
 * IAM Access Analyzer reports them as an error ("duplicate keys with different case"), and which
 * one counts is not documented. Policies are small: a walk of every object, `path` a stack.
 */
function caseClash(value: unknown, path: (string | number)[] = []): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? [...value.entries()]
    : Object.entries(value);
  let seen: Map<string, string> | undefined;
  // Outside a Condition the keys are IAM's elements, so `Actions` beside `Action` is a misspelling
  // of one of them too; a Condition's keys may be distinct tag keys (`aws:PrincipalTag/team`, `…/teams`).
  const elements = !path.includes('Condition');
  for (const [key, item] of entries) {
    if (typeof key === 'string' && !Array.isArray(value)) {
      seen ??= new Map();
      const fold = elements ? withoutTrailingS(key.toLowerCase()) : key.toLowerCase();
      const other = seen.get(fold);
      if (other !== undefined) {
        const where = path.length === 0 ? 'the policy' : keyPath(path);
        const pair = `${JSON.stringify(other)} and ${JSON.stringify(key)}`;
        if (other.toLowerCase() === key.toLowerCase()) {
          return `${where} has keys that differ only in case, ${pair} (IAM Access Analyzer reports them as an error; which one counts is not documented)`;
        }
        const how =
          withoutTrailingS(other) === withoutTrailingS(key) ? 'a trailing s' : 'case and a trailing s';
        return `${where} has keys that differ only in ${how}, ${pair} (IAM knows one element of that name; which one was meant is not known)`;
      }
      seen.set(fold, key);
    }
    if (item === null || typeof item !== 'object') continue;
    path.push(key);
    const found = caseClash(item, path);
    path.pop();
    if (found) return found;
  }
  return undefined;
}

/**
 * The first statement whose `Effect` IAM would not read, said as a reason: the valid values are
 * `Allow` and `Deny`, and "the Effect value is case sensitive" (IAM's policy element reference), so
 * `"allow"` is neither an Allow nor a Deny — read as either, the verdict would be a guess (read as
 * "not Allow", a full-access statement passed in silence). `Effect` is required, too.
 */
function invalidEffect(statements: readonly unknown[], listed: boolean): string | undefined {
  for (const [index, statement] of statements.entries()) {
    if (statement === null || typeof statement !== 'object' || Array.isArray(statement)) continue;
    const effect = (statement as Record<string, unknown>).Effect;
    if (effect === 'Allow' || effect === 'Deny') continue;
    const where = listed ? `Statement[${index}].Effect` : 'Statement.Effect';
    const what = effect === undefined ? 'is missing' : `is ${describeValue(effect)}`;
    return `${where} ${what} (IAM reads only "Allow" or "Deny", case-sensitive)`;
  }
  return undefined;
}

/** The elements a statement may hold only one of (IAM's policy element reference: mutually exclusive). */
const EXCLUSIVE = [
  ['Action', 'NotAction'],
  ['Principal', 'NotPrincipal'],
  ['Resource', 'NotResource'],
] as const;

/**
 * The first statement holding both an element and its `Not` form (`Resource: "*"` beside
 * `NotResource`), said as a reason: IAM refuses such a statement, so what it means is not known —
 * read by its `Resource` alone, a carve-out would be judged full access; by the `NotResource`, a
 * full-access statement restricted.
 */
function exclusivePair(statements: readonly unknown[], listed: boolean): string | undefined {
  for (const [index, statement] of statements.entries()) {
    if (statement === null || typeof statement !== 'object' || Array.isArray(statement)) continue;
    const s = statement as Record<string, unknown>;
    for (const [element, not] of EXCLUSIVE) {
      // An element whose value is `undefined` (a policy object built in code) is absent, as in its
      // JSON text and as the rest of the rule reads it; `null` is a value IAM refuses, so it counts.
      if (!Object.hasOwn(s, element) || !Object.hasOwn(s, not)) continue;
      if (s[element] === undefined || s[not] === undefined) continue;
      const where = listed ? `Statement[${index}]` : 'Statement';
      return `${where} has both ${element} and ${not} (IAM refuses a statement with both)`;
    }
  }
  return undefined;
}

/**
 * Reads an endpoint policy by meaning: full access is an Allow statement with any principal, every
 * action and every resource, and no condition, in a policy with no Deny statement (a Deny, e.g.
 * "everything except outside my buckets", takes something away, so the meaning is no longer full
 * access). `NotAction`/`NotResource`/`NotPrincipal` statements never count as full access (they are
 * deliberate carve-outs). A policy with a repeated key or keys that differ only in case is
 * unreadable (see `readPolicyText`, `caseClash`), as is one IAM refuses: an `Effect` other than
 * `Allow`/`Deny`, or a statement with both an element and its `Not` form (`exclusivePair`).
 */
export function judgePolicy(policy: string | Record<string, unknown>): Verdict {
  let doc: unknown = policy;
  if (typeof policy === 'object' && policy !== null) {
    // A key given twice in the object as the snapshot's text wrote it (noted when it was parsed).
    const noted = unreadablePolicyReason(policy);
    if (noted) return { kind: 'unreadable', reason: noted };
  }
  if (typeof policy === 'string') {
    const read = readPolicyText(policy);
    if ('reason' in read) return { kind: 'unreadable', reason: read.reason };
    doc = read.doc;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { kind: 'unreadable', reason: 'not a JSON object' };
  }
  const clash = caseClash(doc);
  if (clash) return { kind: 'unreadable', reason: clash };
  const raw = (doc as Record<string, unknown>).Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const badEffect =
    invalidEffect(statements, Array.isArray(raw)) ?? exclusivePair(statements, Array.isArray(raw));
  if (badEffect) return { kind: 'unreadable', reason: badEffect };
  const denies = statements.some(
    (s) => s !== null && typeof s === 'object' && (s as Record<string, unknown>).Effect === 'Deny',
  );
  if (denies) return { kind: 'restricted' };
  for (const [index, statement] of statements.entries()) {
    if (statement === null || typeof statement !== 'object' || Array.isArray(statement)) continue;
    const s = statement as Record<string, unknown>;
    if (
      s.Effect === 'Allow' &&
      isAnyPrincipal(s.Principal) &&
      isStar(s.Action) &&
      isStar(s.Resource) &&
      !hasCondition(s.Condition)
    ) {
      return { kind: 'full-access', statement: index };
    }
  }
  return { kind: 'restricted' };
}

/**
 * Endpoint states in which it carries no traffic and never will again, so its policy opens nothing
 * (as the NAT gateway rule skips failed and deleted gateways). DescribeVpcEndpoints prints them in
 * lower case (`deleted`; the SDK's `State` enum capitalizes them): compared in any case.
 */
const GONE_STATES = new Set(['deleting', 'deleted', 'rejected', 'failed', 'expired']);

/**
 * A VPC endpoint whose policy allows anyone to do anything to any resource through it (AWS's
 * default policy included), so the endpoint does not narrow what a compromised host can reach.
 * An endpoint without a policy document (e.g. Gateway Load Balancer endpoints), or gone
 * (`GONE_STATES`), is not flagged. A
 * policy that cannot be read is reported too (detail says so) rather than silently skipped: EC2
 * never returns one, so it means a hand-edited or truncated snapshot worth a look.
 */
export const vpcePolicyFullAccess = defineRule({
  meta: reportOnly(ID, 'low', {
    title: 'VPC endpoint policy allows full access',
    resourceType: 'AWS::EC2::VPCEndpoint',
  }),
  evaluate: ({ model }: RuleContext) =>
    draftsOf(model.vpcEndpoints.values(), (endpoint) => {
      const policy = endpoint.PolicyDocument;
      if (policy === undefined || (typeof policy === 'string' && policy.trim() === '')) return undefined;
      if (endpoint.State !== undefined && GONE_STATES.has(endpoint.State.toLowerCase())) return undefined;
      const verdict = judgePolicy(policy);
      if (verdict.kind === 'restricted') return undefined;
      const id = endpoint.VpcEndpointId;
      const service = endpoint.ServiceName ? ` (${endpoint.ServiceName})` : '';
      const base = {
        ruleId: ID,
        severity: 'low' as const,
        resourceType: 'AWS::EC2::VPCEndpoint' as const,
        resourceId: id,
        vpcId: endpointVpc(model, endpoint),
        controls: [],
      };
      if (verdict.kind === 'full-access') {
        return {
          ...base,
          title: `VPC endpoint ${id}${service} allows full access`,
          detail:
            `The policy of VPC endpoint ${id}${service} allows any principal every action on every ` +
            'resource (the default full-access policy). Restrict it to the principals, actions and ' +
            'resources (e.g. your own buckets) the VPC needs, so the endpoint cannot be used to reach ' +
            "other accounts' resources.",
          evidence: {
            serviceName: endpoint.ServiceName ?? null,
            endpointType: endpoint.VpcEndpointType ?? null,
            statementIndex: verdict.statement,
          },
        };
      } else {
        return {
          ...base,
          title: `VPC endpoint ${id}${service} has a policy that cannot be read`,
          detail:
            `The policy document of VPC endpoint ${id}${service} could not be read (${verdict.reason}), ` +
            'so whether it allows full access is unknown. Check the policy in the console.',
          evidence: {
            serviceName: endpoint.ServiceName ?? null,
            endpointType: endpoint.VpcEndpointType ?? null,
            unreadablePolicy: verdict.reason,
          },
          evidenceKey: 'unreadable',
        };
      }
    }),
});

/**
 * The endpoint's VPC: its `VpcId` (EC2 always lists it), else, for a hand-made item, that of the
 * first subnet, route table, interface or security group it names that the snapshot holds, so
 * that `--vpc` still reports it. Empty only when nothing it names is in the snapshot.
 */
function endpointVpc(model: Model, endpoint: VpcEndpointItem): string {
  if (endpoint.VpcId) return endpoint.VpcId;
  const named = [
    ...endpoint.SubnetIds.map((id) => model.subnets.get(id)?.vpcId),
    ...endpoint.RouteTableIds.map((id) => model.routeTables.get(id)?.vpcId),
    ...endpoint.NetworkInterfaceIds.map((id) => model.networkInterfaces.get(id)?.vpcId),
    ...endpoint.Groups.map((group) => model.securityGroups.get(group.GroupId)?.vpcId),
  ];
  return named.find((vpcId) => vpcId !== undefined && vpcId !== '') ?? '';
}
