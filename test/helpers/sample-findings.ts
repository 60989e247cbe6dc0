import type { Finding } from '../../shared/findings';

/** Findings as the engine emits them, for the report-format tests. */
export const SAMPLE_FINDINGS: Finding[] = [
  {
    id: 'a1b2c3d4e5f60718293a',
    ruleId: 'sg-open-admin-port',
    severity: 'critical',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: 'sg-0123456789abcdef0',
    vpcId: 'vpc-0a1b2c3d',
    accountId: '111122223333',
    region: 'eu-west-1',
    title: 'Security group world-open on 22/tcp',
    detail: 'sg-0123456789abcdef0 allows 0.0.0.0/0 on 22/tcp (rule sgr-1).',
    controls: ['CIS 5.2', 'FSBP EC2.13'],
    evidence: { ports: ['22/tcp'], rules: ['sgr-1'] },
    remediation: {
      action: 'revoke-security-group-rules',
      groupId: 'sg-0123456789abcdef0',
      rules: [
        {
          direction: 'ingress',
          securityGroupRuleId: 'sgr-1',
          ipPermission: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        },
      ],
    },
    exposure: 2,
  },
  {
    id: 'ffeeddccbbaa99887766',
    ruleId: 'route-blackhole',
    severity: 'low',
    resourceType: 'AWS::EC2::RouteTable',
    resourceId: 'rtb-0a',
    vpcId: 'vpc-0a1b2c3d',
    title: 'Route in state blackhole',
    detail: 'rtb-0a routes 10.9.0.0/16 to a deleted NAT gateway.',
    controls: [],
    evidence: { destination: '10.9.0.0/16' },
    suppressed: { by: 'tag', reason: 'vpc-guardrail:exempt=route-blackhole' },
  },
  {
    id: '00112233445566778899',
    ruleId: 'vpce-policy-full-access',
    severity: 'info',
    resourceType: 'AWS::EC2::VPCEndpoint',
    resourceId: 'vpce-1',
    vpcId: 'vpc-0a1b2c3d',
    accountId: '111122223333',
    region: 'cn-north-1',
    title: 'x'.repeat(300),
    detail: 'y'.repeat(2000),
    controls: [],
    evidence: {},
    suppressed: { by: 'config', reason: 'allow-listed in configuration' },
  },
];
