import { describe, expect, it } from 'vitest';
import { triageEvent } from '../../../../shared/events/parse';
import { field } from '../../../../shared/events/shapes';
import type { EventScope, Triage } from '../../../../shared/events/types';
import { envelope } from '../../../helpers';

// DESIGN §7 and §8 "Safety", checked where mutants9's event mutants survived the whole events
// group (mutants10 ran them against it): which records are read as records, the reason an unread
// one is given, and the exact rules and entries a record says it added.

const KEY = 'vpc-guardrail:exempt';
const OPTIONS = { exemptionTagKey: KEY };

/** A minimal successful EC2 record (shapes of the kind the fixtures show). */
function record(
  eventName: string,
  requestParameters: unknown,
  responseElements: unknown = { _return: true },
): Record<string, unknown> {
  return {
    eventVersion: '1.10',
    eventID: 'e-10',
    eventTime: '2025-06-15T10:51:12Z',
    eventSource: 'ec2.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    recipientAccountId: '111122223333',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
    requestParameters,
    responseElements,
  };
}

function handled(triage: Triage): EventScope {
  if (triage.kind !== 'handle') throw new Error(`not handled: ${JSON.stringify(triage)}`);
  return triage.scope;
}

function ignored(triage: Triage): { code: string; reason: string } {
  if (triage.kind !== 'ignore') throw new Error(`not ignored: ${JSON.stringify(triage)}`);
  return triage.ignored;
}

describe('DESIGN §7: a record is read as a record whatever else it carries', () => {
  it('reads a bare record that also has SNS-like Type/Message or a Records key (a forwarder added them)', () => {
    // Prepare: the record's own eventName says what it is; the extra keys do not make it a wrapper.
    const base = record('CreateRoute', { routeTableId: 'rtb-0a', destinationCidrBlock: '0.0.0.0/0' });
    const withSns = { ...base, Type: 'Notification', Message: 'relayed' };
    const withRecords = { ...base, Records: [] };

    // Assess: both handled, scoped to the route table (a change ignored would be a silent miss).
    expect(handled(triageEvent(withSns, OPTIONS)).routeTableIds).toEqual(['rtb-0a']);
    expect(handled(triageEvent(withRecords, OPTIONS)).routeTableIds).toEqual(['rtb-0a']);
  });

  it('calls an object with Type Notification an SNS notification only when its Message is text', () => {
    // An SNS notification always carries its message as a string; an object Message is no such
    // wrapper, and the reason names what is actually missing.
    expect(
      ignored(triageEvent({ Type: 'Notification', Message: { eventName: 'CreateRoute' } }, OPTIONS)),
    ).toEqual({
      code: 'malformed',
      reason: 'not a CloudTrail record: eventName: is required (expected a string)',
    });
    expect(ignored(triageEvent({ Type: 'Notification', Message: '{}' }, OPTIONS)).reason).toContain(
      'an SNS notification wrapping the event',
    );
  });

  it('refuses an empty eventName as malformed, naming the field (not "not in the event table")', () => {
    const event = envelope(record('', { routeTableId: 'rtb-0a' }));
    expect(ignored(triageEvent(event, OPTIONS))).toEqual({
      code: 'malformed',
      reason:
        'not a CloudTrail record: detail.eventName: Too small: expected string to have >=1 characters ("")',
    });
  });
});

describe('DESIGN §7: a value quoted in a reason is bounded at 128 characters', () => {
  it('keeps a value of 128 characters whole and cuts one of 129 to 127 and an ellipsis', () => {
    const source = (length: number) => `ec2.${'x'.repeat(length - 4)}`;
    const reason = (length: number) =>
      ignored(
        triageEvent(
          { ...record('CreateRoute', { routeTableId: 'rtb-0a' }), eventSource: source(length) },
          OPTIONS,
        ),
      ).reason;

    expect(reason(128)).toBe(`event source ${source(128)} is not ec2.amazonaws.com`);
    expect(reason(129)).toBe(`event source ${source(129).slice(0, 127)}… is not ec2.amazonaws.com`);
  });
});

