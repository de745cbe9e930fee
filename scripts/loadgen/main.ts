/**
 * The load generator's command line. Runs scenarios against one broker and
 * prints one JSON line per result on stdout.
 *
 *   deno run -A scripts/loadgen/main.ts --port 1883 --scenario fan_in,qos1
 *   bun scripts/loadgen/main.ts --port 1883 --scenario all --protocol 5
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { idleConnections, queuedDrain, retained } from "./capacity.ts";
import type { ScenarioContext, ScenarioResult } from "./context.ts";
import { fanIn, fanOut, latency, qosStream } from "./throughput.ts";

/** Scenario names, in the order `all` runs them. */
export const SCENARIOS: Record<
  string,
  (ctx: ScenarioContext) => Promise<ScenarioResult>
> = {
  fan_in: (ctx) => fanIn(ctx),
  fan_out: (ctx) => fanOut(ctx),
  qos1: (ctx) => qosStream(ctx, 1),
  qos2: (ctx) => qosStream(ctx, 2),
  latency0: (ctx) => latency(ctx, 0),
  latency1: (ctx) => latency(ctx, 1),
  idle: (ctx) => idleConnections(ctx),
  retained: (ctx) => retained(ctx),
  drain: (ctx) => queuedDrain(ctx),
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "1883" },
      scenario: { type: "string", default: "all" },
      protocol: { type: "string", default: "4" },
      duration: { type: "string", default: "5" },
      warmup: { type: "string", default: "1" },
      size: { type: "string", default: "64" },
      pid: { type: "string" },
      window: { type: "string", default: "64" },
      rate: { type: "string", default: "2000" },
      connections: { type: "string", default: "5000" },
      retained: { type: "string", default: "10000" },
      queued: { type: "string", default: "20000" },
    },
  });
  const ctx: ScenarioContext = {
    host: values.host,
    port: Number(values.port),
    version: values.protocol === "5" ? 5 : 4,
    durationMs: Number(values.duration) * 1000,
    warmupMs: Number(values.warmup) * 1000,
    payloadSize: Number(values.size),
    pid: values.pid ? Number(values.pid) : undefined,
    runId: `lg${Date.now().toString(36)}`,
    window: Number(values.window),
    latencyRate: Number(values.rate),
    idleConnections: Number(values.connections),
    retainedCount: Number(values.retained),
    queuedCount: Number(values.queued),
  };
  const names = values.scenario === "all"
    ? Object.keys(SCENARIOS)
    : values.scenario.split(",");
  let failed = 0;
  for (const name of names) {
    const run = SCENARIOS[name];
    if (!run) {
      process.stderr.write(`unknown scenario ${name}\n`);
      return 2;
    }
    try {
      const r = await run({ ...ctx, runId: `${ctx.runId}${name}` });
      const out = { ...r, scenario: name, figure: r.scenario };
      process.stdout.write(JSON.stringify(out) + "\n");
    } catch (err) {
      failed++;
      const error = err instanceof Error ? err.message : String(err);
      process.stdout.write(JSON.stringify({ scenario: name, error }) + "\n");
    }
  }
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) process.exit(await main());
