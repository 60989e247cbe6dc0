import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG } from '../shared/config';
import { evaluate } from '../shared/engine';
import { parseSnapshot } from '../shared/model/snapshot';
import { type BenchSize, generateRegion } from './generate';

/**
 * Records the findings of the bench's snapshots (seed 1), or compares them with a recording: the
 * guard that a speed change keeps the findings byte for byte. Run it on the code before the
 * change with `--record DIR`, then on the code after it with `--compare DIR` (exit 1 on a change).
 */
function findingsText(size: BenchSize, seed: number): string {
  const { snapshot } = generateRegion(size, seed);
  const parsed = parseSnapshot(JSON.parse(JSON.stringify(snapshot)));
  return `${JSON.stringify(evaluate(parsed, DEFAULT_CONFIG), null, 1)}\n`;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      record: { type: 'string' },
      compare: { type: 'string' },
      size: { type: 'string', multiple: true },
      seed: { type: 'string', default: '1' },
    },
  });
  const dir = values.record ?? values.compare;
  if (!dir || (values.record && values.compare)) {
    throw new Error('usage: compare-findings (--record DIR | --compare DIR) [--size S|M|L ...]');
  }
  const sizes = (values.size ?? ['S', 'M', 'L']) as BenchSize[];
  let changed = 0;
  for (const size of sizes) {
    const text = findingsText(size, Number(values.seed));
    const file = join(dir, `findings-${size}.json`);
    if (values.record) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, text);
      process.stdout.write(`${size}: recorded ${text.length} bytes in ${file}\n`);
      continue;
    }
    const before = readFileSync(file, 'utf8');
    const same = before === text;
    if (!same) changed++;
    process.stdout.write(
      `${size}: ${same ? 'identical' : 'DIFFERENT'} (${before.length} → ${text.length} bytes)\n`,
    );
  }
  process.exitCode = changed > 0 ? 1 : 0;
}

main();
