import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../shared/errors';
import { parseSnapshotJson, readSnapshotText } from '../../shared/model/snapshot';

// Review of the snapshot-text key scan (DESIGN §3 "Keys"): a key beside a guarded key that differs
// from it only in a space, `_` or `-` is refused. Questions: does it refuse real EC2 output, and
// does "a space" hold for every blank a key can carry invisibly (pasted from a web page or a
// document: U+3000, U+2003, U+202F, U+200B, U+FEFF)?

const EC2 = 'test/fixtures/ec2';
const tail = '(JSON keeps both, and only one spelling is read; give it once, spelled as EC2 prints it)';

/** The issues `readSnapshotText` refuses `text` with, [] when it reads it. */
function issuesOf(text: string): string[] {
  try {
    readSnapshotText(text, 'snapshot s.json');
  } catch (error) {
    if (error instanceof InputError) return error.issues;
    throw error;
  }
  return [];
}

/** `key` quoted with its blank written as an escape, as the message shows it (`"IpPermissions\\u3000"`). */
function escaped(key: string): string {
  return JSON.stringify(key).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const OPEN_SSH = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];

describe('real EC2 Describe output passes the key scan (no false refusal)', () => {
  const files = readdirSync(EC2).filter((f) => f.endsWith('.json'));

  it.each(files)('%s (as recorded, placebo wrapper and ResponseMetadata headers included)', (file) => {
    const text = readFileSync(join(EC2, file), 'utf8');
    expect(parseSnapshotJson(text, file)).toEqual(JSON.parse(text));
  });

  it('a snapshot of every fixture list at once is read, its keys untouched', () => {
    // Prepare: each Describe output's lists under their own keys (what `aws ec2 describe-…` gives).
    const snapshot: Record<string, unknown[]> = {};
    for (const file of files) {
      const parsed = JSON.parse(readFileSync(join(EC2, file), 'utf8')) as Record<string, unknown>;
      const body = (parsed.data ?? parsed) as Record<string, unknown>;
      for (const [key, value] of Object.entries(body)) {
        if (Array.isArray(value)) snapshot[key] = [...(snapshot[key] ?? []), ...value];
      }
    }
    const text = JSON.stringify(snapshot, null, 2);
    // Act / Assess: keys EC2 prints side by side (IpRanges / Ipv6Ranges, PrivateIpAddress /
    // PrivateIpAddresses, PrefixListIds, Association / Attachment) are no near-miss of one another.
    expect(text).toContain('"Ipv6Ranges"');
    expect(text).toContain('"PrivateIpAddresses"');
    expect(text).toContain('"PrefixListIds"');
    expect(parseSnapshotJson(text)).toEqual(snapshot);
  });

  it('tags with separator keys and an endpoint policy object with condition keys are left alone', () => {
    const snapshot = {
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          GroupName: 'web',
          VpcId: 'vpc-1',
          IpPermissions: OPEN_SSH,
          IpPermissionsEgress: [],
          Tags: [
            { Key: 'Owner_Id', Value: 'a' },
            { Key: 'OwnerId', Value: 'b' },
            { Key: 'owner-id', Value: 'c' },
          ],
        },
      ],
      VpcEndpoints: [
        {
          VpcEndpointId: 'vpce-1',
          VpcId: 'vpc-1',
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Principal: '*',
                Action: '*',
                Resource: '*',
                Condition: {
                  StringEquals: { 'aws:SourceVpc': 'vpc-1', 'aws:PrincipalTag/Owner_Id': 'x' },
                  StringLike: { 'aws:PrincipalTag/OwnerId': 'y', 'aws:PrincipalTag/owner-id': 'z' },
                },
              },
            ],
          },
        },
      ],
    };
    expect(issuesOf(JSON.stringify(snapshot, null, 2))).toEqual([]);
  });
});

describe('a key with an invisible blank is a misspelling as "IpPermissions " is', () => {
  const blanks: [string, string][] = [
    ['U+3000 ideographic space', '\u3000'],
    ['U+2003 em space', '\u2003'],
    ['U+202F narrow no-break space', '\u202f'],
    ['U+200B zero-width space', '\u200b'],
    ['U+FEFF byte order mark', '\ufeff'],
  ];
  const group = (extra: Record<string, unknown>) => ({
    GroupId: 'sg-1',
    GroupName: 'web',
    VpcId: 'vpc-1',
    IpPermissionsEgress: [],
    ...extra,
  });

  it.each(blanks)('beside IpPermissions: %s is refused, naming the path', (_label, blank) => {
    const key = `IpPermissions${blank}`;
    const text = JSON.stringify({ SecurityGroups: [group({ IpPermissions: [], [key]: OPEN_SSH })] });
    // Was accepted: the world-open rule under the misspelt key never judged.
    expect(issuesOf(text)).toEqual([
      `SecurityGroups[0][${escaped(key)}]: the same key as "IpPermissions" but for a space, _ or - ${tail}`,
    ]);
  });

  it.each(blanks)('alone: %s is the near miss of IpPermissions', (_label, blank) => {
    const key = `${blank === '\ufeff' ? blank : ''}IpPermissions${blank === '\ufeff' ? '' : blank}`;
    const text = JSON.stringify({ SecurityGroups: [group({ [key]: OPEN_SSH })] });
    // The path names the key as the message does, its blank escaped (was written raw: the path
    // read `SecurityGroups[0].IpPermissions` with an invisible character after it).
    expect(issuesOf(text)).toEqual([
      `SecurityGroups[0][${escaped(key)}]: unknown key ${escaped(key)}; did you mean IpPermissions?`,
    ]);
  });
});
