import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { connect, msg, text } from "../../../tests/helpers/backend_harness.ts";
import type { LogFields, Logger, Metrics } from "../../observability/types.ts";
import { nullLogger, nullMetrics } from "../../observability/types.ts";
import type { Backend } from "../types.ts";
import { createEmbeddedBackend, type EmbeddedBackendOptions } from "./mod.ts";

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "jetmq-embedded-"));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function open(
  dir: string,
  more: Partial<EmbeddedBackendOptions> = {},
): Promise<Backend> {
  return createEmbeddedBackend({
    dir,
    logger: nullLogger,
    metrics: nullMetrics,
    ...more,
  });
}

/** An in-memory backend whose warn/info lines and counters a test reads. */
async function openRecording(
  more: Partial<EmbeddedBackendOptions> = {},
): Promise<{
  backend: Backend;
  warnings: [string, LogFields | undefined][];
  infos: [string, LogFields | undefined][];
  counts: Map<string, number>;
}> {
  const warnings: [string, LogFields | undefined][] = [];
  const infos: [string, LogFields | undefined][] = [];
  const counts = new Map<string, number>();
  const logger: Logger = {
    ...nullLogger,
    warn: (message, fields) => void warnings.push([message, fields]),
    info: (message, fields) => void infos.push([message, fields]),
  };
  const metrics: Metrics = {
    inc: (name, by = 1) => void counts.set(name, (counts.get(name) ?? 0) + by),
    set() {},
  };
  const backend = await open("", { memory: true, logger, metrics, ...more });
  return { backend, warnings, infos, counts };
}

test("createEmbeddedBackend() warns with client id and topic and counts jetmq_queue_dropped_total on overflow", async () => {
  const { backend, warnings, counts } = await openRecording({
    maxQueuedMessages: 1,
  });
  try {
    const s = await connect(backend, "full");
    await s.subscribe("f", 1);
    await s.session.detach(60);
    await backend.publish(msg("f", "1"));
    await backend.publish(msg("f", "2"));
    assert.equal(counts.get("jetmq_queue_dropped_total"), 1);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0][1]?.clientId, "full");
    assert.equal(warnings[0][1]?.topic, "f");
  } finally {
    await backend.close();
  }
});

test("createEmbeddedBackend() alternates shared subscription members round robin [MQTT-4.8.2-4]", async () => {
  const backend = await open("", { memory: true });
  try {
    const m1 = await connect(backend, "m1");
    const m2 = await connect(backend, "m2");
    await m1.subscribe("$share/g/t", 0);
    await m2.subscribe("$share/g/t", 0);
    for (let i = 0; i < 4; i++) await backend.publish(msg("t", `${i}`, 0));
    assert.deepEqual(m1.sink.deliveries.map(text), ["0", "2"]);
    assert.deepEqual(m2.sink.deliveries.map(text), ["1", "3"]);
  } finally {
    await backend.close();
  }
});

test("createEmbeddedBackend() writes nothing to SQLite for a clean (expiry 0) session", () =>
  withDir(async (dir) => {
    const backend = await open(dir);
    try {
      const s = await connect(backend, "clean", { expiry: 0, window: 2 });
      await s.subscribe("c", 1);
      for (let i = 0; i < 5; i++) await backend.publish(msg("c", `${i}`));
      assert.equal(s.sink.deliveries.length, 2);
    } finally {
      await backend.close();
    }
    const db = new DatabaseSync(join(dir, "jetmq.db"));
    try {
      for (const table of ["sessions", "subscriptions", "queue", "messages"]) {
        const row = db.prepare(`SELECT count(*) AS n FROM ${table}`).get();
        assert.equal(row?.n, 0, table);
      }
    } finally {
      db.close();
    }
  }));

test("createEmbeddedBackend() persists a clean session taken over with an expiry, in-flight ids kept", () =>
  withDir(async (dir) => {
    let backend = await open(dir);
    let sent;
    try {
      const first = await connect(backend, "m", { expiry: 0 });
      await first.subscribe("m", 1);
      await backend.publish(msg("m", "x"));
      [sent] = await first.sink.next(1);
      const second = await connect(backend, "m", { expiry: 60 });
      assert.equal(second.session.present, true);
      await second.sink.next(1);
      await second.session.detach(60);
    } finally {
      await backend.close();
    }
    backend = await open(dir);
    try {
      const back = await connect(backend, "m");
      assert.equal(back.session.present, true);
      const [again] = await back.sink.next(1);
      assert.equal(again.kind === "publish" && again.dup, true);
      assert.equal(
        again.kind === "publish" && again.packetId,
        sent.kind === "publish" && sent.packetId,
      );
    } finally {
      await backend.close();
    }
  }));

test("Session handles are inert and backend calls reject after close()", async () => {
  const backend = await open("", { memory: true });
  const s = await connect(backend, "late");
  await backend.close();
  assert.deepEqual(await s.session.subscribe([]), []);
  await s.session.ack(1);
  await s.session.detach(60);
  assert.equal(await s.session.receiveQoS2(1, msg("a", "b", 2)), false);
  await assert.rejects(backend.publish(msg("a", "b")));
  await assert.rejects(backend.retained("#"));
});

