/**
 * End to end (issue #5 item 11): enhanced authentication (AUTH packets)
 * through the pluggable method interface; an unknown method gets 0x8C.
 *
 * The CLI exposes no way to register a method (config has only
 * `auth.allowAnonymous` and `auth.users`), so against main.ts we check the
 * unknown-method refusal and the password path; the AUTH exchanges run on an
 * in-process server (`startServer` with the runtime's real TCP listener,
 * `createAuthenticator({ methods })`) on each backend, with MQTT.js v5 and
 * raw clients.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import mqtt, { type MqttClient } from "mqtt";
import { connect as natsConnect } from "@nats-io/transport-node";
import {
  type AuthPacket,
  PacketType,
  ReasonCode,
} from "../../src/codec/mod.ts";
import {
  createAuthenticator,
  type EnhancedAuthMethod,
} from "../../src/auth/mod.ts";
import { createEmbeddedBackend } from "../../src/backend/embedded/mod.ts";
import { createJetStreamBackend } from "../../src/backend/jetstream/mod.ts";
import type { Backend } from "../../src/backend/types.ts";
import { DEFAULT_CONFIG } from "../../src/config/mod.ts";
import { serveConnection } from "../../src/connection/mod.ts";
import { nullLogger, nullMetrics } from "../../src/observability/types.ts";
import { createRouter } from "../../src/router/mod.ts";
import { type Server, startServer } from "../../src/server/mod.ts";
import { pickRuntime } from "../../src/cli/runtime.ts";
import {
  type BackendName,
  e2eBackends,
  selectedBackends,
} from "../helpers/backends.ts";
import { type NatsServer, startNatsServer } from "../helpers/nats_server.ts";
import {
  connectRaw,
  nextPublish,
  openRaw,
  payloadText,
  type RawClient,
  rawPublish,
  subscribeRaw,
  withDeadline,
} from "../helpers/raw_client.ts";
import { connectJs, run } from "../helpers/mqttjs_client.ts";
import {
  connectV5,
  expectConnack,
  expectServerDisconnect,
  uniq,
} from "../helpers/v5.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

for (
  const backend of e2eBackends({
    config: {
      auth: {
        allowAnonymous: true,
        users: [{ username: "alice", password: "secret" }],
      },
    },
  })
) {
  describe(`main.ts v5 on ${backend.name}: authentication`, () => {
    after(() => backend.stop());

    test("an unknown Authentication Method gets CONNACK 0x8C (raw, MQTT.js v5, mosquitto_sub -V 5) [MQTT-4.12.0-1]", async () => {
      const server = await backend.get();
      const client = await openRaw(server.port, 5);
      await using _ = client;
      client.send({
        type: PacketType.CONNECT,
        protocolName: "MQTT",
        protocolVersion: 5,
        clean: true,
        keepAlive: 0,
        clientId: uniq("ea-unknown"),
        properties: {
          authenticationMethod: "NO-SUCH-METHOD",
          authenticationData: enc.encode("x"),
        },
      });
      const connack = expectConnack(
        await client.next(),
        ReasonCode.BadAuthenticationMethod,
      );
      assert.equal(connack.sessionPresent, false);
      await withDeadline(client.closed, "close after CONNACK 0x8C");
      await assert.rejects(
        connectJs(server.url, {
          clientId: uniq("ea-js"),
          protocolVersion: 5,
          properties: { authenticationMethod: "NO-SUCH-METHOD" },
        }),
        (err: { code?: number }) => err.code === 0x8c,
      );
      const r = await run("mosquitto_sub", [
        ...["-h", "127.0.0.1", "-p", String(server.port), "-V", "5"],
        ...["-t", "ea/x", "-C", "1", "-W", "3"],
        ...["-D", "connect", "authentication-method", "NO-SUCH-METHOD"],
      ]);
      assert.notEqual(r.code, 0);
      assert.match(r.out, /[Bb]ad authentication method/);
    });

    test("password users: CONNACK 0x86 for a wrong password in v5 (MQTT.js) and return code 4 in 3.1.1; the right one is accepted", async () => {
      const server = await backend.get();
      await assert.rejects(
        connectJs(server.url, {
          clientId: uniq("ea-bad5"),
          protocolVersion: 5,
          username: "alice",
          password: "nope",
        }),
        (err: { code?: number }) => err.code === 0x86,
      );
      const v4 = await connectRaw(server.port, {
        clientId: uniq("ea-bad4"),
        username: "alice",
        password: enc.encode("nope"),
      });
      await using _ = v4.client;
      assert.equal(v4.connack.reasonCode, ReasonCode.BadUserNameOrPassword);
      await using ok = await connectJs(server.url, {
        clientId: uniq("ea-ok"),
        protocolVersion: 5,
        username: "alice",
        password: "secret",
      });
      assert.equal(ok.mqtt.connected, true);
    });
  });
}

/**
 * Test method `TEST-CHALLENGE`: CONNECT data must be `hello`; the server
 * answers `challenge:<n>` and accepts `response:<n>`. Anything else is
 * 0x87 Not authorized.
 */
