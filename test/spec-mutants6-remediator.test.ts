// Mutation checks of the verified revoke (shared/aws/remediator.ts, shared/aws/present-rules.ts)
// left open by the first round (R42, R55): DESIGN §3 accepts a protocol name in any case ("TCP"),
// so a plan can carry one written so; EC2 lists and echoes names in lower case. A revoke's outcome
// must match the plan's permission to EC2's answer whatever the case (DESIGN §8 "Verified
// outcome"): a permission EC2 did not know is never "done", and one still listed is never gone.
import {
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { executeActions } from '../shared/aws/remediator';
import type { PlannedAction } from '../shared/remediation/types';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-1' });

function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

const ssh = { IpProtocol: 'TCP', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
const rdp = { IpProtocol: 'TCP', FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
const action: PlannedAction = {
  action: 'RevokeSecurityGroupIngress',
  parameters: { GroupId: 'sg-1', IpPermissions: [ssh, rdp] },
  findingIds: ['f1'],
  revoked: [ssh, rdp],
};

describe('a revoke by permissions whose protocol the plan writes in upper case', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('says done only for the permission removed: the one EC2 echoes unknown, in lower case, is already done (R42)', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({
      Return: true,
      UnknownIpPermissions: [
        { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      ],
    });
    const results = await executeActions(ec2, { dryRun: false, actions: [action], skipped: [] });
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['done', { GroupId: 'sg-1', IpPermissions: [ssh] }],
      ['already-done', { GroupId: 'sg-1', IpPermissions: [rdp] }],
    ]);
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
  });

  it('after a NotFound, finds the rule EC2 still lists in lower case present and revokes it again, never reported gone (R55)', async () => {
    // A concurrent batch removed 22/tcp; 3389/tcp from ::/0 is still open.
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidPermission.NotFound'))
      .resolves({ Return: true });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        {
          GroupId: 'sg-1',
          IsEgress: false,
          SecurityGroupRuleId: 'sgr-rdp',
          IpProtocol: 'tcp',
          FromPort: 3389,
          ToPort: 3389,
          CidrIpv6: '::/0',
        },
      ],
    });
    const results = await executeActions(ec2, { dryRun: false, actions: [action], skipped: [] });
    expect(ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([
      { GroupId: 'sg-1', IpPermissions: [ssh, rdp] },
      { GroupId: 'sg-1', IpPermissions: [rdp] },
    ]);
    expect(results.map((r) => [r.status, r.action.parameters])).toEqual([
      ['already-done', { GroupId: 'sg-1', IpPermissions: [ssh] }],
      ['done', { GroupId: 'sg-1', IpPermissions: [rdp] }],
    ]);
  });
});
