import {
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
} from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../../cli/main';
import { parseSnapshotText } from '../../../../shared/model/snapshot';
import { memoryIo } from '../../../helpers';

const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);

/** A region whose default VPC was deleted: every list empty. */
function emptyRegion(): void {
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
  ec2.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: [] });
  ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
  ec2.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [] });
  ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [] });
  ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
  ec2.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [] });
}

/** One VPC with one group open to the world on 22/tcp. */
function region(): void {
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-0000000a', OwnerId: '111122223333' }] });
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [
      {
        GroupId: 'sg-1',
        GroupName: 'ssh',
        VpcId: 'vpc-0000000a',
        OwnerId: '111122223333',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        IpPermissionsEgress: [],
      },
    ],
  });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({
    SecurityGroupRules: [
      {
        SecurityGroupRuleId: 'sgr-1',
        GroupId: 'sg-1',
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        CidrIpv4: '0.0.0.0/0',
      },
    ],
  });
  ec2.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: [] });
  ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
  ec2.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [] });
  ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [] });
  ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
  ec2.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [] });
}

describe('vpc-guardrail snapshot', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('writes the region as a snapshot on stdout and a progress line on stderr', async () => {
    // Prepare
    region();
    const { io, stdout, stderr } = memoryIo();

    // Act
    const code = await runCli(['snapshot', '--region', 'eu-west-1'], io);

    // Assess
    expect(code).toBe(0);
    const snapshot = parseSnapshotText(stdout());
    expect(snapshot).toMatchObject({ accountId: '111122223333', region: 'eu-west-1' });
    expect(snapshot.SecurityGroups.map((g) => g.GroupId)).toEqual(['sg-1']);
    expect(snapshot.SecurityGroupRules.map((r) => r.SecurityGroupRuleId)).toEqual(['sgr-1']);
    expect(stderr()).toBe(
      'loaded eu-west-1: 1 VPC, 0 subnets, 1 security group, 1 group rule, 0 network ACLs, 0 route tables, ' +
        '0 internet gateways, 0 NAT gateways, 0 VPC endpoints, 0 network interfaces\n',
    );
  });

  it('loads only the VPCs named with --vpc', async () => {
    // Prepare
    region();
    const { io } = memoryIo();

    // Act
    const code = await runCli(['snapshot', '--region', 'eu-west-1', '--vpc', 'vpc-0000000a'], io);

    // Assess
    expect(code).toBe(0);
    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupsCommand, {
      Filters: [{ Name: 'vpc-id', Values: ['vpc-0000000a'] }],
    });
  });

  it.each([
    [['snapshot'], /required option '--region <region>'/],
    [['snapshot', '--region', 'Ireland'], /--region: not a region name \("Ireland"\)/],
    [['snapshot', '--region', 'eu-west-1', '--vpc', 'subnet-1'], /--vpc: not a VPC id \("subnet-1"\)/],
  ])('exits 2 on bad options %j, before any call', async (argv, message) => {
    // Prepare
    const { io, stderr } = memoryIo();

    // Act
    const code = await runCli(argv, io);

    // Assess
    expect(code).toBe(2);
    expect(stderr()).toMatch(message);
    expect(ec2).not.toHaveReceivedCommand(DescribeVpcsCommand);
  });

  it('exits 2 naming the failed call when AWS refuses', async () => {
    // Prepare
    region();
    ec2.on(DescribeNetworkInterfacesCommand).rejects(
      new EC2ServiceException({
        name: 'UnauthorizedOperation',
        $fault: 'client',
        $metadata: {},
        message: 'denied',
      }),
    );
    const { io, stdout, stderr } = memoryIo();

    // Act
    const code = await runCli(['snapshot', '--region', 'eu-west-1'], io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toBe(
      'vpc-guardrail: cannot load eu-west-1:\n  DescribeNetworkInterfaces failed in eu-west-1: UnauthorizedOperation: denied\n',
    );
  });
});

