import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyScope } from '../../../../shared/events/event-table';
import type { ParsedEvent } from '../../../../shared/events/types';
import {
  buildNotice,
  MAX_MESSAGE_BYTES,
  MAX_SUBJECT_LENGTH,
  type NoticeInput,
  shouldNotify,
  undoCommand,
} from '../../../../shared/notify/notice';
import { sanitize, utf8Length } from '../../../../shared/notify/sanitize';
import type { ActionResult, PlannedAction } from '../../../../shared/remediation/types';
import { makeFinding, type OneCall, oneCall, revokePlan } from '../../../helpers';

/** The scope of a CreateTags that set the exemption tag to `value` on `resourceId`. */
function tagSetScope(resourceId: string, value: string, securityGroupIds: string[] = [resourceId]) {
  return {
    ...emptyScope('CreateTags', 'exemption'),
    securityGroupIds,
    exemption: { change: 'set' as const, key: 'vpc-guardrail:exempt', value, resourceIds: [resourceId] },
  };
}

const event: ParsedEvent = {
  eventId: 'ev-1',
  eventName: 'AuthorizeSecurityGroupIngress',
  eventTime: '2025-06-15T10:51:12Z',
  accountId: '111122223333',
  region: 'us-east-1',
  actor: {
    arn: 'arn:aws:iam::111122223333:user/alice',
    type: 'IAMUser',
    sourceIp: '198.51.100.7',
    userAgent: 'aws-cli/2.17',
  },
  requestParameters: {},
  responseElements: {},
  envelope: true,
};

const admin = makeFinding({
  ruleId: 'sg-open-admin-port',
  resourceId: 'sg-0abc',
  title: 'sg-0abc world-open on 22/tcp',
  controls: ['CIS 5.2', 'FSBP EC2.13'],
  remediation: revokePlan('sg-0abc', ['sgr-world', 22]),
});
const exposure = makeFinding({
  ruleId: 'eni-internet-exposed',
  resourceType: 'AWS::EC2::NetworkInterface',
  resourceId: 'eni-1',
  severity: 'high',
  title: 'eni-1 reachable from the internet on 22/tcp',
});

const revoke: PlannedAction = {
  action: 'RevokeSecurityGroupIngress',
  parameters: { GroupId: 'sg-0abc', SecurityGroupRuleIds: ['sgr-world'] },
  findingIds: [admin.id],
  revoked: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
};

/** A world-open ssh rule the event added, found gone on a redelivery. */
const worldSshRule = {
  ruleId: 'sgr-world',
  groupId: 'sg-0abc',
  egress: false,
  ipProtocol: 'tcp',
  fromPort: 22,
  toPort: 22,
  cidrIpv4: '0.0.0.0/0',
};

/** A world-open ssh entry the event wrote, found gone on a redelivery. */
const worldSshEntry: NonNullable<NoticeInput['removedEntries']>[number] = {
  networkAclId: 'acl-0abc',
  ruleNumber: 100,
  egress: false,
  ruleAction: 'allow',
  protocol: '6',
  cidrBlock: '0.0.0.0/0',
  fromPort: 22,
  toPort: 22,
  severity: 'high',
};

function input(overrides: Partial<OneCall> = {}): NoticeInput {
  return oneCall({
    event,
    scope: {
      ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
      securityGroupIds: ['sg-0abc'],
    },
    findings: [admin, exposure],
    results: [],
    skipped: [],
    dryRun: false,
    alreadyRemoved: [],
    mode: 'remediate',
    exemptionTagKey: 'vpc-guardrail:exempt',
    ...overrides,
  });
}

