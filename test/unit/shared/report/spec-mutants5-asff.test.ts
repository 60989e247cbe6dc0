// Mutation checks (mutants5, /work/notes/spec-mutants.md "mutants4"): ASFF fields of
// toAsffFinding (DESIGN §16) that no other test asserted.
import { describe, expect, it } from 'vitest';
import { toAsffFinding } from '../../../../shared/report/asff';
import { makeFinding, revokePlan } from '../../../helpers';

const ASFF = { accountId: '111122223333', region: 'eu-west-1', now: new Date('2026-01-02T00:00:00.000Z') };

describe('toAsffFinding', () => {
  it('gives the title as Description when the detail is nothing but control characters (H23)', () => {
    // Act
    const record = toAsffFinding(
      makeFinding({
        ruleId: 'sg-open-admin-port',
        resourceId: 'sg-1',
        title: 'SSH open to the internet',
        detail: '\u0001\u0002',
      }),
      ASFF,
    );

    // Assess: Security Hub rejects an empty Description.
    expect(record.Description).toBe('SSH open to the internet');
  });

  it('names the NACL entries its fix narrows, deletes and adds in the recommendation (H32)', () => {
    // Prepare
    const entry = { NetworkAclId: 'acl-1', Protocol: '6', Egress: false, PortRange: { From: 22, To: 22 } };
    const finding = makeFinding({
      ruleId: 'nacl-open-admin-port',
      resourceId: 'acl-1',
      resourceType: 'AWS::EC2::NetworkAcl',
      remediation: {
        action: 'fix-network-acl-entries',
        networkAclId: 'acl-1',
        deleteEntries: [],
        createEntries: [{ ...entry, RuleNumber: 99, RuleAction: 'deny', CidrBlock: '0.0.0.0/0' }],
        replaceEntries: [{ ...entry, RuleNumber: 100, RuleAction: 'allow', CidrBlock: '10.0.0.0/16' }],
        previousEntries: [{ ...entry, RuleNumber: 100, RuleAction: 'allow', CidrBlock: '0.0.0.0/0' }],
      },
    });

    // Act
    const record = toAsffFinding(finding, ASFF);

    // Assess
    expect(record.Remediation?.Recommendation?.Text).toBe(
      'Narrow entries 100, delete entries none and add entries 99 (deny) on acl-1 so admin ports are closed to the internet and kept open to the VPC and naclAdminSources.',
    );
  });

  it('names the security-group rules to revoke by their rule ids (H33)', () => {
    // Act
    const record = toAsffFinding(
      makeFinding({
        ruleId: 'sg-open-admin-port',
        resourceId: 'sg-1',
        remediation: revokePlan('sg-1', ['sgr-0abc', 22]),
      }),
      ASFF,
    );

    // Assess
    expect(record.Remediation?.Recommendation?.Text).toBe(
      'Revoke the world-open rules of sg-1 (sgr-0abc), or exempt the group with the vpc-guardrail:exempt tag if it is intended.',
    );
  });
});
