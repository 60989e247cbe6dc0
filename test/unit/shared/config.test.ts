import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parsePortSpec } from '../../../shared/config';
import { ConfigError } from '../../../shared/errors';
import { configFromEnv, parseConfig } from '../../../shared/load-config';

describe('config', () => {
  it('has the DESIGN §4 defaults', () => {
    expect(DEFAULT_CONFIG.mode).toBe('notify');
    expect(DEFAULT_CONFIG.adminPorts).toEqual([
      { protocol: 'tcp', from: 22, to: 22 },
      { protocol: 'tcp', from: 3389, to: 3389 },
      { protocol: 'udp', from: 3389, to: 3389 },
    ]);
    expect(DEFAULT_CONFIG.highRiskPorts.map((p) => p.from)).toEqual([
      20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601,
      8080, 8088, 8888, 9200, 9300,
    ]);
    expect(DEFAULT_CONFIG.highRiskPorts.every((p) => p.protocol === 'tcp')).toBe(true);
    expect(DEFAULT_CONFIG.authorizedPorts).toEqual([
      { protocol: 'tcp', from: 80, to: 80 },
      { protocol: 'tcp', from: 443, to: 443 },
    ]);
    expect(DEFAULT_CONFIG.ephemeralPorts).toEqual({ from: 1024, to: 65535 });
    expect(DEFAULT_CONFIG.worldOpenCoverage).toBe(0.99);
    expect(DEFAULT_CONFIG.exemptionTagKey).toBe('vpc-guardrail:exempt');
  });

  it('parses port specs', () => {
    expect(parsePortSpec('22')).toEqual({ protocol: 'tcp', from: 22, to: 22 });
    expect(parsePortSpec('3389/UDP')).toEqual({ protocol: 'udp', from: 3389, to: 3389 });
    expect(parsePortSpec('8000-8100/tcp')).toEqual({ protocol: 'tcp', from: 8000, to: 8100 });
    expect(parsePortSpec('70000/tcp')).toBeUndefined();
    expect(parsePortSpec('100-10/tcp')).toBeUndefined();
    expect(parsePortSpec('22/icmp')).toBeUndefined();
  });

  it('rejects bad values naming the key', () => {
    expect(() => parseConfig({ adminPorts: ['22/tcp', 'ssh'] })).toThrow(/adminPorts\[1\]: not a port spec/);
    expect(() => parseConfig({ worldOpenCoverage: 2 })).toThrow(/worldOpenCoverage/);
    expect(() => parseConfig({ ephemeralPorts: { from: 60000, to: 1024 } })).toThrow(/ephemeralPorts/);
    expect(() => parseConfig({ rules: { 'sg-open-admin-port': 'fix' } })).toThrow(
      /rules\.sg-open-admin-port/,
    );
  });

  it('reads the NACL fix keys: naclAdminSources (CIDRs) and naclEntryLimit, with their defaults', () => {
    expect(parseConfig({})).toMatchObject({ naclAdminSources: [], naclEntryLimit: 20 });
    expect(
      parseConfig({ naclAdminSources: ['10.8.0.0/16', '2001:db8::/48'], naclEntryLimit: 40 }),
    ).toMatchObject({
      naclAdminSources: ['10.8.0.0/16', '2001:db8::/48'],
      naclEntryLimit: 40,
    });
    expect(() => parseConfig({ naclAdminSources: ['10.8.0.0/16', 'vpn'] })).toThrow(
      /naclAdminSources\[1\]: not an IPv4 or IPv6 CIDR like "10.8.0.0\/16" \("vpn"\)$/m,
    );
    expect(() => parseConfig({ naclAdminSources: ['10.8.0.0/33'] })).toThrow(/naclAdminSources\[0\]/);
    expect(() => parseConfig({ naclAdminSources: ['::/0'] })).toThrow(
      /naclAdminSources\[0\]: a kept admin source cannot be the whole address space \("::\/0"\)$/m,
    );
    expect(() => parseConfig({ naclEntryLimit: 0 })).toThrow(/naclEntryLimit/);
  });

  it('refuses kept admin sources as broad as nacl-broad-public-source reports, alone or together (small8)', () => {
    const issuesOf = (naclAdminSources: string[]): string[] => {
      try {
        parseConfig({ naclAdminSources });
      } catch (error) {
        return (error as ConfigError).issues;
      }
      return [];
    };
    const v4 =
      'public IPv4 addresses; a kept admin network must admit fewer than 2^24 (16,777,216): from that many on, nacl-broad-public-source reports the admin port';
    // A NACL fix narrowing an admin entry to 0.0.0.0/1 would leave half the internet on the port.
    expect(issuesOf(['0.0.0.0/1'])).toEqual([
      `naclAdminSources[0]: admits 2,092,957,696 ${v4} ("0.0.0.0/1")`,
    ]);
    expect(issuesOf(['172.16.50.0/24', '11.0.0.0/8'])).toEqual([
      `naclAdminSources[1]: admits 16,777,216 ${v4} ("11.0.0.0/8")`,
    ]);
    expect(issuesOf(['11.0.0.0/9', '11.128.0.0/9'])).toEqual([
      `naclAdminSources: the kept admin sources together admit 16,777,216 ${v4}`,
    ]);
    expect(issuesOf(['2600::/32'])).toEqual([
      'naclAdminSources[0]: admits at least 2^96 public IPv6 addresses (a /32 of 2000::/3); a kept admin network must admit fewer: from that many on, nacl-broad-public-source reports the admin port ("2600::/32")',
    ]);
    // Private ranges are not public space: a VPN's 10.0.0.0/8 is a kept source like any other;
    // 100.0.0.0/8 holds 2^24 - 2^22 public addresses (100.64.0.0/10 is shared space), as the rule counts.
    expect(issuesOf(['10.0.0.0/8', '100.0.0.0/8', '2600::/33', '198.51.100.0/24'])).toEqual([]);
    // Host bits are cleared as EC2 clears them (as snapshots are read): the fix writes 10.0.0.0/8.
    expect(parseConfig({ naclAdminSources: ['10.0.0.1/8'] }).naclAdminSources).toEqual(['10.0.0.1/8']);
    expect(() => parseConfig({ naclEntryLimit: 2.5 })).toThrow(/naclEntryLimit/);
  });

  it.each([
    // A mistyped key inside an entry would be dropped, and an entry without ruleIds allows every rule.
    [
      { allowLists: [{ resourceId: 'sg-1', ruleId: ['sg-open-admin-port'] }] },
      'allowLists[0].ruleId: unknown key; did you mean ruleIds?',
    ],
    [
      { allowLists: [{ resourceId: 'sg-1', ruleIds: [] }] },
      'allowLists[0].ruleIds: give at least one rule id, or leave ruleIds out to allow every rule',
    ],
    [
      { allowLists: [{ resourceId: 'sg-1', ports: [] }] },
      'allowLists[0].ports: give at least one port, or leave ports out to allow every port',
    ],
    [
      { ephemeralPorts: { from: 1024, to: 65535, too: 1 } },
      'ephemeralPorts.too: unknown key; did you mean to?',
    ],
    [{ ephemeralPorts: { from: 2000, to: 1024 } }, 'ephemeralPorts: from must not exceed to'],
    [
      { ephemeralPorts: { from: 1024, to: 65536 } },
      'ephemeralPorts.to: not a port number (an integer from 0 to 65535)',
    ],
    [
      { ephemeralPorts: { from: -1, to: 65535 } },
      'ephemeralPorts.from: not a port number (an integer from 0 to 65535)',
    ],
    [{ adminPorts: [22.5] }, 'adminPorts[0]: not a port spec like "22/tcp" or "8000-8100/udp" (22.5)'],
    [
      { adminPorts: ['0-65536/udp'] },
      'adminPorts[0]: not a port spec like "22/tcp" or "8000-8100/udp" ("0-65536/udp")',
    ],
    [
      { worldOpenCoverage: 99 },
      'worldOpenCoverage: a fraction above 0 and at most 1, e.g. 0.99 (not a percentage)',
    ],
    [
      { worldOpenCoverage: 0 },
      'worldOpenCoverage: a fraction above 0 and at most 1, e.g. 0.99 (not a percentage)',
    ],
    [
      { exemptionTagKey: 'aws:exempt' },
      'exemptionTagKey: the aws: prefix is reserved by AWS (no tag can carry it) ("aws:exempt")',
    ],
    [{ exemptionTagKey: '' }, 'exemptionTagKey: must not be empty ("")'],
  ])('rejects %j naming the key', (input, issue) => {
    expect(() => parseConfig(input)).toThrow(ConfigError);
    try {
      parseConfig(input);
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([issue]);
    }
  });

  it('accepts the edges of each range: ports 0 and 65535, coverage 1, a 128-character tag key', () => {
    const config = parseConfig({
      ephemeralPorts: { from: 0, to: 65535 },
      adminPorts: [0, '65535/udp'],
      worldOpenCoverage: 1,
      exemptionTagKey: 'k'.repeat(128),
    });
    expect(config.ephemeralPorts).toEqual({ from: 0, to: 65535 });
    expect(config.adminPorts).toEqual([
      { protocol: 'tcp', from: 0, to: 0 },
      { protocol: 'udp', from: 65535, to: 65535 },
    ]);
    expect(() => parseConfig({ exemptionTagKey: 'k'.repeat(129) })).toThrow(
      'longer than the 128 characters of an EC2 tag key',
    );
  });

  it('names a mistyped allow-list key from VPC_GUARDRAIL_CONFIG', () => {
    const env = {
      VPC_GUARDRAIL_CONFIG: JSON.stringify({ allowLists: [{ resourceId: 'sg-1', port: ['22'] }] }),
    };
    expect(() => configFromEnv(env)).toThrow(ConfigError);
    try {
      configFromEnv(env);
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([
        'VPC_GUARDRAIL_CONFIG (allowLists[0].port): unknown key; did you mean ports?',
      ]);
    }
  });

  it('rejects unknown rule ids, naming them', () => {
    expect(() => parseConfig({ rules: { 'sg-open-admin-ports': 'off' } })).toThrow(
      /rules\.sg-open-admin-ports: unknown rule id/,
    );
    expect(() => parseConfig({ allowLists: [{ resourceId: 'sg-1', ruleIds: ['sg-open-*'] }] })).toThrow(
      /allowLists\[0\]\.ruleIds\[0\]: unknown rule id/,
    );
    expect(parseConfig({ rules: { 'route-blackhole': 'off' } }).rules).toEqual({ 'route-blackhole': 'off' });
  });

  it('reads the functions environment, dedicated variables winning over the JSON', () => {
    const config = configFromEnv({
      VPC_GUARDRAIL_MODE: 'remediate',
      VPC_GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:guardrail',
      VPC_GUARDRAIL_OWN_ROLE_ARN: 'arn:aws:iam::111122223333:role/guardrail',
      VPC_GUARDRAIL_CONFIG: JSON.stringify({ mode: 'dry-run', authorizedPorts: ['443/tcp'] }),
    });
    expect(config.mode).toBe('remediate');
    expect(config.topicArn).toBe('arn:aws:sns:eu-west-1:111122223333:guardrail');
    expect(config.ownRoleArn).toBe('arn:aws:iam::111122223333:role/guardrail');
    expect(config.authorizedPorts).toEqual([{ protocol: 'tcp', from: 443, to: 443 }]);
  });

  it('fails clearly on a bad environment', () => {
    expect(() => configFromEnv({ VPC_GUARDRAIL_CONFIG: '{mode: notify}' })).toThrow(ConfigError);
    expect(() => configFromEnv({ VPC_GUARDRAIL_CONFIG: '[]' })).toThrow(/expected a JSON object/);
    expect(() => configFromEnv({ VPC_GUARDRAIL_MODE: 'loud' })).toThrow(/mode\): expected one of/);
  });

  it('names the variable a bad value came from, and the key inside VPC_GUARDRAIL_CONFIG', () => {
    // Act
    const issuesOf = (env: Parameters<typeof configFromEnv>[0]): string[] => {
      try {
        configFromEnv(env);
      } catch (error) {
        return (error as ConfigError).issues;
      }
      throw new Error('expected a ConfigError');
    };

    // Assess
    expect(issuesOf({ VPC_GUARDRAIL_MODE: 'loud' })).toEqual([
      'VPC_GUARDRAIL_MODE (mode): expected one of "notify", "remediate", "dry-run", got a string ("loud")',
    ]);
    expect(issuesOf({ VPC_GUARDRAIL_CONFIG: '{"mode":"loud"}' })).toEqual([
      'VPC_GUARDRAIL_CONFIG (mode): expected one of "notify", "remediate", "dry-run", got a string ("loud")',
    ]);
    expect(
      issuesOf({
        VPC_GUARDRAIL_MODE: 'loud',
        VPC_GUARDRAIL_CONFIG: '{"rules":{"sg-nope":"off"},"accounts":["123"],"nope":1}',
      }),
    ).toEqual([
      'VPC_GUARDRAIL_MODE (mode): expected one of "notify", "remediate", "dry-run", got a string ("loud")',
      'VPC_GUARDRAIL_CONFIG (rules.sg-nope): unknown rule id (see the rule catalogue in the README)',
      'VPC_GUARDRAIL_CONFIG (accounts[0]): not a 12-digit AWS account id ("123")',
      'VPC_GUARDRAIL_CONFIG (nope): unknown key',
    ]);
    expect(issuesOf({ VPC_GUARDRAIL_TOPIC_ARN: 'vpc-guardrail' })).toEqual([
      'VPC_GUARDRAIL_TOPIC_ARN (topicArn): not an SNS topic ARN like "arn:aws:sns:eu-west-1:123456789012:vpc-guardrail" ("vpc-guardrail")',
    ]);
    expect(issuesOf({ VPC_GUARDRAIL_OWN_ROLE_ARN: 'arn:aws:iam::111122223333:role/a,guardrail' })).toEqual([
      'VPC_GUARDRAIL_OWN_ROLE_ARN (ownRoleArn): not IAM role ARNs like "arn:aws:iam::123456789012:role/name", separated by commas ("arn:aws:iam::111122223333:role/a,guardrail")',
    ]);
  });

  it('takes the ARNs the stacks set: a topic, and both functions roles separated by a comma', () => {
    // Act
    const config = configFromEnv({
      VPC_GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:VpcGuardrail-Notices1A2B3C4D-x_y.fifo',
      VPC_GUARDRAIL_OWN_ROLE_ARN:
        'arn:aws:iam::111122223333:role/VpcGuardrail-OnNetworkChangeRole-AB12,arn:aws:iam::111122223333:role/path/VpcGuardrail-AuditRole-CD34',
    });

    // Assess
    expect(config.ownRoleArn).toContain('AuditRole');
    expect(config.topicArn).toMatch(/fifo$/);
  });
});

describe('config: what is read as the defaults', () => {
  it('accepts remediate on a rule without an automatic fix (DESIGN §8: only auto-fix rules remediate; the plan says why it skips them)', () => {
    expect(parseConfig({ rules: { 'sg-broad-public-source': 'remediate' } }).rules).toEqual({
      'sg-broad-public-source': 'remediate',
    });
  });

  it('reads a config left out as the defaults, but refuses one that is null', () => {
    expect(parseConfig(undefined)).toEqual(DEFAULT_CONFIG);
    expect(() => parseConfig(null, 'config file c.json')).toThrow(
      /invalid config file c\.json:\n {2}\(root\): expected an object/,
    );
  });
});
