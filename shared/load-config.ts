import { type Config, type ConfigEnv, configFromEnvFor, parseConfigFor } from './config';
import { REGISTRY } from './rules/registry';

// The registry hands config its rule ids: config validates them without importing the rules
// (which import config), so no import circle runs through the rule catalogue.

/** Validates a config object against the rule catalogue, filling defaults; throws ConfigError naming each bad key. */
export function parseConfig(input: unknown, source = 'config'): Config {
  return parseConfigFor(REGISTRY.ids, input, source);
}

/** Builds the config from environment variables (DESIGN §9), rule ids checked against the catalogue. */
export function configFromEnv(env: ConfigEnv): Config {
  return configFromEnvFor(REGISTRY.ids, env);
}
