/**
 * One benchmark MQTT client over raw TCP (`node:net`, so the same code runs
 * on Deno and Bun). It answers the broker's QoS handshakes itself (PUBACK,
 * PUBREC/PUBREL/PUBCOMP), batches those acks into one write per network
 * chunk, and leaves publishing policy to the caller.
 *
 * @module
 */

import net from "node:net";
import {
  type ConnectOptions,
  createFramer,
  DISCONNECT,
  encodeConnect,
  encodeSubscribe,
  PINGREQ,
  publishPacketId,
  T,
  type Version,
  writeAck,
} from "./wire.ts";

/** Options of {@linkcode connectClient}. */
export interface ClientOptions extends ConnectOptions {
  host: string;
  port: number;
  /** Every received PUBLISH, after its ack was queued. */
  onPublish?: (first: number, buf: Uint8Array, start: number) => void;
  /** After each network chunk was framed (cheap place for bookkeeping). */
  onChunk?: () => void;
  /** PUBACK (qos 1) or PUBCOMP (qos 2) for one of our publishes. */
  onPublishDone?: (packetId: number) => void;
  /** Milliseconds to wait for CONNACK. */
  timeoutMs?: number;
}

/** A connected benchmark client. */
export interface LoadClient {
  readonly version: Version;
  readonly sessionPresent: boolean;
  /** Write bytes now (the caller batches). Returns false when buffered. */
  write(bytes: Uint8Array): boolean;
  /** Resolves when the socket's write buffer has drained. */
  drained(): Promise<void>;
  subscribe(filters: string[], qos: 0 | 1 | 2): Promise<number[]>;
  /** A PINGREQ/PINGRESP round trip. */
  ping(): Promise<void>;
  /** DISCONNECT and close. */
  close(): Promise<void>;
  /** Close without DISCONNECT (abnormal). */
  destroy(): void;
  readonly closed: Promise<void>;
}

/** Connect, send CONNECT and wait for a successful CONNACK. */
export function connectClient(o: ClientOptions): Promise<LoadClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: o.host, port: o.port });
    const waiters: Array<(first: number, body: Uint8Array) => boolean> = [];
    // Rejections of pending SUBSCRIBE/PING waits when the socket closes.
    const onClose: Array<(err: Error) => void> = [];
    let acks: number[] = [];
    let sessionPresent = false;
    let drainWaiters: Array<() => void> = [];
    let settled = false;
    const timer = setTimeout(
      () => fail(new Error(`Cannot connect ${o.clientId}: CONNACK timeout`)),
      o.timeoutMs ?? 10_000,
    );
    const closed = new Promise<void>((res) => socket.once("close", res));
    function fail(err: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    }
    const frame = createFramer((first, buf, start, end) => {
      const type = first >> 4;
      if (type === T.PUBLISH) {
        const qos = (first >> 1) & 3;
        if (qos === 1) acks.push(T.PUBACK, publishPacketId(buf, start));
        else if (qos === 2) acks.push(T.PUBREC, publishPacketId(buf, start));
        o.onPublish?.(first, buf, start);
        return;
      }
      const pid = (buf[start] << 8) | buf[start + 1];
      if (type === T.PUBACK || type === T.PUBCOMP) {
        o.onPublishDone?.(pid);
      } else if (type === T.PUBREC) acks.push(T.PUBREL, pid);
      else if (type === T.PUBREL) acks.push(T.PUBCOMP, pid);
      else {
        const body = buf.slice(start, end);
        const i = waiters.findIndex((w) => w(first, body));
        if (i >= 0) waiters.splice(i, 1);
      }
    });
    socket.on("data", (chunk: Uint8Array) => {
      frame(chunk);
      o.onChunk?.();
      if (acks.length > 0) {
        const out = new Uint8Array(acks.length * 2);
        for (let i = 0, at = 0; i < acks.length; i += 2) {
          at = writeAck(out, at, acks[i], acks[i + 1]);
        }
        acks = [];
        socket.write(out);
      }
    });
    socket.on("drain", () => {
      const w = drainWaiters;
      drainWaiters = [];
      for (const f of w) f();
    });
    socket.on("error", (err: Error) => fail(err));
    socket.on("close", () => {
      const err = new Error(`Connection ${o.clientId} closed by the broker`);
      fail(err);
      for (const f of onClose.splice(0)) f(err);
      for (const f of drainWaiters) f();
    });
    waiters.push((first, body) => {
      if (first >> 4 !== T.CONNACK) return false;
      if (body[1] !== 0) {
        fail(new Error(`Cannot connect ${o.clientId}: CONNACK ${body[1]}`));
        return true;
      }
      sessionPresent = (body[0] & 1) === 1;
      settled = true;
      clearTimeout(timer);
      resolve(client);
      return true;
    });
    let nextSubId = 1;
    const client: LoadClient = {
      version: o.version,
      get sessionPresent() {
        return sessionPresent;
      },
      closed,
      write: (bytes) => socket.write(bytes),
      drained: () =>
        socket.writableLength === 0 || socket.destroyed
          ? Promise.resolve()
          : new Promise((res) => drainWaiters.push(res)),
      subscribe(filters, qos) {
        const id = 0x8000 + (nextSubId++ % 0x7fff);
        socket.write(encodeSubscribe(id, filters, qos, o.version));
        return new Promise((res, rej) => {
          onClose.push(rej);
          waiters.push((first, body) => {
            if (first >> 4 !== T.SUBACK) return false;
            if (((body[0] << 8) | body[1]) !== id) return false;
            // v5: skip the properties (one-byte length in our use).
            const at = o.version === 5 ? 3 + body[2] : 2;
            res(Array.from(body.subarray(at)));
            return true;
          });
        });
      },
      ping() {
        socket.write(PINGREQ);
        return new Promise((res, rej) => {
          onClose.push(rej);
          waiters.push((first) => {
            if (first >> 4 !== T.PINGRESP) return false;
            res();
            return true;
          });
        });
      },
      async close() {
        if (!socket.destroyed) socket.end(DISCONNECT);
        // A broker must close after DISCONNECT; don't wait forever if not.
        const t = setTimeout(() => socket.destroy(), 2_000);
        await closed;
        clearTimeout(t);
      },
      destroy: () => socket.destroy(),
    };
    socket.on("connect", () => {
      socket.setNoDelay(true);
      socket.write(encodeConnect(o));
    });
  });
}
