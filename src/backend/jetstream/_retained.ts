/**
 * Retained messages in `$MQTT_rmsgs`, one per subject at
 * `$MQTT.rmsgs.<subject>` with the §4.1 headers, and a local index fed by
 * a consumer so every instance sees every write (reference §4).
 *
 * @module
 */

import type { Msg, Subscription } from "@nats-io/transport-node";
import { matches, subjectToTopic } from "../../topic/mod.ts";
import type { Message } from "../types.ts";
import type { RetainedQuota } from "../retained_quota.ts";
import { createEphemeral, deleteConsumer, deleteMessage } from "./_api.ts";
import { headerView, messageFrom, messageHeaders, parseAck } from "./_codec.ts";
import type { Context } from "./_context.ts";
import { HDR_RFLAGS, HDR_RORIGIN, HDR_RTOPIC } from "./_names.ts";
import { fromBase64 } from "./_property_headers.ts";

/** The retained store of one instance. */
export interface Retained {
  /** Store (or, with an empty payload, delete) the retained copy. */
  store(message: Message, subject: string): Promise<void>;
  /** Retained messages whose topic matches `filter`. */
  lookup(filter: string): Promise<Message[]>;
  /**
   * Delete our tombstones older than `age` ms (they only need to reach the
   * other instances' indexes, reference §4.3).
   */
  cleanup(age: number): Promise<void>;
  /** Re-read the stream (after a NATS reconnect). */
  resync(): Promise<void>;
  readonly size: number;
  close(): Promise<void>;
}

interface Entry {
  seq: number;
  message: Message;
}

const decoder = new TextDecoder();

/**
 * Create the store and load the index (resolves once replayed). `quota`
 * counts the index (every instance's writes) and refuses a `store` beyond
 * its bounds; concurrent writes of other instances make it approximate.
 */
