import { describe, expect, it } from 'vitest';
import { InputError } from '../shared/errors';
import { readSnapshot, readSnapshotText } from '../shared/model/snapshot';

// DESIGN §3 ("no audit may come out clean because its input was wrong"): what the mutation checks
// of the snapshot reader left by mutants7 and run by mutants10 (2026-12-08) found without a test
// that would fail. Each test names the exact error line a user reads.

/** The issues of the InputError that reading `input` throws; `[]` when it is read. */
function issuesOf(input: unknown): string[] {
  try {
    readSnapshot(structuredClone(input));
  } catch (error) {
    if (error instanceof InputError) return error.issues;
    throw error;
  }
  return [];
}

const VPCS = [{ VpcId: 'vpc-1' }];

describe('DESIGN §3 one owner: the first claimant named is the one in force', () => {
  const association = (id: string, extra: Record<string, unknown>, State?: string) => ({
    RouteTableAssociationId: `rtbassoc-${id}`,
    ...extra,
    ...(State ? { AssociationState: { State } } : {}),
  });
  const table = (RouteTableId: string, associations: unknown[]) => ({
    RouteTableId,
    VpcId: 'vpc-1',
    Routes: [],
    Associations: associations,
  });

  it('skips a disassociated association listed first when it names where the subnet and the main table were claimed', () => {
    // Prepare: rtb-a held subnet-1 and the main association once (disassociated); rtb-b holds both
    // now; rtb-c claims them again. The first claimant is rtb-b, at RouteTables[1].
    const input = {
      Vpcs: VPCS,
      RouteTables: [
        table('rtb-a', [
          association('a1', { SubnetId: 'subnet-1', Main: false }, 'disassociated'),
          association('a2', { Main: true }, 'disassociated'),
        ]),
        table('rtb-b', [
          association('b1', { Main: true }, 'associated'),
          association('b2', { SubnetId: 'subnet-1', Main: false }, 'associated'),
        ]),
        table('rtb-c', [
          association('c1', { SubnetId: 'subnet-1', Main: false }),
          association('c2', { Main: true }),
        ]),
      ],
    };

    expect(issuesOf(input)).toEqual([
      'RouteTables[2].Associations[0].SubnetId: subnet-1 is already associated with another route table (rtb-b, at RouteTables[1].Associations[1].SubnetId)',
      'RouteTables[2].Associations[1].Main: vpc-1 already has a main route table (rtb-b, at RouteTables[1].Associations[0].Main)',
    ]);
  });
});

describe('DESIGN §3: ids of at most 128 characters, as the event side bounds them', () => {
  it('accepts an id of exactly 128 characters and names only the one of 129, also beside another error', () => {
    const id128 = `vpc-${'a'.repeat(124)}`;
    const id129 = `vpc-${'b'.repeat(125)}`;

    // Assess: alone, 128 is read; beside an error the explaining walk names only the real one.
    expect(issuesOf({ Vpcs: [{ VpcId: id128 }] })).toEqual([]);
    expect(issuesOf({ Vpcs: [{ VpcId: id128 }, { VpcId: id129 }] })).toEqual([
      'Vpcs[1].VpcId: an id of 129 characters ("vpc-bbbbbbbbbbbbbbbbbbbb"…), longer than any EC2 id (at most 128)',
    ]);
  });
});

describe("DESIGN §3 Keys: a subnet's tags misspelt would hide its Name from the naming rules", () => {
  it('names `tags` on a subnet (read as none, a private-named subnet routed to an igw- was not found)', () => {
    const input = {
      Vpcs: VPCS,
      Subnets: [
        {
          SubnetId: 'subnet-1',
          VpcId: 'vpc-1',
          CidrBlock: '10.0.1.0/24',
          tags: [{ Key: 'Name', Value: 'private-a' }],
        },
      ],
    };
    expect(issuesOf(input)).toEqual(['Subnets[0].tags: unknown key; did you mean Tags?']);
  });
});

describe('DESIGN §3 Keys: a top-level near miss is an error even beside the key it resembles', () => {
  it('refuses `securityGroups` next to an empty `SecurityGroups` (read as unknown, its groups were ignored)', () => {
    const input = {
      Vpcs: VPCS,
      SecurityGroups: [],
      securityGroups: [{ GroupId: 'sg-1', VpcId: 'vpc-1' }],
    };
    expect(issuesOf(input)).toEqual(['securityGroups: unknown key; did you mean SecurityGroups?']);
  });

  it('refuses `AccountId` for accountId (the account every finding names)', () => {
    expect(issuesOf({ Vpcs: VPCS, accountId: '111122223333', AccountId: '444455556666' })).toEqual([
      'AccountId: unknown key; did you mean accountId?',
    ]);
  });
});

describe('DESIGN §3: an empty snapshot file is said to be empty', () => {
  it('says so for a file of only blanks and line breaks too (a redirect that wrote nothing but a newline)', () => {
    for (const text of ['', '\n', ' \t\r\n ']) {
      let issues: string[] = [];
      try {
        readSnapshotText(text, 'snapshot in.json');
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        expect(error.message).toContain('invalid snapshot in.json');
        issues = error.issues;
      }
      expect(issues).toEqual(['(root): the file is empty']);
    }
  });
});

describe('DESIGN §3 Keys: a near miss is found whatever the case of its trailing s', () => {
  it('names a tag key spelled with a Kelvin sign and an upper-case S (it lower-cases to "keys")', () => {
    // U+212A KELVIN SIGN lower-cases to "k": `KEYS` folds to `key` as `KEYS` does.
    const input = {
      Vpcs: VPCS,
      Subnets: [
        {
          SubnetId: 'subnet-1',
          VpcId: 'vpc-1',
          CidrBlock: '10.0.1.0/24',
          Tags: [{ '\u212AEYS': 'Name', Value: 'private-a' }],
        },
      ],
    };
    expect(issuesOf(input)).toEqual([
      'Subnets[0].Tags[0].\u212AEYS: unknown key "\u212AEYS"; did you mean Key?',
    ]);
  });
});

describe('DESIGN §3: a bad value is quoted in its error, at most 80 characters', () => {
  it('shows a value of exactly 80 characters whole, and cuts one of 81 with …', () => {
    const value = (length: number) => `10.0.0.0/${'8'.repeat(length - 9)}`;
    const issue = (length: number) => issuesOf({ Vpcs: [{ VpcId: 'vpc-1', CidrBlock: value(length) }] });

    expect(issue(80)).toEqual([`Vpcs[0].CidrBlock: not a valid IPv4 CIDR ("${value(80)}")`]);
    expect(issue(81)).toEqual([`Vpcs[0].CidrBlock: not a valid IPv4 CIDR ("${value(81).slice(0, 80)}"…)`]);
  });
});

describe('DESIGN §3 Keys: two spellings of one key in one object say how they differ', () => {
  it('names the separator when the first spelling holds it and the second does not', () => {
    let issues: string[] = [];
    try {
      readSnapshotText(
        '{"SecurityGroups": [{"GroupId": "sg-1", "Ip_Permissions": [], "IpPermissions": []}]}',
      );
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      issues = error.issues;
    }
    expect(issues).toEqual([
      'SecurityGroups[0].IpPermissions: the same key as "Ip_Permissions" but for a space, _ or - (JSON keeps both, and only one spelling is read; give it once, spelled as EC2 prints it)',
    ]);
  });
});