const challenge: EnhancedAuthMethod = {
  name: "TEST-CHALLENGE",
  start(data, ctx) {
    if (dec.decode(data ?? new Uint8Array()) !== "hello") {
      return { ok: false, reasonCode: ReasonCode.NotAuthorized };
    }
    const n = String(Math.floor(Math.random() * 1e6));
    ctx.state.n = n;
    return { ok: "continue", data: enc.encode(`challenge:${n}`) };
  },
  continue(data, ctx) {
    return dec.decode(data ?? new Uint8Array()) === `response:${ctx.state.n}`
      ? { ok: true }
      : { ok: false, reasonCode: ReasonCode.NotAuthorized, reason: "bad" };
  },
};

/** `TEST-TOKEN`: one step; data `good` is accepted, else 0x87. */
const token: EnhancedAuthMethod = {
  name: "TEST-TOKEN",
  start: (data) =>
    dec.decode(data ?? new Uint8Array()) === "good"
      ? { ok: true }
      : { ok: false, reasonCode: ReasonCode.NotAuthorized },
  continue: () => ({ ok: false, reasonCode: ReasonCode.ProtocolError }),
};

interface AuthServer extends AsyncDisposable {
  port: number;
}

async function openBackend(
  name: BackendName,
  nats: () => Promise<NatsServer>,
): Promise<{ backend: Backend; close(): Promise<void> }> {
  if (name === "embedded") {
    const backend = await createEmbeddedBackend({
      dir: "unused",
      memory: true,
      logger: nullLogger,
      metrics: nullMetrics,
    });
    return { backend, close: () => Promise.resolve() };
  }
  const nc = await natsConnect({ servers: (await nats()).url });
  const backend = await createJetStreamBackend({
    nc,
    prefix: `$EA${Math.floor(Math.random() * 1e9)}`,
  });
  return { backend, close: () => nc.close() };
}

async function startAuthServer(
  name: BackendName,
  nats: () => Promise<NatsServer>,
): Promise<AuthServer> {
  const { backend, close } = await openBackend(name, nats);
  let server: Server;
  try {
    server = await startServer({
      runtime: pickRuntime(),
      listeners: [{ kind: "tcp", hostname: "127.0.0.1", port: 0 }],
      backend,
      limits: DEFAULT_CONFIG.limits,
      logger: nullLogger,
      metrics: nullMetrics,
      authenticator: createAuthenticator({
        allowAnonymous: true,
        methods: [challenge, token],
      }),
      createRouter,
      serveConnection,
    });
  } catch (err) {
    // startServer closes the backend only once it started.
    try {
      await backend.close();
    } finally {
      await close();
    }
    throw err;
  }
  return {
    port: server.listeners[0].port,
    async [Symbol.asyncDispose]() {
      try {
        await server.close();
      } finally {
        await close();
      }
    },
  };
}

/** CONNECT v5 with an Authentication Method; returns the first answer. */
async function connectWithMethod(
  port: number,
  method: string,
  data: string,
  clientId = uniq("ea"),
): Promise<{ client: RawClient; first: ReturnType<RawClient["next"]> }> {
  const client = await openRaw(port, 5);
  client.send({
    type: PacketType.CONNECT,
    protocolName: "MQTT",
    protocolVersion: 5,
    clean: true,
    keepAlive: 0,
    clientId,
    properties: {
      authenticationMethod: method,
      authenticationData: enc.encode(data),
    },
  });
  return { client, first: client.next() };
}

