/**
 * The backend contract suite: one set of tests every `Backend` must pass,
 * run against `embedded` (src/backend/embedded/embedded_test.ts) and
 * `jetstream` (its integration test) unchanged. Time moves only through the
 * injected fake clock; deliveries are awaited, never slept for.
 *
 * @module
 */

import { describe } from "node:test";
import type { Backend } from "../src/backend/types.ts";
import { routingContract } from "./contract/routing.ts";
import { queueingContract } from "./contract/queueing.ts";
import { sessionContract } from "./contract/sessions.ts";
import { quotaContract } from "./contract/quotas.ts";
import { createClock, type FakeClock } from "./helpers/backend_harness.ts";

/** What the suite passes to `makeBackend`. */
export interface ContractOptions {
  /** The fake clock; the backend must read time only through it. */
  now: () => number;
  /** Per-session bound on queued messages (the suite uses 8). */
  maxQueuedMessages: number;
  /** Per-session bound on queued bytes (the suite uses 4096). */
  maxQueuedBytes: number;
  /** Server-wide bound on retained topics (absent = none; quota tests). */
  maxRetained?: number;
  /** Server-wide bound on retained payload bytes (absent = none). */
  maxRetainedBytes?: number;
  /** Server-wide bound on persistent sessions (absent = none). */
  maxSessions?: number;
}

/** The server-wide bounds a test may ask its backend for. */
export type QuotaOptions = Pick<
  ContractOptions,
  "maxRetained" | "maxRetainedBytes" | "maxSessions"
>;

/** A backend under test and how to restart and dispose of it. */
export interface BackendFixture {
  backend: Backend;
  /**
   * Closes the backend and opens a new one on the same stored state; the
   * fixture then disposes of the new one. Without it, durability tests skip.
   */
  restart?: () => Promise<Backend>;
  /** Releases everything the fixture started, whatever happened. */
  dispose(): Promise<void>;
}

/** Makes a fresh, empty backend for one test. */
export type MakeBackend = (options: ContractOptions) => Promise<BackendFixture>;

/** One test's view: the backend, its clock, and restart. */
export interface ContractContext {
  backend: Backend;
  clock: FakeClock;
  /** Present when the fixture can restart; replaces `backend`. */
  restart?: () => Promise<Backend>;
}

/**
 * Runs `body` against a fresh backend (with `quotas`, if given) and always
 * disposes of it.
 */
export type WithBackend = (
  body: (t: ContractContext) => Promise<void>,
  quotas?: QuotaOptions,
) => Promise<void>;

/** Queue bounds passed to every backend under test. */
export const CONTRACT_LIMITS = {
  maxQueuedMessages: 8,
  maxQueuedBytes: 4096,
} as const;

/**
 * Registers the backend contract tests for `name`.
 *
 * @example
 * ```ts ignore
 * import { backendContract } from "../../../tests/backend_contract.ts";
 * backendContract("embedded", async (options) => {
 *   const backend = await createEmbeddedBackend({ ...options, memory: true });
 *   return { backend, dispose: () => backend.close() };
 * });
 * ```
 */
export function backendContract(name: string, makeBackend: MakeBackend): void {
  const withBackend: WithBackend = async (body, quotas) => {
    const clock = createClock();
    const fixture = await makeBackend({
      now: clock.now,
      ...CONTRACT_LIMITS,
      ...quotas,
    });
    try {
      const t: ContractContext = { backend: fixture.backend, clock };
      const restart = fixture.restart;
      if (restart !== undefined) {
        t.restart = async () => {
          t.backend = await restart();
          return t.backend;
        };
      }
      await body(t);
    } finally {
      await fixture.dispose();
    }
  };
  describe(`backend contract: ${name}`, () => {
    routingContract(withBackend);
    queueingContract(withBackend);
    sessionContract(withBackend);
    quotaContract(withBackend);
  });
}
