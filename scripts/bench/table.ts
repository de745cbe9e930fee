/**
 * Turn load-generator results into the comparison table: one line per
 * figure, one column per target (and protocol), ratios of the first target
 * to each other one, and the issue's targets checked against mosquitto.
 *
 * @module
 */

import { execSync } from "node:child_process";
import os from "node:os";
import process from "node:process";

/** One load-generator run. */
export interface Row {
  target: string;
  protocol: 4 | 5;
  label: string;
  scenario: string;
  result: Record<string, unknown>;
}

interface Figure {
  scenario: string;
  /** `value`, or a key of `extra`. */
  key: string;
  label: string;
  better: "higher" | "lower";
  /** Required ratio first/mosquitto (≥ when higher, ≤ when lower). */
  ratio?: number;
  /** Required absolute value of the first target (≤). */
  max?: number;
}

const FIGURES: Figure[] = [
  {
    scenario: "fan_in",
    key: "value",
    label: "QoS0 fan-in 4→1 msg/s",
    better: "higher",
    ratio: 1,
  },
  {
    scenario: "fan_in",
    key: "per_broker_core",
    label: "  fan-in per broker core",
    better: "higher",
  },
  {
    scenario: "fan_out",
    key: "value",
    label: "QoS0 fan-out 1→32 msg/s",
    better: "higher",
    ratio: 1,
  },
  {
    scenario: "fan_out",
    key: "per_broker_core",
    label: "  fan-out per broker core",
    better: "higher",
  },
  {
    scenario: "qos1",
    key: "value",
    label: "QoS1 1→1 (64 in flight) msg/s",
    better: "higher",
    ratio: 1,
  },
  {
    scenario: "qos1",
    key: "per_broker_core",
    label: "  QoS1 per broker core",
    better: "higher",
  },
  {
    scenario: "qos2",
    key: "value",
    label: "QoS2 1→1 (64 in flight) msg/s",
    better: "higher",
    ratio: 1,
  },
  {
    scenario: "qos2",
    key: "per_broker_core",
    label: "  QoS2 per broker core",
    better: "higher",
  },
  {
    scenario: "latency0",
    key: "p50_ms",
    label: "QoS0 latency p50 ms @2k/s",
    better: "lower",
  },
  {
    scenario: "latency0",
    key: "value",
    label: "QoS0 latency p99 ms @2k/s",
    better: "lower",
    ratio: 1.5,
  },
  {
    scenario: "latency1",
    key: "p50_ms",
    label: "QoS1 latency p50 ms @2k/s",
    better: "lower",
  },
  {
    scenario: "latency1",
    key: "value",
    label: "QoS1 latency p99 ms @2k/s",
    better: "lower",
    ratio: 1.5,
  },
  {
    scenario: "idle",
    key: "value",
    label: "5k idle conns: connects/s",
    better: "higher",
    ratio: 1,
  },
  {
    scenario: "idle",
    key: "rss_per_conn_kib",
    label: "5k idle conns: RSS KiB/conn",
    better: "lower",
    max: 8,
  },
  {
    scenario: "retained",
    key: "value",
    label: "10k retained → '#' all recv ms",
    better: "lower",
    ratio: 1,
  },
  {
    scenario: "drain",
    key: "value",
    label: "20k queued QoS1 drain ms",
    better: "lower",
    ratio: 1,
  },
];

function figureOf(r: Record<string, unknown>, key: string): number {
  if ("error" in r) return NaN;
  const v = key === "value"
    ? r.value
    : (r.extra as Record<string, unknown>)?.[key];
  return typeof v === "number" ? v : NaN;
}

function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return "n/a";
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString("en-US");
  return String(Number(n.toPrecision(3)));
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((
    c,
    i,
  ) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
}

function check(f: Figure, mine: number, theirs: number): string {
  if (f.max !== undefined) {
    return Number.isFinite(mine)
      ? (mine <= f.max ? `ok ≤${f.max}` : `MISS ≤${f.max}`)
      : "";
  }
  if (f.ratio === undefined || !Number.isFinite(mine / theirs)) return "";
  const r = mine / theirs;
  const ok = f.better === "higher" ? r >= f.ratio : r <= f.ratio;
  return `${ok ? "ok" : "MISS"} ${
    f.better === "higher" ? "≥" : "≤"
  }${f.ratio}×`;
}

/** Issue 4's targets for jetmq on NATS: [scenario, against, ratio]. */
const NATS_TARGETS: Array<[string, string, number]> = [
  ["fan_in", "mosquitto", 1],
  ["qos1", "nats", 3],
  ["drain", "nats", 1],
];

/** The issue's target for this figure, judged on the first target. */
function judge(
  f: Figure,
  targets: string[],
  value: (target: string) => number,
): string {
  const first = targets[0];
  if (first === "jetmq" && targets.includes("mosquitto")) {
    return check(f, value(first), value("mosquitto"));
  }
  if (first !== "jetmq-nats" || f.key !== "value") return "";
  const t = NATS_TARGETS.find(([s, other]) =>
    s === f.scenario && targets.includes(other)
  );
  if (!t) return "";
  const mine = value(first);
  const theirs = value(t[1]);
  return `${check({ ...f, max: undefined, ratio: t[2] }, mine, theirs)} vs ${
    t[1]
  }`;
}