test("Session.subscribe() rejects an invalid filter with TypeError", async () => {
  const backend = await open("", { memory: true });
  try {
    const s = await connect(backend, "bad");
    await assert.rejects(s.subscribe("a/#/b", 0), TypeError);
  } finally {
    await backend.close();
  }
});

test("createEmbeddedBackend() warns and counts jetmq_queue_dropped_total for a shared copy of an ended member with no other member (§4.8.2)", async () => {
  const { backend, warnings, counts } = await openRecording();
  try {
    const m = await connect(backend, "only", { expiry: 0 });
    await m.subscribe("$share/g/solo", 1);
    await backend.publish(msg("solo", "a"));
    assert.deepEqual((await m.sink.next(1)).map(text), ["a"]);
    await m.session.detach(0);
    assert.equal(counts.get("jetmq_queue_dropped_total"), 1);
    assert.equal(backend.stats().dropped, 1);
    assert.equal(warnings.length, 1);
    assert.deepEqual(warnings[0][1], {
      clientId: "only",
      subscription: "$share/g/solo",
      topic: "solo",
    });
  } finally {
    await backend.close();
  }
});

test("createEmbeddedBackend() logs and counts queued copies discarded when a session ends", async () => {
  const { backend, infos, counts } = await openRecording();
  try {
    const m = await connect(backend, "ends", { expiry: 0, window: 1 });
    await m.subscribe("e", 1);
    await backend.publish(msg("e", "a"));
    await backend.publish(msg("e", "b"));
    await m.sink.next(1);
    await m.session.detach(0);
    assert.equal(counts.get("jetmq_session_discarded_total"), 2);
    assert.deepEqual(infos.at(-1)?.[1], { clientId: "ends", count: 2 });
  } finally {
    await backend.close();
  }
});

test("createEmbeddedBackend() publish() and receiveQoS2() resolve 0 when no session got a copy", async () => {
  const backend = await open("", { memory: true });
  try {
    assert.equal(await backend.publish(msg("nobody", "a")), 0);
    assert.equal(
      await backend.publish(msg("nobody/r", "kept", 1, { retain: true })),
      0,
    );
    const me = await connect(backend, "me");
    await me.subscribe("mine", 1, { noLocal: true });
    assert.equal(
      await backend.publish(msg("mine", "own", 1, { origin: "me" })),
      0,
    );
    assert.equal(await backend.publish(msg("mine", "theirs")), undefined);
    assert.equal(await me.session.receiveQoS2(1, msg("nobody", "q2")), 0);
    assert.equal(await me.session.receiveQoS2(2, msg("mine", "q2")), true);
  } finally {
    await backend.close();
  }
});

test("createEmbeddedBackend() a shared copy of a durable member still goes to another member when its session ends after a restart (§4.8.2)", async () => {
  await withDir(async (dir) => {
    const first = await open(dir);
    try {
      const m1 = await connect(first, "m1");
      await m1.subscribe("$share/g/rs", 1);
      await first.publish(msg("rs", "a"));
      assert.deepEqual((await m1.sink.next(1)).map(text), ["a"]);
      await m1.session.detach(3600);
    } finally {
      await first.close();
    }
    const backend = await open(dir);
    try {
      const m2 = await connect(backend, "m2");
      await m2.subscribe("$share/g/rs", 1);
      const back = await connect(backend, "m1", { resume: false });
      await back.session.detach(0);
      assert.deepEqual((await m2.sink.next(1)).map(text), ["a"]);
      assert.equal(backend.stats().dropped, 0);
    } finally {
      await backend.close();
    }
  });
});

test("createEmbeddedBackend() opens a schema 1 database and adds the shared column", async () => {
  await withDir(async (dir) => {
    const db = new DatabaseSync(join(dir, "jetmq.db"));
    db.exec(
      `CREATE TABLE queue (id INTEGER PRIMARY KEY, client_id TEXT NOT NULL,
      seq INTEGER NOT NULL, message_id INTEGER NOT NULL, qos INTEGER NOT NULL,
      retain INTEGER NOT NULL, sub_ids TEXT, state INTEGER NOT NULL,
      topic TEXT, payload BLOB, msg_qos INTEGER, msg_retain INTEGER,
      props TEXT, expires_at INTEGER, origin TEXT);
      PRAGMA user_version = 1;`,
    );
    db.close();
    const backend = await open(dir);
    try {
      const s = await connect(backend, "s");
      await s.subscribe("$share/g/m", 1);
      await backend.publish(msg("m", "x"));
      assert.deepEqual((await s.sink.next(1)).map(text), ["x"]);
    } finally {
      await backend.close();
    }
    const check = new DatabaseSync(join(dir, "jetmq.db"));
    const cols = check.prepare("PRAGMA table_info(queue)").all() as {
      name: string;
    }[];
    const version = check.prepare("PRAGMA user_version").get() as {
      user_version: number;
    };
    check.close();
    assert.ok(cols.some((c) => c.name === "shared"));
    assert.equal(version.user_version, 2);
  });
});
