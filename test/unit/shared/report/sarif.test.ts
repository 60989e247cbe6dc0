import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../shared/findings';
import {
  artifactUri,
  formatSarif,
  messageText,
  sarifLevel,
  sarifSizeWarning,
  toSarif,
} from '../../../../shared/report/sarif';
import { RULES } from '../../../../shared/rules/registry';
import { VERSION } from '../../../../shared/version';
import { SAMPLE_FINDINGS } from '../../../helpers';

// The `required` lists of the SARIF 2.1.0 JSON schema (sarif-schema-2.1.0.json, OASIS) for every
// object this report writes; `message` needs `text` or `id` (the schema's anyOf).
const REQUIRED: Record<string, string[]> = {
  sarifLog: ['version', 'runs'],
  run: ['tool'],
  tool: ['driver'],
  toolComponent: ['name'],
  reportingDescriptor: ['id'],
  result: ['message'],
  suppression: ['kind'],
  artifactLocation: [],
};
const LEVELS = ['none', 'note', 'warning', 'error'];

function missing(object: Record<string, unknown>, definition: string): string[] {
  return (REQUIRED[definition] ?? []).filter((key) => object[key] === undefined);
}

describe('toSarif', () => {
  const log = toSarif(SAMPLE_FINDINGS, { toolVersion: '0.1.0' });
  const run = log.runs[0];

  it('carries every field the SARIF 2.1.0 schema requires', () => {
    // Assess
    expect(missing(log as unknown as Record<string, unknown>, 'sarifLog')).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run).toBeDefined();
    if (!run) return;
    expect(missing(run, 'run')).toEqual([]);
    expect(missing(run.tool, 'tool')).toEqual([]);
    expect(missing(run.tool.driver, 'toolComponent')).toEqual([]);
    for (const rule of run.tool.driver.rules) {
      expect(missing(rule as unknown as Record<string, unknown>, 'reportingDescriptor')).toEqual([]);
    }
    for (const result of run.results) {
      expect(missing(result as unknown as Record<string, unknown>, 'result')).toEqual([]);
      expect(result.message.text.length).toBeGreaterThan(0);
      expect(LEVELS).toContain(result.level);
      for (const suppression of result.suppressions ?? [])
        expect(['inSource', 'external']).toContain(suppression.kind);
    }
  });

  it('maps each finding to one result with its rule, level, resource and stable fingerprint', () => {
    // Assess
    const result = run?.results[0];
    expect(result).toMatchObject({
      ruleId: 'sg-open-admin-port',
      level: 'error',
      message: {
        text: 'Security group world-open on 22/tcp: sg-0123456789abcdef0 allows 0.0.0.0/0 on 22/tcp (rule sgr-1).',
      },
      locations: [
        {
          // No file named: the resource's path is the artifact (GitHub rejects a result without one).
          physicalLocation: {
            artifactLocation: { uri: '111122223333/eu-west-1/vpc-0a1b2c3d/sg-0123456789abcdef0' },
          },
          logicalLocations: [
            {
              name: 'sg-0123456789abcdef0',
              fullyQualifiedName: '111122223333/eu-west-1/vpc-0a1b2c3d/sg-0123456789abcdef0',
              kind: 'AWS::EC2::SecurityGroup',
            },
          ],
        },
      ],
      partialFingerprints: { 'vpcGuardrailFindingId/v1': 'a1b2c3d4e5f60718293a' },
      properties: {
        severity: 'critical',
        'security-severity': '9.5',
        controls: ['CIS 5.2', 'FSBP EC2.13'],
        exposure: 2,
      },
    });
    expect(run?.results.map((r) => r.ruleId)).toEqual([
      'sg-open-admin-port',
      'route-blackhole',
      'vpce-policy-full-access',
    ]);
  });

  it('points ruleIndex at the descriptor of the same id', () => {
    // Assess
    for (const result of run?.results ?? []) {
      expect(result.ruleIndex).toBeDefined();
      expect(run?.tool.driver.rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
    }
    expect(run?.tool.driver.rules.length).toBeGreaterThanOrEqual(RULES.length);
  });

  it('writes suppressed findings with a suppression and its justification', () => {
    // Assess
    expect(run?.results[1]?.suppressions).toEqual([
      { kind: 'inSource', status: 'accepted', justification: 'vpc-guardrail:exempt=route-blackhole' },
    ]);
    expect(run?.results[2]?.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'allow-listed in configuration' },
    ]);
    expect(run?.results[0]?.suppressions).toBeUndefined();
  });

  it('adds a physical location when an artifact is named', () => {
    // Act
    const withArtifact = toSarif(SAMPLE_FINDINGS.slice(0, 1), { artifactUri: 'snapshots/prod.json' });

    // Assess
    // GitHub code scanning marks region.startLine required: a resource has no line, so line 1.
    expect(withArtifact.runs[0]?.results[0]?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'snapshots/prod.json' },
      region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
    });
  });

  it('gives every result a physical location when no file is named (live audit, stdin, accounts)', () => {
    // Arrange: GitHub code scanning rejects the whole upload when one result has no
    // physicalLocation.artifactLocation.uri ("locationFromSarifResult: expected artifact location").
    const odd = { ...SAMPLE_FINDINGS[0], resourceId: 'sg-a b/#\uD800', accountId: undefined } as Finding;

    // Act
    const results = toSarif([...SAMPLE_FINDINGS, odd]).runs[0]?.results ?? [];

    // Assess
    expect(results.map((r) => r.locations[0]?.physicalLocation?.artifactLocation.uri)).toEqual([
      '111122223333/eu-west-1/vpc-0a1b2c3d/sg-0123456789abcdef0',
      ...SAMPLE_FINDINGS.slice(1).map((f) =>
        [f.accountId, f.region, f.vpcId, f.resourceId].filter(Boolean).join('/'),
      ),
      // Each segment percent-encoded, a lone surrogate as U+FFFD: one valid relative reference.
      'eu-west-1/vpc-0a1b2c3d/sg-a%20b%2F%23%EF%BF%BD',
    ]);
  });

  it('writes a valid log with no results when there are no findings', () => {
    // Act
    const text = formatSarif([]);

    // Assess
    const parsed = JSON.parse(text) as { version: string; runs: { results: unknown[] }[] };
    expect(parsed.version).toBe('2.1.0');
    expect(parsed.runs[0]?.results).toEqual([]);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('maps severities to levels', () => {
    // Assess
    expect(['critical', 'high', 'medium', 'low', 'info'].map((s) => sarifLevel(s as 'high'))).toEqual([
      'error',
      'error',
      'warning',
      'note',
      'note',
    ]);
  });
});

