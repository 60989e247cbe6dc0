import { describe, expect, it } from 'vitest';
import { allowAllWorldEntryRecord, naclEntryAction, simulate, worldSnapshot } from '../helpers';

// DESIGN §8 "NACL precision": "if every one of them permits nothing but admin ports (e.g. `allow tcp
// 22 0.0.0.0/0`), narrow each … otherwise insert … a deny entry … — the other ports the contributing
// entries allow keep working". An entry one port wider than the admin port is not admin-only: narrowing
// it would cut the world off its other port too. The boundary was unpinned (a `<=` in place of `<`
// in adminOnly passed every test).

const ACL = 'acl-0default';
const VPC_BLOCK = '10.0.0.0/16';
const optIn = { rules: { 'nacl-open-admin-port': 'remediate' } };

/** Remediate-mode simulate of an entry event on a NACL whose only inbound allow is `entry`. */
async function fixOf(protocol: '6' | '17', from: number, to: number) {
  const snapshot = worldSnapshot({
    rules: [],
    naclIngress: [{ rule: 100, protocol, from, to, cidr: '0.0.0.0/0' }],
  });
  return simulate(allowAllWorldEntryRecord(ACL), snapshot, { mode: 'remediate', config: optIn });
}

describe('§8 NACL precision: which contributing entries are admin-only', () => {
  it('narrows `allow tcp 22 0.0.0.0/0` in place: it permits nothing but the admin port', async () => {
    // Act
    const report = await fixOf('6', 22, 22);
    // Assess
    expect(report.actions).toEqual([
      naclEntryAction(ACL, 'ReplaceNetworkAclEntry', 100, 'allow', '6', 22, VPC_BLOCK),
    ]);
  });

  it('denies 22 before `allow tcp 22-23 0.0.0.0/0` and leaves the entry (23 keeps working from the world)', async () => {
    const report = await fixOf('6', 22, 23);
    expect(report.actions).toEqual([
      naclEntryAction(ACL, 'CreateNetworkAclEntry', 98, 'allow', '6', 22, VPC_BLOCK),
      naclEntryAction(ACL, 'CreateNetworkAclEntry', 99, 'deny', '6', 22, '0.0.0.0/0'),
    ]);
  });

  it('denies 22 before `allow tcp 21-22 0.0.0.0/0` (one port below the admin port)', async () => {
    const report = await fixOf('6', 21, 22);
    expect(report.actions).toEqual([
      naclEntryAction(ACL, 'CreateNetworkAclEntry', 98, 'allow', '6', 22, VPC_BLOCK),
      naclEntryAction(ACL, 'CreateNetworkAclEntry', 99, 'deny', '6', 22, '0.0.0.0/0'),
    ]);
  });

  it('denies 3389/udp before `allow udp 3389-3390 0.0.0.0/0`, never narrowing it', async () => {
    const report = await fixOf('17', 3389, 3390);
    expect(report.actions).toEqual([
      naclEntryAction(ACL, 'CreateNetworkAclEntry', 98, 'allow', '17', 3389, VPC_BLOCK),
      naclEntryAction(ACL, 'CreateNetworkAclEntry', 99, 'deny', '17', 3389, '0.0.0.0/0'),
    ]);
    expect(report.actions.map((a) => a.action)).not.toContain('ReplaceNetworkAclEntry');
  });
});
