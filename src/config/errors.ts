/**
 * The configuration error: every bad path at once.
 *
 * @module
 */

/** One problem in a configuration input. */
export interface ConfigIssue {
  /** Where, as `listeners[1].port` (`""` for the whole input). */
  path: string;
  /** What is wrong, as `must be an integer 0..65535`. */
  message: string;
}

/**
 * Thrown by `parseConfig` when the input is not a valid configuration. Its
 * `issues` list every bad path; its message names them one per line.
 *
 * @example
 * ```ts
 * import { ConfigError } from "./errors.ts";
 * const err = new ConfigError([{ path: "listeners[1].port", message: "must be an integer 0..65535" }]);
 * err.message; // "Invalid configuration: listeners[1].port: must be an integer 0..65535"
 * ```
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], options?: ErrorOptions) {
    const lines = issues.map((i) =>
      i.path ? `${i.path}: ${i.message}` : i.message
    );
    super(
      lines.length === 1
        ? `Invalid configuration: ${lines[0]}`
        : `Invalid configuration:\n  ${lines.join("\n  ")}`,
      options,
    );
    this.name = "ConfigError";
    this.issues = Object.freeze(issues.map((i) => Object.freeze({ ...i })));
  }
}
