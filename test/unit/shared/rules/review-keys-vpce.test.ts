import { describe, expect, it } from 'vitest';
import { judgePolicy } from '../../../../shared/rules/vpce-policy-full-access';

// Review of vpce-policy-full-access's Not-form pairs (IAM policy element reference: Action /
// NotAction, Principal / NotPrincipal, Resource / NotResource are mutually exclusive). A policy
// object built in code (a snapshot handed to the engine as an object) may carry an element whose
// value is `undefined`: JSON has no such value, so the element is absent — the object must be
// judged as its JSON text is, as the rest of the rule reads `s.Action` (undefined: not `*`).

const allowAll = { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' };

describe('an element whose value is undefined is absent, not one of a pair', () => {
  it.each([
    ['Action', { Action: undefined, NotAction: 's3:DeleteBucket' }],
    ['Resource', { Resource: undefined, NotResource: 'arn:aws:s3:::secret/*' }],
    ['Principal', { Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } }],
  ])('%s: undefined beside its Not form is the carve-out its JSON text is', (_element, fields) => {
    const statement = { ...allowAll, ...fields };
    const asObject = judgePolicy({ Statement: [statement] });
    expect(asObject).toEqual(judgePolicy(JSON.stringify({ Statement: [statement] })));
    expect(asObject).toEqual({ kind: 'restricted' });
  });

  it('a Not form whose value is undefined beside Resource "*" leaves full access', () => {
    expect(judgePolicy({ Statement: { ...allowAll, NotResource: undefined } })).toEqual({
      kind: 'full-access',
      statement: 0,
    });
  });

  it('both given (null included: IAM refuses it as a value) stays unreadable, in any statement of a list', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a/*' },
        { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', NotResource: null },
      ],
    });
    expect(judgePolicy(text)).toEqual({
      kind: 'unreadable',
      reason: 'Statement[1] has both Resource and NotResource (IAM refuses a statement with both)',
    });
  });
});