describe('DESIGN §7: field names are read exactly first, then ignoring case', () => {
  it('reads the exact key when the object also has a key differing only in case', () => {
    // A normalized row that kept both spellings: the exact one is the one asked for.
    expect(field({ GroupId: 'sg-0pascal', groupId: 'sg-0camel' }, 'groupId')).toBe('sg-0camel');
    expect(field({ groupid: 'sg-0lower', GroupId: 'sg-0pascal' }, 'GroupId')).toBe('sg-0pascal');
    const scope = handled(
      triageEvent(
        record('RevokeSecurityGroupIngress', { GroupId: 'sg-0pascal', groupId: 'sg-0camel' }),
        OPTIONS,
      ),
    );
    expect(scope.securityGroupIds).toEqual(['sg-0camel']);
  });
});

describe('DESIGN §7: values as normalized rows write them (text, numbers, numbers as text)', () => {
  it('an empty groupId names no group: ignored as naming nothing, not a group with an empty id', () => {
    expect(ignored(triageEvent(record('AuthorizeSecurityGroupIngress', { groupId: '' }), OPTIONS))).toEqual({
      code: 'no-resource',
      reason: 'no groupId or groupName in the request',
    });
  });

  it('an empty recipientAccountId is no account: "(none)", not an empty account', () => {
    const event = { ...record('CreateRoute', { routeTableId: 'rtb-0a' }), recipientAccountId: '' };
    expect(ignored(triageEvent(event, { ...OPTIONS, expectedAccountId: '111122223333' }))).toEqual({
      code: 'other-account',
      reason: "event of account (none), not this function's 111122223333",
    });
  });

  it('reads a protocol written as a number as its text: the rule added is tcp, not all traffic', () => {
    const scope = handled(
      triageEvent(
        record('AuthorizeSecurityGroupIngress', {
          groupId: 'sg-0a',
          ipPermissions: {
            items: [
              { ipProtocol: 6, fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } },
            ],
          },
        }),
        OPTIONS,
      ),
    );
    expect(scope.addedRules).toEqual([
      { groupId: 'sg-0a', egress: false, ipProtocol: '6', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' },
    ]);
  });

  it('reads a NACL entry whose protocol is a number: the entry written is known (a redelivery can compare it)', () => {
    const scope = handled(
      triageEvent(
        record('CreateNetworkAclEntry', {
          networkAclId: 'acl-0a',
          ruleNumber: 100,
          egress: false,
          ruleAction: 'allow',
          aclProtocol: 6,
          cidrBlock: '0.0.0.0/0',
          portRange: { from: 22, to: 22 },
        }),
        OPTIONS,
      ),
    );
    expect(scope.addedNaclEntries).toEqual([
      {
        networkAclId: 'acl-0a',
        ruleNumber: 100,
        egress: false,
        ruleAction: 'allow',
        protocol: '6',
        cidrBlock: '0.0.0.0/0',
        fromPort: 22,
        toPort: 22,
      },
    ]);
  });

  it('reads "-1" ports written as text as -1 (icmp all types), as it reads "22"', () => {
    const scope = handled(
      triageEvent(
        record('AuthorizeSecurityGroupIngress', {
          groupId: 'sg-0a',
          ipPermissions: {
            items: [
              {
                ipProtocol: 'icmp',
                fromPort: '-1',
                toPort: '-1',
                ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
              },
              {
                ipProtocol: 'tcp',
                fromPort: ' 22',
                toPort: '22 ',
                ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
              },
            ],
          },
        }),
        OPTIONS,
      ),
    );
    expect(scope.addedRules).toEqual([
      {
        groupId: 'sg-0a',
        egress: false,
        ipProtocol: 'icmp',
        fromPort: -1,
        toPort: -1,
        cidrIpv4: '0.0.0.0/0',
      },
      { groupId: 'sg-0a', egress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' },
    ]);
  });

  it('a number JSON cannot hold (1e400 parses to Infinity) is no number: no port, no entry read from it', () => {
    // Prepare: the message body as SQS delivers it, text; JSON.parse gives Infinity for 1e400.
    const text = JSON.stringify(
      record('CreateNetworkAclEntry', {
        networkAclId: 'acl-0a',
        ruleNumber: 100,
        egress: false,
        ruleAction: 'allow',
        aclProtocol: '6',
        cidrBlock: '0.0.0.0/0',
        portRange: { from: 22, to: 22 },
      }),
    );
    const hugeRule = JSON.parse(text.replace('"ruleNumber":100', '"ruleNumber":1e400'));
    const hugePort = JSON.parse(text.replace('"from":22', '"from":1e400'));

    // Assess: the NACL is still in scope (judged from what EC2 lists); the entry is not invented.
    const rule = handled(triageEvent(hugeRule, OPTIONS));
    expect(rule.networkAclIds).toEqual(['acl-0a']);
    expect(rule.addedNaclEntries).toEqual([]);
    const port = handled(triageEvent(hugePort, OPTIONS));
    expect(port.addedNaclEntries).toEqual([
      {
        networkAclId: 'acl-0a',
        ruleNumber: 100,
        egress: false,
        ruleAction: 'allow',
        protocol: '6',
        cidrBlock: '0.0.0.0/0',
        toPort: 22,
      },
    ]);
  });
});

describe('DESIGN §8 Safety: a RunInstances whose record names no instance is told, not dropped', () => {
  it('says the response is missing, or names nothing created', () => {
    const unreadable = (response: unknown) =>
      handled(triageEvent(record('RunInstances', { instanceType: 't3.micro' }, response), OPTIONS))
        .unreadable;

    expect(unreadable(null)).toBe(
      'the record has no responseElements (CloudTrail leaves out a field over its size limit, as a large RunInstances response)',
    );
    expect(unreadable({ requestId: 'r-1' })).toBe(
      'the record does not name what the call created (no instancesSet in the response)',
    );
  });
});

describe('DESIGN §8 Safety: a cut request is not trusted to say the call changed nothing that matters', () => {
  // CloudTrail marks a field it truncated `omitted: true`: what is left of it is not the whole call.
  // mutants9's T40 (the early return of every ignore but "names nothing") revealed these.
  const CUT =
    "the record's requestParameters are cut (CloudTrail truncates a field over its size limit, 100 KB) and do not name what the call changed";

  it('tells a cut CreateTags whose tags left show no exemption key (it may have been cut away)', () => {
    const request = {
      omitted: true,
      resourcesSet: { items: [{ resourceId: 'sg-0a' }] },
      tagSet: { items: [{ key: 'Owner', value: 'team-a' }] },
    };
    expect(handled(triageEvent(record('CreateTags', request), OPTIONS)).unreadable).toBe(
      `${CUT} (what is left of them reads: the tags changed are not ${KEY})`,
    );
  });

  it('tells a cut ModifyInstanceAttribute whose attributes left are not the groups', () => {
    const request = { omitted: 'true', instanceId: 'i-0a', attribute: 'instanceType', value: 't3.large' };
    expect(handled(triageEvent(record('ModifyInstanceAttribute', request), OPTIONS)).unreadable).toBe(
      `${CUT} (what is left of them reads: ModifyInstanceAttribute changes no security group (instanceType))`,
    );
  });

  it('tells a cut DeleteTags whose remaining resources are none a rule judges (the list may go on)', () => {
    const request = { omitted: true, resourcesSet: { items: [{ resourceId: 'ami-0a' }] } };
    expect(handled(triageEvent(record('DeleteTags', request), OPTIONS)).unreadable).toBe(
      `${CUT} (what is left of them reads: every tag removed from resources no rule judges)`,
    );
    expect(
      ignored(triageEvent(record('DeleteTags', { resourcesSet: request.resourcesSet }), OPTIONS)),
    ).toEqual({
      code: 'not-exemption-tag',
      reason: 'every tag removed from resources no rule judges',
    });
  });

  it('still ignores the same requests when they are whole', () => {
    const tags = {
      resourcesSet: { items: [{ resourceId: 'sg-0a' }] },
      tagSet: { items: [{ key: 'Owner', value: 'team-a' }] },
    };
    expect(ignored(triageEvent(record('CreateTags', tags), OPTIONS))).toEqual({
      code: 'not-exemption-tag',
      reason: `the tags changed are not ${KEY}`,
    });
    const attribute = { instanceId: 'i-0a', instanceType: { value: 't3.large' } };
    expect(ignored(triageEvent(record('ModifyInstanceAttribute', attribute), OPTIONS))).toEqual({
      code: 'not-exposure-change',
      reason: 'ModifyInstanceAttribute changes no security group (instanceType)',
    });
  });
});
