/**
 * End to end (issue #4): main.ts with `--nats`, killed with SIGKILL and
 * restarted on the same nats-server: queued QoS 1/2 messages of an offline
 * persistent session, in-flight messages (resent at once with DUP and the
 * same packet id, not after the 30 s ack wait) and inbound QoS 2 state all
 * survive, since everything lives in JetStream.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type JetmqProcess,
  type RuntimeName,
  runtimes,
  startJetmq,
} from "../helpers/server.ts";
import { startNatsServer } from "../helpers/nats_server.ts";
import { inflightSurviveKill, queuedSurviveKill } from "../helpers/restart.ts";

async function killAndRestart(
  server: JetmqProcess,
  runtime: RuntimeName,
  natsUrl: string,
): Promise<JetmqProcess> {
  await server.kill9();
  assert.equal(server.process.signalCode, "SIGKILL");
  return await startJetmq({ runtime, args: ["--nats", natsUrl] });
}

for (const runtime of runtimes) {
  test(`main.ts --nats on ${runtime}: queued QoS 1 and 2 messages of an offline session survive kill -9`, async () => {
    await using nats = await startNatsServer();
    await queuedSurviveKill({
      start: () => startJetmq({ runtime, args: ["--nats", nats.url] }),
      killAndRestart: (server) => killAndRestart(server, runtime, nats.url),
      prefix: "js-",
    });
  });

  test(`main.ts --nats on ${runtime}: in-flight messages are resent at once with DUP after kill -9; inbound QoS 2 completes once`, async () => {
    await using nats = await startNatsServer();
    await inflightSurviveKill({
      start: () => startJetmq({ runtime, args: ["--nats", nats.url] }),
      killAndRestart: (server) => killAndRestart(server, runtime, nats.url),
      prefix: "js-",
    });
  });
}
