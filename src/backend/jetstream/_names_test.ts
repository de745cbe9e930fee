import { test } from "node:test";
import assert from "node:assert/strict";
import { clientToken, namesFor } from "./_names.ts";

test("namesFor() gives nats-server's names for $MQTT", () => {
  const n = namesFor("$MQTT");
  assert.equal(n.msgsStream, "$MQTT_msgs");
  assert.equal(n.msgs, "$MQTT.msgs.");
  assert.equal(n.pubrel, "$MQTT.out.pubrel.");
});

test("clientToken() keeps safe ids and hex-encodes others", () => {
  assert.equal(clientToken("dev-1_a"), "dev-1_a");
  assert.equal(clientToken("a.b"), "=612e62");
});
