import { describe, expect, it } from 'vitest';
import { judgePolicy, vpcePolicyFullAccess } from '../../../../shared/rules/vpce-policy-full-access';
import { run } from '../../../helpers';

// IAM's policy element reference: "Some JSON policy elements are mutually exclusive ... you cannot
// use both Action and NotAction in the same policy statement. Other pairs that are mutually
// exclusive include Principal/NotPrincipal and Resource/NotResource." Such a policy is not one IAM
// reads, so its meaning is unknown: the "cannot be read" finding, as for other unreadable policies.
const allowAll = { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' };

function endpoint(statements: Record<string, unknown>[]) {
  return {
    VpcEndpoints: [
      {
        VpcEndpointId: 'vpce-1',
        VpcId: 'vpc-1',
        ServiceName: 'com.amazonaws.eu-west-1.s3',
        PolicyDocument: JSON.stringify({ Version: '2008-10-17', Statement: statements }),
      },
    ],
  };
}

describe('vpce-policy-full-access: a statement with both an element and its Not form (DESIGN §5, IAM)', () => {
  it('Resource "*" beside NotResource is unreadable, not full access', () => {
    // Prepare
    const snapshot = endpoint([{ ...allowAll, NotResource: 'arn:aws:s3:::secret-bucket/*' }]);
    // Act
    const findings = run(vpcePolicyFullAccess, snapshot);
    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]?.title).toBe(
      'VPC endpoint vpce-1 (com.amazonaws.eu-west-1.s3) has a policy that cannot be read',
    );
    expect(findings[0]?.evidence.unreadablePolicy).toBe(
      'Statement[0] has both Resource and NotResource (IAM refuses a statement with both)',
    );
  });

  it.each([
    ['Action', 'NotAction', { NotAction: 's3:DeleteBucket' }],
    ['Principal', 'NotPrincipal', { NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } }],
  ])('%s beside %s is unreadable', (element, not, extra) => {
    expect(judgePolicy(JSON.stringify({ Statement: [{ ...allowAll, ...extra }] }))).toEqual({
      kind: 'unreadable',
      reason: `Statement[0] has both ${element} and ${not} (IAM refuses a statement with both)`,
    });
  });

  it('names the statement when Statement is one object, and finds the pair in a later Deny statement too', () => {
    expect(
      judgePolicy(JSON.stringify({ Statement: { ...allowAll, NotResource: 'arn:aws:s3:::b' } })),
    ).toEqual({
      kind: 'unreadable',
      reason: 'Statement has both Resource and NotResource (IAM refuses a statement with both)',
    });
    // A Deny beside made the policy "restricted" before: a Deny IAM would refuse restricts nothing.
    const policy = JSON.stringify({
      Statement: [
        allowAll,
        { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', NotResource: 'x' },
      ],
    });
    expect(judgePolicy(policy)).toEqual({
      kind: 'unreadable',
      reason: 'Statement[1] has both Resource and NotResource (IAM refuses a statement with both)',
    });
  });

  it('a lone NotResource stays a carve-out (restricted), and the plain default stays full access', () => {
    const { Resource: _resource, ...noResource } = allowAll;
    expect(judgePolicy(JSON.stringify({ Statement: [{ ...noResource, NotResource: 'x' }] }))).toEqual({
      kind: 'restricted',
    });
    expect(judgePolicy(JSON.stringify({ Statement: [allowAll] }))).toEqual({
      kind: 'full-access',
      statement: 0,
    });
  });
});
