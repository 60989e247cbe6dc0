import type { Model } from '../model/model';
import type { VpcEndpointItem } from '../model/snapshot-schema';
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
 * Reads an endpoint policy by meaning: full access is an Allow statement with any principal, every
 * action and every resource, and no condition, in a policy with no Deny statement (a Deny, e.g.
 * "everything except outside my buckets", takes something away, so the meaning is no longer full
 * access). `NotAction`/`NotResource`/`NotPrincipal` statements never count as full access (they are
 * deliberate carve-outs).
 */
export function judgePolicy(policy: string | Record<string, unknown>): Verdict {
  let doc: unknown = policy;
  if (typeof policy === 'string') {
    try {
      doc = JSON.parse(policy);
    } catch (error) {
      return { kind: 'unreadable', reason: `not JSON (${(error as Error).message})` };
    }
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { kind: 'unreadable', reason: 'not a JSON object' };
  }
  const raw = (doc as Record<string, unknown>).Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
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
 * A VPC endpoint whose policy allows anyone to do anything to any resource through it (AWS's
 * default policy included), so the endpoint does not narrow what a compromised host can reach.
 * An endpoint without a policy document (e.g. Gateway Load Balancer endpoints) is not flagged. A
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
