/** One problem with one configuration source, named the way the operator wrote it (`PORT`, `--port`). */
export interface ConfigIssue {
  variable: string;
  message: string;
}

/**
 * Thrown at boot when the configuration is unusable. Lists every problem at once so an operator fixes
 * them in one pass; messages name the variable and never repeat its value (it may be a secret).
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(["Invalid configuration:", ...issues.map((i) => `  ${i.variable}: ${i.message}`)].join("\n"));
    this.name = "ConfigError";
    this.issues = issues;
  }
}
