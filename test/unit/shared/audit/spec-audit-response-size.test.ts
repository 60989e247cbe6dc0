import { EC2Client, type SecurityGroup, type SecurityGroupRule } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { parseAuditPayload } from '../../../../shared/audit/payload';
import { runAudit } from '../../../../shared/audit/pipeline';
import type { Finding } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import type { AsffFinding } from '../../../../shared/report/asff';
import { mockRegion } from '../../../helpers';

// README "An audit on demand": "Above Lambda's 6 MB response limit, the most severe findings that
// fit are returned with `truncated: { returned, total }` (the `summary` still counts all)." Untested
// before: an answer over the limit fails the invocation (the whole audit lost), and a cut that
// kept the wrong end would drop the critical findings from the answer in silence.

const ACCOUNT = '111122223333';
/** Lambda's limit for a synchronous response (6 MB). */
const LAMBDA_RESPONSE_MAX_BYTES = 6_291_456;
const VPC = 'vpc-0000000a';

function openGroup(groupId: string, port: number): { group: SecurityGroup; rules: SecurityGroupRule[] } {
  return {
    group: {
      GroupId: groupId,
      GroupName: groupId,
      VpcId: VPC,
      OwnerId: ACCOUNT,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
      IpPermissionsEgress: [],
    },
    rules: [
      {
        SecurityGroupRuleId: `sgr-${groupId.slice(3)}`,
        GroupId: groupId,
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: port,
        ToPort: port,
        CidrIpv4: '0.0.0.0/0',
      },
    ],
  };
}

/** A region of 5,600 groups open to the world on 8080 (high), listed before 3 open on 22 (critical). */
function bigRegion(): EC2Client {
  const client = new EC2Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  const groups = [
    ...Array.from({ length: 5600 }, (_, i) => openGroup(`sg-h${String(i).padStart(6, '0')}`, 8080)),
    ...Array.from({ length: 3 }, (_, i) => openGroup(`sg-c${String(i).padStart(6, '0')}`, 22)),
  ];
  mockRegion(mockClient(client), VPC, groups, ACCOUNT);
  return client;
}

describe('README "An audit on demand": an answer above Lambda\'s response limit', () => {
  it.each([['json'], ['asff']])(
    'format %s: returns the most severe findings that fit, says how many of how many, and counts all in the summary',
    async (format) => {
      // Prepare
      const client = bigRegion();

      // Act
      const result = await runAudit(parseAuditPayload({ format }), {
        config: parseConfig({}),
        accountId: ACCOUNT,
        homeRegion: 'eu-west-1',
        ec2For: () => client,
        now: () => new Date('2026-12-07T12:00:00Z'),
      });

      // Assess: within the limit, cut, and the cut keeps the critical findings.
      expect(Buffer.byteLength(JSON.stringify(result), 'utf8')).toBeLessThanOrEqual(
        LAMBDA_RESPONSE_MAX_BYTES,
      );
      expect(result.summary.total).toBe(5603);
      const returned = result.findings ?? [];
      expect(result.truncated).toEqual({ returned: returned.length, total: 5603 });
      expect(returned.length).toBeGreaterThan(0);
      expect(returned.length).toBeLessThan(5603);
      const critical =
        format === 'json'
          ? (returned as Finding[]).filter((f) => f.severity === 'critical').map((f) => f.resourceId)
          : (returned as AsffFinding[])
              .filter((r) => r.Severity.Label === 'CRITICAL')
              .map((r) => r.Resources[0]?.Id.split('/').pop());
      expect(critical.sort()).toEqual(['sg-c000000', 'sg-c000001', 'sg-c000002']);
    },
  );
});
