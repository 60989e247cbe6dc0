// Mutation checks of shared/notify/notice-resources.ts and notice-body.ts, round mutants3 (DESIGN §8,
// §14: the digest a person acts on). Each test kills mutants the suite let live (R…, Y… in
// /work/notes/spec-mutants.md) by asserting the lines the reader relies on: which resource comes
// first, which calls and actions are listed under it, what was removed, how to exempt or undo.
import { describe, expect, it } from 'vitest';
import { emptyScope } from '../shared/events/event-table';
import type { EventScope, ParsedEvent } from '../shared/events/types';
import type { Finding } from '../shared/findings';
import { buildNotice, type NoticeInput } from '../shared/notify/notice';
import { resourceLines } from '../shared/notify/notice-resources';
import type { ActionResult, PlannedAction } from '../shared/remediation/types';
import type { ResolvedScope } from '../shared/scope/resolve';
import { makeFinding } from './helpers';

function event(overrides: Partial<ParsedEvent> = {}): ParsedEvent {
  return {
    eventId: 'ev-1',
    eventName: 'AuthorizeSecurityGroupIngress',
    eventTime: '2025-06-15T10:51:12Z',
    accountId: '111122223333',
    region: 'us-east-1',
    actor: { arn: 'arn:aws:iam::111122223333:user/alice', type: 'IAMUser' },
    requestParameters: {},
    responseElements: {},
    envelope: true,
    ...overrides,
  } as ParsedEvent;
}

