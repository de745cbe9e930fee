/**
 * A `Logger` writing one JSON object per line (`{"time","level","msg",…}`)
 * to an injected sink, dropping levels below the threshold.
 *
 * @module
 */

import type { LogFields, Logger } from "../observability/types.ts";

/** Log levels, lowest first. */
export const LogLevel = { debug: 0, info: 1, warn: 2, error: 3 } as const;
export type LogLevel = keyof typeof LogLevel;

/** True if `value` names a log level. */
export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(LogLevel, value);
}

/** Options of `createJsonLogger`. */
export interface JsonLoggerOptions {
  level: LogLevel;
  /** `pretty`: `time LEVEL msg key=value…` for terminals (default `json`). */
  format?: "json" | "pretty";
  /** Receives each line, newline included. */
  write(line: string): void;
  now?: () => number;
}

/** Create a JSON-lines logger. */
export function createJsonLogger(options: JsonLoggerOptions): Logger {
  const threshold = LogLevel[options.level];
  const now = options.now ?? Date.now;
  const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (LogLevel[level] < threshold) return;
    const time = new Date(now()).toISOString();
    if (options.format === "pretty") {
      const rest = Object.entries(fields ?? {}).map(([k, v]) =>
        `${k}=${typeof v === "string" ? v : JSON.stringify(v, replacer)}`
      );
      const head = [time, level.toUpperCase().padEnd(5), msg];
      options.write([...head, ...rest].join(" ") + "\n");
      return;
    }
    const record = { time, level, msg, ...fields };
    options.write(JSON.stringify(record, replacer) + "\n");
  };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
  };
}

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message };
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}
