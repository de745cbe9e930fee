/**
 * A session whose restore fails part way (here: a consumer of its record
 * that cannot be re-created) leaves nothing behind in the backend: no
 * member in a shared group, no indexed filter, no bound consumer.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { createJetStreamBackend } from "../../src/backend/jetstream/mod.ts";
import { natsHash } from "../../src/topic/mod.ts";
import { connectNats, startNatsServer } from "../helpers/nats_server.ts";
import {
  connect,
  msg,
  publishes,
  text,
  waitUntil,
} from "../helpers/backend_harness.ts";

interface StoredRecord {
  cons: Record<string, { durable_name: string; filter_subject: string }>;
}

test("a session whose restore fails leaves no member in its shared group: the group's messages go to the member that remains", async () => {
  await using server = await startNatsServer();
  await using nc = await connectNats(server.url);
  let backend = await createJetStreamBackend({ nc });
  try {
    const broken = await connect(backend, "broken");
    await broken.subscribe("$share/g/t", 1);
    await broken.subscribe("b", 1);
    await broken.session.detach(3600);
    await backend.close();

    // Its record now names a consumer that is gone and cannot be re-created
    // (a filter outside the stream).
    const subject = `$MQTT.sess.${natsHash("broken")}`;
    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.getMessage("$MQTT_sess", {
      last_by_subj: subject,
    });
    const record = stored!.json<StoredRecord>();
    assert.ok(Object.keys(record.cons).length > 0);
    for (const c of Object.values(record.cons)) {
      c.durable_name = `gone_${c.durable_name}`;
      c.filter_subject = "elsewhere.b";
    }
    await jetstream(nc).publish(subject, JSON.stringify(record));

    backend = await createJetStreamBackend({ nc });
    await assert.rejects(connect(backend, "broken"));
    assert.equal(backend.stats().sessions, 0);

    // The other member is offline too: with a leftover member of "broken",
    // every other message would wait for it (the 30 s ack wait).
    const other = await connect(backend, "other");
    await other.subscribe("$share/g/t", 1);
    await other.session.detach(3600);
    for (let i = 0; i < 4; i++) await backend.publish(msg("t", `m${i}`));
    const back = await connect(backend, "other");
    await waitUntil(
      [back.sink],
      () => publishes(back.sink.deliveries).length === 4,
      () => `4 messages, got ${publishes(back.sink.deliveries).length}`,
    );
    assert.deepEqual(
      publishes(back.sink.deliveries).map(text).sort(),
      ["m0", "m1", "m2", "m3"],
    );
  } finally {
    await backend.close();
  }
});
