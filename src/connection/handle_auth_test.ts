import { test } from "node:test";
import assert from "node:assert/strict";
import { createAuthenticator } from "../auth/mod.ts";
import type { Authenticator } from "../auth/types.ts";
import { PacketType, ReasonCode } from "../codec/mod.ts";
import { startBroker } from "../../tests/helpers/mqtt_harness.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

const refuseAll: Authenticator = {
  authenticate: (c) =>
    Promise.resolve(
      c.username === "banned"
        ? { ok: false, reasonCode: ReasonCode.NotAuthorized }
        : { ok: false, reasonCode: ReasonCode.BadUserNameOrPassword },
    ),
};

const challenge = createAuthenticator({
  allowAnonymous: true,
  methods: [{
    name: "echo",
    start: () => ({ ok: "continue", data: enc.encode("prove") }),
    continue: (data) =>
      dec.decode(data) === "proof"
        ? { ok: true }
        : { ok: false, reasonCode: ReasonCode.NotAuthorized },
  }],
});

test("handleConnect() CONNACK 4 for bad user name or password (3.1.1)", async () => {
  await using broker = await startBroker({ authenticator: refuseAll });
  const { client, connack } = await broker.connect({
    clientId: "a",
    username: "u",
    password: enc.encode("bad"),
  });
  // The 3.1.1 return code 4 decodes back to 0x86.
  assert.deepEqual(connack, {
    type: PacketType.CONNACK,
    sessionPresent: false,
    reasonCode: ReasonCode.BadUserNameOrPassword,
  });
  await client.closed();
});

test("handleConnect() CONNACK 5 for not authorized (3.1.1)", async () => {
  await using broker = await startBroker({ authenticator: refuseAll });
  const { client, connack } = await broker.connect({
    clientId: "a",
    username: "banned",
  });
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type === PacketType.CONNACK) {
    assert.equal(connack.reasonCode, ReasonCode.NotAuthorized);
  }
  await client.closed();
});

test("handleConnect() v5 unknown authentication method is CONNACK 0x8C", async () => {
  await using broker = await startBroker({ authenticator: challenge });
  const { client, connack } = await broker.connect({
    clientId: "a",
    protocolVersion: 5,
    properties: { authenticationMethod: "SCRAM-SHA-1" },
  });
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type === PacketType.CONNACK) {
    assert.equal(connack.reasonCode, ReasonCode.BadAuthenticationMethod);
  }
  await client.closed();
});

test("handleConnect() v5 method without an authenticator is CONNACK 0x8C", async () => {
  await using broker = await startBroker();
  const { connack } = await broker.connect({
    clientId: "a",
    protocolVersion: 5,
    properties: { authenticationMethod: "echo" },
  });
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type === PacketType.CONNACK) {
    assert.equal(connack.reasonCode, ReasonCode.BadAuthenticationMethod);
  }
});

test("handleAuthConnecting() runs an enhanced authentication exchange (§4.12)", async () => {
  await using broker = await startBroker({ authenticator: challenge });
  const { client, connack: auth } = await broker.connect({
    clientId: "a",
    protocolVersion: 5,
    properties: { authenticationMethod: "echo" },
  });
  assert.equal(auth.type, PacketType.AUTH);
  if (auth.type !== PacketType.AUTH) return;
  assert.equal(auth.reasonCode, ReasonCode.ContinueAuthentication);
  assert.equal(dec.decode(auth.properties?.authenticationData), "prove");
  await client.send({
    type: PacketType.AUTH,
    reasonCode: ReasonCode.ContinueAuthentication,
    properties: {
      authenticationMethod: "echo",
      authenticationData: enc.encode("proof"),
    },
  });
  const connack = await client.next();
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type === PacketType.CONNACK) assert.equal(connack.reasonCode, 0);
});

test("handleAuthConnecting() a wrong answer refuses the connection", async () => {
  await using broker = await startBroker({ authenticator: challenge });
  const { client } = await broker.connect({
    clientId: "a",
    protocolVersion: 5,
    properties: { authenticationMethod: "echo" },
  });
  await client.send({
    type: PacketType.AUTH,
    reasonCode: ReasonCode.ContinueAuthentication,
    properties: {
      authenticationMethod: "echo",
      authenticationData: enc.encode("guess"),
    },
  });
  const connack = await client.next();
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type === PacketType.CONNACK) {
    assert.equal(connack.reasonCode, ReasonCode.NotAuthorized);
  }
  await client.closed();
});

test("handleAuthConnected() AUTH without a method in CONNECT is a protocol error", async () => {
  await using broker = await startBroker();
  const { client } = await broker.connect({
    clientId: "a",
    protocolVersion: 5,
  });
  await client.send({
    type: PacketType.AUTH,
    reasonCode: ReasonCode.ReAuthenticate,
    properties: { authenticationMethod: "echo" },
  });
  const d = await client.next();
  assert.equal(d.type, PacketType.DISCONNECT);
  if (d.type === PacketType.DISCONNECT) {
    assert.equal(d.reasonCode, ReasonCode.ProtocolError);
  }
});

test("handleAuthConnected() re-authentication succeeds with AUTH 0x00 [MQTT-4.12.1-1]", async () => {
  await using broker = await startBroker({ authenticator: challenge });
  const { client } = await broker.connect({
    clientId: "re",
    protocolVersion: 5,
    properties: { authenticationMethod: "echo" },
  });
  const answer = {
    type: PacketType.AUTH,
    reasonCode: ReasonCode.ContinueAuthentication,
    properties: {
      authenticationMethod: "echo",
      authenticationData: enc.encode("proof"),
    },
  } as const;
  await client.send(answer);
  assert.equal((await client.next()).type, PacketType.CONNACK);
  await client.send({
    type: PacketType.AUTH,
    reasonCode: ReasonCode.ReAuthenticate,
    properties: { authenticationMethod: "echo" },
  });
  const challengeAgain = await client.next();
  assert.equal(challengeAgain.type, PacketType.AUTH);
  if (challengeAgain.type === PacketType.AUTH) {
    assert.equal(challengeAgain.reasonCode, ReasonCode.ContinueAuthentication);
  }
  await client.send(answer);
  const done = await client.next();
  assert.equal(done.type, PacketType.AUTH);
  if (done.type === PacketType.AUTH) {
    assert.equal(done.reasonCode ?? 0, ReasonCode.Success);
  }
});

