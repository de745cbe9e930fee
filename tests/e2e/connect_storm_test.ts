/**
 * End to end: many CONNECTs with the same client id at once. Every
 * connection gets its CONNACK 0 first and is then taken over (v5: DISCONNECT
 * 0x8E after the CONNACK) [MQTT-3.1.4-3] [MQTT-3.2.0-1]; one stays, as with
 * mosquitto. main.ts as a subprocess on each backend, raw TCP clients.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  type ConnackPacket,
  PacketType,
  type ProtocolVersion,
  ReasonCode,
} from "../../src/codec/mod.ts";
import { e2eBackends } from "../helpers/backends.ts";
import {
  expectNothingMore,
  openRaw,
  type RawClient,
  withDeadline,
} from "../helpers/raw_client.ts";
import { uniq } from "../helpers/v5.ts";

const COUNT = 20;

/** Opens `COUNT` sockets, then sends every CONNECT in the same turn. */
async function storm(
  port: number,
  version: ProtocolVersion,
): Promise<RawClient[]> {
  const clientId = uniq("storm");
  const clients = await Promise.all(
    Array.from({ length: COUNT }, () => openRaw(port, version)),
  );
  for (const c of clients) {
    c.send({
      type: PacketType.CONNECT,
      protocolName: "MQTT",
      protocolVersion: version,
      clean: true,
      keepAlive: 0,
      clientId,
    });
  }
  return clients;
}

/** Resolves once `n` of `clients` were closed by the server. */
function closedCount(clients: RawClient[], n: number): Promise<RawClient[]> {
  const closed: RawClient[] = [];
  return new Promise((resolve) => {
    for (const c of clients) {
      c.closed.then(() => {
        closed.push(c);
        if (closed.length === n) resolve(closed);
      });
    }
  });
}

async function checkStorm(port: number, version: ProtocolVersion) {
  const clients = await storm(port, version);
  try {
    const gone = withDeadline(
      closedCount(clients, COUNT - 1),
      `${COUNT - 1} takeovers`,
      10_000,
    );
    for (const [i, c] of clients.entries()) {
      const p = await c.next(10_000);
      assert.equal(p.type, PacketType.CONNACK, `client ${i}: ${p.type}`);
      assert.equal((p as ConnackPacket).reasonCode, ReasonCode.Success);
    }
    const closed = await gone;
    for (const c of closed) {
      if (version === 5) {
        const d = await c.next();
        assert.equal(d.type, PacketType.DISCONNECT);
        if (d.type === PacketType.DISCONNECT) {
          assert.equal(d.reasonCode, ReasonCode.SessionTakenOver);
        }
      }
      await assert.rejects(c.next(), /closed/);
    }
    const [kept] = clients.filter((c) => !closed.includes(c));
    await expectNothingMore(kept);
  } finally {
    for (const c of clients) c.destroy();
    await Promise.all(clients.map((c) => c.closed));
  }
}

for (const backend of e2eBackends()) {
  describe(`main.ts on ${backend.name}: simultaneous CONNECTs`, () => {
    after(() => backend.stop());

    test(`${COUNT} v5 CONNECTs with one client id at once: each gets CONNACK 0, then all but one DISCONNECT 0x8E [MQTT-3.1.4-3]`, async () => {
      const server = await backend.get();
      await checkStorm(server.port, 5);
    });

    test(`${COUNT} 3.1.1 CONNECTs with one client id at once: each gets CONNACK 0, then all but one are closed [MQTT-3.1.4-2]`, async () => {
      const server = await backend.get();
      await checkStorm(server.port, 4);
    });
  });
}
