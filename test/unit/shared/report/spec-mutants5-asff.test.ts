// Mutation checks (mutants5, /work/notes/spec-mutants.md "mutants4"): ASFF fields of
// toAsffFinding (DESIGN §16) that no other test asserted.
import { describe, expect, it } from 'vitest';
import { toAsffFinding } from '../../../../shared/report/asff';
import { makeFinding } from '../../../helpers';

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
});
