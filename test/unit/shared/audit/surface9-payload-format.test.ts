import { EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { parseAuditPayload } from '../../../../shared/audit/payload';
import { runAudit } from '../../../../shared/audit/pipeline';
import { parseConfig } from '../../../../shared/load-config';
import { mockRegion, sshGroup } from '../../../helpers';

// The CLI reads --format in any case (`--format SARIF`); the audit payload refused {"format":
// "SARIF"} with exit of the invocation. Both now agree: any case, answered in the canonical name.

describe('audit payload: format in any case', () => {
  it('reads SARIF, Json and ASFF as the format they name', () => {
    expect(parseAuditPayload({ format: 'SARIF' }).format).toBe('sarif');
    expect(parseAuditPayload({ format: 'Json' }).format).toBe('json');
    expect(parseAuditPayload({ format: 'ASFF' }).format).toBe('asff');
  });

  it('still refuses what is no format, showing the value as given', () => {
    expect(() => parseAuditPayload({ format: 'TABLE' })).toThrow(
      'format: expected one of "json", "asff", "sarif", got a string ("TABLE")',
    );
    expect(() => parseAuditPayload({ format: ' json' })).toThrow('got a string (" json")');
  });

  it('answers {"format": "SARIF"} with a SARIF log and format "sarif"', async () => {
    const client = new EC2Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    mockRegion(mockClient(client), 'vpc-0000000a', [sshGroup('sg-0000000a', 'vpc-0000000a', ['0.0.0.0/0'])]);
    const result = await runAudit(parseAuditPayload({ format: 'SARIF' }), {
      config: parseConfig({}),
      accountId: '111122223333',
      homeRegion: 'eu-west-1',
      ec2For: () => client,
      now: () => new Date('2026-11-25T12:00:00Z'),
    });
    expect(result.format).toBe('sarif');
    expect(result.sarif?.version).toBe('2.1.0');
    expect(result).not.toHaveProperty('findings');
  });
});
