import { test } from "node:test";
import assert from "node:assert/strict";
import { fanOut, type MatchedSubscription, pickOnline } from "./fanout.ts";
import type { Message, SubscriptionOptions } from "./types.ts";

const base: SubscriptionOptions = {
  qos: 2,
  noLocal: false,
  retainAsPublished: false,
  retainHandling: 0,
};

function sub(
  clientId: string,
  filter: string,
  options: Partial<SubscriptionOptions> = {},
  group?: string,
): MatchedSubscription {
  const m: MatchedSubscription = {
    clientId,
    filter,
    options: { ...base, ...options },
  };
  if (group !== undefined) m.group = group;
  return m;
}

const message: Message = {
  topic: "a/b",
  payload: new Uint8Array([1]),
  qos: 1,
  retain: true,
  origin: "pub",
};

test("fanOut() gives one copy per session at min(message, highest granted) QoS [MQTT-3.3.4-2]", () => {
  const copies = fanOut(message, [
    sub("c1", "a/+", { qos: 0, subscriptionId: 4 }),
    sub("c2", "a/b", { qos: 0 }),
    sub("c1", "a/#", { qos: 2, subscriptionId: 9 }),
  ], () => 0);
  assert.deepEqual(copies, [
    { clientId: "c1", qos: 1, retain: false, subscriptionIds: [4, 9] },
    { clientId: "c2", qos: 0, retain: false },
  ]);
});

test("fanOut() skips No Local subscriptions of the publisher [MQTT-3.8.3-3]", () => {
  const copies = fanOut(message, [
    sub("pub", "a/#", { noLocal: true }),
    sub("other", "a/#", { noLocal: true }),
  ], () => 0);
  assert.deepEqual(copies.map((c) => c.clientId), ["other"]);
});

test("fanOut() keeps RETAIN only through Retain As Published [MQTT-3.3.1-12] [MQTT-3.3.1-13]", () => {
  const copies = fanOut(message, [
    sub("plain", "a/#"),
    sub("rap", "a/#", { retainAsPublished: true }),
    sub("both", "a/#"),
    sub("both", "a/b", { retainAsPublished: true }),
  ], () => 0);
  assert.deepEqual(copies.map((c) => [c.clientId, c.retain]), [
    ["plain", false],
    ["rap", true],
    ["both", true],
  ]);
  const live = fanOut({ ...message, retain: false }, [
    sub("rap", "a/#", { retainAsPublished: true }),
  ], () => 0);
  assert.equal(live[0].retain, false);
});

test("fanOut() sends one copy per shared subscription to the picked member [MQTT-4.8.2-4]", () => {
  const seen: [string, readonly string[]][] = [];
  const copies = fanOut(message, [
    sub("m1", "$share/g/a/#", { subscriptionId: 1 }, "g"),
    sub("m2", "$share/g/a/#", { qos: 0 }, "g"),
    sub("m1", "a/#"),
  ], (key, members) => {
    seen.push([key, members]);
    return 1;
  });
  assert.deepEqual(seen, [["$share/g/a/#", ["m1", "m2"]]]);
  assert.deepEqual(copies, [
    { clientId: "m1", qos: 1, retain: false },
    { clientId: "m2", qos: 0, retain: false, shared: "$share/g/a/#" },
  ]);
});

test("pickOnline() prefers online members from the start index, round robin", () => {
  const members = ["a", "b", "c"];
  assert.equal(pickOnline(members, 0, () => true), 0);
  assert.equal(pickOnline(members, 4, () => true), 1);
  assert.equal(pickOnline(members, 1, (id) => id !== "b"), 2);
  assert.equal(pickOnline(members, 2, () => false), 2);
});
