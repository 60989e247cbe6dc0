import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { ContextReader, LOG_RETENTION_DAYS, stackPropsFromContext } from '../../infra/context';
import { organizationFromContext } from '../../infra/org-context';
import { DEFAULT_CONFIG } from '../../shared/config';
import { EVENT_TABLE, HANDLED_EVENT_NAMES } from '../../shared/events/event-table';
import { REGISTRY } from '../../shared/rules/registry';
import { memoryIo } from '../helpers';

// The README's tables restate code tables (the rule catalogue, the event table, the configuration
// defaults, the CDK context keys). A new user reads the README, not the code: these tests hold the
// two equal, so that adding a rule, an event or a key without its README row fails here.

const readme = readFileSync('README.md', 'utf8');

/** The rows of the first Markdown table that follows `heading`, as cell arrays (header and rule line dropped). */
function tableAfter(heading: string, header: string): string[][] {
  const start = readme.indexOf(heading);
  expect(start, `README heading ${heading}`).toBeGreaterThanOrEqual(0);
  const at = readme.indexOf(header, start);
  expect(at, `table "${header}" after ${heading}`).toBeGreaterThan(start);
  const rows: string[][] = [];
  for (const line of readme.slice(at).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

/** The backticked words of a cell (`a`, `b` → [a, b]). */
const ticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

/** "CIS 5.2/5.3, FSBP EC2.13/14" → ["CIS 5.2", "CIS 5.3", "FSBP EC2.13", "FSBP EC2.14"]; "—" → []. */
function controlsOf(cell: string): string[] {
  if (cell === '—') return [];
  return cell.split(', ').flatMap((group) => {
    const match = /^(CIS |FSBP EC2\.)(.+)$/.exec(group);
    if (!match) throw new Error(`unreadable controls cell: ${cell}`);
    const [, prefix = '', numbers = ''] = match;
    return numbers.split('/').map((n) => `${prefix}${n}`);
  });
}

describe('the README rule table', () => {
  const rows = tableAfter('## Rules', '| id | severity | fires when | controls | auto-fix |');

  it('lists every rule of the registry, in registry order (the order of precedence)', () => {
    expect(rows.map((row) => ticked(row[0] ?? '')[0])).toEqual(REGISTRY.ids);
  });

  it.each(REGISTRY.rules.map((rule) => [rule.meta.id, rule] as const))(
    'gives %s the severity, controls and auto-fix of its meta',
    (id, rule) => {
      const row = rows.find((cells) => cells[0] === `\`${id}\``) ?? [];
      const [, severity = '', , controls = '', autoFix = ''] = row;
      if (rule.meta.severity === 'by-ports') expect(severity).toMatch(/^by ports/);
      else expect(severity).toBe(rule.meta.severity);
      expect(controlsOf(controls)).toEqual(rule.meta.controls);
      const stated = autoFix === '—' ? 'no' : autoFix.includes('(opt-in)') ? 'opt-in' : 'yes';
      expect(stated).toBe(rule.meta.autoFix);
    },
  );

  it('counts the rules where the prose names their number', () => {
    for (const match of readme.matchAll(/all (\d+) rules/g))
      expect(Number(match[1])).toBe(REGISTRY.ids.length);
  });
});

describe('the README event table', () => {
  const rows = tableAfter('## Event Lambda and simulate', '| area | CloudTrail event names |');

  it('names exactly the handled event names (those the EventBridge pattern is generated from)', () => {
    const named = rows.flatMap((row) => ticked(row[1] ?? ''));
    expect([...named].sort()).toEqual([...HANDLED_EVENT_NAMES]);
    expect(new Set(named).size).toBe(named.length);
  });

  it('puts each event under the area of its table row (the beyond-DESIGN row apart)', () => {
    const areaOf: Record<string, string> = {
      'security groups': 'security-group',
      interfaces: 'network-interface',
      'network ACLs': 'network-acl',
      routes: 'route',
      subnets: 'subnet',
      'NAT gateways, endpoints': 'nat-gateway|vpc-endpoint',
      exemptions: 'exemption',
    };
    for (const [area = '', names = ''] of rows) {
      const expected = areaOf[area];
      if (expected === undefined) {
        expect(area).toBe("beyond DESIGN §7's list");
        continue;
      }
      for (const name of ticked(names)) {
        expect(expected.split('|'), name).toContain(EVENT_TABLE[name as keyof typeof EVENT_TABLE].area);
      }
    }
  });
});

describe('the README configuration table', () => {
  const rows = tableAfter('## Configuration', '| key | default | meaning |');
  const keys = rows.flatMap((row) => ticked(row[0] ?? ''));

  it('names every configuration key, and only those', () => {
    // topicArn and ownRoleArn have no default (the stacks set them), so DEFAULT_CONFIG leaves them out.
    expect([...keys].sort()).toEqual([...Object.keys(DEFAULT_CONFIG), 'ownRoleArn', 'topicArn'].sort());
  });

  it('states the defaults of the code', () => {
    const portText = (ports: readonly { protocol: string; from: number; to: number }[]) =>
      ports.map((p) => (p.from === p.to ? `${p.from}/${p.protocol}` : `${p.from}-${p.to}/${p.protocol}`));
    const stated = Object.fromEntries(rows.map((row) => [ticked(row[0] ?? '')[0], row[1] ?? '']));
    const json = (key: string) => JSON.parse(ticked(stated[key] ?? '')[0] ?? 'null') as unknown;
    for (const key of [
      'mode',
      'rules',
      'ephemeralPorts',
      'worldOpenCoverage',
      'exemptionTagKey',
      'allowLists',
      'naclAdminSources',
      'naclEntryLimit',
      'notifyMinSeverity',
      'judgeUnused',
    ] as const) {
      expect(json(key), key).toEqual(DEFAULT_CONFIG[key]);
    }
    expect(json('adminPorts')).toEqual(portText(DEFAULT_CONFIG.adminPorts));
    expect(json('authorizedPorts')).toEqual(portText(DEFAULT_CONFIG.authorizedPorts));
    const highRisk: string[] = (stated.highRiskPorts ?? '').match(/\d+/g)?.slice(2) ?? []; // after "EC2.19"
    expect(highRisk.map((n) => `${n}/tcp`)).toEqual(portText(DEFAULT_CONFIG.highRiskPorts));
    for (const key of ['allowInterfaceTypes', 'accounts']) {
      const row = rows.find((cells) => ticked(cells[0] ?? '').includes(key)) ?? [];
      expect(row[1]).toBe('`[]`');
    }
  });
});

describe('the README CDK context tables', () => {
  /** Every context key the app reads, recorded from a reader that answers nothing but organizationId. */
  function keysRead(withOrganization: boolean): string[] {
    const asked = new Set<string>();
    const context = new ContextReader((key) => {
      asked.add(key);
      return withOrganization && key === 'organizationId' ? 'o-a1b2c3d4e5' : undefined;
    });
    if (withOrganization) organizationFromContext(context);
    else stackPropsFromContext(context);
    return [...asked];
  }

  it('lists every key of the single-account stack', () => {
    const rows = tableAfter('## Deploy', '| context (`-c key=value`) | default | effect |');
    const documented = rows.flatMap((row) => ticked(row[0] ?? '')).filter((key) => !key.includes('='));
    // organizationId is read to refuse organization keys without it; it is documented under Organization.
    expect([...documented].sort()).toEqual(
      keysRead(false)
        .filter((key) => key !== 'organizationId')
        .sort(),
    );
  });

  it('lists the log retention values the synth accepts', () => {
    const stated =
      /`logRetentionDays` one of CloudWatch Logs' values\s+\(([\d,\s]+)\)/.exec(readme)?.[1] ?? '';
    expect(stated.split(/,\s*/).map(Number)).toEqual([...LOG_RETENTION_DAYS]);
  });

  it('lists every key of organization mode', () => {
    const rows = tableAfter('### Step by step', '| context | default | effect |');
    expect(rows.flatMap((row) => ticked(row[0] ?? '')).sort()).toEqual(keysRead(true).sort());
  });
});

describe('the README itself', () => {
  /** GitHub's heading anchors: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
  const anchors = new Set(
    [...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      (m[1] ?? '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );

  it('links only to anchors that exist', () => {
    const links = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((link) => !anchors.has(link ?? ''))).toEqual([]);
  });

  it('has JSON code blocks that parse', () => {
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(() => JSON.parse(block)).not.toThrow();
  });

  it('names only environment variables the code reads', () => {
    const code = new Set<string>();
    for (const folder of ['shared', 'functions', 'infra', 'cli']) {
      for (const file of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts')) continue;
        for (const name of readFileSync(`${folder}/${file}`, 'utf8').match(/VPC_GUARDRAIL_[A-Z_]+/g) ?? [])
          code.add(name);
      }
    }
    const named = new Set(readme.match(/VPC_GUARDRAIL_[A-Z_]+/g));
    expect(named.size).toBeGreaterThan(4);
    expect([...named].filter((name) => !code.has(name))).toEqual([]);
  });
});

describe('the README command lines', () => {
  /** Each `vpc-guardrail <command> …` the README shows (code blocks and inline code). */
  const lines = [...readme.matchAll(/vpc-guardrail (audit|simulate|snapshot)\b([^`\n|>#]*)/g)].map((m) => ({
    command: m[1] ?? '',
    text: m[0],
  }));

  it.each(['audit', 'simulate', 'snapshot'])('use only options %s --help lists', async (command) => {
    const env = memoryIo();
    expect(await runCli([command, '--help'], env.io)).toBe(0);
    const listed = new Set(env.stdout().match(/--[a-z-]+/g));
    const used = lines.filter((line) => line.command === command);
    expect(used.length).toBeGreaterThan(1);
    for (const line of used) {
      for (const option of line.text.match(/--[a-z][a-z-]*/g) ?? [])
        expect(listed, line.text).toContain(option);
    }
  });
});