describe("the live snapshot's account: the credentials' own", () => {
  beforeEach(() => {
    ec2.reset();
    sts.reset();
  });

  it("records the credentials' account, which no VPC names", async () => {
    // Prepare
    emptyRegion();
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
    const { io, stdout } = memoryIo();

    // Act
    const code = await runCli(['snapshot', '--region', 'us-west-1'], io);

    // Assess
    expect(code).toBe(0);
    expect(Object.keys(JSON.parse(stdout()) as object).slice(0, 2)).toEqual(['accountId', 'region']);
    expect(parseSnapshotText(stdout())).toMatchObject({ accountId: '111122223333', region: 'us-west-1' });
    expect(sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 1);
  });

  it('prints an empty ASFF array and exits 0, instead of "accountId: missing"', async () => {
    // Prepare
    emptyRegion();
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
    const { io, stdout, stderr } = memoryIo();

    // Act
    const code = await runCli(['audit', '--region', 'us-west-1', '--format', 'asff'], io);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout())).toEqual([]);
    expect(stderr()).not.toContain('ASFF (Security Hub) needs');
  });

  it("is the credentials' account, not the OwnerId of a VPC shared with it through RAM", async () => {
    // Prepare: the participant 111122223333 sees the network account's VPC (OwnerId 999988887777).
    region();
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-0000000a', OwnerId: '999988887777' }] });
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
    const { io, stdout } = memoryIo();

    // Act
    const code = await runCli(['audit', '--region', 'eu-west-1', '--format', 'asff'], io);

    // Assess: the participant's own group, under the participant's product.
    expect(code).toBe(1);
    const asff = JSON.parse(stdout()) as {
      AwsAccountId: string;
      ProductArn: string;
      Resources: { Id: string }[];
    }[];
    expect(asff.map((f) => [f.AwsAccountId, f.ProductArn])).toEqual([
      ['111122223333', 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default'],
    ]);
  });

  it("keeps the VPCs' OwnerId when STS does not answer", async () => {
    // Prepare
    region();
    sts
      .on(GetCallerIdentityCommand)
      .rejects(
        new STSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'denied' }),
      );
    const { io, stdout } = memoryIo();

    // Act
    const code = await runCli(['snapshot', '--region', 'eu-west-1'], io);

    // Assess
    expect(code).toBe(0);
    expect(parseSnapshotText(stdout())).toMatchObject({ accountId: '111122223333' });
  });

  it('stays unlabelled when STS does not answer: the snapshot is still written', async () => {
    // Prepare
    emptyRegion();
    sts.on(GetCallerIdentityCommand).rejects(
      new STSServiceException({
        name: 'ExpiredToken',
        $fault: 'client',
        $metadata: {},
        message: 'expired',
      }),
    );
    const { io, stdout } = memoryIo();

    // Act
    const code = await runCli(['snapshot', '--region', 'us-west-1'], io);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout())).not.toHaveProperty('accountId');
  });
});

describe('an error about the local credentials', () => {
  beforeEach(() => {
    ec2.reset();
    sts.reset();
  });

  /** The error the SDK's default chain throws when it finds nothing. */
  function noCredentials(): Error {
    const error = new Error('Could not load credentials from any providers');
    error.name = 'CredentialsProviderError';
    return error;
  }

  it('says what to set, after the failed call', async () => {
    // Prepare
    ec2.onAnyCommand().rejects(noCredentials());
    const { io, stdout, stderr } = memoryIo();

    // Act
    const code = await runCli(['audit', '--region', 'eu-west-1'], io);

    // Assess
    expect(code).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toMatch(
      /^vpc-guardrail: cannot load eu-west-1:\n {2}Describe\w+ failed in eu-west-1: CredentialsProviderError: Could not load credentials from any providers\n {2}no AWS credentials found: set AWS_PROFILE \(after `aws sso login` for an SSO profile\), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n$/,
    );
  });

  it('says the credentials expired, for an organization audit', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).rejects(
      new STSServiceException({
        name: 'ExpiredToken',
        $fault: 'client',
        $metadata: {},
        message: 'The security token included in the request is expired',
      }),
    );
    const { io, stderr } = memoryIo();

    // Act
    const code = await runCli(['audit', '--organization', '--regions', 'eu-west-1'], io);

    // Assess
    expect(code).toBe(2);
    expect(stderr()).toBe(
      'vpc-guardrail: cannot tell which account the local credentials belong to:\n' +
        '  ExpiredToken: The security token included in the request is expired\n' +
        '  the AWS credentials have expired: renew them (`aws sso login`, or new session credentials)\n',
    );
  });

  it('adds nothing to an error that is not about them', async () => {
    // Prepare
    region();
    ec2.on(DescribeNetworkInterfacesCommand).rejects(
      new EC2ServiceException({
        name: 'UnauthorizedOperation',
        $fault: 'client',
        $metadata: {},
        message: 'denied',
      }),
    );
    const { io, stderr } = memoryIo();

    // Act
    await runCli(['audit', '--region', 'eu-west-1'], io);

    // Assess
    expect(stderr()).toBe(
      'vpc-guardrail: cannot load eu-west-1:\n  DescribeNetworkInterfaces failed in eu-west-1: UnauthorizedOperation: denied\n',
    );
  });
});