describe('artifactUri', () => {
  it.each([
    ['snapshot.json', 'snapshot.json'],
    ['scans/my snap #1.json', 'scans/my%20snap%20%231.json'],
    ['données/é.json', 'donn%C3%A9es/%C3%A9.json'],
    ['50%?.json', '50%25%3F.json'],
    ['a:b.json', 'a%3Ab.json'],
    ['../up/s.json', '../up/s.json'],
    ['/tmp/a b/s.json', 'file:///tmp/a%20b/s.json'],
    ['C:\\Users\\me\\scan #2.json', 'file:///C:/Users/me/scan%20%232.json'],
    ['\\\\server\\share\\s.json', 'file://server/share/s.json'],
  ])('%s → %s', (path, uri) => {
    expect(artifactUri(path)).toBe(uri);
  });

  it('gives a reference that resolves back to the same path', () => {
    for (const path of ['dir with space/#hash?.json', 'ünï/çødé 100%.json']) {
      const resolved = new URL(artifactUri(path), 'file:///repo/');
      expect(resolved.hash).toBe('');
      expect(resolved.search).toBe('');
      expect(decodeURIComponent(resolved.pathname)).toBe(`/repo/${path}`);
    }
  });
});

describe('rule descriptors as GitHub code scanning reads them', () => {
  it('at most 10 tags per rule (GitHub shows 10, rejects more than 20) and a score where the rule has one severity', () => {
    const rules = toSarif([]).runs[0]?.tool.driver.rules ?? [];
    for (const rule of rules) {
      const tags = rule.properties?.tags as string[];
      expect(tags.length, rule.id).toBeLessThanOrEqual(10);
      expect(tags, rule.id).toContain('security');
    }
    // GitHub takes `security-severity` from the rule only: by-ports eni-internet-exposed has none
    // (README), its results rank by their own level.
    expect(rules.filter((r) => r.properties?.['security-severity'] === undefined).map((r) => r.id)).toEqual([
      'eni-internet-exposed',
    ]);
  });
});

describe('messageText', () => {
  it.each([
    // A path in a warning has brackets but no link: as written.
    [
      'SecurityGroups[0].IpPermissions[1].FromPort: expected a number',
      'SecurityGroups[0].IpPermissions[1].FromPort: expected a number',
    ],
    // A link-shaped name: every `\`, `[`, `]` escaped (SARIF §3.11.6), so no consumer renders a link.
    ['sg-1 ([docs](https://evil.example) a\\b)', 'sg-1 (\\[docs\\](https://evil.example) a\\\\b)'],
    // Control characters and bidi overrides become spaces, runs collapse.
    ['web\u001b[31m\r\nfake\u202Eline', 'web [31m fake line'],
  ])('%j → %j', (text, expected) => {
    expect(messageText(text)).toBe(expected);
  });
});

describe('sarifSizeWarning', () => {
  it('warns above the 5,000 results GitHub code scanning keeps of a run (it drops the rest silently)', () => {
    expect(sarifSizeWarning(5_000)).toBeUndefined();
    expect(sarifSizeWarning(5_001)).toBe(
      'SARIF: 5001 results, GitHub code scanning keeps only the 5000 most severe of a run and drops the rest (audit and upload the VPCs in parts with --vpc ID ...)',
    );
  });

  it('says rejected above the 25,000 results GitHub code scanning takes in one run', () => {
    expect(sarifSizeWarning(25_000)).toContain('keeps only the 5000');
    expect(sarifSizeWarning(25_001)).toBe(
      'SARIF: 25001 results, GitHub code scanning rejects a run of more than 25000 (audit and upload the VPCs in parts with --vpc ID ...)',
    );
  });
});

describe('tool version', () => {
  it('names the package version unless told otherwise', () => {
    expect(toSarif([]).runs[0]?.tool.driver.version).toBe(VERSION);
    expect(toSarif([], { toolVersion: '9.9.9' }).runs[0]?.tool.driver.version).toBe('9.9.9');
  });
});
