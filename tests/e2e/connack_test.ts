/**
 * End to end (issue #3): CONNECT validation and the 3.1/3.1.1 CONNACK return
 * codes, against main.ts as a subprocess on Deno and Bun, with raw sockets,
 * MQTT.js and mosquitto_pub.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { encodePacket, type Packet, PacketType } from "../../src/codec/mod.ts";
import { runtimes, sharedJetmq } from "../helpers/server.ts";
import { connectRaw, openRaw, withDeadline } from "../helpers/raw_client.ts";
import { connectJs, mosquittoPub } from "../helpers/mqttjs_client.ts";

const enc = new TextEncoder();

/** Send CONNECT bytes; resolve with every byte the server sent until close. */
async function refusal(port: number, bytes: Uint8Array): Promise<number[]> {
  await using client = await openRaw(port);
  client.sendBytes(bytes);
  await withDeadline(client.closed, "server closing the connection");
  return Array.from(client.received());
}

function connectBytes(fields: Partial<Packet> & Record<string, unknown>) {
  return encodePacket({
    type: PacketType.CONNECT,
    protocolName: "MQTT",
    protocolVersion: 4,
    clean: true,
    keepAlive: 0,
    clientId: "x",
    ...fields,
  } as Packet, 4);
}

for (const runtime of runtimes) {
  describe(`main.ts on ${runtime}: CONNECT validation`, () => {
    const shared = sharedJetmq({ runtime });
    after(() => shared.stop());

    test("unknown protocol level gets return code 1 and a close [MQTT-3.1.2-2]", async () => {
      const server = await shared.get();
      const bytes = connectBytes({ clientId: "level" });
      bytes[8] = 6; // protocol level byte after 00 04 "MQTT"
      assert.deepEqual(await refusal(server.port, bytes), [0x20, 2, 0, 1]);
    });

    test("a protocol name that does not match the level gets return code 1 [MQTT-3.1.2-1]", async () => {
      const server = await shared.get();
      const mqttLevel3 = connectBytes({ clientId: "name3" });
      mqttLevel3[8] = 3; // "MQTT" with the 3.1 level
      assert.deepEqual(await refusal(server.port, mqttLevel3), [0x20, 2, 0, 1]);
    });

    test("empty client id with clean session 0 gets return code 2 [MQTT-3.1.3-8]", async () => {
      const server = await shared.get();
      const bytes = connectBytes({ clientId: "", clean: false });
      assert.deepEqual(await refusal(server.port, bytes), [0x20, 2, 0, 2]);
    });

    test("empty client id with clean session 1 is accepted [MQTT-3.1.3-6]", async () => {
      const server = await shared.get();
      const { client, connack } = await connectRaw(server.port, {
        clientId: "",
      });
      await using _ = client;
      assert.equal(connack.reasonCode, 0);
      assert.equal(connack.sessionPresent, false);
    });

    test("MQTT 3.1 (MQIsdp, level 3) connects; empty or >23-char ids get return code 2", async () => {
      const server = await shared.get();
      const { client, connack } = await connectRaw(server.port, {
        clientId: "v31-client",
        protocolVersion: 3,
      });
      await using _ = client;
      assert.equal(connack.reasonCode, 0);
      for (const clientId of ["", "a".repeat(24)]) {
        const bytes = encodePacket({
          type: PacketType.CONNECT,
          protocolName: "MQIsdp",
          protocolVersion: 3,
          clean: true,
          keepAlive: 0,
          clientId,
        }, 3);
        assert.deepEqual(await refusal(server.port, bytes), [0x20, 2, 0, 2]);
      }
    });

    test("MQTT.js with protocolVersion 3 (MQIsdp) connects", async () => {
      const server = await shared.get();
      await using c = await connectJs(server.url, {
        clientId: `js31-${runtime}`,
        protocolVersion: 3,
        protocolId: "MQIsdp",
      });
      assert.equal(c.mqtt.connected, true);
    });

    test("a second CONNECT is a protocol violation: the connection is closed [MQTT-3.1.0-2]", async () => {
      const server = await shared.get();
      const { client } = await connectRaw(server.port, { clientId: "twice" });
      await using _ = client;
      client.sendBytes(connectBytes({ clientId: "twice" }));
      await withDeadline(client.closed, "close after second CONNECT");
    });

    test("reserved CONNECT flag bit set closes without CONNACK [MQTT-3.1.2-3]", async () => {
      const server = await shared.get();
      const bytes = connectBytes({ clientId: "reserved" });
      bytes[9] |= 0x01; // connect flags byte
      assert.deepEqual(await refusal(server.port, bytes), []);
    });
  });

  describe(`main.ts on ${runtime}: authentication`, () => {
    const shared = sharedJetmq({
      runtime,
      config: {
        auth: {
          allowAnonymous: false,
          users: [{ username: "alice", password: "s3cret" }],
        },
      },
    });
    after(() => shared.stop());

    test("bad password gets return code 4, no credentials 5, good ones 0", async () => {
      const server = await shared.get();
      const bad = connectBytes({
        clientId: "auth-bad",
        username: "alice",
        password: enc.encode("wrong"),
      });
      assert.deepEqual(await refusal(server.port, bad), [0x20, 2, 0, 4]);
      const unknown = connectBytes({
        clientId: "auth-unknown",
        username: "mallory",
        password: enc.encode("s3cret"),
      });
      assert.deepEqual(await refusal(server.port, unknown), [0x20, 2, 0, 4]);
      const anonymous = connectBytes({ clientId: "auth-anon" });
      assert.deepEqual(await refusal(server.port, anonymous), [0x20, 2, 0, 5]);
      const { client, connack } = await connectRaw(server.port, {
        clientId: "auth-good",
        username: "alice",
        password: enc.encode("s3cret"),
      });
      await using _ = client;
      assert.equal(connack.reasonCode, 0);
    });

    test("MQTT.js sees the refusal codes; mosquitto_pub with -u/-P connects", async () => {
      const server = await shared.get();
      await assert.rejects(
        mqtt.connectAsync(server.url, {
          clientId: "js-auth",
          username: "alice",
          password: "nope",
          reconnectPeriod: 0,
        }),
        (err: { code?: number }) => err.code === 4,
      );
      await assert.rejects(
        mqtt.connectAsync(server.url, {
          clientId: "js-anon",
          reconnectPeriod: 0,
        }),
        (err: { code?: number }) => err.code === 5,
      );
      const ok = await mosquittoPub(server.port, [
        ...["-u", "alice", "-P", "s3cret", "-t", "auth/t", "-m", "x", "-d"],
      ]);
      assert.equal(ok.code, 0, ok.out);
      assert.match(ok.out, /received CONNACK \(0\)/);
      const refused = await mosquittoPub(server.port, [
        ...["-u", "alice", "-P", "bad", "-t", "auth/t", "-m", "x", "-d"],
      ]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.out, /received CONNACK \(4\)/);
    });
  });
}