describe('buildNotice', () => {
  it('names the most severe finding and the outcome in the subject', () => {
    const notice = buildNotice(input({ results: [{ action: revoke, status: 'done' }] }));
    expect(notice.subject).toBe('[CRITICAL] sg-0abc world-open on 22/tcp (+1 more) — revoked');
  });

  it('keeps a shortened subnet id recognisable when the subject must shrink to fit', () => {
    // Arrange: the moto run's subnet finding with a failed fix (the longest outcome)
    const subnet = makeFinding({
      ruleId: 'subnet-auto-assign-public-ip',
      resourceType: 'AWS::EC2::Subnet',
      resourceId: 'subnet-bb00ec013a25840da',
      severity: 'medium',
      title: 'Subnet subnet-bb00ec013a25840da (web-public) assigns public IPv4 addresses on launch',
    });
    const modify: PlannedAction = {
      action: 'ModifySubnetAttribute',
      parameters: { SubnetId: subnet.resourceId, MapPublicIpOnLaunch: { Value: false } },
      findingIds: [subnet.id],
    };
    // Act
    const { subject } = buildNotice(
      input({
        findings: [subnet],
        results: [{ action: modify, status: 'failed', error: 'UnauthorizedOperation' }],
      }),
    );
    // Assess: the id keeps 4 characters after its prefix (it was cut to "subnet-…", naming no subnet)
    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(subject).toMatch(
      /^\[MEDIUM\] Subnet subnet-bb00… \(web-public\) assigns .* — remediation failed$/,
    );
  });

  it("counts the calls a fixed finding's line leaves out, rather than cutting the list in silence", () => {
    // Arrange: a NACL fix of 7 calls (the moto run's had 11)
    const nacl = makeFinding({
      ruleId: 'nacl-open-admin-port',
      resourceType: 'AWS::EC2::NetworkAcl',
      resourceId: 'acl-0abc',
      severity: 'high',
      title: 'acl-0abc world-open on 22/tcp',
    });
    const calls: PlannedAction[] = [98, 97, 96, 95, 94, 93, 99].map((n) => ({
      action: 'CreateNetworkAclEntry',
      parameters: {
        NetworkAclId: 'acl-0abc',
        RuleNumber: n,
        Protocol: '6',
        RuleAction: n === 99 ? 'deny' : 'allow',
        Egress: false,
        CidrBlock: n === 99 ? '0.0.0.0/0' : `10.${n}.0.0/16`,
        PortRange: { From: 22, To: 22 },
      },
      findingIds: [nacl.id],
    }));
    // Act
    const { message } = buildNotice(
      input({
        findings: [],
        fixed: [{ finding: nacl, by: calls }],
        results: calls.map((action) => ({ action, status: 'done' as const })),
      }),
    );
    // Assess
    const line = message.split('\n').find((l) => l.includes('fixed by:')) ?? '';
    expect(line.match(/CreateNetworkAclEntry/g)).toHaveLength(5);
    expect(line).toMatch(/ \(\+2 more calls, under ACTIONS\)$/);
    // The deny (99, planned last) closed the port: it is named first, the kept sources' allows after.
    expect(line).toMatch(/fixed by: CreateNetworkAclEntry acl-0abc ingress rule 99: deny /);
  });

  it('keeps the "+N more" count when even the shortest headline is too long (the headline end is cut)', () => {
    // Arrange: the moto mixed batch — a private subnet routed to an IGW still open (high) leads, the
    // critical group rule and exposure behind it were fixed by the revoke
    const subnet = makeFinding({
      ruleId: 'subnet-private-has-igw-route',
      resourceType: 'AWS::EC2::Subnet',
      resourceId: 'subnet-b23c8e0a51f7d2c44',
      severity: 'high',
      title: 'Private subnet subnet-b23c8e0a51f7d2c44 (app-private) routes to igw-e7efb39f42f8f559a',
    });
    // Act
    const { subject } = buildNotice(
      input({
        findings: [subnet],
        fixed: [
          { finding: admin, by: [revoke] },
          { finding: exposure, by: [revoke] },
        ],
        results: [{ action: revoke, status: 'done' }],
      }),
    );
    // Assess
    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(subject).toMatch(
      /^\[HIGH\] Private subnet subnet-b23c… \(app-private\) routes to igw-.*… \(\+2 more\) — revoked$/,
    );
  });

  it('sets the filter attributes: lower-case severity, rule ids as a String.Array, action, account, region', () => {
    const notice = buildNotice(input({ results: [{ action: revoke, status: 'done' }] }));
    expect(notice.attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      ruleIds: { DataType: 'String.Array', StringValue: '["eni-internet-exposed","sg-open-admin-port"]' },
      action: { DataType: 'String', StringValue: 'remediated' },
      accountId: { DataType: 'String', StringValue: '111122223333' },
      region: { DataType: 'String', StringValue: 'us-east-1' },
    });
  });

  it.each([
    ['notified', [], false],
    ['dry-run', [{ action: revoke, status: 'dry-run' as const }], true],
    ['failed', [{ action: revoke, status: 'failed' as const, error: 'UnauthorizedOperation' }], false],
    [
      'partially-remediated',
      [
        { action: revoke, status: 'done' as const },
        {
          action: { ...revoke, parameters: { GroupId: 'sg-2', SecurityGroupRuleIds: ['sgr-2'] } },
          status: 'failed' as const,
        },
      ],
      false,
    ],
    ['remediated', [{ action: revoke, status: 'already-done' as const }], false],
  ])('reports action %s', (expected, results, dryRun) => {
    expect(buildNotice(input({ results, dryRun })).attributes.action?.StringValue).toBe(expected);
  });

  it('tells a person who, when, which call, what was found, what was done, how to exempt and how to undo', () => {
    const { message } = buildNotice(input({ results: [{ action: revoke, status: 'done' }] }));
    expect(message).toContain('Who:     arn:aws:iam::111122223333:user/alice (IAMUser)');
    expect(message).toContain('From:    198.51.100.7, aws-cli/2.17');
    expect(message).toContain('When:    2025-06-15T10:51:12Z');
    expect(message).toContain('Call:    AuthorizeSecurityGroupIngress (CloudTrail event ev-1)');
    expect(message).toContain('    - OPEN [CRITICAL] sg-0abc world-open on 22/tcp');
    expect(message).toContain('controls: CIS 5.2, FSBP EC2.13');
    expect(message).toContain(
      'done:           RevokeSecurityGroupIngress sg-0abc rules sgr-world (tcp 22 from 0.0.0.0/0)',
    );
    expect(message).toContain(
      'aws ec2 create-tags --resources sg-0abc --tags Key=vpc-guardrail:exempt,Value=sg-open-admin-port@YYYY-MM-DD',
    );
    expect(message).toContain(
      `aws ec2 authorize-security-group-ingress --group-id sg-0abc --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'`,
    );
  });

  it('keeps attacker-controlled strings on one line and the subject within 100 characters', () => {
    const hostile = makeFinding({
      ruleId: 'sg-open-admin-port',
      resourceId: 'sg-0abc',
      title: `sg-0abc "x\r\nBcc: victim@example.com\u202e${'A'.repeat(500)}`,
      detail: 'desc\n\nFAKE: all clear\u0000',
    });
    const notice = buildNotice(
      input({
        findings: [hostile],
        event: { ...event, actor: { ...event.actor, userAgent: 'evil\r\nSubject: hi' } },
      }),
    );
    expect(notice.subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    // SNS Publish: "less than 100 characters".
    expect(notice.subject.length).toBeLessThan(100);
    expect(MAX_SUBJECT_LENGTH).toBe(99);
    expect(notice.subject).not.toMatch(/[\r\n\u202e]/);
    expect(notice.message).not.toContain('\r');
    expect(notice.message).not.toContain('\u202e');
    expect(notice.message).not.toContain('\u0000');
    expect(notice.message).not.toMatch(/^Bcc:/m);
    expect(notice.message).not.toMatch(/^FAKE:/m);
    expect(notice.message).not.toMatch(/^Subject:/m);
  });

  it('stays under the SNS size limit with a note when there are too many findings', () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      makeFinding({
        ruleId: 'eni-internet-exposed',
        resourceType: 'AWS::EC2::NetworkInterface',
        resourceId: `eni-${i}`,
        severity: 'high',
        detail: 'x'.repeat(1000),
        evidence: { ports: ['22/tcp'], i },
      }),
    );
    const { message } = buildNotice(input({ findings: many }));
    expect(utf8Length(message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(message).toMatch(/… truncated: \d+ more entries not shown/);
    expect(message).toContain('HOW TO EXEMPT');
  });

  it('says "could not evaluate" with the reason, and reports action failed', () => {
    const notice = buildNotice(
      input({ findings: [], couldNotEvaluate: 'DescribeNetworkInterfaces: UnauthorizedOperation' }),
    );
    expect(notice.subject).toBe(
      '[HIGH] could not evaluate AuthorizeSecurityGroupIngress on sg-0abc — failed',
    );
    expect(notice.message).toContain('COULD NOT EVALUATE');
    expect(notice.message).toContain('DescribeNetworkInterfaces: UnauthorizedOperation');
    expect(notice.message).toContain(
      '  Nothing was remediated. Check the function role’s ec2:Describe* permissions, then review the change by hand.',
    );
    expect(notice.attributes.action?.StringValue).toBe('failed');
  });

  it('says who exempted what when an exemption tag is set', () => {
    const scope = tagSetScope('sg-0abc', '*@2030-01-01');
    const notice = buildNotice(input({ scope, findings: [], event: { ...event, eventName: 'CreateTags' } }));
    expect(notice.subject).toBe('[INFO] exemption set on sg-0abc by alice');
    expect(notice.message).toContain(
      'arn:aws:iam::111122223333:user/alice set the tag vpc-guardrail:exempt = *@2030-01-01',
    );
    expect(notice.attributes.severity?.StringValue).toBe('info');
    expect(notice.attributes.ruleIds).toBeUndefined();
  });

  it('leads with a world-open rule already removed over an exemption change in the same batch (worst severity first)', () => {
    // A redelivered batch: bob's AuthorizeSecurityGroupIngress (its 22/tcp world rule already
    // gone) and alice's CreateTags on another group. The critical news leads, the exemption counts.
    const tagScope = tagSetScope('sg-0tag', '*');
    const bob = {
      ...event,
      eventId: 'ev-bob',
      actor: { ...event.actor, arn: 'arn:aws:iam::111122223333:user/bob' },
    };
    const world22 = { ...worldSshRule, severity: 'critical' as const, ruleIds: ['sg-open-admin-port'] };
    // Bob's authorize on sg-0abc, then alice's exemption tag on sg-0tag, in one batch.
    const authorizeThenTag: NoticeInput['calls'] = [
      {
        event: bob,
        scope: {
          ...emptyScope('AuthorizeSecurityGroupIngress', 'security-group'),
          securityGroupIds: ['sg-0abc'],
        },
      },
      { event: { ...event, eventId: 'ev-tag', eventName: 'CreateTags' }, scope: tagScope },
    ];
    const base = input({ findings: [], alreadyRemoved: [world22] });
    const notice = buildNotice({
      ...base,
      calls: authorizeThenTag,
    });
    expect(notice.subject).toBe('[CRITICAL] world-open rule on sg-0abc already removed (+1 more)');
    expect(notice.attributes.severity?.StringValue).toBe('critical');
    expect(JSON.parse(notice.attributes.ruleIds?.StringValue ?? '[]')).toEqual(['sg-open-admin-port']);
    // Alone with info news, the exemption leads and names the tag's own caller, not the batch's first.
    const quiet = buildNotice({
      ...base,
      alreadyRemoved: [{ ...world22, severity: 'info' }],
      calls: authorizeThenTag,
    });
    expect(quiet.subject).toBe('[INFO] exemption set on sg-0tag by alice (+1 more)');
  });

  it('leads with a rule already removed that is worse than every finding still open, counting them', () => {
    const low = makeFinding({
      ruleId: 'sg-broad-public-source',
      resourceId: 'sg-0abc',
      severity: 'low',
      title: 'sg-0abc open to a broad public range',
    });
    const removed = { ...worldSshRule, severity: 'critical' as const };
    const notice = buildNotice(input({ findings: [low], alreadyRemoved: [removed] }));
    expect(notice.subject).toBe('[CRITICAL] world-open rule on sg-0abc already removed (+1 more)');
    expect(notice.attributes.severity?.StringValue).toBe('critical');
    // At equal severity the finding still open leads.
    const open22 = buildNotice(input({ findings: [admin], alreadyRemoved: [removed] }));
    expect(open22.subject).toBe('[CRITICAL] sg-0abc world-open on 22/tcp (+1 more)');
  });

  it('reports world-open rules the event added that are already gone', () => {
    const notice = buildNotice(
      input({
        findings: [],
        alreadyRemoved: [worldSshRule],
      }),
    );
    expect(notice.subject).toBe('[INFO] world-open rule on sg-0abc already removed');
    expect(notice.message).toContain('  sgr-world on sg-0abc: tcp 22 from 0.0.0.0/0');
  });

  it('names an all-traffic rule already removed in words, not as EC2 writes its ports (-1 -1--1)', () => {
    // The rule set of a CloudTrail record (and DescribeSecurityGroupRules) gives an all-traffic rule
    // fromPort/toPort -1; found on moto by scripts/emulator/remedy.py --redeliver.
    const allTraffic = { ...worldSshRule, ruleId: 'sgr-all', ipProtocol: '-1', fromPort: -1, toPort: -1 };
    const notice = buildNotice(input({ findings: [], alreadyRemoved: [allTraffic] }));
    expect(notice.message).toContain('  sgr-all on sg-0abc: all protocols all ports from 0.0.0.0/0');
    expect(notice.message).not.toContain('-1--1');
  });

  it('says "already removed" once when the calls made also all found their rules gone', () => {
    // A redelivery whose revoke found its rule gone and closed no finding entirely (what stays
    // open is below notifyMinSeverity), while a rule the retried call added is gone too.
    const notice = buildNotice(
      input({
        findings: [],
        results: [{ action: revoke, status: 'already-done' }],
        alreadyRemoved: [
          {
            ruleId: 'sgr-added',
            groupId: 'sg-0abc',
            egress: false,
            ipProtocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            cidrIpv4: '0.0.0.0/0',
            severity: 'critical',
          },
        ],
      }),
    );
    expect(notice.subject).toBe('[CRITICAL] world-open rule on sg-0abc already removed');
  });

  it('leads an "already removed" subject with the worst of them, and counts the others', () => {
    const rule = (ruleId: string, groupId: string, port: number, severity: 'medium' | 'critical') => ({
      ruleId,
      groupId,
      egress: false,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      cidrIpv4: '0.0.0.0/0',
      severity,
    });
    const notice = buildNotice(
      input({
        findings: [],
        alreadyRemoved: [rule('sgr-a', 'sg-0aaa', 8081, 'medium'), rule('sgr-b', 'sg-0bbb', 22, 'critical')],
        removedEntries: [worldSshEntry],
      }),
    );
    expect(notice.subject).toBe('[CRITICAL] world-open rule on sg-0bbb already removed (+2 more)');
    expect(notice.attributes.severity?.StringValue).toBe('critical');
  });

  it('reports world-open NACL entries the event wrote that are already gone', () => {
    const notice = buildNotice(
      input({
        findings: [],
        removedEntries: [worldSshEntry],
      }),
    );
    expect(notice.subject).toBe('[HIGH] world-open entry 100 of acl-0abc already removed');
    expect(notice.attributes.severity?.StringValue).toBe('high');
    expect(notice.message).toContain(
      '  entry 100 (inbound) of acl-0abc: allow protocol 6 22 from 0.0.0.0/0 (gone, or no longer this entry)',
    );
  });
});