/** Print the table and the run's conditions to stdout. */
export function printTable(
  rows: Row[],
  targets: string[],
  protocols: (4 | 5)[],
  info: {
    duration: number;
    repeat: number;
    loadgen: string;
    notes: Map<string, string[]>;
    mosquitto: string[];
  },
): void {
  const labels = protocols.flatMap((p) =>
    targets.filter((t) => !(t === "nats" && p === 5)).map((t) => ({ t, p }))
  );
  const name = (c: { t: string; p: number }) =>
    protocols.length > 1 ? `${c.t} v${c.p}` : c.t;
  const first = targets[0];
  const ratioCols = protocols.flatMap((p) =>
    labels.filter((c) => c.p === p && c.t !== first).map((c) => ({
      p,
      other: c.t,
    }))
  );
  const protoCols = protocols.length > 1
    ? targets.filter((t) => t !== "nats")
    : [];
  const header = [
    "figure",
    ...labels.map(name),
    ...ratioCols.map((c) =>
      `${first}/${c.other}${protocols.length > 1 ? ` v${c.p}` : ""}`
    ),
    ...protoCols.map((t) => `${t} v5/v4`),
    "target",
  ];
  const lines: string[][] = [];
  const value = (t: string, p: number, f: Figure) =>
    median(
      rows.filter((r) =>
        r.target === t && r.protocol === p && r.scenario === f.scenario
      )
        .map((r) => figureOf(r.result, f.key)),
    );
  for (const f of FIGURES) {
    if (!rows.some((r) => r.scenario === f.scenario)) continue;
    const cells = [f.label, ...labels.map((c) => fmt(value(c.t, c.p, f)))];
    for (const c of ratioCols) {
      cells.push(fmt(value(first, c.p, f) / value(c.other, c.p, f)) + "×");
    }
    for (const t of protoCols) {
      cells.push(fmt(value(t, 5, f) / value(t, 4, f)) + "×");
    }
    cells.push(judge(f, targets, (t) => value(t, protocols[0], f)));
    lines.push(cells);
  }
  const widths = header.map((h, i) =>
    Math.max(h.length, ...lines.map((l) => l[i].length))
  );
  const out = [
    pad(header, widths),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...lines.map((l) => pad(l, widths)),
  ];
  out.push("", ...conditions(rows, info));
  process.stdout.write(out.join("\n") + "\n");
}

function conditions(
  rows: Row[],
  info: Parameters<typeof printTable>[3],
): string[] {
  const out = [
    `conditions: ${new Date().toISOString()}, ${os.cpus().length} cores (${
      os.cpus()[0]?.model
    }), load avg ${os.loadavg().map((x) => x.toFixed(2)).join(" ")} at end`,
    `  throughput runs: 1 s warm-up + ${info.duration} s measured, median of ${info.repeat}; payload 64 B; backlog-bounded publishers (closed loop)`,
    `  latency: one publisher at 2,000 msg/s, each message its own write, timestamp in payload; QoS 0 and QoS 1 rows`,
    `  loadgen runtime: ${info.loadgen}; each scenario on a fresh broker process and data dir`,
    `  mosquitto config: ${info.mosquitto.join(", ")}`,
    `  NOTE mosquitto persistence is periodic (autosave), jetmq makes each QoS>0 message durable before PUBACK`,
  ];
  for (const [t, n] of info.notes) out.push(`  ${t}: ${n.join(", ")}`);
  try {
    out.push(
      `  versions: ${
        execSync(
          "deno --version | head -1; bun --version; mosquitto -h | head -1; nats-server --version",
          { encoding: "utf8" },
        ).trim().split("\n").join(" | ")
      }`,
    );
  } catch {
    // Version strings are decoration only.
  }
  const groups = new Map<string, Record<string, number>[]>();
  for (const r of rows) {
    const e = r.result.extra as Record<string, number> | undefined;
    if ("error" in r.result || e?.cpu_broker === undefined) continue;
    const k = `${r.label} ${r.scenario}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const list = (es: Record<string, number>[], key: string) =>
    es.map((e) => fmt(e[key])).join("/");
  const cpu = [...groups].map(([k, es]) =>
    `${k}: broker ${list(es, "cpu_broker")}, loadgen ${
      list(es, "cpu_loadgen")
    }, others ${list(es, "cpu_other")}`
  );
  if (cpu.length) {
    out.push(
      "  CPU in cores during the measured interval, per repeat (others = rest of the machine):",
      ...cpu.map((c) => `    ${c}`),
    );
  }
  const errs = rows.filter((r) => "error" in r.result).map((r) =>
    `    ${r.label} ${r.scenario}: ${r.result.error}`
  );
  if (errs.length) out.push("  errors:", ...errs);
  return out;
}
