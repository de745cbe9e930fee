/**
 * Test helper: a throw-away nats-server with JetStream on a random port and a
 * temporary store, spawned with `node:child_process` so it works under
 * `deno test` and `bun test` alike.
 *
 * @example
 * ```ts
 * import { startNatsServer } from "./nats_server.ts";
 * await using server = await startNatsServer();
 * console.log(server.url); // nats://127.0.0.1:<port>
 * ```
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  connect,
  type Msg,
  type NatsConnection,
  type NodeConnectionOptions,
} from "@nats-io/transport-node";
import { withDeadline } from "./raw_client.ts";

/** Options of `startNatsServer`. */
export interface NatsServerOptions {
  /** Binary to run (default `nats-server` from PATH). */
  binary?: string;
  /** Extra command-line arguments. */
  args?: string[];
  /** How long to wait for the ports file, ms (default 10 000). */
  deadline?: number;
}

/** A running nats-server. */
export interface NatsServer extends AsyncDisposable {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** JetStream store directory (kept across `restart`). */
  readonly storeDir: string;
  /** Stops the server and removes its temporary directory. */
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same port and store. */
  restart(): Promise<void>;
}

interface Ports {
  nats: string[];
}

async function waitForPorts(
  dir: string,
  child: ChildProcess,
  deadline: number,
): Promise<number> {
  const end = Date.now() + deadline;
  const name = `nats-server_${child.pid}.ports`;
  while (Date.now() < end) {
    if (child.exitCode !== null) {
      throw new Error(`Cannot start nats-server: exited ${child.exitCode}`);
    }
    const names = await readdir(dir).catch(() => [] as string[]);
    if (names.includes(name)) {
      try {
        const ports = JSON.parse(
          await readFile(join(dir, name), "utf8"),
        ) as Ports;
        const url = ports.nats?.[0];
        if (url) return Number(new URL(url).port);
      } catch {
        // Partially written: read it again on the next poll.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Cannot start nats-server: no ports file in ${deadline} ms`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/**
 * Starts `nats-server -a 127.0.0.1 -p -1 -js` with a temporary store and
 * waits (with a deadline) for its ports file. Always `stop()` it, or use
 * `await using`.
 */
export async function startNatsServer(
  options: NatsServerOptions = {},
): Promise<NatsServer> {
  const dir = await mkdtemp(join(tmpdir(), "jetmq-nats-"));
  const storeDir = join(dir, "store");
  const binary = options.binary ?? "nats-server";
  const deadline = options.deadline ?? 10_000;
  let child: ChildProcess | undefined;
  let port = -1;

  const launch = async (): Promise<void> => {
    const args = [
      ...["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir],
      ...["--ports_file_dir", dir, ...(options.args ?? [])],
    ];
    const started = spawn(binary, args, { stdio: "ignore" });
    child = started;
    started.on("error", () => {/* exitCode check reports it */});
    try {
      port = await waitForPorts(dir, started, deadline);
    } catch (error) {
      await stopChild(started);
      throw error;
    }
  };

  try {
    await launch();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child) await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  return {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    storeDir,
    stop,
    async restart() {
      if (child) await stopChild(child);
      const portsFile = join(dir, `nats-server_${child?.pid}.ports`);
      await rm(portsFile, { force: true });
      await launch();
    },
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * Subscribes to the next core message on `subject` and flushes, so the
 * subscription is in place on return; the returned function awaits that
 * message (with a deadline).
 */
export async function natsNext(
  nc: NatsConnection,
  subject: string,
): Promise<() => Promise<Msg>> {
  const got = new Promise<Msg>((resolve) => {
    nc.subscribe(subject, { max: 1, callback: (_e, m) => resolve(m) });
  });
  await nc.flush();
  return () => withDeadline(got, `a NATS message on ${subject}`);
}

/**
 * A NATS client connection to `url` that closes itself when disposed:
 * `await using nc = await connectNats(nats.url);`.
 */
export async function connectNats(
  url: string,
  options: Omit<NodeConnectionOptions, "servers"> = {},
): Promise<NatsConnection & AsyncDisposable> {
  const nc = await connect({ ...options, servers: url });
  return Object.assign(nc, { [Symbol.asyncDispose]: () => nc.close() });
}