describe('shouldNotify', () => {
  it('stays silent when every finding in scope is suppressed', () => {
    const suppressed = { ...admin, suppressed: { by: 'config' as const, reason: 'allowed' } };
    expect(shouldNotify(input({ findings: [suppressed] }))).toBe(false);
    expect(shouldNotify(input({ findings: [] }))).toBe(false);
  });

  it('speaks for an active finding, a failed action, an evaluation failure, an exemption change, a removed rule', () => {
    expect(shouldNotify(input())).toBe(true);
    expect(shouldNotify(input({ findings: [], results: [{ action: revoke, status: 'failed' }] }))).toBe(true);
    expect(shouldNotify(input({ findings: [], couldNotEvaluate: 'x' }))).toBe(true);
    const exemption = { change: 'removed' as const, key: 'k', resourceIds: ['sg-1'] };
    expect(
      shouldNotify(input({ findings: [], scope: { ...emptyScope('DeleteTags', 'exemption'), exemption } })),
    ).toBe(true);
    const gone = {
      ruleId: 'sgr-1',
      groupId: 'sg-1',
      egress: false,
      ipProtocol: 'tcp',
      cidrIpv4: '0.0.0.0/0',
    };
    expect(shouldNotify(input({ findings: [], alreadyRemoved: [gone] }))).toBe(true);
    const entry = {
      networkAclId: 'acl-1',
      ruleNumber: 100,
      egress: false,
      ruleAction: 'allow',
      protocol: '6',
      cidrBlock: '0.0.0.0/0',
    };
    expect(shouldNotify(input({ findings: [], removedEntries: [entry] }))).toBe(true);
  });
});