/** Sends AUTH `reasonCode` with `method` and, when given, `data`. */
function sendAuth(
  client: RawClient,
  reasonCode: ReasonCode,
  method: string,
  data?: string,
): void {
  client.send({
    type: PacketType.AUTH,
    reasonCode,
    properties: data === undefined
      ? { authenticationMethod: method }
      : { authenticationMethod: method, authenticationData: enc.encode(data) },
  });
}

function authData(p: AuthPacket): string {
  return dec.decode(p.properties?.authenticationData ?? new Uint8Array());
}

async function expectAuth(client: RawClient, reasonCode: number) {
  const p = await client.next();
  assert.equal(p.type, PacketType.AUTH, `expected AUTH, got ${p.type}`);
  const a = p as AuthPacket;
  assert.equal(a.reasonCode, reasonCode);
  return a;
}

function connectMqttJs(
  port: number,
  options: mqtt.IClientOptions,
  handleAuth: MqttClient["handleAuth"],
): Promise<MqttClient> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    protocolVersion: 5,
    reconnectPeriod: 0,
    connectTimeout: 4000,
    ...options,
  });
  client.handleAuth = handleAuth;
  return withDeadline(
    new Promise<MqttClient>((resolve, reject) => {
      client.once("connect", () => resolve(client));
      client.once("error", (err) => {
        client.end(true);
        reject(err);
      });
    }),
    "MQTT.js CONNACK",
  );
}

