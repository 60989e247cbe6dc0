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

  describe('readings that must not be chosen in silence (small8)', () => {
    const FULL =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}';

    it('a key given twice is unreadable, whichever value JSON keeps', () => {
      // JSON.parse keeps the last value: Deny-then-Allow read as full access, Allow-then-Deny as
      // restricted; IAM does not document its reading, so both are said to be unreadable.
      const denyAllow =
        '{"Statement":[{"Effect":"Deny","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}';
      const allowDeny =
        '{"Statement":[{"Effect":"Allow","Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}';
      const twoStatements =
        '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}],"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}';
      expect(judgePolicy(denyAllow)).toEqual({
        kind: 'unreadable',
        reason:
          'the key Statement[0].Effect is given twice (JSON keeps the last value; which one IAM reads is not documented)',
      });
      expect(judgePolicy(allowDeny)).toMatchObject({ kind: 'unreadable' });
      expect(judgePolicy(twoStatements)).toEqual({
        kind: 'unreadable',
        reason:
          'the key Statement is given twice (JSON keeps the last value; which one IAM reads is not documented)',
      });
      const [finding] = run(vpcePolicyFullAccess, endpoint(allowDeny));
      expect(finding?.title).toBe(
        'VPC endpoint vpce-1 (com.amazonaws.eu-west-1.s3) has a policy that cannot be read',
      );
      expect(finding?.evidence.unreadablePolicy).toMatch(/^the key Statement\[0\]\.Effect is given twice/);
    });

    it('keys that differ only in case are unreadable (an error for IAM Access Analyzer)', () => {
      const clash =
        '{"Statement":[{"Effect":"Deny","effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}';
      expect(judgePolicy(clash)).toEqual({
        kind: 'unreadable',
        reason:
          'Statement[0] has keys that differ only in case, "Effect" and "effect" (IAM Access Analyzer reports them as an error; which one counts is not documented)',
      });
    });

    it('a URL-encoded document (as IAM and some tools print policies) is read by meaning', () => {
      expect(judgePolicy(encodeURIComponent(FULL))).toEqual({ kind: 'full-access', statement: 0 });
      expect(run(vpcePolicyFullAccess, endpoint(encodeURIComponent(FULL)))).toHaveLength(1);
      const narrow = FULL.replace('"Action":"*"', '"Action":"s3:GetObject"');
      expect(run(vpcePolicyFullAccess, endpoint(encodeURIComponent(narrow)))).toEqual([]);
      expect(judgePolicy('%7B%22Statement%22%3A%5B')).toMatchObject({
        kind: 'unreadable',
        reason: expect.stringMatching(/^URL-decoded, not JSON/),
      });
      expect(judgePolicy('%E0%A4%A')).toEqual({
        kind: 'unreadable',
        reason: 'URL-encoded text that does not decode',
      });
    });

    it('an Effect IAM does not read (case-sensitive "Allow"/"Deny", required) makes the policy unreadable (engine9)', () => {
      // IAM: "Valid values for Effect are Allow and Deny. The Effect value is case sensitive."
      // Read in exact case before, "allow" was no Allow: a full-access statement passed in silence.
      expect(judgePolicy(statement({ Effect: 'allow' }))).toEqual({
        kind: 'unreadable',
        reason:
          'Statement[0].Effect is a string ("allow") (IAM reads only "Allow" or "Deny", case-sensitive)',
      });
      const [finding] = run(vpcePolicyFullAccess, endpoint(statement({ Effect: 'ALLOW' })));
      expect(finding?.title).toBe(
        'VPC endpoint vpce-1 (com.amazonaws.eu-west-1.s3) has a policy that cannot be read',
      );
      // "deny" is no Deny either: read as one, the Allow beside it was judged restricted.
      const denyBeside = JSON.stringify({
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
          { Effect: 'deny', Principal: '*', Action: 's3:DeleteBucket', Resource: '*' },
        ],
      });
      expect(judgePolicy(denyBeside)).toMatchObject({
        kind: 'unreadable',
        reason: expect.stringMatching(/^Statement\[1\]\.Effect is a string \("deny"\)/),
      });
      expect(judgePolicy(statement({ Effect: undefined }))).toMatchObject({
        reason: 'Statement[0].Effect is missing (IAM reads only "Allow" or "Deny", case-sensitive)',
      });
      expect(
        judgePolicy(
          JSON.stringify({ Statement: { Effect: 'Allow ', Principal: '*', Action: '*', Resource: '*' } }),
        ),
      ).toMatchObject({ reason: expect.stringMatching(/^Statement\.Effect is a string \("Allow "\)/) });
      expect(judgePolicy(statement({ Effect: 'Allow' }))).toEqual({ kind: 'full-access', statement: 0 });
    });

    it('NotAction, NotResource and NotPrincipal carve-outs and a Condition are not full access', () => {
      for (const fields of [
        { Action: undefined, NotAction: 's3:DeleteBucket' },
        { Resource: undefined, NotResource: 'arn:aws:s3:::secret/*' },
        { Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } },
        { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-123' } } },
      ]) {
        expect(judgePolicy(statement(fields))).toEqual({ kind: 'restricted' });
      }
    });
  });
});
