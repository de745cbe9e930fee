/**
 * Session expiry: records carry `jetmq.expiry` and `jetmq.detachedAt`; every
 * `interval` each instance walks `$MQTT_sess` and removes the sessions whose
 * expiry passed (record, consumers, staged QoS 2). Deleting the record by
 * its sequence means a session rewritten meanwhile is left alone.
 *
 * @module
 */

import {
  deleteConsumer,
  deleteMessage,
  getLast,
  purgeSubject,
  subjectsOf,
} from "./_api.ts";
import type { Context } from "./_context.ts";
import { clientToken } from "./_names.ts";
import { sessionExpired, type SessionRecord } from "./_record.ts";

/** Options of `createSweeper`. */
export interface SweeperOptions {
  interval: number;
  /** Whether this instance has the session attached. */
  held(clientId: string): boolean;
  /** A session was removed: forget what is kept of it in memory. */
  removed(clientId: string): void;
  /** More housekeeping, run before each sweep. */
  tick?: () => Promise<void>;
}

/** A periodic sweep; `sweep()` runs one now. */
export interface Sweeper {
  sweep(): Promise<number>;
  stop(): void;
}

const decoder = new TextDecoder();
const BATCH = 64;

/** Start sweeping every `options.interval` ms. */
export function createSweeper(ctx: Context, options: SweeperOptions): Sweeper {
  let running = false;
  const sweep = async (): Promise<number> => {
    if (running) return 0;
    running = true;
    try {
      await options.tick?.();
      const expired = await findExpired(ctx, options.held);
      for (const { seq, record } of expired) {
        if (await removeExpired(ctx, seq, record)) options.removed(record.id);
      }
      return expired.length;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => {
    sweep().catch((error) =>
      ctx.logger.warn("session sweep failed", { error: String(error) })
    );
  }, options.interval);
  return { sweep, stop: () => clearInterval(timer) };
}

async function findExpired(
  ctx: Context,
  held: (clientId: string) => boolean,
): Promise<{ seq: number; record: SessionRecord }[]> {
  const { names } = ctx;
  const out: { seq: number; record: SessionRecord }[] = [];
  const now = ctx.now();
  // One record per subject: list the subjects, then read them in batches.
  const subjects = await subjectsOf(
    ctx.api,
    names.sessStream,
    `${names.sess}>`,
  );
  for (let i = 0; i < subjects.length; i += BATCH) {
    const batch = subjects.slice(i, i + BATCH);
    const stored = await Promise.all(
      batch.map((subject) => getLast(ctx.api, names.sessStream, subject)),
    );
    for (const m of stored) {
      if (!m) continue;
      try {
        const record = JSON.parse(decoder.decode(m.data)) as SessionRecord;
        const j = record?.jetmq;
        if (
          j && sessionExpired(j.detachedAt, j.expiry, now) && !held(record.id)
        ) out.push({ seq: m.seq, record });
      } catch {
        // Unreadable record: not ours to judge.
      }
    }
  }
  return out;
}

async function removeExpired(
  ctx: Context,
  seq: number,
  record: SessionRecord,
): Promise<boolean> {
  const { names } = ctx;
  if (!(await deleteMessage(ctx.api, names.sessStream, seq))) return false;
  const durables = Object.values(record.cons ?? {}).filter((c) => c)
    .map((c) => c.durable_name!);
  await Promise.all([
    ...durables.map((d) => deleteConsumer(ctx.api, names.msgsStream, d)),
    ...(record.pubrel?.durable_name
      ? [deleteConsumer(ctx.api, names.outStream, record.pubrel.durable_name)]
      : []),
    purgeSubject(
      ctx.api,
      names.qos2Stream,
      `${names.qos2in}${clientToken(record.id)}.>`,
    ),
  ]);
  ctx.metrics.inc("jetmq_sessions_expired_total");
  ctx.logger.info("session expired", { clientId: record.id });
  return true;
}
