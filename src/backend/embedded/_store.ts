/**
 * The SQLite side of the embedded backend: schema, prepared statements and
 * group commit. Every write joins the open transaction (begun by the first
 * write of a batch); the batch commits once per event-loop turn, or at
 * `flush()`. `committed()` resolves when the batch holding the writes made so
 * far has committed.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { clearImmediate, setImmediate } from "node:timers";
import type { Logger } from "../../observability/types.ts";
import type { MessageRow } from "./_codec.ts";
import {
  dbPath,
  INLINE_BATCH,
  INLINE_PARAMS,
  load,
  migrate,
  prepareAll,
} from "./_sql.ts";

type Value = string | number | null | Uint8Array;

/** State of a queued row: waiting or sent (PUBLISH), or PUBREC received. */
export const QueueState = { Publish: 0, Pubrel: 1 } as const;
/** A `QueueState` value. */
export type QueueState = typeof QueueState[keyof typeof QueueState];

/** One row of `sessions`. */
export interface SessionRow {
  client_id: string;
  expiry: number;
  expires_at: number | null;
  next_seq: number;
  sent_seq: number;
}

/**
 * One row of `queue`. A message held by one session only is stored inline
 * (`message_id` 0, message columns set); one held by several is a row of
 * `messages` that each queue row references.
 */
export interface QueueRow {
  client_id: string;
  seq: number;
  message_id: number;
  qos: number;
  retain: number;
  sub_ids: string | null;
  state: number;
  /** `$share/<group>/<filter>` of a shared copy, else null. */
  shared: string | null;
}

/** A `queue` row as read back, inline message columns included. */
export interface StoredQueueRow extends QueueRow {
  topic: string | null;
  payload: Uint8Array | null;
  msg_qos: number | null;
  msg_retain: number | null;
  props: string | null;
  expires_at: number | null;
  origin: string | null;
}

/** Everything stored, read once at start-up. */
export interface Snapshot {
  sessions: SessionRow[];
  subscriptions: { client_id: string; filter: string; options: string }[];
  messages: (MessageRow & { id: number; retain: number })[];
  queue: StoredQueueRow[];
  qos2: { client_id: string; packet_id: number }[];
  retained: MessageRow[];
}

/** Options of `openStore`. */
export interface StoreOptions {
  dir: string;
  memory?: boolean;
  logger: Logger;
  /** Called inside the batch just before COMMIT (last writes). */
  beforeCommit(): void;
  /** Called after each successful COMMIT. */
  afterCommit(): void;
}

/** The durable store; every write method joins the open batch. */
export interface Store {
  putSession(row: SessionRow): void;
  deleteSession(clientId: string): void;
  putSubscription(clientId: string, filter: string, options: string): void;
  deleteSubscription(clientId: string, filter: string): void;
  putMessage(id: number, row: MessageRow, retain: boolean): void;
  deleteMessage(id: number): void;
  /** A queue row referencing `messages`. */
  putQueued(row: QueueRow): void;
  /** A queue row holding its message inline. */
  putQueuedInline(row: QueueRow, message: MessageRow, retain: boolean): void;
  setQueuedState(clientId: string, seq: number, state: QueueState): void;
  /** Deletes the queue rows with `from ≤ seq ≤ to`. */
  deleteQueued(clientId: string, from: number, to: number): void;
  putQoS2(clientId: string, packetId: number): void;
  deleteQoS2(clientId: string, packetId: number): void;
  putRetained(row: MessageRow): void;
  deleteRetained(topic: string): void;
  /** Opens a batch (so `beforeCommit` runs) without writing yet. */
  touch(): void;
  /** Resolves once everything written so far has committed. */
  committed(): Promise<void>;
  /** Commits the open batch now. */
  flush(): void;
  /** Removes sessions expired at `now` and orphaned messages; reads all. */
  load(now: number): Snapshot;
  /** Flushes and closes the database. */
  close(): void;
}

