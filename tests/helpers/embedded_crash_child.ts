// deno-lint-ignore-file no-console
/**
 * Child process of the embedded backend crash test: opens the backend in
 * `argv[2]`, leaves a persistent subscriber offline, then publishes QoS 1
 * messages (64 in flight) and prints `acked <n>` once each `publish()`
 * resolved, until it is killed.
 *
 * @module
 */

import process from "node:process";
import { createEmbeddedBackend } from "../../src/backend/embedded/mod.ts";
import { nullLogger, nullMetrics } from "../../src/observability/types.ts";

const dir = process.argv[2];
const backend = await createEmbeddedBackend({
  dir,
  logger: nullLogger,
  metrics: nullMetrics,
  maxQueuedMessages: 1_000_000,
  maxQueuedBytes: 1 << 30,
});
const session = await backend.openSession({
  clientId: "sub",
  clean: true,
  expiry: 3600,
  window: 64,
  sink: { deliver() {} },
  onTakeover() {},
});
await session.subscribe([{
  filter: "crash/#",
  qos: 1,
  noLocal: false,
  retainAsPublished: false,
  retainHandling: 0,
}]);
await session.detach(3600);
await backend.publish({
  topic: "crash/retained",
  payload: new TextEncoder().encode("kept"),
  qos: 1,
  retain: true,
});
let next = 0;
let outstanding = 0;
const more = (): void => {
  while (outstanding < 64) {
    const n = next++;
    outstanding++;
    backend.publish({
      topic: "crash/" + n,
      payload: new TextEncoder().encode(String(n)),
      qos: 1,
      retain: false,
    }).then(() => {
      process.stdout.write(`acked ${n}\n`);
      outstanding--;
      more();
    });
  }
};
console.log("ready");
more();
