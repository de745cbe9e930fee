/**
 * End to end (issue #5 item 10): shared subscriptions `$share/<group>/<filter>`
 * with v5 and 3.1.1 members: each message to exactly one member of each
 * group, non-shared subscribers and other groups get every message, no
 * retained messages, No Local refused; main.ts as a subprocess on each
 * backend.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  PacketType,
  type ProtocolVersion,
  ReasonCode,
} from "../../src/codec/mod.ts";
import { e2eBackends } from "../helpers/backends.ts";
import {
  connectRaw,
  expectNothingMore,
  nextPublish,
  payloadText,
  type RawClient,
  rawPublish,
  subscribeRaw,
  withDeadline,
} from "../helpers/raw_client.ts";
import {
  connectJs,
  type JsClient,
  mosquittoPub,
  startMosquittoSub,
} from "../helpers/mqttjs_client.ts";
import {
  connectV5,
  expectServerDisconnect,
  pollUntil,
  uniq,
} from "../helpers/v5.ts";

/** Publish `n` QoS 1 messages `m0…` and await every PUBACK. */
async function publishN(port: number, topic: string, n: number) {
  const { client } = await connectV5(port, { clientId: uniq("sh-pub") });
  await using _ = client;
  for (let i = 0; i < n; i++) client.send(rawPublish(topic, `m${i}`, 1, i + 1));
  for (let i = 0; i < n; i++) {
    assert.equal((await client.next()).type, PacketType.PUBACK);
  }
}

/** Wakes `until` each time a member records a message (no polling). */
interface Arrivals {
  /** Call after recording a message. */
  arrived(): void;
  /** Resolves once `done()` holds, rechecked at each arrival; deadline 4 s. */
  until(done: () => boolean, what: string): Promise<void>;
}

function createArrivals(): Arrivals {
  let wake: (() => void) | undefined;
  return {
    arrived: () => wake?.(),
    until: (done, what) =>
      withDeadline(
        (async () => {
          while (!done()) await new Promise<void>((r) => wake = r);
        })(),
        what,
      ),
  };
}

/** A raw member that acknowledges and records what it gets. */
function drain(
  client: RawClient,
  into: string[],
  arrivals?: Arrivals,
): Promise<void> {
  return (async () => {
    for (;;) {
      const p = await client.next(60_000).catch(() => undefined);
      if (!p || p.type !== PacketType.PUBLISH) return;
      into.push(payloadText(p));
      arrivals?.arrived();
      if (p.qos === 1) {
        client.send({ type: PacketType.PUBACK, packetId: p.packetId! });
      }
    }
  })();
}

async function rawMember(
  port: number,
  filter: string,
  version: ProtocolVersion,
): Promise<RawClient> {
  const { client } = await connectRaw(port, {
    clientId: uniq(`sh-m${version}`),
    protocolVersion: version,
  });
  await subscribeRaw(client, [{ filter, qos: 1 }]);
  return client;
}

/** PINGREQ each member; its drain ends at the PINGRESP (after all before). */
async function settle(
  clients: RawClient[],
  drains: Promise<void>[],
): Promise<void> {
  for (const c of clients) c.send({ type: PacketType.PINGREQ });
  await withDeadline(Promise.all(drains), "members settled");
}