interface Batch {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const RESOLVED = Promise.resolve();

/**
 * Opens `<dir>/jetmq.db` (or an in-memory database), in WAL mode with
 * `synchronous = NORMAL`: a commit reaches the WAL file (the OS page cache)
 * before it returns, so a process crash loses nothing committed; see
 * docs/adr/0004-backend-contract.md for power loss.
 */
export function openStore(options: StoreOptions): Store {
  const path = options.memory ? ":memory:" : dbPath(options.dir);
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA busy_timeout = 5000");
  migrate(db);
  const s = prepareAll(db);
  /** Parameters of inline queue rows not yet inserted (same batch). */
  const inline: Value[] = [];
  let inTx = false;
  let batch: Batch | undefined;
  let scheduled: ReturnType<typeof setImmediate> | undefined;

  const begin = (): void => {
    if (inTx) return;
    db.exec("BEGIN");
    inTx = true;
    scheduled ??= setImmediate(flush);
  };

  function flush(): void {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    if (inTx) options.beforeCommit();
    flushInline();
    const done = batch;
    batch = undefined;
    if (inTx) {
      try {
        db.exec("COMMIT");
      } catch (error) {
        options.logger.error("Cannot commit to SQLite", { error });
        if (db.isTransaction) db.exec("ROLLBACK");
        inTx = false;
        done?.reject(error);
        // Memory stays the truth for this process: go on delivering.
        options.afterCommit();
        return;
      }
      inTx = false;
    }
    done?.resolve();
    options.afterCommit();
  }

  /** Runs the buffered inline inserts, 8 rows per statement when full. */
  function flushInline(): void {
    if (inline.length === 0) return;
    if (inline.length === INLINE_BATCH * INLINE_PARAMS) {
      s.putQueuedInlineMany.run(...inline);
    } else {
      for (let i = 0; i < inline.length; i += INLINE_PARAMS) {
        s.putQueuedInline.run(...inline.slice(i, i + INLINE_PARAMS));
      }
    }
    inline.length = 0;
  }

  const w = (stmt: StatementSync, ...args: Value[]) => {
    begin();
    flushInline();
    stmt.run(...args);
  };

  return {
    putSession: (r) =>
      w(
        s.putSession,
        r.client_id,
        r.expiry,
        r.expires_at,
        r.next_seq,
        r.sent_seq,
      ),
    deleteSession(clientId) {
      for (const stmt of s.deleteSession) w(stmt, clientId);
    },
    putSubscription: (c, f, o) => w(s.putSubscription, c, f, o),
    deleteSubscription: (c, f) => w(s.deleteSubscription, c, f),
    putMessage: (id, r, retain) =>
      w(
        s.putMessage,
        id,
        r.topic,
        r.payload,
        r.qos,
        retain ? 1 : 0,
        r.props,
        r.expires_at,
        r.origin,
      ),
    deleteMessage: (id) => w(s.deleteMessage, id),
    putQueued: (r) =>
      w(
        s.putQueued,
        r.client_id,
        r.seq,
        r.message_id,
        r.qos,
        r.retain,
        r.sub_ids,
        r.state,
        r.shared,
      ),
    putQueuedInline(r, m, retain) {
      begin();
      inline.push(
        r.client_id,
        r.seq,
        r.qos,
        r.retain,
        r.sub_ids,
        r.state,
        m.topic,
        m.payload,
        m.qos,
        retain ? 1 : 0,
        m.props,
        m.expires_at,
        m.origin,
        r.shared,
      );
      if (inline.length === INLINE_BATCH * INLINE_PARAMS) flushInline();
    },
    setQueuedState: (c, seq, state) => w(s.setQueuedState, state, c, seq),
    deleteQueued: (c, from, to) => w(s.deleteQueued, c, from, to),
    putQoS2: (c, p) => w(s.putQoS2, c, p),
    deleteQoS2: (c, p) => w(s.deleteQoS2, c, p),
    putRetained: (r) =>
      w(
        s.putRetained,
        r.topic,
        r.payload,
        r.qos,
        r.props,
        r.expires_at,
        r.origin,
      ),
    deleteRetained: (topic) => w(s.deleteRetained, topic),
    touch: begin,
    committed() {
      if (!inTx) return RESOLVED;
      batch ??= newBatch();
      return batch.promise;
    },
    flush,
    load: (now) => load(db, now),
    close() {
      flush();
      db.close();
    },
  };
}
