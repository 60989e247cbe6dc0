#!/usr/bin/env node
// Runs the CLI bundle when it has been built (`npm run build`), else the TypeScript source via tsx.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli/vpc-guardrail.mjs', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../cli/bin.ts', import.meta.url).href);
}
