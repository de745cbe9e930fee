/**
 * The session record at `$MQTT.sess.<hash>` (reference §3.1): nats-server's
 * JSON fields plus a `jetmq` object with what MQTT 5 needs (full
 * subscription options, expiry, when it was detached). Writes carry
 * `Nats-Expected-Last-Subject-Sequence` and reply on
 * `$MQTT.JSA.<node>.SP.<hash>.<id>` so other instances see them (§3.4).
 *
 * @module
 */

import { headers } from "@nats-io/transport-node";
import type { SubscriptionOptions } from "../types.ts";
import { type ConsumerConfig, getLast, parseReply } from "./_api.ts";
import type { Context, PubAck } from "./_context.ts";

/** The JSON stored for one session. */
export interface SessionRecord {
  origin: string;
  id: string;
  clean?: boolean;
  /** NATS-form filter → granted QoS. */
  subs?: Record<string, number>;
  /** sid (`foo.>`, `foo fwc`) → consumer config. */
  cons?: Record<string, ConsumerConfig>;
  pubrel?: ConsumerConfig;
  jetmq?: {
    /** Session expiry in seconds (`NEVER_EXPIRES` = never). */
    expiry: number;
    /** When the last connection went away (ms), absent while attached. */
    detachedAt?: number;
    /** MQTT filter → options. */
    filters: Record<string, SubscriptionOptions>;
  };
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Session expiry (seconds) meaning the session never expires. */
export const NEVER_EXPIRES = 0xFFFFFFFF;

/** Whether a session detached at `detachedAt` (ms) has expired by `now`. */
export function sessionExpired(
  detachedAt: number | undefined,
  expiry: number,
  now: number,
): boolean {
  return detachedAt !== undefined && expiry !== NEVER_EXPIRES &&
    detachedAt + expiry * 1000 <= now;
}

/** Load the record of `hash` and its stream sequence. */
export async function loadRecord(
  ctx: Context,
  hash: string,
): Promise<{ record: SessionRecord; seq: number } | undefined> {
  const stored = await getLast(
    ctx.api,
    ctx.names.sessStream,
    ctx.names.sess + hash,
  );
  if (!stored || stored.data.length === 0) return undefined;
  try {
    const record = JSON.parse(decoder.decode(stored.data));
    if (record === null || typeof record !== "object") return undefined;
    return { record: record as SessionRecord, seq: stored.seq };
  } catch {
    ctx.logger.warn("unreadable session record ignored", { hash });
    return undefined;
  }
}

/**
 * Write the record; `expected` is the sequence last seen (0 = the subject
 * must be empty). Resolves with the new sequence; throws on a concurrent
 * write (`ErrCode.WrongLastSequence`).
 */
export async function writeRecord(
  ctx: Context,
  hash: string,
  record: SessionRecord,
  expected: number,
): Promise<number> {
  const h = headers();
  h.set("Nats-Expected-Last-Subject-Sequence", String(expected));
  const msg = await ctx.requester.request(
    ctx.names.sess + hash,
    encoder.encode(JSON.stringify(record)),
    { kind: `SP.${hash}`, headers: h },
  );
  return parseReply<PubAck>(msg.data, `save session ${hash}`).seq;
}
