/**
 * End-to-end tests over both backends: one shared `main.ts` per backend and
 * file, started lazily, `embedded` as is and `jetstream` against a
 * throw-away nats-server (`startNatsServer`). Write the test body once and
 * loop over `e2eBackends()`.
 *
 * `JETMQ_E2E_BACKENDS=embedded` (comma-separated) limits the run.
 *
 * @example
 * ```ts ignore
 * for (const backend of e2eBackends()) {
 *   describe(`v5 on ${backend.name}`, () => {
 *     after(() => backend.stop());
 *     test("…", async () => {
 *       const server = await backend.get();
 *     });
 *   });
 * }
 * ```
 *
 * @module
 */

import process from "node:process";
import { connect } from "@nats-io/transport-node";
import { nullLogger, nullMetrics } from "../../src/observability/types.ts";
import { createEmbeddedBackend } from "../../src/backend/embedded/mod.ts";
import { createJetStreamBackend } from "../../src/backend/jetstream/mod.ts";
import {
  type Broker,
  type BrokerOptions,
  createFakeClock,
  startBroker,
} from "./mqtt_harness.ts";
import { type NatsServer, startNatsServer } from "./nats_server.ts";
import {
  type JetmqProcess,
  startJetmq,
  type StartJetmqOptions,
} from "./server.ts";

/** The backends main.ts serves from. */
export type BackendName = "embedded" | "jetstream";

/** One lazily started main.ts on one backend. */
export interface E2eBackend {
  readonly name: BackendName;
  /** The running server (and nats-server); a start failure fails the test. */
  get(): Promise<JetmqProcess>;
  /** A second main.ts on the same backend (same nats-server); caller stops it. */
  startAnother(options?: StartJetmqOptions): Promise<JetmqProcess>;
  /** Stop what was started (call from `after`). */
  stop(): Promise<void>;
}

const ALL: readonly BackendName[] = ["embedded", "jetstream"];

/** The backends selected by JETMQ_E2E_BACKENDS (default both). */
export function selectedBackends(): BackendName[] {
  const env = process.env.JETMQ_E2E_BACKENDS;
  if (!env) return [...ALL];
  return env.split(",").map((s) => s.trim()).filter((s): s is BackendName =>
    (ALL as readonly string[]).includes(s)
  );
}

/** One `E2eBackend` per selected backend, each with `options`. */
export function e2eBackends(options: StartJetmqOptions = {}): E2eBackend[] {
  return selectedBackends().map((name) => createE2eBackend(name, options));
}

function createE2eBackend(
  name: BackendName,
  options: StartJetmqOptions,
): E2eBackend {
  let nats: Promise<NatsServer> | undefined;
  let server: Promise<JetmqProcess> | undefined;
  const others: JetmqProcess[] = [];
  const start = async (extra: StartJetmqOptions): Promise<JetmqProcess> => {
    const merged = { ...options, ...extra };
    if (name === "embedded") return await startJetmq(merged);
    nats ??= startNatsServer();
    const { url } = await nats;
    return await startJetmq({
      ...merged,
      args: [...merged.args ?? [], "--nats", url],
    });
  };
  return {
    name,
    get: () => server ??= start({}),
    async startAnother(extra = {}) {
      const p = await start(extra);
      others.push(p);
      return p;
    },
    async stop() {
      const s = await server?.catch(() => undefined);
      await Promise.all([s, ...others].map((p) => p?.stop()));
      const n = await nats?.catch(() => undefined);
      await n?.stop();
    },
  };
}

/**
 * In-process brokers (memory transport, fake clock) on one backend, for
 * timing-heavy cases: the backend gets the broker's fake clock and sweeps
 * expired sessions every `SWEEP_MS` of real time; `jetstream` runs on the
 * shared nats-server with its own stream prefix.
 */
export interface InProcessBackend {
  readonly name: BackendName;
  /** A fresh broker; `await using` closes it (and its NATS connection). */
  start(options?: BrokerOptions): Promise<Broker>;
  /** Stop the nats-server, if one was started (call from `after`). */
  stop(): Promise<void>;
}

/** How often in-process backends sweep expired sessions (real time), ms. */
const SWEEP_MS = 50;

/** `broker`, whose disposal also runs `close` (its backend, NATS). */
function closing(broker: Broker, close: () => Promise<void>): Broker {
  return {
    ...broker,
    async [Symbol.asyncDispose]() {
      try {
        await broker[Symbol.asyncDispose]();
      } finally {
        await close();
      }
    },
  };
}

/** One `InProcessBackend` per selected backend. */
export function inProcessBackends(): InProcessBackend[] {
  return selectedBackends().map((name) => {
    let nats: Promise<NatsServer> | undefined;
    let prefixes = 0;
    return {
      name,
      async start(options = {}) {
        const clock = options.clock ?? createFakeClock();
        if (name === "embedded") {
          const backend = await createEmbeddedBackend({
            dir: "unused",
            memory: true,
            logger: nullLogger,
            metrics: nullMetrics,
            now: clock.now,
            sweepIntervalMs: SWEEP_MS,
          });
          return closing(
            await startBroker({ ...options, clock, backend }),
            () => backend.close(),
          );
        }
        nats ??= startNatsServer();
        const nc = await connect({ servers: (await nats).url });
        try {
          const backend = await createJetStreamBackend({
            nc,
            prefix: `$V${++prefixes}`,
            now: clock.now,
            sweepInterval: SWEEP_MS,
          });
          return closing(
            await startBroker({ ...options, clock, backend }),
            async () => {
              try {
                await backend.close();
              } finally {
                await nc.close();
              }
            },
          );
        } catch (err) {
          await nc.close();
          throw err;
        }
      },
      async stop() {
        const n = await nats?.catch(() => undefined);
        await n?.stop();
      },
    };
  });
}
