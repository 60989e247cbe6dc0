import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeInternetGatewaysCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
  ReplaceNetworkAclEntryCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaContext } from '../../../helpers';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditResult } from '../../../../shared/audit/types';
import type { Finding } from '../../../../shared/findings';
import type { AsffFinding } from '../../../../shared/report/asff';

const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:vpc-guardrail';

const context = lambdaContext({
  name: 'vpc-guardrail-audit',
  region: 'eu-west-1',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  remainingMs: 60_000,
});

type Handler = (event: unknown, context: Context) => Promise<AuditResult>;

async function loadHandler(env: Record<string, string> = {}): Promise<Handler> {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('VPC_GUARDRAIL_TOPIC_ARN', TOPIC);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  vi.resetModules();
  const module = await import('../../../../functions/audit/handler');
  return module.handler as unknown as Handler;
}

const openSsh = (groupId: string, vpcId: string): SecurityGroup => ({
  GroupId: groupId,
  GroupName: groupId,
  VpcId: vpcId,
  OwnerId: '111122223333',
  IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  IpPermissionsEgress: [],
});

/** A region whose VPCs each have one group open to the world on 22/tcp. */
function region(vpcIds: string[]): void {
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: vpcIds.map((VpcId) => ({ VpcId, OwnerId: '111122223333' })) });
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: vpcIds.map((vpc, i) => openSsh(`sg-${i}`, vpc)),
  });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
  ec2.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: [] });
  ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
  ec2.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [] });
  ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [] });
  ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
  ec2.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [] });
}

const adminFindings = (result: AuditResult) =>
  (result.findings as Finding[]).filter((f) => f.ruleId === 'sg-open-admin-port').map((f) => f.resourceId);