describe('undoCommand', () => {
  it('re-creates a deleted NACL entry from the slice', () => {
    expect(
      undoCommand({
        action: 'DeleteNetworkAclEntry',
        parameters: { NetworkAclId: 'acl-1', RuleNumber: 90, Egress: false },
        findingIds: [],
        deletedEntry: {
          NetworkAclId: 'acl-1',
          RuleNumber: 90,
          Protocol: '6',
          RuleAction: 'allow',
          Egress: false,
          CidrBlock: '0.0.0.0/0',
          PortRange: { From: 22, To: 22 },
        },
      }),
    ).toBe(
      'aws ec2 create-network-acl-entry --network-acl-id acl-1 --rule-number 90 --ingress --protocol 6 --rule-action allow --cidr-block 0.0.0.0/0 --port-range From=22,To=22',
    );
  });

  it('quotes a hostile id so it stays one shell word', () => {
    const command = undoCommand({
      action: 'ModifySubnetAttribute',
      parameters: { SubnetId: "subnet-1'; rm -rf / #", MapPublicIpOnLaunch: { Value: false } },
      findingIds: [],
    });
    expect(command).toBe(
      `aws ec2 modify-subnet-attribute --subnet-id 'subnet-1'\\''; rm -rf / #' --map-public-ip-on-launch`,
    );
  });
});

