/**
 * Starts `main.ts` as a subprocess under Deno or Bun for end-to-end tests,
 * waits (with a deadline) for its `listening` log lines and stops it even
 * when a test fails (`await using`). Uses node:child_process so it runs under
 * `deno test` and `bun test` alike.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The runtimes main.ts runs on. */
export type RuntimeName = "deno" | "bun";

/** The runtime running the current test process. */
export const currentRuntime: RuntimeName = "Bun" in globalThis ? "bun" : "deno";

/** Both runtimes, the current one first. */
export const runtimes: RuntimeName[] = currentRuntime === "deno"
  ? ["deno", "bun"]
  : ["bun", "deno"];

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

/** Options of `startJetmq`. */
export interface StartJetmqOptions {
  runtime?: RuntimeName;
  /** Extra CLI flags (after `--host 127.0.0.1 --port 0 --data <dir>`). */
  args?: string[];
  /** Keep state here (not removed on stop); default: a fresh temp dir. */
  dataDir?: string;
  env?: Record<string, string>;
  /** How long to wait for `listening` (default 20 s). */
  timeoutMs?: number;
  /** A config file's content, written to a temp file passed as `--config`. */
  config?: unknown;
}

/** A listener as logged by the server. */
export interface LoggedListener {
  kind: string;
  host: string;
  port: number;
}

/** A running jetmq subprocess. */
export interface JetmqProcess extends AsyncDisposable {
  /** Port of the first TCP listener. */
  readonly port: number;
  /** `mqtt://127.0.0.1:<port>`. */
  readonly url: string;
  readonly listeners: readonly LoggedListener[];
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, wait for exit (SIGKILL after 10 s); resolves with the code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for the exit. */
  kill9(): Promise<void>;
  /**
   * Resolves with the first JSON log record (seen so far or later) for
   * which `match` holds; rejects after `timeoutMs` (default 4 s).
   */
  waitForLog(
    match: (rec: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
}

/** Start main.ts and wait for it to listen. */
export async function startJetmq(
  options: StartJetmqOptions = {},
): Promise<JetmqProcess> {
  const runtime = options.runtime ?? currentRuntime;
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "jetmq-e2e-"));
  const flags = ["--host", "127.0.0.1", "--port", "0", "--data", dataDir];
  let configDir: string | undefined;
  if (options.config !== undefined) {
    configDir = mkdtempSync(join(tmpdir(), "jetmq-e2e-config-"));
    const file = join(configDir, "config.json");
    writeFileSync(file, JSON.stringify(options.config));
    flags.push("--config", file);
  }
  const argv = runtime === "deno"
    ? ["run", "-A", MAIN, ...flags, ...options.args ?? []]
    : [MAIN, ...flags, ...options.args ?? []];
  const child = spawn(runtime, argv, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", ...options.env },
  });
  let out = "";
  const listeners: LoggedListener[] = [];
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? (signal ? null : 0)));
  });
  child.stderr!.on(
    "data",
    (d: Uint8Array) => out += new TextDecoder().decode(d),
  );
  const listening = new Promise<void>((resolve, reject) => {
    let pending = "";
    child.stdout!.on("data", (d: Uint8Array) => {
      const text = new TextDecoder().decode(d);
      out += text;
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const rec = parseJson(line);
        if (rec?.msg === "listening") {
          listeners.push({
            kind: String(rec.kind),
            host: String(rec.host),
            port: Number(rec.port),
          });
        }
        if (rec?.msg === "started") resolve();
      }
    });
    exited.then((code) =>
      reject(new Error(`jetmq exited (${code}) before listening:\n${out}`))
    );
  });
  const timeout = options.timeoutMs ?? 20_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cleanupDir = () => {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      listening,
      new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(`jetmq not listening after ${timeout} ms:\n${out}`),
            ),
          timeout,
        );
      }),
    ]);
  } catch (err) {
    child.kill("SIGKILL");
    await exited;
    cleanupDir();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const tcp = listeners.find((l) => l.kind === "tcp") ?? listeners[0];
  let stopped: Promise<number | null> | undefined;
  const stop = (): Promise<number | null> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        // process.kill, not child.kill: Deno's ChildProcess reports a child
        // it signalled as killed by that signal even when it exited 0.
        process.kill(child.pid!, "SIGTERM");
      }
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      try {
        return await exited;
      } finally {
        clearTimeout(force);
        cleanupDir();
      }
    })();
    return stopped;
  };
  return {
    port: tcp.port,
    url: `mqtt://127.0.0.1:${tcp.port}`,
    listeners,
    dataDir,
    process: child,
    output: () => out,
    stop,
    async kill9() {
      child.kill("SIGKILL");
      await exited;
      if (configDir) rmSync(configDir, { recursive: true, force: true });
    },
    waitForLog: (match, timeoutMs = 4000) =>
      waitForLog(child, () => out, match, timeoutMs),
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}

function waitForLog(
  child: ChildProcess,
  output: () => string,
  match: (rec: Record<string, unknown>) => boolean,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const find = () =>
    output().split("\n").map(parseJson).find((rec) => rec && match(rec));
  return new Promise((resolve, reject) => {
    const check = () => {
      const rec = find();
      if (!rec) return;
      done();
      resolve(rec);
    };
    const timer = setTimeout(() => {
      done();
      reject(
        new Error(`No matching log line in ${timeoutMs} ms:\n${output()}`),
      );
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.stdout!.off("data", onData);
    };
    // Our own "data" listener runs after the one appending to the output.
    const onData = () => queueMicrotask(check);
    child.stdout!.on("data", onData);
    check();
  });
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined; // not a log record
  }
}

/** One jetmq shared by the tests of a file, started by the first `get()`. */
export interface SharedJetmq {
  /** The running server; a start failure fails the calling test. */
  get(): Promise<JetmqProcess>;
  /** Stop it if it was started (call from `after`). */
  stop(): Promise<void>;
}

/** A lazily started shared server: `after(() => shared.stop())`. */
export function sharedJetmq(options: StartJetmqOptions = {}): SharedJetmq {
  let started: Promise<JetmqProcess> | undefined;
  return {
    get: () => started ??= startJetmq(options),
    async stop() {
      const server = await started?.catch(() => undefined);
      await server?.stop();
    },
  };
}