function call(scope: Partial<EventScope> = {}, overrides: Partial<ParsedEvent> = {}) {
  return {
    event: event(overrides),
    scope: { ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'), ...scope },
  };
}

function digest(extra: Partial<NoticeInput> = {}): NoticeInput {
  return {
    accountId: '111122223333',
    region: 'us-east-1',
    calls: [call({ securityGroupIds: ['sg-0abc'] })],
    findings: [],
    open: [],
    fixed: [],
    results: [],
    skipped: [],
    dryRun: false,
    alreadyRemoved: [],
    goneFindings: [],
    redelivery: false,
    mode: 'remediate',
    exemptionTagKey: 'vpc-guardrail:exempt',
    notifyMinSeverity: 'low',
    ...extra,
  };
}

function resolved(extra: Partial<ResolvedScope> = {}): ResolvedScope {
  return {
    securityGroups: [],
    networkAcls: [],
    subnets: [],
    routeTables: [],
    natGateways: [],
    vpcEndpoints: [],
    networkInterfaces: [],
    missing: [],
    ...extra,
  };
}

const message = (input: NoticeInput) => buildNotice(input).message;

/** The lines of the block of one resource in the FINDINGS BY RESOURCE section. */
function blockOf(text: string, resourceId: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  ${resourceId} (`));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && (l === '' || /^ {0,2}\S/.test(l)));
  return lines.slice(start, end < 0 ? undefined : end);
}

function revoke(groupId: string, findingIds: string[]): PlannedAction {
  return {
    action: 'RevokeSecurityGroupIngress',
    parameters: { GroupId: groupId, SecurityGroupRuleIds: [`sgr-${groupId}`] },
    findingIds,
  } as PlannedAction;
}

const sgA = makeFinding({ ruleId: 'sg-default-not-restricted', resourceId: 'sg-0aaa', severity: 'medium' });
const sgB = makeFinding({ ruleId: 'sg-broad-public-source', resourceId: 'sg-0bbb', severity: 'high' });

describe('FINDINGS BY RESOURCE: order, counts and labels', () => {
  it('says whether the scope had no finding or none is open (R5)', () => {
    expect(message(digest())).toContain('FINDINGS: none in scope');
    const suppressed = { ...sgA, suppressed: { by: 'tag' as const, reason: 'exempt' } };
    expect(message(digest({ findings: [suppressed], open: [suppressed] }))).toContain('FINDINGS: none open');
  });

  it('puts the resource with the worst finding first, fixed or open (R3, R4, R16)', () => {
    // Prepare: a fixed medium finding on sg-0aaa, an open high one on sg-0bbb.
    const input = digest({
      findings: [sgA, sgB],
      open: [sgB],
      fixed: [{ finding: sgA, by: [revoke('sg-0aaa', [sgA.id])] }],
      results: [{ action: revoke('sg-0aaa', [sgA.id]), status: 'done' }],
    });
    // Act
    const text = message(input);
    // Assess
    expect(text).toContain('FINDINGS BY RESOURCE (2 resources, 1 fixed, 1 open)');
    expect(text.indexOf('  sg-0bbb (')).toBeGreaterThan(0);
    expect(text.indexOf('  sg-0bbb (')).toBeLessThan(text.indexOf('  sg-0aaa ('));
  });

  it('labels a finding someone else closed ALREADY REMOVED and does not count it open (R6, R39)', () => {
    const text = message(digest({ findings: [sgB], goneFindings: [sgB], redelivery: true }));
    expect(text).toContain('FINDINGS BY RESOURCE (1 resources, 0 fixed, 0 open)');
    expect(blockOf(text, 'sg-0bbb').slice(1, 3)).toEqual([
      `    - ALREADY REMOVED [HIGH] ${sgB.title}`,
      '      closed before this retry (by an earlier attempt or someone else)',
    ]);
  });

  it('says "(no VPC)" for a resource outside any VPC (R7)', () => {
    const finding = makeFinding({ ruleId: 'sg-broad-public-source', resourceId: 'sg-0novpc', vpcId: '' });
    expect(message(digest({ findings: [finding], open: [finding] }))).toContain(
      '  sg-0novpc (AWS::EC2::SecurityGroup in (no VPC))',
    );
  });

  it("lists under a resource only the actions on it, found by finding or by the call's parameters (R8, R24, R25)", () => {
    // Prepare: one action per group; the second names no finding, only its group.
    const onA = revoke('sg-0aaa', [sgA.id]);
    const onB = revoke('sg-0bbb', []);
    const input = digest({
      findings: [sgA, sgB],
      open: [sgA, sgB],
      results: [
        { action: onA, status: 'failed', error: 'UnauthorizedOperation' },
        { action: onB, status: 'failed', error: 'UnauthorizedOperation' },
      ],
    });
    // Act
    const text = message(input);
    // Assess
    expect(blockOf(text, 'sg-0aaa').filter((l) => l.startsWith('    action:'))).toEqual([
      '    action: FAILED:        RevokeSecurityGroupIngress sg-0aaa rules sgr-sg-0aaa',
    ]);
    expect(blockOf(text, 'sg-0bbb').filter((l) => l.startsWith('    action:'))).toEqual([
      '    action: FAILED:        RevokeSecurityGroupIngress sg-0bbb rules sgr-sg-0bbb',
    ]);
  });

  it('lists under a NACL and a subnet the calls on them named by their parameters (R26, R27)', () => {
    const acl = makeFinding({ ruleId: 'nacl-open-admin-port', resourceId: 'acl-0one', resourceType: 'AWS::EC2::NetworkAcl' });
    const subnet = makeFinding({
      ruleId: 'subnet-auto-assign-public-ip',
      resourceId: 'subnet-0one',
      resourceType: 'AWS::EC2::Subnet',
    });
    const deleteEntry = {
      action: 'DeleteNetworkAclEntry',
      parameters: { NetworkAclId: 'acl-0one', RuleNumber: 100, Egress: false },
      findingIds: [],
    } as PlannedAction;
    const modify = {
      action: 'ModifySubnetAttribute',
      parameters: { SubnetId: 'subnet-0one', MapPublicIpOnLaunch: { Value: false } },
      findingIds: [],
    } as PlannedAction;
    const text = message(
      digest({
        findings: [acl, subnet],
        open: [acl, subnet],
        results: [
          { action: deleteEntry, status: 'failed' },
          { action: modify, status: 'failed' },
        ],
      }),
    );
    expect(blockOf(text, 'acl-0one')).toContain(
      '    action: FAILED:        DeleteNetworkAclEntry acl-0one ingress rule 100',
    );
    expect(blockOf(text, 'subnet-0one')).toContain(
      '    action: FAILED:        ModifySubnetAttribute subnet-0one MapPublicIpOnLaunch=false',
    );
  });

  it('says how many interfaces exposed through a group use it, zero included (R38)', () => {
    const exposed = { ...sgB, exposure: 0 };
    expect(message(digest({ findings: [exposed], open: [exposed] }))).toContain(
      'rule sg-broad-public-source; controls: —; internet-exposed interfaces using it: 0',
    );
  });

  it("repeats the title only when the headline does not hold it, and shows the evidence whole (R41, R42)", () => {
    // Prepare: a world-open finding's headline is its own; the title is a separate line.
    const world = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-0ccc',
      title: 'Security group open to the internet on an admin port',
      evidence: { ports: ['22/tcp'], rules: [{ protocol: 'tcp', ports: '22', source: '0.0.0.0/0' }], note: 'x'.repeat(200) },
    });
    const text = message(digest({ findings: [world, sgB], open: [world, sgB] }));
    expect(blockOf(text, 'sg-0ccc').slice(1, 3)).toEqual([
      '    - OPEN [CRITICAL] sg-0ccc world-open on 22/tcp',
      '      Security group open to the internet on an admin port',
    ]);
    expect(blockOf(text, 'sg-0ccc')).toContain(`      evidence: ${JSON.stringify(world.evidence)}`);
    // The other finding's headline is its title: not said twice.
    expect(blockOf(text, 'sg-0bbb').filter((l) => l.includes(sgB.title))).toHaveLength(1);
  });

  it('names the closing call first on a fixed line, the allows that keep admin access after (R33, R34)', () => {
    const acl = makeFinding({ ruleId: 'nacl-open-admin-port', resourceId: 'acl-0two', resourceType: 'AWS::EC2::NetworkAcl' });
    const entry = (RuleNumber: number, RuleAction: 'allow' | 'deny', CidrBlock: string) =>
      ({
        action: 'CreateNetworkAclEntry',
        parameters: {
          NetworkAclId: 'acl-0two',
          RuleNumber,
          Egress: false,
          RuleAction,
          Protocol: '6',
          PortRange: { From: 22, To: 22 },
          CidrBlock,
        },
        findingIds: [acl.id],
      }) as PlannedAction;
    const allow = entry(97, 'allow', '10.0.0.0/16');
    const deny = entry(98, 'deny', '0.0.0.0/0');
    const text = message(
      digest({
        findings: [acl],
        fixed: [{ finding: acl, by: [allow, deny] }],
        results: [
          { action: allow, status: 'done' },
          { action: deny, status: 'done' },
        ],
      }),
    );
    const fixedBy = text.split('\n').find((l) => l.startsWith('      fixed by:')) ?? '';
    expect(fixedBy).toBe(
      '      fixed by: CreateNetworkAclEntry acl-0two ingress rule 98: deny protocol 6 ports 22 from 0.0.0.0/0; ' +
        'CreateNetworkAclEntry acl-0two ingress rule 97: allow protocol 6 ports 22 from 10.0.0.0/16',
    );
  });

  it('writes no "fixed by" line when no call is named (R43)', () => {
    const text = message(digest({ findings: [sgB], fixed: [{ finding: sgB, by: [] }] }));
    expect(text).toContain('    - FIXED [HIGH] sg-0bbb');
    expect(text).not.toContain('fixed by:');
  });
});

describe('the calls named under each resource', () => {
  it("lists a call under what its resolved scope holds, whatever kind (R17–R23)", () => {
    // Prepare: one call whose own scope names only a subnet; the slice resolved six kinds of resource.
    const kinds: [string, Finding['resourceType'], keyof ResolvedScope][] = [
      ['acl-0k', 'AWS::EC2::NetworkAcl', 'networkAcls'],
      ['subnet-0k', 'AWS::EC2::Subnet', 'subnets'],
      ['rtb-0k', 'AWS::EC2::RouteTable', 'routeTables'],
      ['nat-0k', 'AWS::EC2::NatGateway', 'natGateways'],
      ['vpce-0k', 'AWS::EC2::VPCEndpoint', 'vpcEndpoints'],
      ['eni-0k', 'AWS::EC2::NetworkInterface', 'networkInterfaces'],
    ];
    const findings = kinds.map(([resourceId, resourceType]) =>
      makeFinding({ ruleId: 'route-blackhole', resourceId, resourceType, severity: 'low' }),
    );
    const scope = resolved(Object.fromEntries(kinds.map(([id, , key]) => [key, [id]])));
    const input = digest({
      calls: [call({ subnetIds: ['subnet-0other'] }, { eventName: 'ReplaceRoute' })],
      perEvent: [scope],
      resolved: scope,
      findings,
      open: findings,
    });
    // Act
    const text = message(input);
    // Assess
    for (const [id] of kinds) {
      expect(blockOf(text, id), id).toContain('    calls (1):');
    }
  });

  it('says who, via what, from where, when and which event made each call (R28–R32)', () => {
    const input = digest({
      calls: [
        call(
          { securityGroupIds: ['sg-0bbb'] },
          {
            eventId: 'ev-a',
            actor: {
              arn: 'arn:aws:sts::111122223333:assumed-role/deploy/ci',
              type: 'AssumedRole',
              invokedBy: 'cloudformation.amazonaws.com',
              sourceIp: '198.51.100.7',
              userAgent: 'aws-cli/2.15',
            },
          },
        ),
        call({ securityGroupIds: ['sg-0bbb'] }, { eventId: undefined, eventTime: undefined, actor: {} }),
      ],
      findings: [sgB],
      open: [sgB],
    });
    expect(blockOf(message(input), 'sg-0bbb').slice(-3)).toEqual([
      '    calls (2):',
      '      - 2025-06-15T10:51:12Z AuthorizeSecurityGroupIngress by arn:aws:sts::111122223333:assumed-role/deploy/ci (AssumedRole) via cloudformation.amazonaws.com from 198.51.100.7, aws-cli/2.15 (CloudTrail event ev-a)',
      '      - (unknown time) AuthorizeSecurityGroupIngress by (unknown principal) from (unknown)',
    ]);
  });

  it('lists a call of one resource too (R10)', () => {
    const text = message(digest({ findings: [sgB], open: [sgB], calls: [call({ securityGroupIds: ['sg-0bbb'] })] }));
    expect(blockOf(text, 'sg-0bbb')).toContain('    calls (1):');
  });

  it('names under OTHER CALLS the calls of a batch that touched no listed resource, never for a lone call (R11, R12)', () => {
    const two = digest({
      calls: [call({ securityGroupIds: ['sg-0bbb'] }), call({ securityGroupIds: ['sg-0quiet'] }, { eventId: 'ev-2' })],
      findings: [sgB],
      open: [sgB],
    });
    const text = message(two);
    expect(text).toContain('OTHER CALLS (1; no open or fixed finding on what they touched)');
    expect(text).toContain(
      '  - 2025-06-15T10:51:12Z AuthorizeSecurityGroupIngress by arn:aws:iam::111122223333:user/alice (IAMUser) from (unknown) (CloudTrail event ev-2)',
    );
    expect(message(digest({ calls: [call({ securityGroupIds: ['sg-0quiet'] })] }))).not.toContain('OTHER CALLS (');
    // A batch whose every call is listed under a resource has no OTHER CALLS either.
    expect(
      message(digest({ calls: [call({ securityGroupIds: ['sg-0bbb'] }), call({ securityGroupIds: ['sg-0bbb'] })], findings: [sgB], open: [sgB] })),
    ).not.toContain('OTHER CALLS (');
  });
});

describe('the size budget of the resource section', () => {
  it('shows every block that fits the budget exactly, and counts those it leaves out (R14, R15)', () => {
    // Prepare
    const input = digest({ findings: [sgA, sgB], open: [sgA, sgB] });
    const all = resourceLines(input, 100_000);
    // Each block costs its lines joined plus one: the whole section, joined, plus one.
    const size = Buffer.byteLength(all.slice(0, -1).join('\n'), 'utf8') + 1;
    // Act
    const fits = resourceLines(input, size);
    const cut = resourceLines(input, size - 1);
    // Assess
    expect(fits).toEqual(all);
    expect(cut.at(-2)).toBe('  … truncated: 1 more entries not shown (SNS size limit); see the function log.');
  });
});
