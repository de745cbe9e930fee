/**
 * The SQL of the embedded backend: schema, migrations, prepared statements
 * and the start-up read.
 *
 * @module
 */

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import type { Snapshot } from "./_store.ts";

const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  client_id TEXT PRIMARY KEY,
  expiry INTEGER NOT NULL,
  expires_at INTEGER,
  next_seq INTEGER NOT NULL,
  sent_seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS subscriptions (
  client_id TEXT NOT NULL,
  filter TEXT NOT NULL,
  options TEXT NOT NULL,
  PRIMARY KEY (client_id, filter)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY,
  topic TEXT NOT NULL,
  payload BLOB NOT NULL,
  qos INTEGER NOT NULL,
  retain INTEGER NOT NULL,
  props TEXT,
  expires_at INTEGER,
  origin TEXT
);
-- A rowid table (rows appended in rowid order) plus a small unique index:
-- payloads inline in a WITHOUT ROWID b-tree cost 2x at 1 KB.
CREATE TABLE IF NOT EXISTS queue (
  id INTEGER PRIMARY KEY,
  client_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  message_id INTEGER NOT NULL,
  qos INTEGER NOT NULL,
  retain INTEGER NOT NULL,
  sub_ids TEXT,
  state INTEGER NOT NULL,
  topic TEXT,
  payload BLOB,
  msg_qos INTEGER,
  msg_retain INTEGER,
  props TEXT,
  expires_at INTEGER,
  origin TEXT,
  -- The $share/<group>/<filter> a shared copy was chosen for (§4.8.2).
  shared TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS queue_session ON queue (client_id, seq);
CREATE TABLE IF NOT EXISTS qos2_in (
  client_id TEXT NOT NULL,
  packet_id INTEGER NOT NULL,
  PRIMARY KEY (client_id, packet_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS retained (
  topic TEXT PRIMARY KEY,
  payload BLOB NOT NULL,
  qos INTEGER NOT NULL,
  props TEXT,
  expires_at INTEGER,
  origin TEXT
) WITHOUT ROWID;
`;

/** `<dir>/jetmq.db`, creating `dir`. */
export function dbPath(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return join(dir, "jetmq.db");
}

/** Creates or checks the schema. */
export function migrate(db: DatabaseSync): void {
  const row = db.prepare("PRAGMA user_version").get() as {
    user_version: number;
  };
  if (row.user_version > SCHEMA_VERSION) {
    throw new RangeError(
      `Cannot open database: schema version ${row.user_version} is newer than ${SCHEMA_VERSION}`,
    );
  }
  if (row.user_version === 1) {
    // 1 → 2: queue rows remember the shared subscription of their copy.
    db.exec("ALTER TABLE queue ADD COLUMN shared TEXT");
  }
  db.exec(SCHEMA);
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
}

/** Inline queue rows inserted by one statement (fewer calls into SQLite). */
export const INLINE_BATCH = 8;

/** Parameters of one inline queue row. */
export const INLINE_PARAMS = 14;

const INSERT_INLINE = `INSERT OR REPLACE INTO queue (client_id, seq,
  message_id, qos, retain, sub_ids, state, topic, payload, msg_qos, msg_retain,
  props, expires_at, origin, shared) VALUES `;
const INLINE_VALUES = "(?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/** Every statement the store runs. */
export function prepareAll(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql);
  return {
    putSession: p(
      `INSERT INTO sessions (client_id, expiry, expires_at, next_seq, sent_seq)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET
       expiry = excluded.expiry, expires_at = excluded.expires_at,
       next_seq = excluded.next_seq, sent_seq = excluded.sent_seq`,
    ),
    deleteSession: [
      p("DELETE FROM sessions WHERE client_id = ?"),
      p("DELETE FROM subscriptions WHERE client_id = ?"),
      p("DELETE FROM queue WHERE client_id = ?"),
      p("DELETE FROM qos2_in WHERE client_id = ?"),
    ],
    putSubscription: p(
      "INSERT OR REPLACE INTO subscriptions (client_id, filter, options) VALUES (?, ?, ?)",
    ),
    deleteSubscription: p(
      "DELETE FROM subscriptions WHERE client_id = ? AND filter = ?",
    ),
    putMessage: p(
      `INSERT OR REPLACE INTO messages
       (id, topic, payload, qos, retain, props, expires_at, origin)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    deleteMessage: p("DELETE FROM messages WHERE id = ?"),
    putQueued: p(
      `INSERT OR REPLACE INTO queue (client_id, seq, message_id, qos, retain, sub_ids, state, shared)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    setQueuedState: p(
      "UPDATE queue SET state = ? WHERE client_id = ? AND seq = ?",
    ),
    putQueuedInline: p(INSERT_INLINE + INLINE_VALUES),
    putQueuedInlineMany: p(
      INSERT_INLINE + Array(INLINE_BATCH).fill(INLINE_VALUES).join(", "),
    ),
    deleteQueued: p(
      "DELETE FROM queue WHERE client_id = ? AND seq BETWEEN ? AND ?",
    ),
    putQoS2: p(
      "INSERT OR IGNORE INTO qos2_in (client_id, packet_id) VALUES (?, ?)",
    ),
    deleteQoS2: p("DELETE FROM qos2_in WHERE client_id = ? AND packet_id = ?"),
    putRetained: p(
      `INSERT OR REPLACE INTO retained (topic, payload, qos, props, expires_at, origin)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    deleteRetained: p("DELETE FROM retained WHERE topic = ?"),
  };
}

/** Removes what expired or is orphaned, then reads everything. */
export function load(db: DatabaseSync, now: number): Snapshot {
  db.exec("BEGIN");
  try {
    const expired = db.prepare(
      "SELECT client_id FROM sessions WHERE expires_at IS NOT NULL AND expires_at <= ?",
    ).all(now) as { client_id: string }[];
    for (const { client_id } of expired) {
      for (const table of ["sessions", "subscriptions", "queue", "qos2_in"]) {
        db.prepare(`DELETE FROM ${table} WHERE client_id = ?`).run(client_id);
      }
    }
    db.exec(
      "DELETE FROM messages WHERE id NOT IN (SELECT message_id FROM queue)",
    );
    db.exec(
      "DELETE FROM retained WHERE expires_at IS NOT NULL AND expires_at <= " +
        now,
    );
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
  const all = <T>(sql: string) => db.prepare(sql).all() as unknown as T[];
  return {
    sessions: all("SELECT * FROM sessions"),
    subscriptions: all("SELECT * FROM subscriptions"),
    messages: all("SELECT * FROM messages"),
    queue: all("SELECT * FROM queue ORDER BY client_id, seq"),
    qos2: all("SELECT * FROM qos2_in"),
    retained: all("SELECT * FROM retained"),
  };
}
