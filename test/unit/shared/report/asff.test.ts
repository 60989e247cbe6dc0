import { describe, expect, it } from 'vitest';
import { batchImportRequests, defaultProductArn, partitionOf, toAsff } from '../../../../shared/report/asff';
import { SAMPLE_FINDINGS } from '../../../helpers';

// The required top-level ASFF attributes for BatchImportFindings (AWS Security Hub user guide,
// "Required top-level ASFF attributes"), and the required fields of a Resource.
const REQUIRED_TOP_LEVEL = [
  'AwsAccountId',
  'CreatedAt',
  'Description',
  'GeneratorId',
  'Id',
  'ProductArn',
  'Resources',
  'SchemaVersion',
  'Severity',
  'Title',
  'Types',
  'UpdatedAt',
];
const REQUIRED_RESOURCE = ['Id', 'Type'];
const TYPE_NAMESPACES = [
  'Software and Configuration Checks',
  'TTPs',
  'Effects',
  'Unusual Behaviors',
  'Sensitive Data Identifications',
];
const LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

const NOW = new Date('2025-06-01T12:00:00.000Z');
const options = { accountId: '444455556666', region: 'us-east-1', now: NOW };

describe('toAsff', () => {
  const findings = toAsff(SAMPLE_FINDINGS, options);

  it('carries every attribute BatchImportFindings requires, within its limits', () => {
    // Assess
    expect(findings).toHaveLength(3);
    for (const finding of findings) {
      const record = finding as unknown as Record<string, unknown>;
      expect(REQUIRED_TOP_LEVEL.filter((key) => record[key] === undefined || record[key] === '')).toEqual([]);
      expect(finding.SchemaVersion).toBe('2018-10-08');
      expect(finding.Resources.length).toBeGreaterThan(0);
      for (const resource of finding.Resources) {
        const r = resource as unknown as Record<string, unknown>;
        expect(REQUIRED_RESOURCE.filter((key) => typeof r[key] !== 'string' || r[key] === '')).toEqual([]);
      }
      expect(LABELS).toContain(finding.Severity.Label);
      for (const type of finding.Types) {
        const [namespace, category, classifier, ...rest] = type.split('/');
        expect(TYPE_NAMESPACES).toContain(namespace);
        expect(category && classifier && rest.length === 0).toBeTruthy();
      }
      expect(finding.Title.length).toBeLessThanOrEqual(256);
      expect(finding.Description.length).toBeLessThanOrEqual(1024);
      expect(finding.Id.length).toBeLessThanOrEqual(512);
      expect(finding.Remediation?.Recommendation.Text.length ?? 0).toBeLessThanOrEqual(512);
      expect(finding.CreatedAt).toBe('2025-06-01T12:00:00.000Z');
      expect(finding.UpdatedAt).toBe('2025-06-01T12:00:00.000Z');
    }
  });

  it('describes a security-group finding with its ARN, severity, controls and fix', () => {
    // Assess
    expect(findings[0]).toMatchObject({
      Id: 'vpc-guardrail/111122223333/eu-west-1/sg-open-admin-port/sg-0123456789abcdef0',
      ProductArn: 'arn:aws:securityhub:us-east-1:444455556666:product/444455556666/default',
      GeneratorId: 'vpc-guardrail/sg-open-admin-port',
      AwsAccountId: '111122223333',
      Region: 'eu-west-1',
      Severity: { Label: 'CRITICAL', Original: 'critical' },
      Resources: [
        {
          Type: 'AwsEc2SecurityGroup',
          Id: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0',
          Partition: 'aws',
          Region: 'eu-west-1',
          Details: { Other: { VpcId: 'vpc-0a1b2c3d' } },
        },
      ],
      Compliance: { Status: 'FAILED', RelatedRequirements: ['CIS 5.2', 'FSBP EC2.13'] },
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
      ProductFields: { 'vpc-guardrail/RuleId': 'sg-open-admin-port', 'vpc-guardrail/Exposure': '2' },
    });
    expect(findings[0]?.Types).toEqual([
      'Software and Configuration Checks/AWS Security Best Practices/Network Reachability',
      'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark',
    ]);
    expect(findings[0]?.Remediation?.Recommendation.Text).toContain('sgr-1');
  });

  it("repeats Severity and Types under FindingProviderFields (what an import's update reaches)", () => {
    for (const record of findings) {
      expect(record.FindingProviderFields).toEqual({ Severity: record.Severity, Types: record.Types });
    }
    expect(findings[0]?.FindingProviderFields.Severity).toEqual({ Label: 'CRITICAL', Original: 'critical' });
  });

  it('fills account and region from the options when the finding has none, and marks suppressions', () => {
    // Assess
    expect(findings[1]).toMatchObject({
      AwsAccountId: '444455556666',
      Region: 'us-east-1',
      Severity: { Label: 'LOW' },
      Resources: [{ Type: 'AwsEc2RouteTable', Id: 'arn:aws:ec2:us-east-1:444455556666:route-table/rtb-0a' }],
      Workflow: { Status: 'SUPPRESSED' },
      ProductFields: { 'vpc-guardrail/SuppressedBy': 'tag' },
    });
    expect(findings[1]?.Compliance).toBeUndefined();
  });

  it('uses the partition of the region and caps long text', () => {
    // Assess
    expect(findings[2]?.Resources[0]).toMatchObject({
      Type: 'Other',
      Id: 'arn:aws-cn:ec2:cn-north-1:111122223333:vpc-endpoint/vpce-1',
      Partition: 'aws-cn',
    });
    expect(findings[2]?.Title).toHaveLength(256);
    expect(findings[2]?.Title.endsWith('…')).toBe(true);
    expect(findings[2]?.Description).toHaveLength(1024);
    expect(findings[2]?.Severity.Label).toBe('INFORMATIONAL');
  });

  it('splits findings into BatchImportFindings requests of at most 100', () => {
    // Prepare
    const many = toAsff(
      Array.from(
        { length: 250 },
        (_, i) => ({ ...SAMPLE_FINDINGS[1], id: `id-${i}` }) as (typeof SAMPLE_FINDINGS)[number],
      ),
      options,
    );

    // Act
    const requests = batchImportRequests(many);

    // Assess
    expect(requests.map((r) => r.Findings.length)).toEqual([100, 100, 50]);
  });

  it('knows the partitions and the default product ARN', () => {
    // Assess
    expect(['us-east-1', 'cn-northwest-1', 'us-gov-west-1'].map(partitionOf)).toEqual([
      'aws',
      'aws-cn',
      'aws-us-gov',
    ]);
    expect(defaultProductArn('us-gov-west-1', '123456789012')).toBe(
      'arn:aws-us-gov:securityhub:us-gov-west-1:123456789012:product/123456789012/default',
    );
  });
});
