import { type Config, DEFAULT_CONFIG } from '../shared/config';
import { ConfigError } from '../shared/errors';
import { parseConfig } from '../shared/load-config';
import { parseJsonText } from '../shared/validation';
import type { CliIo } from './io';
import { emptyInput } from './snapshot-file';

/** Loads `--config FILE` (JSON, the same schema as VPC_GUARDRAIL_CONFIG), or the defaults. */
export async function loadConfigFile(io: CliIo, path: string | undefined): Promise<Config> {
  if (!path) return DEFAULT_CONFIG;
  const text = await io.readText(path);
  // An empty file is not the defaults: `--config` names a configuration that is not there.
  if (text.trim() === '') throw new ConfigError(`invalid config file ${path}`, [emptyInput(path)]);
  return parseConfig(parseJsonText(text, `config file ${path}`, ConfigError), `config file ${path}`);
}
