import { describe, expect, it } from 'vitest';
import { judgePolicy, vpcePolicyFullAccess } from '../../../../shared/rules/vpce-policy-full-access';
import { ec2Fixture, run } from '../../../helpers';

const statement = (fields: Record<string, unknown>) =>
  JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*', ...fields }] });

function endpoint(policy: string | undefined) {
  return {
    VpcEndpoints: [
      {
        VpcEndpointId: 'vpce-1',
        VpcId: 'vpc-1',
        ServiceName: 'com.amazonaws.eu-west-1.s3',
        ...(policy === undefined ? {} : { PolicyDocument: policy }),
      },
    ],
  };
}

describe('vpce-policy-full-access', () => {
  it('real responses: the default full-access policies fire, pretty-printed or not; the GWLB endpoint without a policy does not', () => {
    const a = run(vpcePolicyFullAccess, ec2Fixture('DescribeVpcEndpoints--gateway-and-interface-placebo'));
    const b = run(
      vpcePolicyFullAccess,
      ec2Fixture('DescribeVpcEndpoints--awscli-example-gateway-interface-gwlb'),
    );
    expect(a.map((f) => f.resourceId).sort()).toEqual([
      'vpce-04a4c8e2145cb966e',
      'vpce-08ff0494faf0210d3',
      'vpce-0bc8bcfcc74fa2db9',
    ]);
    expect(b.map((f) => f.resourceId).sort()).toEqual(['vpce-032a826a', 'vpce-0f89a33420c1931d7']);
    expect(a[0]).toMatchObject({ severity: 'low', resourceType: 'AWS::EC2::VPCEndpoint' });
  });

  it.each([
    ['{"AWS": "*"}', { Principal: { AWS: '*' } }],
    ['{"AWS": ["*"]}', { Principal: { AWS: ['*'] } }],
    ['["*"] everywhere', { Principal: ['*'], Action: ['*'], Resource: ['*'] }],
    ['an empty Condition block', { Condition: {} }],
  ])('compares meaning: %s is full access', (_label, fields) => {
    expect(run(vpcePolicyFullAccess, endpoint(statement(fields)))).toHaveLength(1);
  });

  it.each([
    ['a named principal', { Principal: { AWS: 'arn:aws:iam::111122223333:root' } }],
    ['s3:GetObject only', { Action: 's3:GetObject' }],
    ['one bucket', { Resource: 'arn:aws:s3:::my-bucket/*' }],
    ['a condition', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-123' } } }],
    ['Deny', { Effect: 'Deny' }],
    ['NotAction', { Action: undefined, NotAction: 's3:DeleteBucket' }],
  ])('does not fire for %s', (_label, fields) => {
    expect(run(vpcePolicyFullAccess, endpoint(statement(fields)))).toEqual([]);
  });

  it('does not fire for an endpoint without a policy document', () => {
    expect(run(vpcePolicyFullAccess, endpoint(undefined))).toEqual([]);
  });

  it('reports a policy that is not JSON as unreadable rather than skipping it', () => {
    // Act
    const result = run(vpcePolicyFullAccess, endpoint('{"Statement": [ truncated'));
    // Assess
    expect(result).toHaveLength(1);
    expect(result[0]?.title).toContain('cannot be read');
    expect(result[0]?.evidence.unreadablePolicy).toMatch(/^not JSON/);
    expect(judgePolicy('[]')).toEqual({ kind: 'unreadable', reason: 'not a JSON object' });
  });

  it('reads a single statement object as well as a list', () => {
    const single = JSON.stringify({
      Statement: { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
    });
    expect(judgePolicy(single)).toEqual({ kind: 'full-access', statement: 0 });
  });
});
