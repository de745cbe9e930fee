/**
 * A raw MQTT client over TCP (node:net) speaking through our codec, for
 * end-to-end tests that must see or control what MQTT.js hides: DUP flags,
 * packet ids, withheld acknowledgements, exact return codes. Every wait has
 * a deadline; nothing sleeps.
 *
 * @module
 */

import assert from "node:assert/strict";
import * as net from "node:net";
import {
  type ConnackPacket,
  type ConnectPacket,
  createPacketDecoder,
  encodePacket,
  type Packet,
  PacketType,
  type ProtocolVersion,
  type PublishPacket,
  type QoS,
  type Subscription,
} from "../../src/codec/mod.ts";

/** Longest wait for one expected packet. */
const DEADLINE_MS = 4000;

/** A raw TCP MQTT client. `await using` destroys its socket. */
export interface RawClient extends AsyncDisposable {
  readonly version: ProtocolVersion;
  send(packet: Packet): void;
  sendBytes(bytes: Uint8Array): void;
  /** The next packet; rejects when the connection ends or on the deadline. */
  next(timeoutMs?: number): Promise<Packet>;
  /** Every byte received so far (for exact wire checks). */
  received(): Uint8Array;
  /** Resolves once the server closed the connection (or it was reset). */
  readonly closed: Promise<void>;
  /** Drop the TCP connection without DISCONNECT (abnormal close). */
  destroy(): void;
  /** Send DISCONNECT and wait for the close. */
  disconnect(): Promise<void>;
}

/** Open a TCP connection to 127.0.0.1:`port`; sends nothing. */
export function openRaw(
  port: number,
  version: ProtocolVersion = 4,
): Promise<RawClient> {
  const socket = net.connect(port, "127.0.0.1");
  const decoder = createPacketDecoder({ version });
  const queue: Packet[] = [];
  const chunks: Uint8Array[] = [];
  let waiter: (() => void) | undefined;
  let ended = false;
  let failure: unknown;
  const closed = new Promise<void>((resolve) => {
    socket.once("close", () => {
      ended = true;
      waiter?.();
      resolve();
    });
  });
  socket.on("data", (chunk: Uint8Array) => {
    chunks.push(new Uint8Array(chunk));
    try {
      queue.push(...decoder.push(chunk));
    } catch (err) {
      failure = err;
    }
    waiter?.();
  });
  // A reset by the server is a close too; "close" follows.
  socket.on("error", () => {});
  const client: RawClient = {
    version,
    send: (p) => void socket.write(encodePacket(p, version)),
    sendBytes: (b) => void socket.write(b),
    async next(timeoutMs = DEADLINE_MS) {
      const deadline = Date.now() + timeoutMs;
      while (queue.length === 0) {
        if (failure) throw failure;
        if (ended) throw new Error("Connection closed before next packet");
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`No packet within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiter = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        waiter = undefined;
      }
      return queue.shift()!;
    },
    received() {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      return out;
    },
    closed,
    destroy: () => void socket.destroy(),
    async disconnect() {
      if (!ended) client.send({ type: PacketType.DISCONNECT });
      await withDeadline(closed, "close after DISCONNECT");
    },
    async [Symbol.asyncDispose]() {
      socket.destroy();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(client));
    socket.once("error", reject);
  });
}

/** Options of `connectRaw`: a CONNECT with defaults (v4, clean, no keepalive). */
export type RawConnect = Partial<ConnectPacket> & { clientId: string };

/** Open, CONNECT and await the CONNACK (asserted to be one). */
export async function connectRaw(
  port: number,
  connect: RawConnect,
): Promise<{ client: RawClient; connack: ConnackPacket }> {
  const version = connect.protocolVersion ?? 4;
  const client = await openRaw(port, version);
  try {
    client.send({
      type: PacketType.CONNECT,
      protocolName: version === 3 ? "MQIsdp" : "MQTT",
      protocolVersion: version,
      clean: true,
      keepAlive: 0,
      ...connect,
    });
    const connack = await client.next();
    assert.equal(connack.type, PacketType.CONNACK, "expected CONNACK");
    return { client, connack: connack as ConnackPacket };
  } catch (err) {
    client.destroy();
    throw err;
  }
}

/** SUBSCRIBE and return the SUBACK codes. */
export async function subscribeRaw(
  client: RawClient,
  subscriptions: Subscription[],
  packetId = 1,
): Promise<number[]> {
  client.send({ type: PacketType.SUBSCRIBE, packetId, subscriptions });
  const suback = await client.next();
  assert.equal(suback.type, PacketType.SUBACK, "expected SUBACK");
  if (suback.type !== PacketType.SUBACK) return [];
  assert.equal(suback.packetId, packetId);
  return suback.reasonCodes;
}

/** The next packet, asserted to be a PUBLISH. */
export async function nextPublish(client: RawClient): Promise<PublishPacket> {
  const p = await client.next();
  assert.equal(p.type, PacketType.PUBLISH, `expected PUBLISH, got ${p.type}`);
  return p as PublishPacket;
}

/** A PUBLISH packet with a text payload. */
export function rawPublish(
  topic: string,
  payload: string,
  qos: QoS = 0,
  packetId?: number,
  extra: Partial<PublishPacket> = {},
): PublishPacket {
  return {
    type: PacketType.PUBLISH,
    topic,
    payload: new TextEncoder().encode(payload),
    qos,
    retain: false,
    dup: false,
    packetId,
    ...extra,
  };
}

/** The payload as text. */
export function payloadText(p: { payload: Uint8Array }): string {
  return new TextDecoder().decode(p.payload);
}

/** Asserts nothing else is queued for `client`: PINGREQ gets PINGRESP next. */
export async function expectNothingMore(client: RawClient): Promise<void> {
  client.send({ type: PacketType.PINGREQ });
  const p = await client.next();
  assert.equal(p.type, PacketType.PINGRESP, `unexpected packet ${p.type}`);
}

/** Rejects if `p` does not settle within `ms`. */
export function withDeadline<T>(
  p: Promise<T>,
  what: string,
  ms = DEADLINE_MS,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Timed out waiting for ${what}`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}
