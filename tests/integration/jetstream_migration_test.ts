/**
 * Upgrading from nats-server 2.9's own MQTT: its retained stream kept JSON
 * records on the single subject `$MQTT.rmsgs`; the backend migrates them to
 * one subject each (reference §2.3) and serves them.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { createJetStreamBackend } from "../../src/backend/jetstream/mod.ts";
import { connectNats, startNatsServer } from "../helpers/nats_server.ts";
import { text } from "../helpers/backend_harness.ts";

function record(subject: string, topic: string, body: string, flags: number) {
  return JSON.stringify({
    origin: "n1",
    subject,
    topic,
    msg: btoa(body),
    flags,
  });
}

test("2.9 retained records on $MQTT.rmsgs are migrated to $MQTT.rmsgs.<subject>", async () => {
  await using server = await startNatsServer();
  await using nc = await connectNats(server.url);
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: "$MQTT_rmsgs", subjects: ["$MQTT.rmsgs"] });
  const js = jetstream(nc);
  await js.publish("$MQTT.rmsgs", record("a.b", "a/b", "old", 1));
  await js.publish("$MQTT.rmsgs", record("c", "c", "cee", 3));
  await js.publish("$MQTT.rmsgs", record("a.b", "a/b", "new", 5));
  const backend = await createJetStreamBackend({ nc });
  try {
    const got = await backend.retained("#");
    assert.deepEqual(
      got.map((m) => [m.topic, text(m), m.qos]).sort(),
      [["a/b", "new", 2], ["c", "cee", 1]],
    );
    const info = await jsm.streams.info("$MQTT_rmsgs");
    assert.deepEqual(info.config.subjects, ["$MQTT.rmsgs.>"]);
    assert.equal(info.config.max_msgs_per_subject, 1);
    assert.equal(info.state.messages, 2);
  } finally {
    await backend.close();
  }
});