describe('sanitize', () => {
  it('caps length and removes control and bidi characters', () => {
    expect(sanitize('a\u0007b\nc\u202ed', 100)).toBe('a b c d');
    expect(sanitize('x'.repeat(10), 5)).toBe('xxxx…');
    expect(sanitize(undefined)).toBe('');
  });
});

describe("the README's subscription filter example (DESIGN §8: it must deliver 'could not evaluate')", () => {
  // The filter policy exactly as the README's `aws sns subscribe` example gives it.
  const readme = readFileSync('README.md', 'utf8');
  const quoted = /--attributes '\{"FilterPolicy":"(.*?)"\}'/.exec(readme)?.[1];
  const policy = JSON.parse((quoted ?? '{}').replaceAll('\\"', '"')) as Record<string, string[]>;

  /** SNS attribute-based filtering of exact string values: every key must match one listed value. */
  function delivers(attributes: Record<string, { DataType: string; StringValue: string }>): boolean {
    return Object.entries(policy).every(([key, allowed]) => {
      const attribute = attributes[key];
      if (attribute === undefined) return false;
      const values =
        attribute.DataType === 'String.Array'
          ? (JSON.parse(attribute.StringValue) as string[])
          : [attribute.StringValue];
      return values.some((v) => allowed.includes(v));
    });
  }

  it('is the severity filter the README describes', () => {
    expect(policy).toEqual({ severity: ['critical', 'high'] });
  });

  it('delivers could not evaluate, a revoke of a critical rule and a critical rule already removed; drops an exemption change', () => {
    const blind = buildNotice(
      input({ findings: [], couldNotEvaluate: 'DescribeSecurityGroups: UnauthorizedOperation' }),
    );
    expect(blind.attributes.action?.StringValue).toBe('failed');
    expect(delivers(blind.attributes)).toBe(true);
    expect(delivers(buildNotice(input({ results: [{ action: revoke, status: 'done' }] })).attributes)).toBe(
      true,
    );
    const gone = buildNotice(
      input({
        findings: [],
        alreadyRemoved: [{ ...worldSshRule, severity: 'critical', ruleIds: ['sg-open-admin-port'] }],
      }),
    );
    expect(delivers(gone.attributes)).toBe(true);
    const tag = buildNotice(
      input({
        findings: [],
        event: { ...event, eventName: 'CreateTags' },
        scope: tagSetScope('sg-0abc', '*'),
      }),
    );
    expect(delivers(tag.attributes)).toBe(false);
  });
});

