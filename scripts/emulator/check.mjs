// Compares an audit's JSON findings with what DESIGN §5 says for the world world.py builds:
// `node scripts/emulator/check.mjs /tmp/world.json audit.json` (the CLI's `--format json`, or the
// audit function's answer). Prints each difference and exits 1 when there is one. A manual check
// against an emulator (scripts/emulator/README.md), never part of `npm test`.
import { readFileSync } from 'node:fs';

const [worldFile, auditFile] = process.argv.slice(2);
if (!worldFile || !auditFile) {
  process.stderr.write('usage: check.mjs <world.json> <audit.json>\n');
  process.exit(2);
}
const world = JSON.parse(readFileSync(worldFile, 'utf8'));
const audit = JSON.parse(readFileSync(auditFile, 'utf8'));

// [ruleId, world key (or a count of resources the world did not name: moto's defaults), ports, suppressed]
const ADMIN = ['22/tcp', '3389/tcp', '3389/udp'];
const expected = [
  ['eni-internet-exposed', 'eniWeb', ['22/tcp', '1024-65535/tcp']],
  ['eni-internet-exposed', 'eniBastion', ['22/tcp'], true],
  ['eni-internet-exposed', 'eniV6', ['3389/tcp']],
  ['eni-internet-exposed', 'instanceEni', ['3389/udp']],
  ['sg-open-admin-port', 'sgWeb', ['22/tcp', '3389/tcp']],
  ['sg-open-admin-port', 'sgExempt', ['22/tcp'], true],
  ['sg-open-admin-port', 'sgRdp', ['3389/udp']],
  ['sg-open-all-traffic', 'sgAll', ['0-65535/tcp', '0-65535/udp']],
  ['sg-open-all-traffic', 'sgAll6', ['0-65535/tcp']],
  ['sg-open-high-risk-port', 'sgWeb', ['8080/tcp']],
  ['sg-open-high-risk-port', 'sgShapes', ['20-21/tcp']],
  ['sg-open-high-risk-port', 'sgSplit', ['25/tcp']],
  ['sg-open-unauthorized-port', 'sgWeb', ['9000/tcp']],
  ['sg-open-unauthorized-port', 'sgShapes', ['53/udp']],
  ['sg-broad-public-source', 'sgWeb', ['8443/tcp']],
  ['nacl-open-admin-port', 'nacl', ['22/tcp', '3389/tcp']],
  ['nacl-open-admin-port', 'naclSpare', ['3389/udp']],
  ['nacl-open-admin-port', 3, ADMIN], // the default NACLs of prod, dev and moto's default VPC
  ['nacl-ephemeral-return-blocked', 'nacl', ['1024-3388/tcp', '3390-65535/tcp']],
  ['subnet-private-has-igw-route', 'leaky'],
  ['subnet-public-no-igw-route', 'pubNoRoute'],
  ['subnet-auto-assign-public-ip', 'pubA'],
  ['subnet-auto-assign-public-ip', 3], // moto's default-VPC subnets
  ['nat-gateway-in-private-subnet', 'natBad'],
  ['sg-default-not-restricted', 3], // the default groups of prod, dev and the default VPC
  ['vpce-policy-full-access', 'vpce'],
  // route-blackhole: moto keeps a route whose interface was deleted `active` (it never reports
  // `blackhole`), so the world's blackhole route cannot be seen through it.
];

const problems = [];
const findings = audit.findings ?? [];
const claimed = new Set();
for (const [ruleId, key, ports, suppressed = false] of expected) {
  const candidates = findings.filter((f) => f.ruleId === ruleId && !claimed.has(f));
  const named = typeof key === 'string';
  const picked = named
    ? candidates.filter((f) => f.resourceId === world[key])
    : candidates.filter((f) => !Object.values(world).includes(f.resourceId));
  const want = named ? 1 : key;
  if (picked.length !== want) {
    problems.push(`${ruleId} ${named ? key : '(defaults)'}: ${picked.length} finding(s), expected ${want}`);
  }
  for (const f of picked.slice(0, want)) {
    claimed.add(f);
    const got = f.evidence?.ports;
    if (ports && JSON.stringify(got) !== JSON.stringify(ports)) {
      problems.push(
        `${ruleId} ${f.resourceId}: ports ${JSON.stringify(got)}, expected ${JSON.stringify(ports)}`,
      );
    }
    if (Boolean(f.suppressed) !== suppressed) {
      problems.push(`${ruleId} ${f.resourceId}: suppressed ${Boolean(f.suppressed)}, expected ${suppressed}`);
    }
  }
}
for (const f of findings.filter((x) => !claimed.has(x))) {
  problems.push(`unexpected: ${f.ruleId} ${f.resourceId} ${JSON.stringify(f.evidence?.ports ?? '')}`);
}
if ((audit.summary?.notJudged ?? []).length > 0) {
  problems.push(`not judged: ${JSON.stringify(audit.summary.notJudged)}`);
}
for (const line of problems) process.stdout.write(`${line}\n`);
process.stdout.write(`${findings.length} findings, ${problems.length} difference(s)\n`);
process.exitCode = problems.length > 0 ? 1 : 0;