for (const backend of e2eBackends()) {
  describe(`main.ts v5 on ${backend.name}: shared subscriptions`, () => {
    after(() => backend.stop());

    test("each message goes to exactly one member of the group; v5, 3.1.1 and MQTT.js members all take part [MQTT-4.8.2-2] (§4.8.2)", async () => {
      const server = await backend.get();
      const topic = uniq("sh/a");
      const filter = `$share/g1/${topic}`;
      const v5 = await rawMember(server.port, filter, 5);
      await using _5 = v5;
      const v4 = await rawMember(server.port, filter, 4);
      await using _4 = v4;
      await using js: JsClient = await connectJs(server.url, {
        clientId: uniq("sh-js"),
        protocolVersion: 5,
      });
      await js.mqtt.subscribeAsync(filter, { qos: 1 });
      const arrivals = createArrivals();
      js.mqtt.on("message", arrivals.arrived);
      const got5: string[] = [];
      const got4: string[] = [];
      const d5 = drain(v5, got5, arrivals);
      const d4 = drain(v4, got4, arrivals);
      const n = 30;
      await publishN(server.port, topic, n);
      const total = () => got5.length + got4.length + js.received.length;
      await arrivals.until(
        () => total() >= n,
        `${n} messages across the group`,
      );
      // No duplicates: nothing more before each member's PINGRESP.
      await settle([v5, v4], [d5, d4]);
      const all = [...got5, ...got4, ...js.received.map((m) => m.text)];
      assert.equal(all.length, n, `got ${all.length}`);
      assert.deepEqual(
        [...all].sort(),
        Array.from({ length: n }, (_, i) => `m${i}`).sort(),
      );
      const members = [got5.length, got4.length, js.received.length];
      assert.ok(
        members.filter((k) => k > 0).length >= 2,
        `spread ${members}`,
      );
    });

    test("a non-shared subscriber and a second group each get every message", async () => {
      const server = await backend.get();
      const topic = uniq("sh/b");
      const a1 = await rawMember(server.port, `$share/ga/${topic}`, 5);
      await using _1 = a1;
      const a2 = await rawMember(server.port, `$share/ga/${topic}`, 4);
      await using _2 = a2;
      const b1 = await rawMember(server.port, `$share/gb/${topic}`, 5);
      await using _3 = b1;
      const plain = await rawMember(server.port, topic, 5);
      await using _4 = plain;
      const ga: string[] = [];
      const gb: string[] = [];
      const pl: string[] = [];
      const arrivals = createArrivals();
      const drains = [
        drain(a1, ga, arrivals),
        drain(a2, ga, arrivals),
        drain(b1, gb, arrivals),
        drain(plain, pl, arrivals),
      ];
      const n = 10;
      await publishN(server.port, topic, n);
      await arrivals.until(
        () => ga.length >= n && gb.length >= n && pl.length >= n,
        "every message in each group and at the plain subscriber",
      );
      const want = Array.from({ length: n }, (_, i) => `m${i}`);
      assert.deepEqual([...ga].sort(), [...want].sort());
      assert.deepEqual(gb, want, "a single-member group gets all, in order");
      assert.deepEqual(pl, want);
      await settle([a1, a2, b1, plain], drains);
      assert.deepEqual([ga.length, gb.length, pl.length], [n, n, n]);
    });

    test("a shared subscription gets no retained messages (§4.8.2)", async () => {
      const server = await backend.get();
      const topic = uniq("sh/ret");
      const r = await mosquittoPub(server.port, [
        ...["-V", "5", "-t", topic, "-m", "old", "-r", "-q", "1"],
      ]);
      assert.equal(r.code, 0, r.out);
      const { client } = await connectV5(server.port, {
        clientId: uniq("sh-r"),
      });
      await using _ = client;
      await subscribeRaw(client, [{ filter: `$share/gr/${topic}`, qos: 1 }]);
      // A later SUBACK comes after any retained messages of the first.
      await subscribeRaw(client, [{ filter: `${topic}/probe`, qos: 0 }], 2);
      await expectNothingMore(client);
      const plain = await rawMember(server.port, topic, 5);
      await using _p = plain;
      assert.equal(payloadText(await nextPublish(plain)), "old");
    });

    test("mosquitto_sub -V 5 and -V mqttv311 as members of one group", async () => {
      const server = await backend.get();
      const topic = uniq("sh/mosq");
      const filter = `$share/gm/${topic}`;
      await using s5 = startMosquittoSub(server.port, [
        ...["-V", "5", "-t", filter, "-q", "1", "-W", "5", "-F", "%p"],
      ]);
      await using s4 = startMosquittoSub(server.port, [
        ...["-V", "mqttv311", "-t", filter, "-q", "1", "-W", "5", "-F", "%p"],
      ]);
      await Promise.all([s5.subscribed, s4.subscribed]);
      const n = 12;
      await publishN(server.port, topic, n);
      const lines = (out: string) =>
        out.split("\n").filter((l) => /^m\d+$/.test(l));
      await pollUntil(
        () => lines(s5.output()).length + lines(s4.output()).length >= n,
        `${n} messages across the mosquitto_sub members`,
      );
      const [o5, o4] = [s5.output(), s4.output()];
      const all = [...lines(o5), ...lines(o4)];
      assert.deepEqual(
        [...all].sort(),
        Array.from({ length: n }, (_, i) => `m${i}`).sort(),
        `v5: ${lines(o5)} 3.1.1: ${lines(o4)}`,
      );
    });

    test("after a member unsubscribes, the remaining member gets every message", async () => {
      const server = await backend.get();
      const topic = uniq("sh/un");
      const filter = `$share/gu/${topic}`;
      const leaving = await rawMember(server.port, filter, 5);
      await using _l = leaving;
      const staying = await rawMember(server.port, filter, 4);
      await using _s = staying;
      leaving.send({
        type: PacketType.UNSUBSCRIBE,
        packetId: 9,
        filters: [filter],
      });
      assert.equal((await leaving.next()).type, PacketType.UNSUBACK);
      const got: string[] = [];
      const arrivals = createArrivals();
      const d = drain(staying, got, arrivals);
      await publishN(server.port, topic, 5);
      await arrivals.until(
        () => got.length >= 5,
        "5 messages at the remaining member",
      );
      assert.deepEqual(got, ["m0", "m1", "m2", "m3", "m4"]);
      await expectNothingMore(leaving);
      await settle([staying], [d]);
      assert.equal(got.length, 5);
    });

    test(
      "a QoS 1 message left unacknowledged by a member whose session ended goes to another member (§4.8.2 SHOULD)",
      async () => {
        const server = await backend.get();
        const topic = uniq("sh/re");
        const filter = `$share/gr2/${topic}`;
        const first = await rawMember(server.port, filter, 5);
        await using _f = first;
        await publishN(server.port, topic, 1);
        const p = await nextPublish(first);
        assert.equal(payloadText(p), "m0");
        const second = await rawMember(server.port, filter, 4);
        await using _s = second;
        // Drop without PUBACK: the session (expiry 0) ends with it.
        first.destroy();
        await first.closed;
        const again = await nextPublish(second);
        assert.equal(payloadText(again), "m0");
      },
    );

    test("a shared subscription's Subscription Identifier comes with its messages [MQTT-3.3.4-3]", async () => {
      const server = await backend.get();
      const topic = uniq("sh/id");
      const { client } = await connectV5(server.port, {
        clientId: uniq("sh-id"),
      });
      await using _ = client;
      client.send({
        type: PacketType.SUBSCRIBE,
        packetId: 1,
        subscriptions: [{ filter: `$share/gi/${topic}`, qos: 1 }],
        properties: { subscriptionIdentifiers: [31] },
      });
      assert.equal((await client.next()).type, PacketType.SUBACK);
      await publishN(server.port, topic, 1);
      const p = await nextPublish(client);
      assert.deepEqual(
        [payloadText(p), p.properties?.subscriptionIdentifiers],
        ["m0", [31]],
      );
    });

    test("No Local on a shared subscription: DISCONNECT 0x82 [MQTT-3.8.3-4]", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, {
        clientId: uniq("sh-nl"),
      });
      await using _ = client;
      client.send({
        type: PacketType.SUBSCRIBE,
        packetId: 1,
        subscriptions: [{ filter: "$share/g/sh/nl", qos: 0, noLocal: true }],
      });
      await expectServerDisconnect(client, ReasonCode.ProtocolError);
    });

    test("a malformed share name gets SUBACK 0x8F (§4.8.2)", async () => {
      const server = await backend.get();
      const { client } = await connectV5(server.port, {
        clientId: uniq("sh-bad"),
      });
      await using _ = client;
      const codes = await subscribeRaw(client, [
        { filter: "$share/g+x/sh/bad", qos: 0 },
        { filter: "$share/onlygroup", qos: 0 },
        { filter: "$share/ok/sh/good", qos: 1 },
      ]);
      assert.deepEqual(codes, [
        ReasonCode.TopicFilterInvalid,
        ReasonCode.TopicFilterInvalid,
        1,
      ]);
    });
  });
}