describe('vpc-guardrail audit --region', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('audits a live region and exits 1 on a critical finding', async () => {
    // Prepare
    region();
    const { io, stdout, stderr } = memoryIo();

    // Act
    const code = await runCli(['audit', '--region', 'eu-west-1', '--format', 'json'], io);

    // Assess
    expect(code).toBe(1);
    const report = JSON.parse(stdout()) as {
      findings: { ruleId: string; resourceId: string; region: string }[];
    };
    expect(report.findings).toContainEqual(
      expect.objectContaining({ ruleId: 'sg-open-admin-port', resourceId: 'sg-1', region: 'eu-west-1' }),
    );
    expect(stderr()).toMatch(/^loaded eu-west-1: 1 VPC, /);
  });

  it('writes ASFF with the account and region of the live load', async () => {
    // Prepare
    region();
    const { io, stdout } = memoryIo();

    // Act
    await runCli(['audit', '--region', 'eu-west-1', '--format', 'asff', '--fail-on', 'none'], io);

    // Assess
    const asff = JSON.parse(stdout()) as { AwsAccountId: string; ProductArn: string; CreatedAt: string }[];
    expect(asff[0]).toMatchObject({
      AwsAccountId: '111122223333',
      ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      CreatedAt: '2026-11-25T12:00:00.000Z',
    });
  });

  it('writes SARIF naming the snapshot file as the artifact', async () => {
    // Prepare
    const snapshot = JSON.stringify({
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          VpcId: 'vpc-1',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        },
      ],
      Vpcs: [{ VpcId: 'vpc-1' }],
    });
    const { io, stdout } = memoryIo({ 'snap.json': snapshot });

    // Act
    const code = await runCli(['audit', '--snapshot', 'snap.json', '--format', 'sarif'], io);

    // Assess
    expect(code).toBe(1);
    const sarif = JSON.parse(stdout()) as {
      version: string;
      runs: { results: { ruleId: string; locations: { physicalLocation?: unknown }[] }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const result = sarif.runs[0]?.results.find((r) => r.ruleId === 'sg-open-admin-port');
    expect(result?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'snap.json' },
      region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
    });
  });

  it('exits 2 when ASFF has no account to name', async () => {
    // Prepare
    const { io, stderr } = memoryIo({ 'snap.json': '{}' });

    // Act
    const code = await runCli(['audit', '--snapshot', 'snap.json', '--format', 'asff'], io);

    // Assess
    expect(code).toBe(2);
    expect(stderr()).toBe(
      // `{}` holds nothing: said first, as a warning (DESIGN §3), then the ASFF error.
      'warning: (root): the snapshot holds no resources (every Describe* list is empty or absent)\n' +
        'vpc-guardrail: ASFF (Security Hub) needs the AWS account and region of the findings:\n' +
        '  accountId: missing (add "accountId": "123456789012" at the top level of the snapshot)\n' +
        '  region: missing (add "region": "eu-west-1" at the top level of the snapshot)\n',
    );
  });

  it.each([
    [['audit', '--snapshot', 'snap.json', '--region', 'eu-west-1'], /either --snapshot FILE or --region R/],
    [['audit', '--vpc', 'vpc-0000000a'], /--vpc needs --snapshot FILE or --region R/],
  ])('exits 2 on conflicting options %j', async (argv, message) => {
    // Prepare
    const { io, stderr } = memoryIo({ 'snap.json': '{}' });

    // Act
    const code = await runCli(argv, io);

    // Assess
    expect(code).toBe(2);
    expect(stderr()).toMatch(message);
    expect(ec2).not.toHaveReceivedCommand(DescribeVpcsCommand);
  });
});