for (const name of selectedBackends()) {
  describe(`in-process server over TCP on ${name}: enhanced authentication (AUTH)`, () => {
    let nats: Promise<NatsServer> | undefined;
    const natsServer = () => nats ??= startNatsServer();
    after(async () => {
      await (await nats?.catch(() => undefined))?.stop();
    });

    test("MQTT.js v5 completes a challenge/response exchange (AUTH 0x18 both ways), then publishes and subscribes [MQTT-4.12.0-2]", async () => {
      await using server = await startAuthServer(name, natsServer);
      const seen: string[] = [];
      const client = await connectMqttJs(server.port, {
        clientId: uniq("ea-js"),
        properties: {
          authenticationMethod: "TEST-CHALLENGE",
          authenticationData: Buffer.from("hello"),
        },
      }, (packet, cb) => {
        const data = String(packet.properties?.authenticationData ?? "");
        seen.push(`${packet.reasonCode}:${data.split(":")[0]}`);
        cb(undefined, {
          cmd: "auth",
          reasonCode: ReasonCode.ContinueAuthentication,
          properties: {
            authenticationMethod: "TEST-CHALLENGE",
            authenticationData: Buffer.from(
              `response:${data.split(":")[1]}`,
            ),
          },
        });
      });
      try {
        assert.deepEqual(seen, ["24:challenge"]);
        const topic = uniq("ea/js");
        await client.subscribeAsync(topic, { qos: 1 });
        const got = new Promise<string>((resolve) =>
          client.once("message", (_t, payload) => resolve(String(payload)))
        );
        await client.publishAsync(topic, "after-auth", { qos: 1 });
        assert.equal(await withDeadline(got, "message"), "after-auth");
      } finally {
        await client.endAsync();
      }
    });

    test("a wrong response gets CONNACK 0x87 and the connection closes [MQTT-4.12.0-2]", async () => {
      await using server = await startAuthServer(name, natsServer);
      const { client, first } = await connectWithMethod(
        server.port,
        "TEST-CHALLENGE",
        "hello",
      );
      await using _ = client;
      const p = await first;
      assert.equal(p.type, PacketType.AUTH);
      sendAuth(
        client,
        ReasonCode.ContinueAuthentication,
        "TEST-CHALLENGE",
        "response:wrong",
      );
      expectConnack(await client.next(), ReasonCode.NotAuthorized);
      await withDeadline(client.closed, "close after refusal");
    });

    test("AUTH with another method during the exchange: CONNACK 0x82 (§4.12)", async () => {
      await using server = await startAuthServer(name, natsServer);
      const { client, first } = await connectWithMethod(
        server.port,
        "TEST-CHALLENGE",
        "hello",
      );
      await using _ = client;
      assert.equal((await first).type, PacketType.AUTH);
      sendAuth(client, ReasonCode.ContinueAuthentication, "TEST-TOKEN");
      expectConnack(await client.next(), ReasonCode.ProtocolError);
    });

    test("a one-step method accepts good data with CONNACK 0x00 and refuses bad data with 0x87; an unknown method still gets 0x8C", async () => {
      await using server = await startAuthServer(name, natsServer);
      const good = await connectWithMethod(server.port, "TEST-TOKEN", "good");
      await using _g = good.client;
      expectConnack(await good.first, ReasonCode.Success);
      const bad = await connectWithMethod(server.port, "TEST-TOKEN", "bad");
      await using _b = bad.client;
      expectConnack(await bad.first, ReasonCode.NotAuthorized);
      const other = await connectWithMethod(server.port, "SCRAM-SHA-512", "x");
      await using _o = other.client;
      expectConnack(await other.first, ReasonCode.BadAuthenticationMethod);
    });

    test("re-authentication: AUTH 0x19 → AUTH 0x18 → AUTH 0x18 → AUTH 0x00, the connection keeps working [MQTT-4.12.1-1]", async () => {
      await using server = await startAuthServer(name, natsServer);
      const { client, first } = await connectWithMethod(
        server.port,
        "TEST-CHALLENGE",
        "hello",
      );
      await using _ = client;
      const send = (reasonCode: ReasonCode, data: string) =>
        sendAuth(client, reasonCode, "TEST-CHALLENGE", data);
      const c1 = await first as AuthPacket;
      send(
        ReasonCode.ContinueAuthentication,
        `response:${authData(c1).split(":")[1]}`,
      );
      assert.equal((await client.next()).type, PacketType.CONNACK);
      send(ReasonCode.ReAuthenticate, "hello");
      const c2 = await expectAuth(client, ReasonCode.ContinueAuthentication);
      assert.match(authData(c2), /^challenge:/);
      send(
        ReasonCode.ContinueAuthentication,
        `response:${authData(c2).split(":")[1]}`,
      );
      await expectAuth(client, ReasonCode.Success);
      const topic = uniq("ea/re");
      await subscribeRaw(client, [{ filter: topic, qos: 0 }]);
      client.send(rawPublish(topic, "still-here"));
      assert.equal(payloadText(await nextPublish(client)), "still-here");
    });

    test("failed re-authentication: DISCONNECT with the method's code (0x87) [MQTT-4.12.1-2]", async () => {
      await using server = await startAuthServer(name, natsServer);
      const { client, first } = await connectWithMethod(
        server.port,
        "TEST-TOKEN",
        "good",
      );
      await using _ = client;
      assert.equal((await first).type, PacketType.CONNACK);
      sendAuth(client, ReasonCode.ReAuthenticate, "TEST-TOKEN", "bad");
      await expectServerDisconnect(client, ReasonCode.NotAuthorized);
    });

    test("AUTH from a client that did not use enhanced authentication: DISCONNECT 0x82 (§4.12)", async () => {
      await using server = await startAuthServer(name, natsServer);
      const { client } = await connectV5(server.port, {
        clientId: uniq("ea-no"),
      });
      await using _ = client;
      sendAuth(client, ReasonCode.ReAuthenticate, "TEST-TOKEN");
      await expectServerDisconnect(client, ReasonCode.ProtocolError);
    });

    test("3.1.1 and plain v5 clients are unaffected by registered methods", async () => {
      await using server = await startAuthServer(name, natsServer);
      const v4 = await connectRaw(server.port, { clientId: uniq("ea-v4") });
      await using _4 = v4.client;
      assert.equal(v4.connack.reasonCode, ReasonCode.Success);
      const v5 = await connectV5(server.port, { clientId: uniq("ea-v5") });
      await using _5 = v5.client;
      assert.equal(v5.connack.reasonCode, ReasonCode.Success);
    });
  });
}
