import { type Config, DEFAULT_CONFIG, parseConfig } from '../shared/config';
import { ConfigError } from '../shared/errors';
import type { CliIo } from './io';

/** Loads `--config FILE` (JSON, the same schema as VPC_GUARDRAIL_CONFIG), or the defaults. */
export async function loadConfigFile(io: CliIo, path: string | undefined): Promise<Config> {
  if (!path) return DEFAULT_CONFIG;
  const text = await io.readText(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`invalid config file ${path}`, [`(root): not JSON (${(error as Error).message})`], {
      cause: error,
    });
  }
  return parseConfig(json, `config file ${path}`);
}
