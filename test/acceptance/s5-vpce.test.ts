import { describe, expect, it } from 'vitest';
import { audit, triples } from '../helpers';

function endpoint(id: string, policy: unknown) {
  return {
    VpcEndpointId: id,
    VpcEndpointType: 'Gateway',
    VpcId: 'vpc-1',
    ServiceName: 'com.amazonaws.eu-west-1.s3',
    State: 'available',
    ...(policy === undefined
      ? {}
      : { PolicyDocument: typeof policy === 'string' ? policy : JSON.stringify(policy) }),
    RouteTableIds: ['rtb-1'],
    SubnetIds: [],
    Groups: [],
    PrivateDnsEnabled: false,
    RequesterManaged: false,
    NetworkInterfaceIds: [],
    DnsEntries: [],
    CreationTimestamp: '2024-01-01T00:00:00.000Z',
    OwnerId: '111122223333',
  };
}

function flagged(policy: unknown): boolean {
  const findings = audit(
    { VpcEndpoints: [endpoint('vpce-1', policy)] },
    { rules: ['vpce-policy-full-access'] },
  );
  return findings.length > 0;
}

const allow = (fields: Record<string, unknown>) => ({
  Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*', ...fields }],
});

describe('vpce-policy-full-access: meaning, not text (DESIGN §5)', () => {
  it("AWS's default policy fires low on the endpoint", () => {
    const findings = audit(
      {
        VpcEndpoints: [
          endpoint('vpce-1', {
            Statement: [{ Action: '*', Effect: 'Allow', Principal: '*', Resource: '*' }],
          }),
        ],
      },
      { rules: ['vpce-policy-full-access'] },
    );
    expect(triples(findings)).toEqual([['vpce-policy-full-access', 'vpce-1', 'low', undefined]]);
    expect(findings[0]?.resourceType).toBe('AWS::EC2::VPCEndpoint');
    expect(findings[0]?.vpcId).toBe('vpc-1');
  });

  it('pretty-printed with a Version, as EC2 returns it', () => {
    const text =
      '{\n  "Version": "2008-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": "*",\n      "Action": "*",\n      "Resource": "*"\n    }\n  ]\n}';
    expect(flagged(text)).toBe(true);
  });

  it.each([
    ['{"AWS":"*"}', { Principal: { AWS: '*' } }],
    ['{"AWS":["*"]}', { Principal: { AWS: ['*'] } }],
    ['["*"] principal', { Principal: ['*'] }],
    ['Action ["*"]', { Action: ['*'] }],
    ['Resource ["*"]', { Resource: ['*'] }],
    [
      'lists holding "*" among others',
      { Action: ['s3:GetObject', '*'], Resource: ['arn:aws:s3:::b/*', '*'] },
    ],
    ['an empty Condition', { Condition: {} }],
  ])('counts %s as full access', (_name, fields) => {
    expect(flagged(allow(fields))).toBe(true);
  });

  it.each([
    ['a named principal', { Principal: { AWS: 'arn:aws:iam::111122223333:root' } }],
    ['one action', { Action: 's3:GetObject' }],
    ['a service wildcard', { Action: 's3:*' }],
    ['one bucket', { Resource: ['arn:aws:s3:::my-bucket', 'arn:aws:s3:::my-bucket/*'] }],
    ['a condition', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }],
    ['Effect Deny', { Effect: 'Deny' }],
    ['NotAction', { Action: undefined, NotAction: 's3:DeleteBucket' }],
  ])('does not count %s as full access', (_name, fields) => {
    expect(flagged(allow(fields))).toBe(false);
  });

  it('an Allow-everything statement with a Deny statement is not full access', () => {
    const policy = {
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          NotResource: ['arn:aws:s3:::my-bucket', 'arn:aws:s3:::my-bucket/*'],
        },
      ],
    };
    expect(flagged(policy)).toBe(false);
  });

  it('one full-access statement among restricted ones fires', () => {
    const policy = {
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Allow', Principal: { AWS: '*' }, Action: ['*'], Resource: '*' },
      ],
    };
    expect(flagged(policy)).toBe(true);
  });

  it('an endpoint without a policy document is not flagged', () => {
    expect(flagged(undefined)).toBe(false);
  });

  it('a policy given as an object rather than JSON text is read by meaning too', () => {
    // Prepare: a hand-made snapshot (or CloudFormation's PolicyDocument) holds the object itself.
    const asObject = (policy: Record<string, unknown>) => ({
      VpcEndpoints: [{ ...endpoint('vpce-1', undefined), PolicyDocument: policy }],
    });
    // Act
    const full = audit(
      asObject({ Statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: '*', Resource: ['*'] } }),
      {
        rules: ['vpce-policy-full-access'],
      },
    );
    const narrow = audit(asObject(allow({ Action: 's3:GetObject' })), { rules: ['vpce-policy-full-access'] });
    // Assess
    expect(triples(full)).toEqual([['vpce-policy-full-access', 'vpce-1', 'low', undefined]]);
    expect(narrow).toEqual([]);
  });

  it('a policy that is neither text nor an object is an input error naming its path', () => {
    const snapshot = { VpcEndpoints: [{ ...endpoint('vpce-1', undefined), PolicyDocument: [allow({})] }] };
    expect(() => audit(snapshot)).toThrow(
      'VpcEndpoints[0].PolicyDocument: expected a policy document (JSON text, or the policy object itself), got an array',
    );
  });
});
