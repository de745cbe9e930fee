import { test } from "node:test";
import assert from "node:assert/strict";
import type {
  Backend,
  Message,
  Session,
  SubscriptionEntry,
} from "../backend/types.ts";
import { sendRetained } from "./retained.ts";

const enc = new TextEncoder();

function message(topic: string, qos: 0 | 1 | 2, expiresAt?: number): Message {
  return { topic, payload: enc.encode(topic), qos, retain: true, expiresAt };
}

function entry(
  filter: string,
  extra: Partial<SubscriptionEntry> = {},
): SubscriptionEntry {
  return {
    filter,
    qos: 1,
    noLocal: false,
    retainAsPublished: false,
    retainHandling: 0,
    ...extra,
  };
}

function fakes(stored: Message[]) {
  const sent: {
    topic: string;
    qos: number;
    retain: boolean;
    ids?: number[];
  }[] = [];
  const backend = {
    retained: (_filter: string) => Promise.resolve(stored),
  } as unknown as Backend;
  const session = {
    enqueue(
      m: Message,
      o: { qos: number; retain: boolean; subscriptionIds?: number[] },
    ) {
      sent.push({
        topic: m.topic,
        qos: o.qos,
        retain: o.retain,
        ids: o.subscriptionIds,
      });
      return Promise.resolve();
    },
  } as unknown as Session;
  return { backend, session, sent };
}

test("sendRetained() sends RETAIN=1 at min(stored, granted) QoS [MQTT-3.3.1-6]", async () => {
  const { backend, session, sent } = fakes([message("a", 2), message("b", 0)]);
  await sendRetained(backend, session, [entry("#", { subscriptionId: 7 })], [
    false,
  ], 0);
  assert.deepEqual(sent, [
    { topic: "a", qos: 1, retain: true, ids: [7] },
    { topic: "b", qos: 0, retain: true, ids: [7] },
  ]);
});

test("sendRetained() Retain Handling 1 skips existing subscriptions, 2 skips all [MQTT-3.3.1-10] [MQTT-3.3.1-11]", async () => {
  const { backend, session, sent } = fakes([message("a", 1)]);
  await sendRetained(
    backend,
    session,
    [
      entry("x", { retainHandling: 1 }),
      entry("y", { retainHandling: 2 }),
      entry("z", { retainHandling: 1 }),
    ],
    [true, false, false],
    0,
  );
  assert.equal(sent.length, 1);
});

test("sendRetained() skips shared subscriptions and expired messages", async () => {
  const { backend, session, sent } = fakes([
    message("old", 1, 10),
    message("new", 1, 1000),
  ]);
  await sendRetained(backend, session, [entry("$share/g/#"), entry("#")], [
    false,
    false,
  ], 500);
  assert.deepEqual(sent.map((s) => s.topic), ["new"]);
});

test("sendRetained() waits while the connection's output is full", async () => {
  const { backend, session, sent } = fakes([message("a", 0), message("b", 0)]);
  let release!: () => void;
  let full = true;
  const gate = new Promise<void>((r) => (release = r));
  const ready = () => (full ? gate : undefined);
  const done = sendRetained(backend, session, [entry("#")], [false], 0, ready);
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(sent.length, 0);
  full = false;
  release();
  await done;
  assert.equal(sent.length, 2);
});
