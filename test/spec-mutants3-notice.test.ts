// Mutation checks of shared/notify/notice-resources.ts and notice-body.ts, round mutants3 (DESIGN §8,
// §14: the digest a person acts on). Each test kills mutants the suite let live (R…, Y… in
// /work/notes/spec-mutants.md) by asserting the lines the reader relies on: which resource comes
// first, which calls and actions are listed under it, what was removed, how to exempt or undo.
import { describe, expect, it } from 'vitest';
import { emptyScope } from '../shared/events/event-table';
import type { EventScope, ParsedEvent } from '../shared/events/types';
import type { Finding } from '../shared/findings';
import { buildNotice, type NoticeInput } from '../shared/notify/notice';
import { cutToSize } from '../shared/notify/notice-body';
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

  it('lists a suppressed finding under SUPPRESSED, with who exempted it and why, never as open (R1, R13)', () => {
    const world = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-0exempt',
      title: 'Security group open to the internet on an admin port',
      evidence: { ports: ['22/tcp'] },
      suppressed: { by: 'tag', reason: 'vpc-guardrail:exempt=* until 2026-12-31' },
    });
    const text = message(digest({ findings: [world, sgB], open: [world, sgB] }));
    expect(text).toContain(
      'SUPPRESSED (1): reported, never remediated\n  - [CRITICAL] Security group open to the internet on an admin port (sg-open-admin-port; tag: vpc-guardrail:exempt=* until 2026-12-31)',
    );
    expect(text).toContain('FINDINGS BY RESOURCE (1 resources, 0 fixed, 1 open)');
    expect(text).not.toContain('  sg-0exempt (');
  });

  it('gives a resource with two findings one block, both findings in it (R2)', () => {
    const second = makeFinding({ ruleId: 'sg-broad-public-source', resourceId: 'sg-0aaa', severity: 'low' });
    const text = message(digest({ findings: [sgA, second], open: [sgA, second] }));
    expect(text).toContain('FINDINGS BY RESOURCE (1 resources, 0 fixed, 2 open)');
    expect(text.split('\n').filter((l) => l.startsWith('  sg-0aaa ('))).toHaveLength(1);
    expect(blockOf(text, 'sg-0aaa').filter((l) => l.startsWith('    - OPEN'))).toHaveLength(2);
  });

  it('lists no finding in a notice that could not evaluate (R0)', () => {
    const text = message(
      digest({ findings: [sgB], open: [sgB], couldNotEvaluate: 'DescribeSecurityGroups: AccessDenied' }),
    );
    expect(text).toContain('COULD NOT EVALUATE');
    expect(text).not.toContain('FINDINGS');
    expect(text).not.toContain('sg-0bbb (');
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

  it("lists under a resource only the actions on it, found by finding or by the call's parameters (R8, R25)", () => {
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

  it('lists up to 20 actions under a resource; ACTIONS lists them all (R9)', () => {
    const results: ActionResult[] = Array.from({ length: 21 }, (_, i) => ({
      action: revoke('sg-0aaa', [sgA.id]),
      status: 'failed',
      error: `e${i}`,
    }));
    const text = message(digest({ findings: [sgA], open: [sgA], results }));
    expect(blockOf(text, 'sg-0aaa').filter((l) => l.startsWith('    action:'))).toHaveLength(20);
    expect(text.split('\n').filter((l) => l.startsWith('  FAILED:'))).toHaveLength(21);
  });

  it('lists under a NACL and a subnet the calls on them named by their parameters (R26, R27)', () => {
    const acl = makeFinding({
      ruleId: 'nacl-open-admin-port',
      resourceId: 'acl-0one',
      resourceType: 'AWS::EC2::NetworkAcl',
    });
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

  it('repeats the title only when the headline does not hold it, and shows the evidence whole (R41, R42)', () => {
    // Prepare: a world-open finding's headline is its own; the title is a separate line.
    const world = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-0ccc',
      title: 'Security group open to the internet on an admin port',
      evidence: {
        ports: ['22/tcp'],
        rules: [{ protocol: 'tcp', ports: '22', source: '0.0.0.0/0' }],
        note: 'x'.repeat(200),
      },
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
    const acl = makeFinding({
      ruleId: 'nacl-open-admin-port',
      resourceId: 'acl-0two',
      resourceType: 'AWS::EC2::NetworkAcl',
    });
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

  it('names five closing calls whole, without a "+0 more" count (R35)', () => {
    const calls = [1, 2, 3, 4, 5].map(() => revoke('sg-0bbb', [sgB.id]));
    const text = message(
      digest({
        findings: [sgB],
        fixed: [{ finding: sgB, by: calls }],
        results: calls.map((action) => ({ action, status: 'done' as const })),
      }),
    );
    const fixedBy = text.split('\n').find((l) => l.startsWith('      fixed by:')) ?? '';
    expect(fixedBy.match(/RevokeSecurityGroupIngress/g)).toHaveLength(5);
    expect(fixedBy).not.toContain('more calls');
  });

  it('writes no "fixed by" line when no call is named (R43)', () => {
    const text = message(digest({ findings: [sgB], fixed: [{ finding: sgB, by: [] }] }));
    expect(text).toContain('    - FIXED [HIGH] sg-0bbb');
    expect(text).not.toContain('fixed by:');
  });
});

describe('the calls named under each resource', () => {
  it('lists a call under what its resolved scope holds, whatever kind (R17–R23)', () => {
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
    const text = message(
      digest({ findings: [sgB], open: [sgB], calls: [call({ securityGroupIds: ['sg-0bbb'] })] }),
    );
    expect(blockOf(text, 'sg-0bbb')).toContain('    calls (1):');
  });

  it('names under OTHER CALLS the calls of a batch that touched no listed resource, never for a lone call (R11, R12)', () => {
    const two = digest({
      calls: [
        call({ securityGroupIds: ['sg-0bbb'] }),
        call({ securityGroupIds: ['sg-0quiet'] }, { eventId: 'ev-2' }),
      ],
      findings: [sgB],
      open: [sgB],
    });
    const text = message(two);
    expect(text).toContain('OTHER CALLS (1; no open or fixed finding on what they touched)');
    expect(text).toContain(
      '  - 2025-06-15T10:51:12Z AuthorizeSecurityGroupIngress by arn:aws:iam::111122223333:user/alice (IAMUser) from (unknown) (CloudTrail event ev-2)',
    );
    expect(message(digest({ calls: [call({ securityGroupIds: ['sg-0quiet'] })] }))).not.toContain(
      'OTHER CALLS (',
    );
    // A batch whose every call is listed under a resource has no OTHER CALLS either.
    expect(
      message(
        digest({
          calls: [call({ securityGroupIds: ['sg-0bbb'] }), call({ securityGroupIds: ['sg-0bbb'] })],
          findings: [sgB],
          open: [sgB],
        }),
      ),
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
    expect(cut.at(-2)).toBe(
      '  … truncated: 1 more entries not shown (SNS size limit); see the function log.',
    );
  });
});

describe('the header: who, when, what was in scope', () => {
  it('names the caller of a lone call, the service it went through and where from (Y3)', () => {
    const input = digest({
      calls: [
        call(
          { securityGroupIds: ['sg-0abc'] },
          {
            actor: {
              arn: 'arn:aws:sts::111122223333:assumed-role/cfn/x',
              type: 'AssumedRole',
              invokedBy: 'cloudformation.amazonaws.com',
              sourceIp: 'cloudformation.amazonaws.com',
            },
          },
        ),
      ],
    });
    const lines = message(input).split('\n');
    expect(lines.slice(2, 7)).toEqual([
      'Who:     arn:aws:sts::111122223333:assumed-role/cfn/x (AssumedRole)',
      'Via:     cloudformation.amazonaws.com',
      'From:    cloudformation.amazonaws.com',
      'When:    2025-06-15T10:51:12Z',
      'Call:    AuthorizeSecurityGroupIngress (CloudTrail event ev-1)',
    ]);
  });

  it('counts the callers beyond five and spans the times of a batch, earliest first (Y4, Y5, Y6)', () => {
    const calls = [6, 1, 5, 2, 4, 3].map((n) =>
      call(
        { securityGroupIds: ['sg-0abc'] },
        {
          eventId: `ev-${n}`,
          eventTime: `2025-06-15T10:5${n}:00Z`,
          actor: { arn: `arn:aws:iam::111122223333:user/u${n}` },
        },
      ),
    );
    const text = message(digest({ calls }));
    expect(text).toContain(
      'Who:     arn:aws:iam::111122223333:user/u6, arn:aws:iam::111122223333:user/u1, arn:aws:iam::111122223333:user/u5, arn:aws:iam::111122223333:user/u2, arn:aws:iam::111122223333:user/u4 (+1 more)',
    );
    expect(text).toContain('When:    2025-06-15T10:51:00Z to 2025-06-15T10:56:00Z');
  });

  it('gives one time for a batch made in one second (Y5)', () => {
    const calls = [
      call({ securityGroupIds: ['sg-0abc'] }),
      call({ securityGroupIds: ['sg-0abc'] }, { eventId: 'ev-2' }),
    ];
    expect(message(digest({ calls }))).toContain('When:    2025-06-15T10:51:12Z\n');
  });

  it('names the eleventh resource of a kind only as a count (Y7)', () => {
    const ids = Array.from({ length: 11 }, (_, i) => `sg-0${String(i).padStart(3, '0')}`);
    const text = message(digest({ calls: [call({ securityGroupIds: ids })] }));
    expect(text).toContain(`Scope:   security groups ${ids.slice(0, 10).join(', ')} (+1 more)`);
  });

  it('takes the scope from what the slice resolved, with the ids it did not find; names groups by name only before (Y8, Y9, Y10)', () => {
    // Prepare: the call named a group by name; the slice resolved it to sg-0named and missed sg-0gone.
    const named = call({ securityGroupNames: ['web'], securityGroupIds: ['sg-0gone'] });
    const before = message(digest({ calls: [named] }));
    const after = message(
      digest({
        calls: [named],
        resolved: resolved({ securityGroups: ['sg-0named'], missing: ['sg-0gone'] }),
      }),
    );
    // Assess
    expect(before).toContain('Scope:   security groups sg-0gone; groups named web');
    expect(after).toContain('Scope:   security groups sg-0named; not found sg-0gone');
  });

  it('names the prefix lists a call changed and the VPCs it created, and says when it found nothing (Y11, Y12, Y13)', () => {
    expect(message(digest({ calls: [call({ prefixListIds: ['pl-0abc'] })] }))).toContain(
      'Scope:   prefix lists changed pl-0abc',
    );
    expect(message(digest({ calls: [call({ newVpcIds: ['vpc-0new'] })] }))).toContain(
      'Scope:   VPCs created vpc-0new',
    );
    expect(message(digest({ calls: [call({})] }))).toContain('Scope:   (no resource found)');
  });
});

describe('COULD NOT EVALUATE', () => {
  it('lists the calls left unevaluated with what to do (Y14)', () => {
    const text = message(digest({ unevaluated: ['RunInstances ev-9: the record names no instance'] }));
    expect(text).toContain(
      'COULD NOT EVALUATE (some calls)\n  RunInstances ev-9: the record names no instance\n  Nothing was evaluated or remediated for it.',
    );
  });

  it('has no such section when every call was evaluated (Y14)', () => {
    expect(message(digest({ unevaluated: [] }))).not.toContain('COULD NOT EVALUATE');
  });

  it('tells a dropped response from an unreadable slice, and a member role not onboarded (Y15, Y16, Y17)', () => {
    const dropped = message(
      digest({ couldNotEvaluate: 'the response was not recorded', responseDropped: true }),
    );
    expect(dropped).toContain(
      '  What these calls created or changed is not known: the response was not recorded\n  Nothing was evaluated or remediated for it.',
    );
    const denied = message(
      digest({ couldNotEvaluate: 'AccessDenied on sts:AssumeRole', memberRoleDenied: true }),
    );
    expect(denied).toContain(
      '  The resources these calls touched could not be fully read: AccessDenied on sts:AssumeRole',
    );
    expect(denied).toContain('  Nothing was remediated. Deploy the member template in that account');
  });
});

describe('EXEMPTION TAG CHANGED', () => {
  const now = new Date('2026-01-10T00:00:00Z');
  const tagged = (value: string | undefined, change: 'set' | 'removed', resourceIds: string[], extra = {}) =>
    call(
      {
        securityGroupIds: resourceIds,
        exemption: {
          change,
          key: 'vpc-guardrail:exempt',
          ...(value === undefined ? {} : { value }),
          resourceIds,
          ...extra,
        },
      },
      { eventName: change === 'set' ? 'CreateTags' : 'DeleteTags' },
    );

  it('says what a removal did: reported again where gone; kept where EC2 deleted nothing or it was set again (Y19, Y27–Y31)', () => {
    const input = digest({
      now,
      calls: [tagged('*', 'removed', ['sg-0gone', 'sg-0kept', 'sg-0reset'])],
      stillTagged: [
        { resourceId: 'sg-0kept', value: 'sg-open-admin-port' },
        { resourceId: 'sg-0reset', value: '*' },
      ],
    });
    const text = message(input);
    expect(text).toContain('  arn:aws:iam::111122223333:user/alice removed the tag vpc-guardrail:exempt = *');
    expect(text).toContain('  Findings on sg-0gone are reported (and remediated where configured) again.');
    expect(text).toContain(
      '  sg-0kept still carries the tag (= sg-open-admin-port): EC2 deleted nothing there: it deletes the tag only when the value named is the tag’s value. Its exemption stays.',
    );
    expect(text).toContain(
      '  sg-0reset still carries the tag (= *): it was set again since. Its exemption stays.',
    );
    expect(text).not.toContain('Findings on sg-0gone, ');
  });

  it('says a removal naming no value that left the tag there was set again since (Y31)', () => {
    const text = message(
      digest({
        now,
        calls: [tagged(undefined, 'removed', ['sg-0x'])],
        stillTagged: [{ resourceId: 'sg-0x', value: '*' }],
      }),
    );
    expect(text).toContain(
      '  sg-0x still carries the tag (= *): it was set again since. Its exemption stays.',
    );
    expect(text).not.toContain('are reported (and remediated where configured) again');
  });

  it('says a DeleteTags naming no tag removed every tag, and its effect (Y21)', () => {
    const text = message(
      digest({ now, calls: [tagged(undefined, 'removed', ['sg-0x'], { everyTag: true })] }),
    );
    expect(text).toContain('removed every tag (the tag vpc-guardrail:exempt with them, if it was set)');
    expect(text).toContain('  Findings on sg-0x are reported (and remediated where configured) again.');
  });

  it('reads a value set as the rules read it: in force, expired, misdirected, unknown (Y20, Y32–Y42)', () => {
    const value =
      'sg-open-admin-port, subnet-auto-assign-public-ip, sg-open-all-traffic@2025-01-01, sg-open-admin-prot, @bad';
    const text = message(digest({ now, calls: [tagged(value, 'set', ['sg-0x'])] }));
    expect(text).toContain(`set the tag vpc-guardrail:exempt = ${value}`);
    expect(text).toContain(
      '  Findings of the rules sg-open-admin-port on sg-0x are now reported as suppressed and never remediated.',
    );
    expect(text).toContain(
      '  Already expired, no effect: sg-open-all-traffic@2025-01-01 (the date has passed).',
    );
    expect(text).toContain(
      '  No effect here: subnet-auto-assign-public-ip judges subnets (subnet-…), not what was tagged; tag those instead.',
    );
    expect(text).toContain(
      '  Not understood, no effect: @bad, sg-open-admin-prot (no such rule) (the value is * or rule ids, each optionally @YYYY-MM-DD).',
    );
    expect(text).not.toContain('Nothing is exempted');
  });

  it('says "every rule" for *, and that nothing is exempted when no entry is in force (Y37, Y38, Y41)', () => {
    expect(message(digest({ now, calls: [tagged('*', 'set', ['sg-0x'])] }))).toContain(
      '  Findings of every rule on sg-0x are now reported as suppressed and never remediated.',
    );
    const expired = message(digest({ now, calls: [tagged('*@2025-01-01', 'set', ['sg-0x'])] }));
    expect(expired).toContain(
      '  Nothing is exempted: findings on sg-0x are reported (and remediated where configured) as before.',
    );
    expect(expired).not.toContain('are now reported as suppressed');
  });

  it('reads a rule of another kind as misdirected only when it judges none of the tagged resources (Y35, Y36)', () => {
    // Prepare: an interface and its group tagged sg-open-admin-port: the group is what the rule judges.
    const text = message(digest({ now, calls: [tagged('sg-open-admin-port', 'set', ['eni-0x', 'sg-0x'])] }));
    expect(text).toContain(
      '  Findings of the rules sg-open-admin-port on eni-0x, sg-0x are now reported as suppressed and never remediated.',
    );
    expect(text).not.toContain('No effect here');
  });

  it('points the tag on a resource no rule judges at what it was meant for (Y18, Y22, Y24, Y26)', () => {
    const input = digest({
      now,
      calls: [tagged('*', 'set', ['i-0abc', 'sgr-0abc'])],
      untaggable: [
        { resourceId: 'i-0abc', instead: ['eni-0abc', 'sg-0abc'] },
        { resourceId: 'sgr-0abc', instead: [] },
      ],
    });
    const text = message(input);
    expect(text).toContain('  The tag on i-0abc has no effect: no rule judges this kind of resource.');
    expect(text).toContain('  To exempt its findings, tag what they are about instead: eni-0abc, sg-0abc.');
    expect(text).toContain(
      '  A security-group rule has no exemption of its own: tag its security group (sg-…) instead',
    );
    // Nothing was judged: no claim about findings being suppressed.
    expect(text).not.toContain('are now reported as suppressed');
    expect(text).not.toContain('Nothing is exempted');
  });

  it('names a group created by name by its id once known, else by its name (Y25)', () => {
    const text = message(digest({ now, calls: [tagged('*', 'set', [], { groupName: 'web' })] }));
    expect(text).toContain(
      '  on the group named web (the record gives no id, and the group was not read) at 2025-06-15T10:51:12Z.',
    );
    const resolvedId = message(
      digest({ now, calls: [tagged('*', 'set', ['sg-0web'], { groupName: 'web' })] }),
    );
    expect(resolvedId).toContain('  on sg-0web at 2025-06-15T10:51:12Z.');
  });
});

describe('ACTIONS, ALREADY REMOVED, NOT REMEDIATED, HOW TO EXEMPT, HOW TO UNDO', () => {
  const revokeA = revoke('sg-0aaa', [sgA.id]);

  it('says a dry run planned without calling, and gives a failure its error (Y43, Y44)', () => {
    const dry = message(digest({ dryRun: true, results: [{ action: revokeA, status: 'dry-run' }] }));
    expect(dry).toContain(
      'ACTIONS (dry run: planned, not called)\n  would call:     RevokeSecurityGroupIngress sg-0aaa',
    );
    const failed = message(
      digest({ results: [{ action: revokeA, status: 'failed', error: 'UnauthorizedOperation: no' }] }),
    );
    expect(failed).toContain(
      '  FAILED:         RevokeSecurityGroupIngress sg-0aaa rules sgr-sg-0aaa — UnauthorizedOperation: no',
    );
  });

  it('counts the actions beyond 200 (Y45)', () => {
    const results: ActionResult[] = Array.from({ length: 201 }, () => ({
      action: revokeA,
      status: 'failed',
    }));
    expect(message(digest({ results }))).toContain('  … and 1 more');
  });

  it('lists world-open rules already removed as a person reads them (Y46–Y55)', () => {
    const input = digest({
      redelivery: true,
      alreadyRemoved: [
        {
          ruleId: 'sgr-1',
          groupId: 'sg-0a',
          egress: false,
          ipProtocol: '-1',
          fromPort: -1,
          toPort: -1,
          cidrIpv4: '0.0.0.0/0',
        },
        {
          ruleId: 'sgr-2',
          groupId: 'sg-0a',
          egress: false,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv6: '::/0',
          directionUnknown: true,
        },
        {
          ruleId: 'sgr-3',
          groupId: 'sg-0b',
          egress: false,
          ipProtocol: 'tcp',
          fromPort: 8000,
          toPort: 8080,
          prefixListId: 'pl-0w',
          groupGone: true,
        },
        {
          ruleId: 'sgr-4',
          groupId: 'sg-0a',
          egress: false,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          prefixListId: 'pl-0u',
          unverified: true,
        },
      ],
      removedEntries: [
        {
          networkAclId: 'acl-0a',
          ruleNumber: 100,
          egress: false,
          ruleAction: 'allow',
          protocol: '6',
          fromPort: 22,
          toPort: 22,
          cidrBlock: '0.0.0.0/0',
          blocked: true,
        },
        {
          networkAclId: 'acl-0b',
          ruleNumber: 90,
          egress: true,
          ruleAction: 'allow',
          protocol: '-1',
          cidrBlock: '0.0.0.0/0',
          aclGone: true,
        },
        {
          networkAclId: 'acl-0c',
          ruleNumber: 80,
          egress: false,
          ruleAction: 'allow',
          protocol: '17',
          fromPort: 3389,
          toPort: 3389,
          ipv6CidrBlock: '::/0',
        },
      ],
    });
    const text = message(input);
    const section = text.slice(text.indexOf('ALREADY REMOVED:')).split('\n\n')[0] ?? '';
    expect(section.split('\n')).toEqual([
      'ALREADY REMOVED: world-open rules these calls added are no longer there (or no longer open) (or could not be verified)',
      '  sgr-1 on sg-0a: all protocols all ports from 0.0.0.0/0',
      '  sgr-2 on sg-0a: tcp 22 with ::/0 (inbound or outbound: a ModifySecurityGroupRules record names no direction)',
      '  sgr-3 on sg-0b: tcp 8000-8080 from prefix list pl-0w (it holds the whole internet) (the group itself is gone)',
      '  sgr-4 on sg-0a: tcp 22 from prefix list pl-0u (NOT VERIFIED: the rule is gone and the list could not be read, so whether it held the whole internet is not known)',
      '  entry 100 (inbound) of acl-0a: allow protocol 6 22 from 0.0.0.0/0 (still there, but an entry before it now denies the internet on its admin ports)',
      '  entry 90 (outbound) of acl-0b: allow protocol -1 all ports from 0.0.0.0/0 (gone with the network ACL itself)',
      '  entry 80 (inbound) of acl-0c: allow protocol 17 3389 from ::/0 (gone, or no longer this entry)',
    ]);
    // Entries alone make the section too; plain removals add neither note.
    const entriesOnly = message(
      digest({
        removedEntries: [
          {
            networkAclId: 'acl-0c',
            ruleNumber: 80,
            egress: false,
            ruleAction: 'allow',
            protocol: '6',
            fromPort: 22,
            toPort: 22,
            cidrBlock: '0.0.0.0/0',
          },
        ],
      }),
    );
    expect(entriesOnly).toContain(
      'ALREADY REMOVED: world-open rules these calls added are no longer there\n',
    );
  });

  it('lists the findings left alone, not those suppressed (Y59)', () => {
    const text = message(
      digest({
        skipped: [
          { findingId: 'f1', ruleId: 'sg-open-admin-port', resourceId: 'sg-0a', reason: 'mode is notify' },
          { findingId: 'f2', ruleId: 'sg-open-admin-port', resourceId: 'sg-0b', reason: 'suppressed (tag)' },
        ],
      }),
    );
    expect(text).toContain('NOT REMEDIATED\n  sg-open-admin-port on sg-0a: mode is notify\n\n');
  });

  it('writes how to exempt every open or fixed finding, rules sorted per resource, never a suppressed one (Y60–Y62, Y64)', () => {
    const second = makeFinding({ ruleId: 'sg-broad-public-source', resourceId: 'sg-0aaa' });
    const hidden = {
      ...makeFinding({ ruleId: 'sg-open-admin-port', resourceId: 'sg-0hidden' }),
      suppressed: { by: 'tag' as const, reason: 'x' },
    };
    const text = message(
      digest({
        findings: [sgA, second, sgB, hidden],
        open: [sgA, second, hidden],
        fixed: [{ finding: sgB, by: [] }],
      }),
    );
    const section = text.split('\n\n').find((b) => b.startsWith('HOW TO EXEMPT')) ?? '';
    expect(section.split('\n').slice(1, 3)).toEqual([
      '  aws ec2 create-tags --resources sg-0aaa --tags Key=vpc-guardrail:exempt,Value=sg-broad-public-source@YYYY-MM-DD,sg-default-not-restricted@YYYY-MM-DD',
      '  aws ec2 create-tags --resources sg-0bbb --tags Key=vpc-guardrail:exempt,Value=sg-broad-public-source@YYYY-MM-DD',
    ]);
    expect(section).not.toContain('sg-0hidden');
  });

  it('writes how to undo only the calls made (Y63)', () => {
    const made = {
      ...revokeA,
      revoked: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    };
    const text = message(
      digest({
        results: [
          { action: made, status: 'done' },
          { action: revoke('sg-0gone', []), status: 'already-done' },
        ],
      }),
    );
    const section = text.split('\n\n').find((b) => b.startsWith('HOW TO UNDO')) ?? '';
    expect(section.split('\n')).toHaveLength(2);
    expect(section).toContain('aws ec2 authorize-security-group-ingress --group-id sg-0aaa');
  });
});

describe('the last guard of the SNS size limit', () => {
  it('cuts at the last whole line, never inside a line or a character (Y1)', () => {
    // Prepare: three lines; the limit falls inside the third, on a multi-byte character.
    const message = 'line one\nline two\nthird line: é é é é\n';
    const note = '\n… truncated: the message exceeded the SNS size limit; see the function log.\n';
    const max =
      Buffer.byteLength('line one\nline two\nthird line: é', 'utf8') - 1 + Buffer.byteLength(note, 'utf8');
    // Act
    const cut = cutToSize(message, max);
    // Assess
    expect(cut).toBe(`line one\nline two${note}`);
    expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(max);
  });
});
