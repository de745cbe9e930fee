/**
 * End to end: main.ts with `--nats` (jetstream backend) against a real
 * nats-server, on Deno and on Bun: MQTT.js round trip and a clean stop.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { runtimes, startJetmq } from "../helpers/server.ts";
import { startNatsServer } from "../helpers/nats_server.ts";

for (const runtime of runtimes) {
  test(`main.ts on ${runtime}: --nats selects JetStream; QoS 1 round trip, clean stop`, async () => {
    await using nats = await startNatsServer({ args: ["-js"] });
    await using server = await startJetmq({
      runtime,
      args: ["--nats", nats.url],
    });
    await server.waitForLog((r) =>
      r.msg === "started" && r.backend === "jetstream"
    );
    const client = await mqtt.connectAsync(server.url, {
      protocolVersion: 5,
      clientId: `e2e-js-${runtime}`,
      reconnectPeriod: 0,
    });
    try {
      await client.subscribeAsync("e2e/js/#", { qos: 1 });
      const got = new Promise<string>((resolve) =>
        client.once("message", (_topic, payload) => resolve(payload.toString()))
      );
      await client.publishAsync("e2e/js/x", "over jetstream", { qos: 1 });
      assert.equal(await got, "over jetstream");
    } finally {
      await client.endAsync();
    }
    assert.equal(await server.stop(), 0);
  });
}
