// An interface's exposure accepted through its security group's exemption (DESIGN §8 "Exemptions":
// a group's `eni-internet-exposed` or `*` entry, or its exempted findings, accept the interfaces'
// exposure through it). When that exemption's date passes, the interface's finding fires again;
// like a group's own finding it carries `evidence.exemptionExpired`, so that Security Hub, which
// took it SUPPRESSED while the exemption held, is told to reopen it (a date passing is no API call).
// And a tag set or removed on such a group moves the interface's Workflow as it moves the group's.

import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import type { Finding } from '../../shared/findings';
import { securityHubPlan } from '../../shared/integrations/security-hub';
import { memoryIo } from '../helpers';
import { group, networkInterface, permission, snapshot } from '../helpers/exemption-world';

const KEY = 'vpc-guardrail:exempt';
const NOW = new Date('2026-12-06T12:00:00Z');

const ssh = permission('tcp', 22, 22, '0.0.0.0/0');
const tagged = (id: string, tags: { Key: string; Value: string }[]) => group(id, [ssh], tags);

/** The exemption tests' world (a public subnet, an allow-all NACL): one interface behind all the groups. */
function world(groups: ReturnType<typeof group>[]) {
  return snapshot(groups, [
    networkInterface(
      'eni-0e9',
      groups.map((g) => g.GroupId),
    ),
  ]);
}

async function findings(snap: unknown): Promise<Finding[]> {
  const env = memoryIo({ 'snap.json': JSON.stringify(snap) }, NOW);
  await runCli(['audit', '--snapshot', 'snap.json', '--format', 'json'], env.io);
  return (JSON.parse(env.stdout()) as { findings: Finding[] }).findings;
}

const eniOf = (all: Finding[]) =>
  all.find((f) => f.ruleId === 'eni-internet-exposed' && f.resourceId === 'eni-0e9');
const ASFF = { accountId: '111122223333', region: 'eu-west-1', now: NOW };
const ENI_ASFF_ID = 'vpc-guardrail/111122223333/eu-west-1/eni-internet-exposed/eni-0e9';

describe('an interface accepted through its group: the exemption expires', () => {
  it('a group tag eni-internet-exposed@date in force: the interface is suppressed, nothing expired', async () => {
    const eni = eniOf(
      await findings(world([tagged('sg-0e9a', [{ Key: KEY, Value: 'eni-internet-exposed@2027-01-31' }])])),
    );
    expect(eni?.suppressed?.by).toBe('tag');
    expect(eni?.evidence.exemptionExpired).toBeUndefined();
  });

  it('past its date: the interface fires with exemptionExpired, and Security Hub reopens it', async () => {
    const all = await findings(
      world([tagged('sg-0e9a', [{ Key: KEY, Value: 'eni-internet-exposed@2026-11-30' }])]),
    );
    const eni = eniOf(all);
    expect(eni?.suppressed).toBeUndefined();
    expect(eni?.evidence.exemptionExpired).toBe('2026-11-30');
    const plan = securityHubPlan({ open: all, closed: [], asff: ASFF });
    expect(plan.workflow.reopen.map((r) => r.Id)).toContain(ENI_ASFF_ID);
  });

  it("a group's expired rule exemption (sg-open-admin-port@date) that had accepted 22: the interface carries the latest date", async () => {
    const all = await findings(
      world([
        tagged('sg-0e9a', [{ Key: KEY, Value: 'sg-open-admin-port@2026-10-01, sg-world-open@2026-10-01' }]),
        tagged('sg-0e9b', [{ Key: KEY, Value: '*@2026-11-15' }]),
      ]),
    );
    expect(eniOf(all)?.evidence.exemptionExpired).toBe('2026-11-15');
    const alone = await findings(
      world([tagged('sg-0e9a', [{ Key: KEY, Value: 'sg-open-admin-port@2026-10-01' }])]),
    );
    expect(eniOf(alone)?.evidence.exemptionExpired).toBe('2026-10-01');
  });

  it('an expired entry beside one in force on the same group moves nothing', async () => {
    const eni = eniOf(
      await findings(
        world([tagged('sg-0e9a', [{ Key: KEY, Value: '*@2026-11-01, eni-internet-exposed@2027-03-01' }])]),
      ),
    );
    expect(eni?.suppressed?.by).toBe('tag');
    expect(eni?.evidence.exemptionExpired).toBeUndefined();
  });

  it('one group still exempted, another expired, the interface still open only through the expired one: reported with its date', async () => {
    const all = await findings(
      world([
        tagged('sg-0e9a', [{ Key: KEY, Value: 'eni-internet-exposed' }]),
        tagged('sg-0e9b', [{ Key: KEY, Value: 'eni-internet-exposed@2026-12-01' }]),
      ]),
    );
    const eni = eniOf(all);
    expect(eni?.suppressed).toBeUndefined();
    expect(eni?.evidence.exemptionExpired).toBe('2026-12-01');
  });
});

describe("an exemption tag set or removed on an interface's group moves the interface's Workflow", () => {
  it('removed from the group: the interface, firing again, is reopened with the group', async () => {
    const all = await findings(world([tagged('sg-0e9a', [])]));
    const plan = securityHubPlan({
      open: all,
      closed: [],
      asff: ASFF,
      exemptionChanges: [{ change: 'removed', resourceIds: ['sg-0e9a'] }],
    });
    expect(plan.workflow.reopen.map((r) => r.Id).sort()).toEqual([
      ENI_ASFF_ID,
      'vpc-guardrail/111122223333/eu-west-1/sg-open-admin-port/sg-0e9a',
    ]);
    expect(plan.workflow.suppress).toEqual([]);
  });

  it('set on the group (eni-internet-exposed): the interface, now suppressed, is set SUPPRESSED; the group findings are not exempted', async () => {
    const all = await findings(world([tagged('sg-0e9a', [{ Key: KEY, Value: 'eni-internet-exposed' }])]));
    const plan = securityHubPlan({
      open: all,
      closed: [],
      asff: ASFF,
      exemptionChanges: [{ change: 'set', resourceIds: ['sg-0e9a'] }],
    });
    expect(plan.workflow.suppress.map((r) => r.Id)).toEqual([ENI_ASFF_ID]);
    expect(plan.workflow.reopen).toEqual([]);
  });

  it('a tag change on another group moves nothing of this interface', async () => {
    const all = await findings(world([tagged('sg-0e9a', [])]));
    const plan = securityHubPlan({
      open: all,
      closed: [],
      asff: ASFF,
      exemptionChanges: [{ change: 'removed', resourceIds: ['sg-0e9z'] }],
    });
    expect(plan.workflow).toEqual({ suppress: [], reopen: [] });
  });
});
