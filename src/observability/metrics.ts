/**
 * `createMetrics`: in-memory counters and gauges rendered in the Prometheus
 * text exposition format (version 0.0.4).
 *
 * @module
 */

import type { Metrics } from "./types.ts";

/** Metrics that can describe and render themselves. */
export interface MetricsRegistry extends Metrics {
  /** Sets the `# HELP` text of a metric family (name without labels). */
  describe(name: string, help: string): void;
  /** A gauge read at each render (connections, queue depth, RSS). */
  collect(name: string, read: () => number): void;
  /** The current value of a series (`name` or `name{label="v"}`). */
  get(name: string): number | undefined;
  /** Everything, in the Prometheus text format. */
  render(): string;
}

interface Series {
  family: string;
  type: "counter" | "gauge";
  value: number;
  read?: () => number;
}

const SERIES =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})?$/;

function familyOf(name: string): string {
  const match = SERIES.exec(name);
  if (match === null) {
    throw new TypeError(`Cannot use metric name: ${JSON.stringify(name)}`);
  }
  return match[1];
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

/**
 * Creates an empty registry. Series names may carry labels
 * (`jetmq_dropped_total{reason="overflow"}`); the first use of a family fixes
 * its type (`inc` → counter, `set`/`collect` → gauge). A malformed name or a
 * family used as both types is a `TypeError`.
 *
 * @example
 * ```ts
 * import { createMetrics } from "./metrics.ts";
 * const metrics = createMetrics();
 * metrics.describe("jetmq_publish_total", "PUBLISH packets received");
 * metrics.inc("jetmq_publish_total");
 * metrics.render();
 * // "# HELP jetmq_publish_total PUBLISH packets received\n# TYPE jetmq_publish_total counter\njetmq_publish_total 1\n"
 * ```
 */
export function createMetrics(): MetricsRegistry {
  const series = new Map<string, Series>();
  const types = new Map<string, Series["type"]>();
  const help = new Map<string, string>();

  function entry(name: string, type: Series["type"]): Series {
    let s = series.get(name);
    if (s === undefined) {
      const family = familyOf(name);
      const known = types.get(family);
      if (known !== undefined && known !== type) {
        throw new TypeError(
          `Cannot use ${family} as a ${type}: it is a ${known}`,
        );
      }
      types.set(family, type);
      s = { family, type, value: 0 };
      series.set(name, s);
    } else if (s.type !== type) {
      throw new TypeError(
        `Cannot use ${s.family} as a ${type}: it is a ${s.type}`,
      );
    }
    return s;
  }

  return {
    inc(name, by = 1) {
      entry(name, "counter").value += by;
    },
    set(name, value) {
      entry(name, "gauge").value = value;
    },
    describe(name, text) {
      help.set(familyOf(name), text);
    },
    collect(name, read) {
      entry(name, "gauge").read = read;
    },
    get(name) {
      const s = series.get(name);
      return s === undefined ? undefined : s.read ? s.read() : s.value;
    },
    render() {
      const byFamily = new Map<string, [string, Series][]>();
      for (const item of series) {
        const list = byFamily.get(item[1].family);
        if (list) list.push(item);
        else byFamily.set(item[1].family, [item]);
      }
      let out = "";
      for (const family of [...byFamily.keys()].sort()) {
        const text = help.get(family);
        if (text !== undefined) out += `# HELP ${family} ${escapeHelp(text)}\n`;
        out += `# TYPE ${family} ${types.get(family)}\n`;
        for (const [name, s] of byFamily.get(family)!) {
          out += `${name} ${formatValue(s.read ? s.read() : s.value)}\n`;
        }
      }
      return out;
    },
  };
}
