/**
 * Settings that flags and `JETMQ_*` environment variables can override, in
 * one flat shape; `build_config.ts` lays them over the config file.
 *
 * @module
 */

/** Flat overrides from flags or env; absent means "not given". */
export interface Overrides {
  host?: string;
  port?: number;
  data?: string;
  nats?: string[];
  natsToken?: string;
  natsUser?: string;
  natsPass?: string;
  natsCreds?: string;
  logLevel?: string;
  metricsPort?: number;
  tlsCert?: string;
  tlsKey?: string;
  tlsPort?: number;
  wsPort?: number;
}

/** Bad command-line or environment input; the CLI exits with code 2. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** Parse a port number (0–65535) or throw a `UsageError` naming `field`. */
export function parsePort(value: string, field: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n > 65535) {
    throw new UsageError(
      `Invalid ${field}: "${value}" is not a port (0-65535)`,
    );
  }
  return n;
}

/** Split repeated and comma-separated URL lists into one list. */
export function splitList(values: string[]): string[] {
  return values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(
    (v) => v.length > 0,
  );
}
