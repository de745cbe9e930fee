/**
 * Run the load generator's scenarios against jetmq and other brokers side by
 * side on loopback, and print a table with ratios to the first target.
 *
 *   deno run -A scripts/bench_compare.ts                 # jetmq vs mosquitto
 *   deno run -A scripts/bench_compare.ts --only qos1,fan_in --duration 3
 *   deno run -A scripts/bench_compare.ts --protocol 4,5  # v5 vs v3.1.1
 *   deno run -A scripts/bench_compare.ts --nats          # jetmq-nats, nats, mosquitto
 *
 * Each scenario gets a fresh broker process (fresh port, fresh data
 * directory), one at a time; every process is stopped at the end, also on
 * failure or Ctrl-C.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import {
  type BenchDirs,
  type Broker,
  killAll,
  MOSQUITTO_SETTINGS,
  startJetmq,
  startMosquitto,
  startNatsServer,
} from "./bench/brokers.ts";
import { printTable, type Row } from "./bench/table.ts";
import { SCENARIOS } from "./loadgen/main.ts";

interface Options {
  targets: string[];
  scenarios: string[];
  protocols: (4 | 5)[];
  duration: number;
  repeat: number;
  runtime: "deno" | "bun";
  loadgen: "deno" | "bun";
  cpuProfDir?: string;
  extraArgs: string[];
}

function parse(): Options {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      targets: { type: "string" },
      only: { type: "string" },
      protocol: { type: "string", default: "4" },
      duration: { type: "string", default: "5" },
      repeat: { type: "string", default: "1" },
      runtime: { type: "string", default: "deno" },
      loadgen: { type: "string", default: "deno" },
      nats: { type: "boolean", default: false },
      "cpu-prof": { type: "string" },
      connections: { type: "string" },
      retained: { type: "string" },
      queued: { type: "string" },
    },
  });
  const targets = values.targets?.split(",") ??
    (values.nats
      ? ["jetmq-nats", "nats", "mosquitto"]
      : ["jetmq", "mosquitto"]);
  const extraArgs: string[] = [];
  for (const k of ["connections", "retained", "queued"] as const) {
    if (values[k]) extraArgs.push(`--${k}`, values[k]!);
  }
  return {
    targets,
    scenarios: values.only?.split(",") ?? Object.keys(SCENARIOS),
    protocols: values.protocol.split(",").map((p) => (p === "5" ? 5 : 4)),
    duration: Number(values.duration),
    repeat: Number(values.repeat),
    runtime: values.runtime === "bun" ? "bun" : "deno",
    loadgen: values.loadgen === "bun" ? "bun" : "deno",
    cpuProfDir: values["cpu-prof"],
    extraArgs,
  };
}

async function start(
  target: string,
  dirs: BenchDirs,
  o: Options,
): Promise<Broker> {
  const jet = { runtime: o.runtime, cpuProfDir: o.cpuProfDir };
  if (target === "jetmq") return await startJetmq(dirs, jet);
  if (target === "mosquitto") return await startMosquitto(dirs);
  if (target === "nats") return (await startNatsServer(dirs, true)).broker;
  if (target === "jetmq-nats") {
    const nats = await startNatsServer(dirs, false);
    try {
      const j = await startJetmq(dirs, jet, nats.url);
      return {
        ...j,
        notes: [...j.notes, "nats-server 2.9.10 with JetStream"],
        stop: async () => {
          try {
            await j.stop();
          } finally {
            await nats.broker.stop();
          }
        },
      };
    } catch (err) {
      await nats.broker.stop();
      throw err;
    }
  }
  throw new Error(`Cannot start unknown target ${target}`);
}

/** Run one scenario with the load generator as a child process. */
function runLoadgen(
  broker: Broker,
  scenario: string,
  protocol: 4 | 5,
  o: Options,
): Promise<Record<string, unknown>> {
  const script = join(import.meta.dirname!, "loadgen", "main.ts");
  const rt = o.loadgen === "bun"
    ? ["bun", script]
    : ["deno", "run", "-A", script];
  const args = [
    ...rt,
    ...["--port", String(broker.port), "--pid", String(broker.pid)],
    ...["--scenario", scenario, "--protocol", String(protocol)],
    ...["--duration", String(o.duration)],
    ...o.extraArgs,
  ];
  const cmd = `ulimit -n 65536 2>/dev/null || ulimit -n $(ulimit -Hn); exec ${
    args.map((a) => `'${a}'`).join(" ")
  }`;
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", cmd], {
      stdio: ["ignore", "pipe", "inherit"],
      detached: true,
    });
    let out = "";
    child.stdout!.on(
      "data",
      (d: Uint8Array) => (out += new TextDecoder().decode(d)),
    );
    const limit = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Exited just now.
      }
    }, 240_000);
    child.on("exit", (code) => {
      clearTimeout(limit);
      const line = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line));
      } catch {
        resolve({ scenario, error: `loadgen exited ${code} without a result` });
      }
    });
  });
}

async function main(): Promise<number> {
  const o = parse();
  const root = mkdtempSync(join(tmpdir(), "jetmq-bench-"));
  const logs = join(import.meta.dirname!, "..", ".bench", "logs");
  mkdirSync(logs, { recursive: true });
  const onSignal =
    () => (killAll(),
      rmSync(root, { recursive: true, force: true }),
      process.exit(130));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const rows: Row[] = [];
  const notes = new Map<string, string[]>();
  try {
    for (const scenario of o.scenarios) {
      for (let rep = 0; rep < o.repeat; rep++) {
        for (const protocol of o.protocols) {
          for (const target of o.targets) {
            if (target === "nats" && protocol === 5) continue; // no MQTT 5
            const label = `${target} v${protocol === 5 ? "5" : "3.1.1"}`;
            let broker: Broker | undefined;
            try {
              broker = await start(target, { root, logs }, o);
              notes.set(target, broker.notes);
              const r = await runLoadgen(broker, scenario, protocol, o);
              rows.push({ target, protocol, label, scenario, result: r });
              process.stderr.write(
                `${label} ${scenario}: ${JSON.stringify(r)}\n`,
              );
            } catch (err) {
              const error = err instanceof Error ? err.message : String(err);
              rows.push({
                target,
                protocol,
                label,
                scenario,
                result: { error },
              });
              process.stderr.write(`${label} ${scenario}: ${error}\n`);
            } finally {
              await broker?.stop();
            }
          }
        }
      }
    }
  } finally {
    killAll();
    rmSync(root, { recursive: true, force: true });
  }
  printTable(rows, o.targets, o.protocols, {
    duration: o.duration,
    repeat: o.repeat,
    loadgen: o.loadgen,
    notes,
    mosquitto: MOSQUITTO_SETTINGS,
  });
  return rows.some((r) => "error" in r.result) ? 1 : 0;
}

if (import.meta.main) process.exit(await main());