describe('every subject form (DESIGN §8, §14): at most 99 characters, one line, the worst news leading', () => {
  const SEVERITY = fc.constantFrom('critical', 'high', 'medium', 'low', 'info') as fc.Arbitrary<
    'critical' | 'high' | 'medium' | 'low' | 'info'
  >;
  const id = (prefix: string) => fc.string({ minLength: 1, maxLength: 120 }).map((s) => `${prefix}${s}`);
  const rank = ['critical', 'high', 'medium', 'low', 'info'];

  it('holds over random mixes of findings, removed rules and entries, exemptions, outcomes and failures', () => {
    fc.assert(
      fc.property(
        fc.record({
          findings: fc.array(
            fc.record({ id: id('sg-'), severity: SEVERITY, title: fc.string({ maxLength: 300 }) }),
            {
              maxLength: 4,
            },
          ),
          removed: fc.array(fc.record({ groupId: id('sg-'), severity: SEVERITY }), { maxLength: 3 }),
          entries: fc.array(
            fc.record({ aclId: id('acl-'), n: fc.integer({ min: 1, max: 32766 }), severity: SEVERITY }),
            { maxLength: 3 },
          ),
          exemption: fc.option(fc.record({ resource: id('sg-'), arn: fc.string({ maxLength: 300 }) })),
          status: fc.constantFrom('none', 'done', 'already-done', 'failed', 'dry-run'),
          blind: fc.boolean(),
        }),
        ({ findings, removed, entries, exemption, status, blind }) => {
          const made = findings.map((f, i) =>
            makeFinding({
              ruleId: 'sg-open-admin-port',
              resourceId: f.id,
              severity: f.severity,
              title: f.title,
              evidence: { i },
            }),
          );
          const tagCall = exemption
            ? [
                {
                  event: { ...event, eventName: 'CreateTags', actor: { ...event.actor, arn: exemption.arn } },
                  scope: tagSetScope(exemption.resource, '*', []),
                },
              ]
            : [];
          const base = input({
            findings: made,
            results: status === 'none' ? [] : [{ action: revoke, status } as ActionResult],
            alreadyRemoved: removed.map((r, i) => ({
              ruleId: `sgr-${i}`,
              groupId: r.groupId,
              egress: false,
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              cidrIpv4: '0.0.0.0/0',
              severity: r.severity,
            })),
            removedEntries: entries.map((e) => ({
              networkAclId: e.aclId,
              ruleNumber: e.n,
              egress: false,
              ruleAction: 'allow' as const,
              protocol: '6',
              cidrBlock: '0.0.0.0/0',
              fromPort: 22,
              toPort: 22,
              severity: e.severity,
            })),
            ...(blind ? { couldNotEvaluate: 'DescribeSecurityGroups: UnauthorizedOperation' } : {}),
          });
          const notice = buildNotice({ ...base, calls: [...base.calls, ...tagCall] });
          const { subject } = notice;
          expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
          expect(subject).toMatch(/^\[(CRITICAL|HIGH|MEDIUM|LOW|INFO)\] [^\n\r]*$/);
          if (blind) return;
          // No news (a rule or entry already removed) is worse than the subject's tag.
          const tag = (/^\[([A-Z]+)\]/.exec(subject)?.[1] ?? '').toLowerCase();
          for (const r of [...removed, ...entries])
            expect(rank.indexOf(r.severity)).toBeGreaterThanOrEqual(rank.indexOf(tag));
        },
      ),
      { numRuns: 300 },
    );
  });
});
