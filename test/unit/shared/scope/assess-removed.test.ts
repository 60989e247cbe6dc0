import { describe, expect, it } from 'vitest';
import { isIgnored, scopeFromEvent } from '../../../../shared/events/event-table';
import type { EventScope } from '../../../../shared/events/types';
import { parseConfig } from '../../../../shared/load-config';
import { parseSnapshot } from '../../../../shared/model/snapshot';
import { assessSlice } from '../../../../shared/scope/assess';
import { authorizeIngress, buildWorld } from '../../../helpers';

// DESIGN §8 "Order and retries": rules already gone are news only on a redelivery, so assessSlice
// looks for them (and judges their severity) only in the scopes of redelivered messages.

function scopeOf(record: Record<string, unknown>): EventScope {
  const scope = scopeFromEvent(
    String(record.eventName),
    record.requestParameters,
    record.responseElements,
    'vpc-guardrail:exempt',
  );
  if (isIgnored(scope)) throw new Error(scope.reason);
  return scope;
}

describe('assessSlice: rules already removed', () => {
  // The group no longer holds sgr-gone, the world rule on 22/tcp the call added.
  const snapshot = parseSnapshot(
    buildWorld({ groupId: 'sg-0web', rules: [{ id: 'sgr-vpc', from: 22, cidr: '10.0.0.0/16' }] }),
  );
  const scope = scopeOf(authorizeIngress('sg-0web', 22, [['sgr-gone', '0.0.0.0/0']]));
  const config = parseConfig({});

  it('skips the look-up on a first delivery', () => {
    expect(assessSlice([scope], snapshot, config, { sliceComplete: true }).alreadyRemoved).toEqual([]);
    expect(
      assessSlice([scope], snapshot, config, { sliceComplete: true, retried: [false] }).alreadyRemoved,
    ).toEqual([]);
  });

  it('reports the gone rule once, with its severity, when a message holding it is redelivered', () => {
    const { alreadyRemoved } = assessSlice([scope, scope], snapshot, config, {
      sliceComplete: true,
      retried: [false, true],
    });
    expect(alreadyRemoved).toEqual([
      {
        ruleId: 'sgr-gone',
        groupId: 'sg-0web',
        egress: false,
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidrIpv4: '0.0.0.0/0',
        severity: 'critical',
        ruleIds: ['sg-open-admin-port'],
      },
    ]);
  });
});

describe('assessSlice: what the call changed was deleted since (DESIGN §8: a retry still tells it)', () => {
  // The group (or NACL) the call named is read by id; a complete slice without it means it was
  // deleted, and the world rule (entry) the call added with it. Before, nothing was said.
  const snapshot = parseSnapshot(buildWorld({ groupId: 'sg-0web', rules: [] }));
  const config = parseConfig({});

  it('reports the world rule of a deleted group already removed, saying the group is gone', () => {
    const scope = scopeOf(authorizeIngress('sg-0deleted', 3389, [['sgr-gone', '0.0.0.0/0']]));
    const { alreadyRemoved } = assessSlice([scope], snapshot, config, {
      sliceComplete: true,
      retried: [true],
    });
    expect(alreadyRemoved).toEqual([
      expect.objectContaining({
        ruleId: 'sgr-gone',
        groupId: 'sg-0deleted',
        fromPort: 3389,
        groupGone: true,
        severity: 'critical',
        ruleIds: ['sg-open-admin-port'],
      }),
    ]);
    // Not news on a first delivery.
    expect(assessSlice([scope], snapshot, config, { sliceComplete: true }).alreadyRemoved).toEqual([]);
  });

  it('reports the world entry of a deleted NACL already removed, with its NACL gone', () => {
    const scope = scopeOf({
      eventName: 'CreateNetworkAclEntry',
      requestParameters: {
        networkAclId: 'acl-0deleted',
        ruleNumber: 100,
        egress: false,
        ruleAction: 'allow',
        aclProtocol: '6',
        cidrBlock: '0.0.0.0/0',
        portRange: { from: 22, to: 22 },
        icmpTypeCode: {},
      },
      responseElements: { requestId: 'r', _return: true },
    });
    const { removedEntries } = assessSlice([scope], snapshot, config, {
      sliceComplete: true,
      retried: [true],
    });
    expect(removedEntries).toEqual([
      expect.objectContaining({
        networkAclId: 'acl-0deleted',
        ruleNumber: 100,
        aclGone: true,
        severity: 'high',
        ruleIds: ['nacl-open-admin-port'],
      }),
    ]);
  });
});