describe('audit handler', () => {
  beforeEach(() => {
    ec2.reset();
    sns.reset();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('audits the whole home region by default and returns findings with a summary', async () => {
    // Prepare
    region(['vpc-0000000a']);
    const handler = await loadHandler();

    // Act
    const result = await handler({}, context);

    // Assess
    expect(adminFindings(result)).toEqual(['sg-0']);
    expect(result.summary.bySeverity.critical).toBeGreaterThanOrEqual(1);
    expect(result.summary.highestSeverity).toBe('critical');
    expect(result.regions).toEqual([
      { region: 'eu-west-1', vpcs: 1, securityGroups: 1, networkAcls: 0, networkInterfaces: 0 },
    ]);
    expect((result.findings as Finding[])[0]).toMatchObject({
      accountId: '111122223333',
      region: 'eu-west-1',
    });
    expect(result.errors).toBeUndefined();
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('returns the input warnings and what it could not judge in its summary, per region, and logs the warnings', async () => {
    // Prepare: the group's SecurityGroupRules list only its egress (stale), and an interface has no subnet.
    region(['vpc-0000000a']);
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-e',
          GroupId: 'sg-0',
          IsEgress: true,
          IpProtocol: '-1',
          CidrIpv4: '0.0.0.0/0',
        },
      ],
    });
    ec2.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [
        { NetworkInterfaceId: 'eni-1', VpcId: 'vpc-0000000a', Groups: [{ GroupId: 'sg-0' }] },
      ],
    });
    const handler = await loadHandler();
    const { Logger } = await import('@aws-lambda-powertools/logger');
    const warn = vi.spyOn(Logger.prototype, 'warn');

    // Act
    const result = await handler({}, context);

    // Assess: the world-open SSH from IpPermissions is still found; the disagreement is said.
    expect(adminFindings(result)).toEqual(['sg-0']);
    const warning =
      'eu-west-1: security group sg-0: its IpPermissions/IpPermissionsEgress and SecurityGroupRules disagree ' +
      '(1 rule only in IpPermissions/IpPermissionsEgress, 1 rule only in SecurityGroupRules); evaluated as their union';
    expect(result.summary.warnings).toEqual([warning]);
    expect(result.summary.notJudged).toEqual([
      { resourceId: 'eni-1', reason: 'the interface has no SubnetId', ruleId: 'eni-internet-exposed' },
    ]);
    expect(warn).toHaveBeenCalledWith('input warning', { warning });
    warn.mockRestore();
  });

  it('reads every page of a paginated list', async () => {
    // Prepare
    region(['vpc-0000000a']);
    ec2
      .on(DescribeSecurityGroupsCommand, { NextToken: undefined })
      .resolves({ SecurityGroups: [openSsh('sg-a', 'vpc-0000000a')], NextToken: 'p2' })
      .on(DescribeSecurityGroupsCommand, { NextToken: 'p2' })
      .resolves({ SecurityGroups: [openSsh('sg-b', 'vpc-0000000a')] });
    const handler = await loadHandler();

    // Act
    const result = await handler({}, context);

    // Assess
    expect(adminFindings(result)).toEqual(['sg-a', 'sg-b']);
    expect(ec2).toHaveReceivedCommandTimes(DescribeSecurityGroupsCommand, 2);
  });

  it('audits several VPCs of one region with VPC filters', async () => {
    // Prepare
    region(['vpc-0000000a', 'vpc-0000000b']);
    const handler = await loadHandler();

    // Act
    const result = await handler(
      { vpcIds: ['vpc-0000000a', 'vpc-0000000b'], regions: ['eu-west-1'] },
      context,
    );

    // Assess
    expect(adminFindings(result)).toEqual(['sg-0', 'sg-1']);
    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupsCommand, {
      Filters: [{ Name: 'vpc-id', Values: ['vpc-0000000a', 'vpc-0000000b'] }],
    });
  });

  it('reports a region whose describe fails, with the others still audited', async () => {
    // Prepare
    region(['vpc-0000000a']);
    ec2.on(DescribeNetworkAclsCommand).callsFake(async (_input, getClient: () => EC2Client) => {
      const regionName = await getClient().config.region();
      if (regionName === 'us-east-1') {
        throw new EC2ServiceException({
          name: 'UnauthorizedOperation',
          $fault: 'client',
          $metadata: {},
          message: 'not authorized',
        });
      }
      return { NetworkAcls: [] };
    });
    const handler = await loadHandler();

    // Act
    const result = await handler({ regions: ['eu-west-1', 'us-east-1'] }, context);

    // Assess
    expect(result.errors).toEqual([
      {
        region: 'us-east-1',
        operation: 'DescribeNetworkAcls',
        code: 'UnauthorizedOperation',
        message: 'DescribeNetworkAcls failed in us-east-1: UnauthorizedOperation: not authorized',
      },
    ]);
    expect(result.regions.map((r) => r.region)).toEqual(['eu-west-1']);
    expect(adminFindings(result)).toEqual(['sg-0']);
  });

  it('fails the invocation, naming the call, when the only region cannot be read', async () => {
    // Prepare
    region(['vpc-0000000a']);
    ec2.on(DescribeSecurityGroupsCommand).rejects(
      new EC2ServiceException({
        name: 'RequestLimitExceeded',
        $fault: 'client',
        $metadata: {},
        message: 'slow down',
      }),
    );
    const handler = await loadHandler();

    // Act
    const invoke = handler({}, context);

    // Assess
    await expect(invoke).rejects.toThrow(
      'no region could be loaded: eu-west-1: DescribeSecurityGroups failed in eu-west-1: RequestLimitExceeded: slow down',
    );
  });

  it.each([
    [{ format: 'xml' }, /format: expected one of "json", "asff", "sarif"/],
    [{ regions: 'eu-west-1' }, /regions: expected an array/],
    [{ regions: ['Europe'] }, /regions\[0\]: not a region name/],
    [{ vpcIds: ['sg-123'] }, /vpcIds\[0\]: not a VPC id/],
    [
      { vpcIds: ['vpc-0000000a'], regions: ['eu-west-1', 'us-east-1'] },
      /vpcIds: VPC ids belong to one region/,
    ],
    [{ notify: 'yes' }, /notify: expected a boolean/],
    [{ vpcId: 'vpc-0000000a' }, /vpcId: unknown key/],
    [[], /\(root\): expected a JSON object/],
    ['audit', /\(root\): expected a JSON object/],
    // Words a person acts on, not the validator's ("Too small: expected array to have >=1 items").
    [
      { regions: [] },
      /^invalid audit payload:\n {2}regions: give at least one region, or leave regions out for the function's own$/,
    ],
    [
      { vpcIds: [] },
      /^invalid audit payload:\n {2}vpcIds: give at least one VPC id, or leave vpcIds out to audit whole regions$/,
    ],
    [
      { accounts: [] },
      /^invalid audit payload:\n {2}accounts: give at least one account id \(or organization: true\), or leave accounts out$/,
    ],
    [
      { regions: Array(41).fill('eu-west-1') },
      /^invalid audit payload:\n {2}regions: at most 40 regions in one audit$/,
    ],
    [{ region: 'eu-west-1' }, /^invalid audit payload:\n {2}region: unknown key; did you mean regions\?$/],
    [
      { organisation: true },
      /^invalid audit payload:\n {2}organisation: unknown key; did you mean organization\?$/,
    ],
    [
      { Vpcids: ['vpc-0000000a'], zzz: 1 },
      /^invalid audit payload:\n {2}Vpcids: unknown key; did you mean vpcIds\?\n {2}zzz: unknown key$/,
    ],
    [
      { version: '0', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} },
      /^invalid audit payload:\n {2}\(root\): an EventBridge event \("Scheduled Event"\), not an audit payload: give the rule's target a constant input, e\.g\. \{"notify": true\}/,
    ],
  ])('rejects the bad payload %j with an error naming the path', async (payload, message) => {
    // Prepare
    const handler = await loadHandler();

    // Act
    const invoke = handler(payload, context);

    // Assess
    await expect(invoke).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(message),
    });
    expect(ec2).not.toHaveReceivedCommand(DescribeVpcsCommand);
  });

  it('rejects a VPC the region does not have', async () => {
    // Prepare
    region(['vpc-0000000a']);
    const handler = await loadHandler();

    // Act
    const invoke = handler({ vpcIds: ['vpc-0000000f'] }, context);

    // Assess
    await expect(invoke).rejects.toThrow(/vpc-0000000f: not a VPC of region eu-west-1/);
  });

  it('returns ASFF findings ready for BatchImportFindings', async () => {
    // Prepare
    region(['vpc-0000000a']);
    const handler = await loadHandler();

    // Act
    const result = await handler({ format: 'asff' }, context);

    // Assess
    const asff = result.findings as AsffFinding[];
    const admin = asff.find((f) => f.GeneratorId === 'vpc-guardrail/sg-open-admin-port');
    expect(admin).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      AwsAccountId: '111122223333',
      Resources: [
        { Type: 'AwsEc2SecurityGroup', Id: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0' },
      ],
    });
  });

  it('returns a SARIF log', async () => {
    // Prepare
    region(['vpc-0000000a']);
    const handler = await loadHandler();

    // Act
    const result = await handler({ format: 'sarif' }, context);

    // Assess
    expect(result.findings).toBeUndefined();
    expect(result.sarif?.version).toBe('2.1.0');
    expect(result.sarif?.runs[0]?.results.some((r) => r.ruleId === 'sg-open-admin-port')).toBe(true);
  });

  it("lists what it could not judge in the SARIF log's notifications, as the CLI does", async () => {
    // Prepare: an interface whose subnet the region listing does not hold.
    region(['vpc-0000000a']);
    ec2.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [
        {
          NetworkInterfaceId: 'eni-0lost',
          SubnetId: 'subnet-0gone',
          VpcId: 'vpc-0000000a',
          Groups: [{ GroupId: 'sg-0' }],
          Association: { PublicIp: '203.0.113.9' },
        },
      ],
    });
    const handler = await loadHandler();

    // Act
    const result = await handler({ format: 'sarif' }, context);

    // Assess: the summary's notJudged entry is also the log's notification (never a clean run).
    const lost = result.summary.notJudged.filter((n) => n.resourceId === 'eni-0lost');
    expect(lost.length).toBe(1);
    const notes = result.sarif?.runs[0]?.invocations?.[0]?.toolExecutionNotifications ?? [];
    expect(notes.map((n) => n.message.text)).toContain(`Not judged: eni-0lost: ${lost[0]?.reason}`);
  });

  it('sends no summary notice when nothing at or above notifyMinSeverity was found (no noise)', async () => {
    // Prepare: the only group is open to the world on 443 (authorized): nothing to report.
    region(['vpc-0000000a']);
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          ...openSsh('sg-0web', 'vpc-0000000a'),
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        },
      ],
    });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const handler = await loadHandler();
    // Act
    const result = await handler({ notify: true }, context);
    // Assess
    expect(result.notified).toBe(false);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    // The same region with critical findings and notifyMinSeverity critical: sent.
    region(['vpc-0000000a']);
    const strict = await loadHandler({ VPC_GUARDRAIL_CONFIG: '{"notifyMinSeverity":"critical"}' });
    expect((await strict({ notify: true }, context)).notified).toBe(true);
  });

  it('sends one summary notice when asked', async () => {
    // Prepare
    region(['vpc-0000000a', 'vpc-0000000b']);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const handler = await loadHandler();

    // Act
    const result = await handler({ notify: true }, context);

    // Assess
    expect(result.notified).toBe(true);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(TOPIC);
    expect(input?.Subject).toMatch(
      /^\[CRITICAL\] VPC Guardrail audit: \d+ findings in 111122223333 eu-west-1$/,
    );
    expect(input?.Subject?.length).toBeLessThanOrEqual(100);
    expect(input?.Message).toContain('sg-open-admin-port');
    expect(input?.MessageAttributes).toMatchObject({
      severity: { DataType: 'String', StringValue: 'critical' },
      action: { DataType: 'String', StringValue: 'notified' },
      accountId: { DataType: 'String', StringValue: '111122223333' },
      region: { DataType: 'String', StringValue: 'eu-west-1' },
      ruleIds: { DataType: 'String.Array' },
    });
    expect(JSON.parse(input?.MessageAttributes?.ruleIds?.StringValue ?? '[]')).toContain(
      'sg-open-admin-port',
    );
  });

  it('remediates what the configured mode allows when asked, with the rule ids of the group', async () => {
    // Prepare
    region(['vpc-0000000a']);
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-1',
          GroupId: 'sg-0',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          CidrIpv4: '0.0.0.0/0',
        },
      ],
    });
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const handler = await loadHandler({ VPC_GUARDRAIL_MODE: 'remediate' });

    // Act
    const result = await handler({ remediate: true }, context);

    // Assess
    expect(ec2).toHaveReceivedCommandTimes(RevokeSecurityGroupIngressCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupIngressCommand, {
      GroupId: 'sg-0',
      SecurityGroupRuleIds: ['sgr-1'],
    });
    expect(result.remediation?.[0]).toMatchObject({ region: 'eu-west-1', dryRun: false });
    expect(result.remediation?.[0]?.results.map((r) => r.status)).toEqual(['done']);
  });

  it('changes nothing when asked to remediate while the mode is notify, and says why', async () => {
    // Prepare
    region(['vpc-0000000a']);
    const handler = await loadHandler();

    // Act
    const result = await handler({ remediate: true }, context);

    // Assess
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
    expect(result.remediation?.[0]?.results).toEqual([]);
    expect(result.remediation?.[0]?.skipped.map((s) => s.resourceId)).toContain('sg-0');
  });

  /** One VPC (10.0.0.0/16) whose default NACL allows everything in and out (as AWS creates it). */
  function defaultNaclRegion(): void {
    region(['vpc-0000000a']);
    ec2.on(DescribeVpcsCommand).resolves({
      Vpcs: [{ VpcId: 'vpc-0000000a', OwnerId: '111122223333', CidrBlock: '10.0.0.0/16' }],
    });
    const all = (Egress: boolean) => [
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow' as const, Egress, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny' as const, Egress, CidrBlock: '0.0.0.0/0' },
    ];
    ec2.on(DescribeNetworkAclsCommand).resolves({
      NetworkAcls: [
        {
          NetworkAclId: 'acl-0000000a',
          VpcId: 'vpc-0000000a',
          IsDefault: true,
          Entries: [...all(false), ...all(true)],
          Associations: [],
        },
      ],
    });
  }

  const naclWrites = () =>
    ec2.commandCalls(CreateNetworkAclEntryCommand).length +
    ec2.commandCalls(DeleteNetworkAclEntryCommand).length +
    ec2.commandCalls(ReplaceNetworkAclEntryCommand).length;

  it('never changes a NACL in global remediate mode: nacl-open-admin-port is opt-in', async () => {
    // Prepare
    defaultNaclRegion();
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const handler = await loadHandler({ VPC_GUARDRAIL_MODE: 'remediate' });

    // Act
    const result = await handler({ remediate: true }, context);

    // Assess
    expect(naclWrites()).toBe(0);
    expect(result.remediation?.[0]?.skipped).toContainEqual(
      expect.objectContaining({
        resourceId: 'acl-0000000a',
        reason: 'opt-in: set rules.nacl-open-admin-port to "remediate" to enable',
      }),
    );
  });

  it('fixes the default NACL when the rule is opted in, keeping admin ports open to the VPC', async () => {
    // Prepare
    defaultNaclRegion();
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    ec2.on(CreateNetworkAclEntryCommand).resolves({});
    const handler = await loadHandler({
      VPC_GUARDRAIL_MODE: 'remediate',
      VPC_GUARDRAIL_CONFIG: JSON.stringify({ rules: { 'nacl-open-admin-port': 'remediate' } }),
    });

    // Act
    await handler({ remediate: true }, context);

    // Assess
    const created = ec2
      .commandCalls(CreateNetworkAclEntryCommand)
      .map((c) => c.args[0].input)
      .map((e) => [e.RuleNumber, e.RuleAction, e.Protocol, e.PortRange?.From, e.CidrBlock]);
    expect(created).toEqual([
      [94, 'allow', '17', 3389, '10.0.0.0/16'],
      [95, 'deny', '17', 3389, '0.0.0.0/0'],
      [96, 'allow', '6', 3389, '10.0.0.0/16'],
      [97, 'deny', '6', 3389, '0.0.0.0/0'],
      [98, 'allow', '6', 22, '10.0.0.0/16'],
      [99, 'deny', '6', 22, '0.0.0.0/0'],
    ]);
    expect(naclWrites()).toBe(6);
  });

  it('does not remediate unless the payload asks', async () => {
    // Prepare
    region(['vpc-0000000a']);
    const handler = await loadHandler({ VPC_GUARDRAIL_MODE: 'remediate' });

    // Act
    const result = await handler({}, context);

    // Assess
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
    expect(result.remediation).toBeUndefined();
  });

  it('hides unexpected failures behind a message that names the request', async () => {
    // Prepare
    region(['vpc-0000000a']);
    sns.on(PublishCommand).rejects(new Error('socket hang up at 10.0.0.1'));
    const handler = await loadHandler();

    // Act
    const invoke = handler({ notify: true }, context);

    // Assess
    await expect(invoke).rejects.toThrow("audit failed; see the function's log for request req-1");
  });

  it('fails the cold start on an invalid configuration', async () => {
    // Act
    const load = loadHandler({ VPC_GUARDRAIL_MODE: 'loud' });

    // Assess
    await expect(load).rejects.toThrow(
      /VPC_GUARDRAIL_MODE \(mode\): expected one of "notify", "remediate", "dry-run"/,
    );
  });
});
