// deno-lint-ignore-file no-console -- opt-in debug output of tests (JETMQ_TEST_LOG)
/**
 * In-process broker harness for connection and router tests: the embedded
 * backend (in memory), a router, `serveConnection` over memory pairs, a
 * fake clock and timer, and test clients that speak through our codec.
 *
 * @module
 */

import type { Authenticator } from "../../src/auth/types.ts";
import type { Backend } from "../../src/backend/types.ts";
import { createEmbeddedBackend } from "../../src/backend/embedded/mod.ts";
import {
  createPacketDecoder,
  encodePacket,
  MqttError,
  type Packet,
  PacketType,
  type ProtocolVersion,
} from "../../src/codec/mod.ts";
import type { ConnectPacket } from "../../src/codec/types.ts";
import { serveConnection } from "../../src/connection/mod.ts";
import type { Limits } from "../../src/connection/types.ts";
import process from "node:process";
import {
  type Logger,
  type Metrics,
  nullLogger,
} from "../../src/observability/types.ts";
import { createRouter } from "../../src/router/mod.ts";
import type { Router, SetTimer } from "../../src/router/types.ts";
import { createMemoryPair } from "../../src/transport/memory/mod.ts";
import type { Conn } from "../../src/transport/types.ts";

/** Logs to the console when JETMQ_TEST_LOG is set, else nothing. */
const logger: Logger = process.env.JETMQ_TEST_LOG
  ? {
    debug: (m, f) => console.debug("debug", m, f ?? ""),
    info: (m, f) => console.info("info", m, f ?? ""),
    warn: (m, f) => console.warn("warn", m, f ?? ""),
    error: (m, f) => console.error("error", m, f ?? ""),
  }
  : nullLogger;

/** A clock and timer that only move when told to. */
export interface FakeClock {
  now(): number;
  setTimer: SetTimer;
  /** Move time forward, firing due timers in order. */
  advance(ms: number): void;
  /** Timers not yet fired or cancelled. */
  readonly pending: number;
}

/** Builds a fake clock starting at `start` ms. */
export function createFakeClock(start = 1_700_000_000_000): FakeClock {
  let t = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => t,
    setTimer(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: t + ms, fn });
      return () => timers.delete(id);
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined;
        for (const e of timers) {
          if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
        }
        if (!next) break;
        timers.delete(next[0]);
        t = next[1].at;
        next[1].fn();
      }
      t = end;
    },
    get pending() {
      return timers.size;
    },
  };
}

/** Counting metrics for assertions. */
export function createCountingMetrics(): Metrics & {
  counts: Map<string, number>;
} {
  const counts = new Map<string, number>();
  return {
    counts,
    inc(name, by = 1) {
      counts.set(name, (counts.get(name) ?? 0) + by);
    },
    set(name, value) {
      counts.set(name, value);
    },
  };
}

/** Default limits for tests. */
export const TEST_LIMITS: Limits = {
  maxPacketSize: 1024 * 1024,
  receiveMaximum: 16,
  maxInflight: 16,
  topicAliasMaximum: 8,
  maxKeepAlive: 0,
  connectTimeout: 10,
  maxWriteBuffer: 1024 * 1024,
};

/** A client speaking raw packets through our codec. */
export interface TestClient {
  readonly version: ProtocolVersion;
  send(packet: Packet): Promise<void>;
  sendBytes(bytes: Uint8Array): Promise<void>;
  /** The next packet from the server; rejects when the connection ends. */
  next(): Promise<Packet>;
  /** Resolves when the server closed the connection (after the packets). */
  closed(): Promise<void>;
  /** Stop reading from the network (a slow reader) until `resume()`. */
  pause(): void;
  resume(): void;
  /** Drop the network connection (no DISCONNECT). */
  drop(): void;
  /** Resolves when `serveConnection` returned. */
  readonly served: Promise<void>;
}

/** Options of `startBroker`. */
export interface BrokerOptions {
  limits?: Partial<Limits>;
  authenticator?: Authenticator;
  backend?: Backend;
  /** Bytes the memory pair queues towards a reader (default 64 KiB). */
  pairHighWaterMark?: number;
  /** The clock to use (share it with a `backend` built beforehand). */
  clock?: FakeClock;
}

