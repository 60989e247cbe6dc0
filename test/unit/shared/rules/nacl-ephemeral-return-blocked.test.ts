import { describe, expect, it } from 'vitest';
import { naclEphemeralReturnBlocked } from '../../../../shared/rules/nacl-ephemeral-return-blocked';
import { entry, nacl, run, summary } from '../../../helpers';

const TCP_RETURN = ['1024-3388/tcp', '3390-65535/tcp'];
const UDP_RETURN = ['1024-3388/udp', '3390-65535/udp'];

describe('nacl-ephemeral-return-blocked', () => {
  it('fires when inbound allows 443 from the world but outbound allows only 80/443', () => {
    // Prepare
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
          entry(100, 'out', 'allow', '6', '0.0.0.0/0', [80, 80]),
          entry(110, 'out', 'allow', '6', '0.0.0.0/0', [443, 443]),
        ]),
      ],
    };
    // Act
    const findings = run(naclEphemeralReturnBlocked, snapshot);
    // Assess: the outbound 80/443 entries are services too, with no inbound return either.
    expect(summary(findings)).toEqual([['nacl-ephemeral-return-blocked', 'acl-1', TCP_RETURN]]);
    expect(findings[0]).toMatchObject({ severity: 'medium', controls: [] });
    // One service entry is written as one entry, two as entries.
    expect(findings[0]?.detail).toContain(
      'inbound entry 100 allows a service, but outbound return traffic to those peers is not allowed on 1024-3388/tcp, 3390-65535/tcp; ' +
        'outbound entries 100, 110 allow a service, but inbound return traffic',
    );
    expect(findings[0]?.remediation).toBeUndefined();
    expect(findings[0]?.evidence.directions).toEqual([
      {
        direction: 'ingress',
        returnDirection: 'egress',
        serviceEntries: [
          { ruleNumber: 100, action: 'allow', protocol: '6', ports: '443', cidr: '0.0.0.0/0' },
        ],
        blockedPorts: TCP_RETURN,
        blockedPeers: { ipv4: ['0.0.0.0/0'] },
      },
      {
        direction: 'egress',
        returnDirection: 'ingress',
        serviceEntries: [
          { ruleNumber: 100, action: 'allow', protocol: '6', ports: '80', cidr: '0.0.0.0/0' },
          { ruleNumber: 110, action: 'allow', protocol: '6', ports: '443', cidr: '0.0.0.0/0' },
        ],
        blockedPorts: TCP_RETURN,
        blockedPeers: { ipv4: ['0.0.0.0/0'] },
      },
    ]);
  });

  it('fires when outbound allows 443 to the world but inbound return comes only from 10.0.0.0/8', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'out', 'allow', '6', '0.0.0.0/0', [443, 443]),
          entry(100, 'in', 'allow', '6', '10.0.0.0/8', [1024, 65535]),
        ]),
      ],
    };
    const [finding] = run(naclEphemeralReturnBlocked, snapshot);
    expect(finding?.evidence.directions).toEqual([
      {
        direction: 'egress',
        returnDirection: 'ingress',
        serviceEntries: [
          { ruleNumber: 100, action: 'allow', protocol: '6', ports: '443', cidr: '0.0.0.0/0' },
        ],
        blockedPorts: TCP_RETURN,
        blockedPeers: { ipv4: ['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4'] },
      },
    ]);
  });

  it('does not punish the standard deny of 22/3389 before the return entry', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(90, 'in', 'deny', '6', '0.0.0.0/0', [22, 22]),
          entry(91, 'in', 'deny', '6', '0.0.0.0/0', [3389, 3389]),
          entry(92, 'in', 'deny', '17', '0.0.0.0/0', [3389, 3389]),
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
          entry(110, 'in', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
          entry(100, 'out', 'allow', '6', '0.0.0.0/0', [443, 443]),
          entry(110, 'out', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
        ]),
      ],
    };
    expect(run(naclEphemeralReturnBlocked, snapshot)).toEqual([]);
  });

  it('does not fire on the AWS default NACL (allow all both ways)', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '-1', '0.0.0.0/0'),
          entry(100, 'out', 'allow', '-1', '0.0.0.0/0'),
        ]),
      ],
    };
    expect(run(naclEphemeralReturnBlocked, snapshot)).toEqual([]);
  });

  it('requires both tcp and udp return for an all-protocol service entry', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '-1', '0.0.0.0/0'),
          entry(100, 'out', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
        ]),
      ],
    };
    const [finding] = run(naclEphemeralReturnBlocked, snapshot);
    expect(finding?.evidence.ports).toEqual(UDP_RETURN);
  });

  it('cuts off a peer permitted on only part of the ephemeral range', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
          entry(50, 'out', 'deny', '6', '0.0.0.0/0', [5000, 6000]),
          entry(100, 'out', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
        ]),
      ],
    };
    expect(summary(run(naclEphemeralReturnBlocked, snapshot))).toEqual([
      ['nacl-ephemeral-return-blocked', 'acl-1', ['5000-6000/tcp']],
    ]);
  });

  it('judges IPv6 peers separately from IPv4 ones', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '::/0', [443, 443]),
          entry(100, 'out', 'allow', '6', '0.0.0.0/0', [1024, 65535]),
        ]),
      ],
    };
    const [finding] = run(naclEphemeralReturnBlocked, snapshot);
    expect(finding?.evidence.directions).toMatchObject([
      { direction: 'ingress', blockedPeers: { ipv6: ['::/0'] } },
    ]);
  });

  it('uses the peers an entry actually permits after rule ordering', () => {
    // 443 is allowed from the world, but an earlier deny keeps 0.0.0.0/1 out: only 128.0.0.0/1 needs a return path.
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(90, 'in', 'deny', '6', '0.0.0.0/1', [443, 443]),
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
          entry(100, 'out', 'allow', '6', '128.0.0.0/1', [1024, 65535]),
        ]),
      ],
    };
    expect(run(naclEphemeralReturnBlocked, snapshot)).toEqual([]);
  });

  it('follows a configured ephemeral range', () => {
    const snapshot = {
      NetworkAcls: [
        nacl('acl-1', [
          entry(100, 'in', 'allow', '6', '0.0.0.0/0', [443, 443]),
          entry(100, 'out', 'allow', '6', '0.0.0.0/0', [32768, 60999]),
        ]),
      ],
    };
    expect(run(naclEphemeralReturnBlocked, snapshot, { ephemeralPorts: { from: 32768, to: 60999 } })).toEqual(
      [],
    );
    expect(summary(run(naclEphemeralReturnBlocked, snapshot))).toEqual([
      ['nacl-ephemeral-return-blocked', 'acl-1', ['1024-3388/tcp', '3390-32767/tcp', '61000-65535/tcp']],
    ]);
  });

  // Found by scripts/emulator/oracle.py (seed 3096): the finding's ports reached the evidence as
  // text only, so an allow-list entry with `ports` (README Configuration: "suppressed when … all
  // its ports are within `ports`") never covered it, and a partial one was not shown.
  describe('allow-lists read its blocked return ports', () => {
    const snapshot = {
      NetworkAcls: [nacl('acl-1', [entry(100, 'in', 'allow', '17', '0.0.0.0/0', [53, 53])])],
    };

    it('an entry holding every blocked port suppresses the finding', () => {
      const findings = run(naclEphemeralReturnBlocked, snapshot, {
        allowLists: [{ resourceId: 'acl-1', ports: ['1024-65535/udp'], reason: 'no udp replies' }],
      });
      expect(summary(findings)).toEqual([['nacl-ephemeral-return-blocked', 'acl-1', UDP_RETURN]]);
      expect(findings[0]?.suppressed).toEqual({ by: 'config', reason: 'no udp replies' });
      expect(Object.keys(findings[0]?.evidence ?? {})[0]).toBe('ports');
    });

    it('an entry naming the rule and holding every blocked port suppresses it too', () => {
      const findings = run(naclEphemeralReturnBlocked, snapshot, {
        allowLists: [
          {
            resourceId: 'acl-1',
            ruleIds: ['nacl-ephemeral-return-blocked'],
            ports: ['0-65535/tcp', '0-65535/udp'],
          },
        ],
      });
      expect(findings[0]?.suppressed).toEqual({ by: 'config', reason: 'allow-listed in configuration' });
    });

    it('an entry holding some of them leaves it reported and names them', () => {
      const findings = run(naclEphemeralReturnBlocked, snapshot, {
        allowLists: [{ resourceId: 'acl-1', ports: ['1024-3388/udp'], reason: 'low range' }],
      });
      expect(summary(findings)).toEqual([['nacl-ephemeral-return-blocked', 'acl-1', UDP_RETURN]]);
      expect(findings[0]?.suppressed).toBeUndefined();
      expect(findings[0]?.evidence.allowListed).toEqual({ ports: ['1024-3388/udp'], reasons: ['low range'] });
    });

    it('an entry of other ports changes nothing', () => {
      const findings = run(naclEphemeralReturnBlocked, snapshot, {
        allowLists: [{ resourceId: 'acl-1', ports: ['1024-65535/tcp'] }],
      });
      expect(findings[0]?.suppressed).toBeUndefined();
      expect(findings[0]?.evidence.allowListed).toBeUndefined();
    });
  });
});
