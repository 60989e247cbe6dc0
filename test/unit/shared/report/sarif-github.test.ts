import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../shared/findings';
import { controlUrl, RULE_HELP } from '../../../../shared/report/rule-help';
import { primaryLocationLineHash, toSarif } from '../../../../shared/report/sarif';
import { RULES } from '../../../../shared/rules/registry';
import { SAMPLE_FINDINGS } from '../../../helpers';

// What GitHub code scanning reads of a SARIF log ("SARIF support for code scanning", GitHub docs):
// every rule needs shortDescription.text, fullDescription.text and help.text (help.markdown is
// shown instead when present), each description at most 1,024 characters; a result's
// partialFingerprints are read for `primaryLocationLineHash` only; physicalLocation needs
// region.startLine.

const run = toSarif(SAMPLE_FINDINGS).runs[0];
const rules = run?.tool.driver.rules ?? [];

describe('SARIF rules as GitHub code scanning shows them', () => {
  it('gives every catalogue rule both descriptions, help in text and Markdown, and a precision', () => {
    expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.meta.id));
    for (const rule of rules) {
      expect(rule.shortDescription?.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription?.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription?.text.length).toBeLessThanOrEqual(1024);
      expect(rule.help?.text).toContain('When it fires: ');
      expect(rule.help?.text).toContain('How to fix: ');
      expect(rule.help?.markdown).toContain('### How to fix');
      expect(['very-high', 'high']).toContain(rule.properties?.precision);
      // GitHub keeps 10 tags of a rule.
      expect(((rule.properties?.tags ?? []) as string[]).length).toBeLessThanOrEqual(10);
    }
    // A rule added to the catalogue without help fails here.
    expect(Object.keys(RULE_HELP).sort()).toEqual(RULES.map((r) => r.meta.id).sort());
  });

  it('writes the admin-port rule help exactly: what fires, why, the fix, severity, auto-fix and controls', () => {
    const rule = rules.find((r) => r.id === 'sg-open-admin-port');
    expect(rule?.fullDescription?.text).toBe(
      "A security group's inbound rules make an admin port world-open: TCP 22 (SSH), TCP 3389 or UDP 3389 (RDP) by default (config adminPorts; world-open means the whole IPv4 internet (0.0.0.0/0) or the whole IPv6 internet (::/0)).",
    );
    expect(rule?.help?.text.split('\n\n')).toEqual([
      'Security group open to the internet on an admin port (sg-open-admin-port).',
      `When it fires: ${RULE_HELP['sg-open-admin-port']?.fires}`,
      'Why it matters: Remote administration ports open to the internet are scanned within minutes and brute-forced continuously; they are the most common way into a cloud instance.',
      'How to fix: Remove the rule and reach the instances through AWS Systems Manager Session Manager, EC2 Instance Connect Endpoint, a VPN or a bastion restricted to known addresses. The guardrail revokes the offending rules in remediate mode.',
      'Severity: critical. Automatic fix: yes, in remediate mode. Controls: CIS 5.2, CIS 5.3, FSBP EC2.13, FSBP EC2.14, FSBP EC2.53, FSBP EC2.54.',
    ]);
    expect(rule?.help?.markdown).toContain(
      '- Controls: CIS 5.2, CIS 5.3, [FSBP EC2.13](https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13), [FSBP EC2.14](https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-14)',
    );
    // helpUri: a stable page only, the first FSBP control's documentation.
    expect(rule?.helpUri).toBe(
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13',
    );
    expect(rule?.properties?.precision).toBe('very-high');
  });

  it('writes no helpUri for a rule without an FSBP control, and says so in the help', () => {
    const rule = rules.find((r) => r.id === 'route-blackhole');
    expect(rule?.helpUri).toBeUndefined();
    expect(rule?.help?.text).toContain('Severity: low. Automatic fix: no. Controls: none.');
    expect(controlUrl('CIS 5.4')).toBeUndefined();
    expect(controlUrl('FSBP EC2.2')).toBe(
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2',
    );
  });

  it('escapes Markdown in the help so `principal *, action *` is not read as emphasis', () => {
    const rule = rules.find((r) => r.id === 'vpce-policy-full-access');
    expect(rule?.help?.markdown).toContain('allows principal \\*, action \\* and resource \\*');
    expect(rule?.help?.text).toContain('allows principal *, action * and resource *');
  });

  it('gives an unknown rule id the descriptions and help GitHub requires', () => {
    const odd = { ...SAMPLE_FINDINGS[0], ruleId: 'custom-rule', title: 'Custom check' } as Finding;
    const extra = toSarif([odd]).runs[0]?.tool.driver.rules.find((r) => r.id === 'custom-rule');
    expect(extra).toEqual({
      id: 'custom-rule',
      shortDescription: { text: 'Custom check' },
      fullDescription: { text: 'Custom check' },
      help: { text: 'Custom check' },
    });
  });
});

describe('primaryLocationLineHash: the alert identity GitHub reads', () => {
  const base = SAMPLE_FINDINGS[0] as Finding;

  it('keeps two resources apart in one snapshot file (every result is on its line 1)', () => {
    const other = { ...base, resourceId: 'sg-0fedcba9876543210' };
    const results = toSarif([base, other], { artifactUri: 'snapshot.json' }).runs[0]?.results ?? [];
    const hashes = results.map((r) => r.partialFingerprints.primaryLocationLineHash);
    expect(hashes[0]).toMatch(/^[0-9a-f]{16}:1$/);
    expect(hashes[1]).toMatch(/^[0-9a-f]{16}:1$/);
    expect(hashes[0]).not.toBe(hashes[1]);
    expect(results.map((r) => r.locations[0]?.physicalLocation)).toEqual([
      {
        artifactLocation: { uri: 'snapshot.json' },
        region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
      },
      {
        artifactLocation: { uri: 'snapshot.json' },
        region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
      },
    ]);
  });

  it('stays the same for one resource when its ports (evidence, finding id) change, and differs per account', () => {
    const morePorts = { ...base, id: 'ffffffffffffffffffff', evidence: { ports: ['22/tcp', '3389/tcp'] } };
    expect(primaryLocationLineHash(morePorts)).toBe(primaryLocationLineHash(base));
    expect(primaryLocationLineHash({ ...base, accountId: '444455556666' })).not.toBe(
      primaryLocationLineHash(base),
    );
    // Our own key is kept beside it (other SARIF readers, and the engine's finding id).
    expect(toSarif([base]).runs[0]?.results[0]?.partialFingerprints).toEqual({
      primaryLocationLineHash: primaryLocationLineHash(base),
      'vpcGuardrailFindingId/v1': base.id,
    });
  });
});
