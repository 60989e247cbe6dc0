import {
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { parseAuditPayload } from '../../../../shared/audit/payload';
import { type AuditDeps, runAudit } from '../../../../shared/audit/pipeline';
import type { AuditTarget } from '../../../../shared/audit/types';
import type { Finding } from '../../../../shared/findings';
import { parseConfig } from '../../../../shared/load-config';
import type { Notice } from '../../../../shared/notify/notice';
import { type Ec2Mock, mockRegion, sshGroup } from '../../../helpers';

// Spec conformance, DESIGN §13: "AWS faults (throttling, access denied, not found, timeouts,
// partial pages) … none leads to a wrong remediation or a lost notification", on the audit path
// (§15: "errors per account-region are listed while the rest is reported"). The event path has its
// own (acceptance/events-review-faults.test.ts). A region whose second page of groups fails must
// not be judged from its first page: that would report it clean of the groups it never read, and
// remediate on half a region.

const ACCOUNT = '111122223333';
const VPC = 'vpc-0000000a';

/** The SDK's errors as they reach the loader once its retries are spent. */
const FAULTS = [
  ['throttled past the retries', 'ThrottlingException', 'Rate exceeded'],
  ['denied', 'UnauthorizedOperation', 'You are not authorized to perform this operation.'],
  ['timing out', 'TimeoutError', 'socket timed out'],
] as const;

/**
 * eu-west-1: two pages of groups, the first with a world-open SSH group, the second failing with
 * the fault; us-east-1: one world-open SSH group, read whole. Every client answers revokes.
 */
function regions(code: string, message: string) {
  const clients = new Map<string, Ec2Mock>();
  const ec2For = (target: AuditTarget): EC2Client => {
    const client = new EC2Client({
      region: target.region,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const mock = mockClient(client);
    clients.set(target.region, mock);
    mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    if (target.region === 'us-east-1') {
      mockRegion(mock, VPC, [sshGroup('sg-east', VPC, ['0.0.0.0/0'])], ACCOUNT);
      return client;
    }
    const first = sshGroup('sg-page1', VPC, ['0.0.0.0/0']);
    mockRegion(mock, VPC, [first], ACCOUNT);
    mock
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [first.group], NextToken: 'p2' })
      .on(DescribeSecurityGroupsCommand, { NextToken: 'p2' })
      .rejects(Object.assign(new Error(message), { name: code, $fault: 'client', $metadata: {} }));
    return client;
  };
  return { ec2For, clients };
}

function deps(ec2For: AuditDeps['ec2For'], published: Notice[]): AuditDeps {
  return {
    config: parseConfig({ mode: 'remediate' }),
    accountId: ACCOUNT,
    homeRegion: 'eu-west-1',
    ec2For,
    publish: async (notice) => {
      published.push(notice);
    },
    now: () => new Date('2026-12-07T12:00:00Z'),
  };
}

describe('spec §13/§15: an audit meeting an AWS fault on a later page', () => {
  it.each(FAULTS)(
    '%s: lists the region, judges and fixes nothing of it, reports and fixes the other, and notifies',
    async (_name, code, message) => {
      // Prepare
      const published: Notice[] = [];
      const { ec2For, clients } = regions(code, message);

      // Act
      const result = await runAudit(
        parseAuditPayload({ regions: ['eu-west-1', 'us-east-1'], remediate: true, notify: true }),
        deps(ec2For, published),
      );

      // Assess: the failing region is an error entry naming the call, with no coverage of its own…
      expect(result.errors).toEqual([
        {
          region: 'eu-west-1',
          operation: 'DescribeSecurityGroups',
          code,
          message: expect.stringContaining(`DescribeSecurityGroups failed in eu-west-1: ${code}`),
        },
      ]);
      expect(result.regions.map((r) => r.region)).toEqual(['us-east-1']);
      // …no finding from its first page, and no write in it…
      const findings = result.findings as Finding[];
      expect(findings.some((f) => f.resourceId === 'sg-page1')).toBe(false);
      expect(
        findings.filter((f) => f.ruleId === 'sg-open-admin-port').map((f) => [f.resourceId, f.region]),
      ).toEqual([['sg-east', 'us-east-1']]);
      expect(clients.get('eu-west-1')?.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
      expect(clients.get('us-east-1')?.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
      // …and one notice that says the region was not evaluated (at least high: a critical/high
      // filter still gets it).
      expect(result.notified).toBe(true);
      expect(published).toHaveLength(1);
      expect(published[0]?.message).toContain('eu-west-1');
      expect(published[0]?.message).toContain(code);
      expect(['critical', 'high']).toContain(published[0]?.attributes.severity?.StringValue);
    },
  );
});