/** A running in-process broker. */
export interface Broker extends AsyncDisposable {
  readonly clock: FakeClock;
  readonly router: Router;
  readonly backend: Backend;
  readonly metrics: ReturnType<typeof createCountingMetrics>;
  readonly shutdown: AbortController;
  /** Open a raw connection; no CONNECT sent. */
  open(version: ProtocolVersion): TestClient;
  /** Open and CONNECT; asserts nothing, returns the client and CONNACK. */
  connect(
    connect: Partial<ConnectPacket> & { clientId: string },
  ): Promise<{ client: TestClient; connack: Packet }>;
}

/** Starts an in-process broker; `await using` closes it. */
export async function startBroker(
  options: BrokerOptions = {},
): Promise<Broker> {
  const clock = options.clock ?? createFakeClock();
  const metrics = createCountingMetrics();
  const backend = options.backend ?? await createEmbeddedBackend({
    dir: "unused",
    memory: true,
    logger,
    metrics,
    now: clock.now,
    sweepIntervalMs: 3_600_000,
  });
  const router = createRouter({
    backend,
    logger,
    metrics,
    now: clock.now,
    setTimer: clock.setTimer,
  });
  const shutdown = new AbortController();
  const limits = { ...TEST_LIMITS, ...options.limits };
  const clients: TestClient[] = [];
  const open = (version: ProtocolVersion): TestClient => {
    const [c, s] = createMemoryPair({
      highWaterMark: options.pairHighWaterMark,
    });
    const served = serveConnection(s, {
      router,
      limits,
      logger,
      metrics,
      authenticator: options.authenticator,
      signal: shutdown.signal,
    });
    const client = createTestClient(c, version, served);
    clients.push(client);
    return client;
  };
  return {
    clock,
    router,
    backend,
    metrics,
    shutdown,
    open,
    async connect(connect) {
      const version = connect.protocolVersion ?? 4;
      const client = open(version);
      await client.send({
        type: PacketType.CONNECT,
        protocolName: version === 3 ? "MQIsdp" : "MQTT",
        protocolVersion: version,
        clean: true,
        keepAlive: 0,
        ...connect,
      });
      return { client, connack: await client.next() };
    },
    async [Symbol.asyncDispose]() {
      for (const c of clients) c.drop();
      await Promise.all(clients.map((c) => c.served));
      await router.close();
      if (!options.backend) await backend.close();
    },
  };
}

function createTestClient(
  conn: Conn,
  version: ProtocolVersion,
  served: Promise<void>,
): TestClient {
  const decoder = createPacketDecoder({ version });
  const queue: Packet[] = [];
  let waiter: ((p: Packet | undefined) => void) | undefined;
  let ended = false;
  let failure: unknown;
  let gate: Promise<void> | undefined;
  let openGate: (() => void) | undefined;
  const writer = conn.writable.getWriter();
  const pump = (async () => {
    const reader = conn.readable.getReader();
    try {
      for (;;) {
        if (gate) await gate;
        const { done, value } = await reader.read();
        if (done) break;
        for (const p of decoder.push(value)) {
          if (waiter) {
            const w = waiter;
            waiter = undefined;
            w(p);
          } else queue.push(p);
        }
      }
    } catch (err) {
      // A torn-down pair is the end of the stream; a decode error is a bug.
      if (err instanceof MqttError) failure = err;
    } finally {
      ended = true;
      waiter?.(undefined);
      waiter = undefined;
    }
  })();
  return {
    version,
    served,
    async send(packet) {
      await writer.write(encodePacket(packet, version));
    },
    async sendBytes(bytes) {
      await writer.write(bytes);
    },
    async next() {
      const p = queue.shift() ??
        (ended ? undefined : await new Promise<Packet | undefined>((r) => {
          waiter = r;
        }));
      if (failure) throw failure;
      if (!p) throw new Error("Cannot read packet: connection closed");
      return p;
    },
    async closed() {
      await pump;
    },
    pause() {
      gate ??= new Promise((resolve) => (openGate = resolve));
    },
    resume() {
      openGate?.();
      gate = openGate = undefined;
    },
    drop() {
      openGate?.();
      conn.close();
    },
  };
}
