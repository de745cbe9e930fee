/**
 * `createLogger`: the structured logger, writing one line per record through
 * an injected `write` (the CLI passes stderr); nothing in `src/` prints.
 *
 * @module
 */

import type { LogFields, Logger } from "./types.ts";

/** Log levels, least severe first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Readonly<Record<LogLevel, number>> = {
  debug: 0,
  info: 1,
  warn: 2,
  error: 3,
};

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Least severe level written (default `info`). */
  level?: LogLevel;
  /** `json` (one JSON object per line, default) or `pretty` (human text). */
  format?: "json" | "pretty";
  /** Receives each line, without a trailing newline. */
  write: (line: string) => void;
  /** Clock in ms since the epoch (default `Date.now`), for tests. */
  now?: () => number;
  /** Fields added to every line. */
  fields?: LogFields;
}

/** A `Logger` that can derive children carrying extra fields. */
export interface StructuredLogger extends Logger {
  /** A logger adding `fields` (e.g. `{ clientId }`) to every line. */
  child(fields: LogFields): StructuredLogger;
}

/** Makes values JSON-friendly: errors, bigints, bytes. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = {
      name: value.name,
      message: value.message,
    };
    const code = (value as { reasonCode?: unknown }).reasonCode;
    if (code !== undefined) out.reasonCode = code;
    if (value.cause !== undefined) out.cause = value.cause;
    return out;
  }
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  return value;
}

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value, replacer) ?? String(value);
  } catch {
    // Circular or throwing toJSON: a log call must never throw.
    return JSON.stringify(String(value));
  }
}

function prettyValue(value: unknown): string {
  if (typeof value === "string") {
    return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  }
  return stringify(value);
}

function formatLine(
  format: "json" | "pretty",
  time: string,
  level: LogLevel,
  message: string,
  fields: LogFields,
): string {
  if (format === "json") {
    return stringify({ time, level, msg: message, ...fields });
  }
  let line = `${time} ${level.toUpperCase().padEnd(5)} ${message}`;
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) line += ` ${key}=${prettyValue(value)}`;
  }
  return line;
}

/**
 * Creates a leveled logger writing JSON lines or pretty text through
 * `write`. Records below `level` cost one comparison.
 *
 * @example
 * ```ts
 * import { createLogger } from "./logger.ts";
 * const lines: string[] = [];
 * const log = createLogger({ write: (l) => lines.push(l), now: () => 0 });
 * log.child({ clientId: "c1" }).info("connected", { version: 5 });
 * lines[0]; // '{"time":"1970-01-01T00:00:00.000Z","level":"info","msg":"connected","clientId":"c1","version":5}'
 * ```
 */
export function createLogger(options: LoggerOptions): StructuredLogger {
  const min = RANK[options.level ?? "info"];
  if (min === undefined) {
    throw new RangeError(
      `Cannot create logger: unknown level ${options.level}`,
    );
  }
  const format = options.format ?? "json";
  const now = options.now ?? Date.now;
  const base = options.fields ?? {};
  const emit = (level: LogLevel, message: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    const time = new Date(now()).toISOString();
    const all = fields === undefined ? base : { ...base, ...fields };
    options.write(formatLine(format, time, level, message, all));
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    child: (fields) =>
      createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}
