import { describe, expect, it } from 'vitest';
import { audit, entry, nacl } from '../../../helpers';

// DESIGN §5 "Readings": unassociated NACLs are evaluated too, with "not associated" in the
// evidence. nacl-open-admin-port and nacl-broad-public-source had tests for it; the return-path
// rule (which says it the same way) had none.
describe('nacl-ephemeral-return-blocked on a NACL associated with no subnet (DESIGN §5)', () => {
  it('is evaluated, and its evidence and detail say "not associated"', () => {
    // Prepare: https served inbound and called outbound, with no return range either way.
    const acl = nacl(
      'acl-1',
      [
        entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
        entry(100, 'out', 'allow', '6', '0.0.0.0/0', [443, 443]),
      ],
      { subnetIds: [] },
    );
    // Act
    const findings = audit({ NetworkAcls: [acl] }, { rules: ['nacl-ephemeral-return-blocked'] });
    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence).toMatchObject({
      ports: ['1024-3388/tcp', '3390-65535/tcp'],
      associated: false,
      subnetIds: [],
      association: 'not associated',
    });
    expect(findings[0]?.detail).toMatch(/^Network ACL acl-1 \(not associated\): /);
  });
});