/** Like `challenge`, but the last step carries data (as SCRAM server-final). */
const withFinal = createAuthenticator({
  allowAnonymous: true,
  methods: [{
    name: "final",
    start: (data) =>
      dec.decode(data) === "one-step"
        ? { ok: true, data: enc.encode("v=one") }
        : { ok: "continue", data: enc.encode("prove") },
    continue: (data) =>
      dec.decode(data) === "proof"
        ? { ok: true, data: enc.encode("v=signature") }
        : { ok: false, reasonCode: ReasonCode.NotAuthorized },
  }],
});

const finalAnswer = {
  type: PacketType.AUTH,
  reasonCode: ReasonCode.ContinueAuthentication,
  properties: {
    authenticationMethod: "final",
    authenticationData: enc.encode("proof"),
  },
} as const;

test("handleAuthConnecting() CONNACK repeats the Authentication Method and carries the last step's data [MQTT-4.12.0-5]", async () => {
  await using broker = await startBroker({ authenticator: withFinal });
  const { client, connack: auth } = await broker.connect({
    clientId: "f",
    protocolVersion: 5,
    properties: { authenticationMethod: "final" },
  });
  assert.equal(auth.type, PacketType.AUTH);
  await client.send(finalAnswer);
  const connack = await client.next();
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type !== PacketType.CONNACK) return;
  assert.equal(connack.reasonCode, ReasonCode.Success);
  assert.equal(connack.properties?.authenticationMethod, "final");
  assert.equal(
    dec.decode(connack.properties?.authenticationData),
    "v=signature",
  );
});

test("handleConnect() a one-step method's CONNACK has the method and its data [MQTT-4.12.0-5]", async () => {
  await using broker = await startBroker({ authenticator: withFinal });
  const { connack } = await broker.connect({
    clientId: "f1",
    protocolVersion: 5,
    properties: {
      authenticationMethod: "final",
      authenticationData: enc.encode("one-step"),
    },
  });
  assert.equal(connack.type, PacketType.CONNACK);
  if (connack.type !== PacketType.CONNACK) return;
  assert.equal(connack.reasonCode, ReasonCode.Success);
  assert.equal(connack.properties?.authenticationMethod, "final");
  assert.equal(dec.decode(connack.properties?.authenticationData), "v=one");
});

test("handleAuthConnected() re-authentication's AUTH 0x00 carries the last step's data (§4.12.1)", async () => {
  await using broker = await startBroker({ authenticator: withFinal });
  const { client } = await broker.connect({
    clientId: "fr",
    protocolVersion: 5,
    properties: { authenticationMethod: "final" },
  });
  await client.send(finalAnswer);
  assert.equal((await client.next()).type, PacketType.CONNACK);
  await client.send({
    type: PacketType.AUTH,
    reasonCode: ReasonCode.ReAuthenticate,
    properties: { authenticationMethod: "final" },
  });
  assert.equal((await client.next()).type, PacketType.AUTH);
  await client.send(finalAnswer);
  const done = await client.next();
  assert.equal(done.type, PacketType.AUTH);
  if (done.type !== PacketType.AUTH) return;
  assert.equal(done.reasonCode ?? 0, ReasonCode.Success);
  assert.equal(done.properties?.authenticationMethod, "final");
  assert.equal(dec.decode(done.properties?.authenticationData), "v=signature");
});

/** One step; "closed" data grants permissions denying publish to `x`. */
const byData = createAuthenticator({
  allowAnonymous: true,
  methods: [{
    name: "perm",
    start: (data) =>
      dec.decode(data) === "closed"
        ? { ok: true, permissions: { publish: { deny: ["x"] } } }
        : { ok: true },
    continue: () => ({ ok: false, reasonCode: ReasonCode.NotAuthorized }),
  }],
});

test("handleAuthConnected() permissions returned by a re-authentication replace those of the CONNECT", async () => {
  await using broker = await startBroker({ authenticator: byData });
  const { client, connack } = await broker.connect({
    clientId: "perm",
    protocolVersion: 5,
    properties: {
      authenticationMethod: "perm",
      authenticationData: enc.encode("open"),
    },
  });
  assert.equal(connack.type, PacketType.CONNACK);
  const publish = async (packetId: number): Promise<number> => {
    await client.send({
      type: PacketType.PUBLISH,
      topic: "x",
      payload: enc.encode("p"),
      qos: 1,
      packetId,
      dup: false,
      retain: false,
    });
    const ack = await client.next();
    assert.equal(ack.type, PacketType.PUBACK);
    return ack.type === PacketType.PUBACK ? ack.reasonCode ?? 0 : -1;
  };
  // Allowed; nobody subscribes, hence 0x10.
  assert.equal(await publish(1), ReasonCode.NoMatchingSubscribers);
  await client.send({
    type: PacketType.AUTH,
    reasonCode: ReasonCode.ReAuthenticate,
    properties: {
      authenticationMethod: "perm",
      authenticationData: enc.encode("closed"),
    },
  });
  const done = await client.next();
  assert.equal(done.type, PacketType.AUTH);
  assert.equal(await publish(2), ReasonCode.NotAuthorized);
});