export async function createRetained(
  ctx: Context,
  quota?: RetainedQuota,
): Promise<Retained> {
  const { names } = ctx;
  const index = new Map<string, Entry>();
  /** Subject → highest sequence seen, tombstones included. */
  const seen = new Map<string, number>();
  let sub: Subscription | undefined;
  let consumer = "";
  let lastSeq = 0;
  /** The current consumer has delivered everything it had at creation. */
  let replayed = false;
  let waiters: { seq: number; resolve(): void }[] = [];
  let tombstones: { seq: number; at: number }[] = [];

  const apply = (subject: string, seq: number, message?: Message) => {
    if ((seen.get(subject) ?? 0) > seq) return;
    seen.set(subject, seq);
    const previous = index.get(subject)?.message.payload.length;
    if (message && message.payload.length > 0) {
      index.set(subject, { seq, message });
      quota?.update(previous, message.payload.length);
    } else if (index.delete(subject)) quota?.update(previous, undefined);
  };

  const onMsg = (msg: Msg) => {
    const ack = parseAck(msg.reply);
    const subject = msg.subject.slice(names.rmsgs.length);
    const seq = ack?.streamSeq ?? 0;
    apply(subject, seq, decodeRecord(subject, msg));
    if (seq > lastSeq) lastSeq = seq;
    const drained = ack !== undefined && ack.pending === 0;
    if (drained) replayed = true;
    waiters = waiters.filter((w) => {
      if (w.seq > lastSeq && !(drained && w.seq === Infinity)) return true;
      w.resolve();
      return false;
    });
  };

  const start = async () => {
    const deliver = names.sub + ctx.nuid();
    replayed = false;
    const next = ctx.nc.subscribe(deliver, { callback: (_e, m) => onMsg(m) });
    const info = await createEphemeral(ctx.api, names.rmsgsStream, {
      deliver_subject: deliver,
      deliver_policy: "all",
      ack_policy: "none",
      filter_subject: `${names.rmsgs}>`,
      replay_policy: "instant",
      inactive_threshold: 300e9,
    });
    sub?.unsubscribe();
    sub = next;
    const old = consumer;
    consumer = info.name;
    if (old) {
      // Best effort: an old consumer left behind expires by its inactive
      // threshold (5 min), so a failed delete costs nothing lasting.
      void deleteConsumer(ctx.api, names.rmsgsStream, old).catch(() => {});
    }
    // Wait for the replay of what was there when the consumer started.
    if (info.num_pending > 0) await caughtUp(Infinity, 5000);
  };

  const caughtUp = (seq: number, ms: number): Promise<void> => {
    if (lastSeq >= seq || (seq === Infinity && replayed)) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const w = {
        seq,
        resolve() {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        waiters = waiters.filter((x) => x !== w);
        resolve(); // Serve what we have rather than stall SUBSCRIBE.
      }, ms);
      waiters.push(w);
    });
  };

  await start();
  return {
    async store(message, subject) {
      // Refused before anything is written or routed.
      quota?.check(message, index.get(subject)?.message.payload.length);
      const tombstone = message.payload.length === 0;
      const h = messageHeaders({ ...message, retain: true }, message.qos);
      h.set(HDR_RTOPIC, message.topic);
      const flags = ((message.qos << 1) | 1).toString(16);
      h.set(HDR_RFLAGS, tombstone ? `-${flags}` : flags);
      h.set(HDR_RORIGIN, ctx.node);
      const ack = await ctx.jsPublish(
        names.rmsgs + subject,
        message.payload,
        h,
      );
      apply(subject, ack.seq, tombstone ? undefined : { ...message });
      if (tombstone) tombstones.push({ seq: ack.seq, at: ctx.now() });
    },
    async cleanup(age) {
      const limit = ctx.now() - age;
      const old = tombstones.filter((t) => t.at <= limit);
      tombstones = tombstones.filter((t) => t.at > limit);
      for (const { seq } of old) {
        await deleteMessage(ctx.api, names.rmsgsStream, seq);
      }
    },
    async lookup(filter) {
      // Writes of other instances: wait until what the server delivered
      // to our consumer has been applied.
      const info = await ctx.api.call<{ delivered: { stream_seq: number } }>(
        `CONSUMER.INFO.${names.rmsgsStream}.${consumer}`,
        undefined,
        "get retained consumer",
      ).catch(() => undefined); // Serve the index as it is.
      if (info) await caughtUp(info.delivered.stream_seq, 1000);
      const now = ctx.now();
      const out: Message[] = [];
      for (const { message } of index.values()) {
        if (message.expiresAt !== undefined && message.expiresAt <= now) {
          continue;
        }
        if (matches(filter, message.topic)) out.push(message);
      }
      return out;
    },
    resync: start,
    get size() {
      return index.size;
    },
    async close() {
      sub?.unsubscribe();
      for (const w of waiters) w.resolve();
      waiters = [];
      if (consumer) {
        await deleteConsumer(ctx.api, names.rmsgsStream, consumer).catch(
          () => {}, // Ephemeral: the server removes it anyway.
        );
      }
    },
  };
}

/**
 * Decode a retained record: headers (2.11+ and jetmq) or the JSON body of
 * 2.9/2.10 (`{topic, msg, flags}`). Undefined for a tombstone or garbage.
 */
function decodeRecord(subject: string, msg: Msg): Message | undefined {
  const flagsText = msg.headers?.get(HDR_RFLAGS);
  if (flagsText) {
    if (flagsText.startsWith("-") || msg.data.length === 0) return undefined;
    const flags = parseInt(flagsText, 16);
    const message = messageFrom(
      subjectToTopic(subject),
      msg.data,
      headerView(msg),
    );
    message.qos = ((flags >> 1) & 3) as Message["qos"];
    if (message.qos > 2 || flags >= 0x0f) return undefined;
    message.retain = true;
    return message;
  }
  if (msg.data.length === 0) return undefined;
  try {
    const json = JSON.parse(decoder.decode(msg.data));
    if (!json || typeof json.msg !== "string") return undefined;
    const payload = fromBase64(json.msg);
    if (!payload) return undefined;
    const qos = ((Number(json.flags) >> 1) & 3) as Message["qos"];
    if (qos > 2) return undefined;
    return { topic: subjectToTopic(subject), payload, qos, retain: true };
  } catch {
    return undefined; // Not a retained record: ignore it (§9 poisoned records).
  }
}
