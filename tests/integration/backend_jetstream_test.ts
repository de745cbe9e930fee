/**
 * The backend contract suite, unchanged, against the JetStream backend on a
 * real nats-server (one per file; each test gets its own stream prefix and
 * NATS connection).
 *
 * @module
 */

import { after, before } from "node:test";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { backendContract } from "../backend_contract.ts";
import { createJetStreamBackend } from "../../src/backend/jetstream/mod.ts";
import { type NatsServer, startNatsServer } from "../helpers/nats_server.ts";

let server: NatsServer | undefined;
let counter = 0;

before(async () => {
  server = await startNatsServer();
});
after(async () => {
  await server?.stop();
});

backendContract("jetstream", async (options) => {
  const prefix = `$T${++counter}`;
  const nc: NatsConnection = await connect({ servers: server!.url });
  const make = () =>
    createJetStreamBackend({
      nc,
      prefix,
      now: options.now,
      maxQueuedMessages: options.maxQueuedMessages,
      maxQueuedBytes: options.maxQueuedBytes,
      maxRetained: options.maxRetained,
      maxRetainedBytes: options.maxRetainedBytes,
      maxSessions: options.maxSessions,
    });
  let backend = await make().catch(async (error) => {
    await nc.close();
    throw error;
  });
  return {
    backend,
    async restart() {
      await backend.close();
      backend = await make();
      return backend;
    },
    async dispose() {
      try {
        await backend.close();
      } finally {
        await nc.close();
      }
    },
  };
});
