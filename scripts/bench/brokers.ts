/**
 * Start and stop the brokers the comparison runs: jetmq (embedded or on
 * NATS), mosquitto, and nats-server's own MQTT listener. Each start gets a
 * fresh port and a fresh temporary data directory; every child is spawned
 * in its own process group with a raised file-descriptor limit, and
 * `stop()` ends it (SIGTERM, then SIGKILL) and removes its directory.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import process from "node:process";

/** A running broker. */
export interface Broker {
  readonly name: string;
  readonly port: number;
  /** The broker process itself (for /proc figures). */
  readonly pid: number;
  /** What was configured, for the report. */
  readonly notes: string[];
  stop(): Promise<void>;
}

/** Where brokers keep data (removed on stop) and logs (kept). */
export interface BenchDirs {
  root: string;
  logs: string;
}

/** How to run jetmq. */
export interface JetmqOptions {
  runtime: "deno" | "bun";
  /** Directory for `--cpu-prof` output (Deno and Bun), or none. */
  cpuProfDir?: string;
}

const live = new Set<ChildProcess>();

/** Kill every child still running (used on exit and on signals). */
export function killAll(): void {
  for (const c of live) {
    try {
      process.kill(-c.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Spawn `cmd` via bash with `ulimit -n` raised, in its own group. */
export function spawnRaised(cmd: string, log: string): ChildProcess {
  const script =
    `ulimit -n 65536 2>/dev/null || ulimit -n $(ulimit -Hn); exec ${cmd}`;
  const child = spawn("bash", ["-c", script], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  child.on("exit", () => live.delete(child));
  let out = "";
  const keep = (d: Uint8Array) => {
    if (out.length < 65536) out += new TextDecoder().decode(d);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  child.on("exit", () => {
    try {
      writeFileSync(log, out);
    } catch {
      // The directory was removed already; the log is only for debugging.
    }
  });
  return child;
}

/** Poll until `port` accepts a TCP connection, or throw at the deadline. */
export async function waitPort(
  port: number,
  child: ChildProcess,
  timeoutMs = 20_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) {
      throw new Error(`Cannot start broker: exited ${child.exitCode}`);
    }
    const ok = await new Promise<boolean>((res) => {
      const s = net.connect({ host: "127.0.0.1", port });
      s.once("connect", () => (s.destroy(), res(true)));
      s.once("error", () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Cannot start broker: port ${port} not open in time`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((res) => child.once("exit", res));
  const kill = (signal: "SIGTERM" | "SIGKILL") => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is gone already.
    }
  };
  kill("SIGTERM");
  // SIGKILL after 5 s; never wait on the exit event alone (a wait with no
  // timer pending would let the runtime exit and leak the other children).
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((res) => {
    timer = setTimeout(() => {
      kill("SIGKILL");
      timer = setTimeout(res, 2_000);
    }, 5_000);
  });
  await Promise.race([exited, deadline]);
  clearTimeout(timer);
}

async function launch(
  dirs: BenchDirs,
  name: string,
  cmd: string,
  port: number,
  dir: string,
  notes: string[],
  extra: ChildProcess[] = [],
): Promise<Broker> {
  const child = spawnRaised(cmd, join(dirs.logs, `${name}.log`));
  const stop = async () => {
    await stopChild(child);
    for (const e of extra) await stopChild(e);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitPort(port, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { name, port, pid: child.pid!, notes, stop };
}

/** Settings written into mosquitto's generated config. */
export const MOSQUITTO_SETTINGS = [
  "allow_anonymous true",
  "persistence true",
  "autosave_interval 1800",
  "max_inflight_messages 64",
  "max_queued_messages 1000000",
  "max_queued_bytes 0",
  "set_tcp_nodelay true",
];

/** mosquitto with a generated config on a fresh port and directory. */
export async function startMosquitto(dirs: BenchDirs): Promise<Broker> {
  const port = await freePort();
  const dir = mkdtempSync(join(dirs.root, "mosquitto-"));
  const conf = [
    `listener ${port} 127.0.0.1`,
    ...MOSQUITTO_SETTINGS,
    `persistence_location ${dir}/`,
  ];
  writeFileSync(join(dir, "mosquitto.conf"), conf.join("\n") + "\n");
  const cmd = `mosquitto -c ${dir}/mosquitto.conf`;
  return await launch(dirs, "mosquitto", cmd, port, dir, MOSQUITTO_SETTINGS);
}

/** nats-server with JetStream; with `mqtt` its MQTT listener too. */
export async function startNatsServer(
  dirs: BenchDirs,
  mqtt: boolean,
): Promise<{ broker: Broker; url: string; child?: ChildProcess }> {
  const port = await freePort();
  const mqttPort = mqtt ? await freePort() : 0;
  const dir = mkdtempSync(join(dirs.root, "nats-"));
  const conf = [
    "server_name: jetmq_bench",
    `listen: 127.0.0.1:${port}`,
    `jetstream { store_dir: "${dir}/js" }`,
    ...(mqtt ? [`mqtt { listen: 127.0.0.1:${mqttPort} }`] : []),
  ];
  writeFileSync(join(dir, "nats.conf"), conf.join("\n") + "\n");
  const broker = await launch(
    dirs,
    mqtt ? "nats" : "nats-core",
    `nats-server -c ${dir}/nats.conf`,
    mqtt ? mqttPort : port,
    dir,
    ["jetstream (file store)", "mqtt listener (v3.1.1 only)"],
  );
  return { broker, url: `nats://127.0.0.1:${port}` };
}

/** jetmq (`main.ts`), embedded backend, or on NATS when `natsUrl` given. */
export async function startJetmq(
  dirs: BenchDirs,
  o: JetmqOptions,
  natsUrl?: string,
): Promise<Broker> {
  const port = await freePort();
  const dir = mkdtempSync(join(dirs.root, "jetmq-"));
  const main = join(import.meta.dirname!, "..", "..", "main.ts");
  const prof = o.cpuProfDir ? `--cpu-prof --cpu-prof-dir=${o.cpuProfDir}` : "";
  const rt = o.runtime === "bun" ? `bun ${prof}` : `deno run -A ${prof}`;
  const args = `--host 127.0.0.1 --port ${port} --data ${dir}` +
    (natsUrl ? ` --nats ${natsUrl}` : "");
  const notes = [
    `runtime ${o.runtime}`,
    natsUrl ? "backend jetstream" : "backend embedded",
  ];
  return await launch(
    dirs,
    natsUrl ? "jetmq-nats" : "jetmq",
    `${rt} ${main} ${args}`,
    port,
    dir,
    notes,
  );
}
