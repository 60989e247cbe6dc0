import { describe, expect, it } from 'vitest';
import { ec2Protocol, parseProtocol } from '../../../../shared/net/protocol';

describe('parseProtocol', () => {
  it('reads the names and numbers of §4 in any case and spacing', () => {
    expect(['-1', '6', ' TCP ', 'Udp', '17', '1', 'ICMP', '58', 'icmpv6', '50'].map(parseProtocol)).toEqual([
      'all',
      'tcp',
      'tcp',
      'udp',
      'udp',
      'icmp',
      'icmp',
      'icmpv6',
      'icmpv6',
      'other',
    ]);
  });

  it("reads an Object property's name as no protocol, never as the property itself", () => {
    for (const text of ['constructor', 'toString', '__proto__', 'hasOwnProperty', ' valueOf']) {
      expect(parseProtocol(text)).toBe('other');
      expect(ec2Protocol(text)).toBeUndefined();
    }
  });
});
