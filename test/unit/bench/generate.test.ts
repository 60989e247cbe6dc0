import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateRegion } from '../../../bench/generate';
import { DEFAULT_CONFIG } from '../../../shared/config';
import { evaluate } from '../../../shared/engine';
import { parseSnapshot } from '../../../shared/model/snapshot';

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('benchmark generator', () => {
  it('is deterministic: the same seed gives the same snapshot, another seed another one', () => {
    // Act
    const a = generateRegion('S', 7);
    const b = generateRegion('S', 7);
    const c = generateRegion('S', 8);
    // Assess
    expect(digest(a.snapshot)).toBe(digest(b.snapshot));
    expect(a.stats).toEqual(b.stats);
    expect(digest(c.snapshot)).not.toBe(digest(a.snapshot));
  });

  it('S holds 1k groups with about ten rules each, 200 NACLs and 1k interfaces, and is a valid snapshot', () => {
    // Act
    const { snapshot, stats } = generateRegion('S', 1);
    const parsed = parseSnapshot(snapshot);
    // Assess
    expect(stats).toMatchObject({ securityGroups: 1000, networkAcls: 200, networkInterfaces: 1000 });
    expect(stats.rules).toBeGreaterThan(9000);
    expect(stats.rules).toBeLessThan(12000);
    expect(parsed.SecurityGroups).toHaveLength(1000);
  });

  it('has a realistic mix: every rule family of the catalogue finds something, most groups are not world-open', () => {
    // Act
    const findings = evaluate(parseSnapshot(generateRegion('S', 1).snapshot), DEFAULT_CONFIG);
    const rules = new Set(findings.map((f) => f.ruleId));
    const worldOpenGroups = new Set(
      findings.filter((f) => f.ruleId.startsWith('sg-open-')).map((f) => f.resourceId),
    );
    // Assess
    for (const id of [
      'sg-open-admin-port',
      'sg-open-unauthorized-port',
      'nacl-open-admin-port',
      'subnet-private-has-igw-route',
      'subnet-auto-assign-public-ip',
      'route-blackhole',
      'vpce-policy-full-access',
      'eni-internet-exposed',
    ]) {
      expect(rules).toContain(id);
    }
    expect(worldOpenGroups.size).toBeLessThan(150);
  });
});
