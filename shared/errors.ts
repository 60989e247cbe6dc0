/** Input that does not match its contract (snapshot, event, config, payload). `issues` name the paths. */
export class InputError extends Error {
  override readonly name: string = 'InputError';
  readonly issues: string[];

  constructor(what: string, issues: string[], options?: ErrorOptions) {
    super(issues.length > 0 ? `${what}:\n  ${issues.join('\n  ')}` : what, options);
    this.issues = issues;
  }
}

/** An invalid configuration; thrown at cold start or by the CLI's `--config`. */
export class ConfigError extends InputError {
  override readonly name: string = 'ConfigError';
}
