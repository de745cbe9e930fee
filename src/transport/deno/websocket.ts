/**
 * MQTT over WebSocket on Deno: `Deno.serve` + `Deno.upgradeWebSocket`, each
 * socket adapted to the `Conn` contract. Deno's `WebSocket` cannot pause
 * reading, so a reader that falls more than `MAX_UNREAD` behind is closed
 * (1009) rather than buffered without bound; writes wait while
 * `bufferedAmount` is over the high-water mark.
 *
 * @module
 */

import type { Conn, Listener, ListenOptions, RemoteAddress } from "../types.ts";
import { createAcceptQueue } from "../accept_queue.ts";
import { MQTT_SUBPROTOCOL, refuseUpgrade } from "../ws_upgrade.ts";

const HIGH_WATER_MARK = 64 * 1024;
const MAX_UNREAD = 8 * 1024 * 1024;
const DRAIN_POLL_MS = 2;

/** Bind a ws (or, with `options.tls`, wss) listener. */
export function listenDenoWebSocket(options: ListenOptions): Promise<Listener> {
  const kind = options.tls ? "wss" : "ws";
  const path = options.websocket?.path ?? "/mqtt";
  const queue = createAcceptQueue();
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: options.hostname,
      port: options.port,
      cert: options.tls?.cert,
      key: options.tls?.key,
      onListen(addr) {
        resolve({
          addr: { hostname: addr.hostname, port: addr.port },
          close() {
            if (queue.ended) return;
            queue.end();
            // Upgraded sockets live on; only the HTTP listener stops.
            server.shutdown();
          },
          [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
        });
      },
    }, (request, info) => {
      const refused = refuseUpgrade(request, path);
      if (refused) return refused;
      const remote = info.remoteAddr as Deno.NetAddr;
      const { socket, response } = Deno.upgradeWebSocket(request, {
        protocol: MQTT_SUBPROTOCOL,
      });
      socket.binaryType = "arraybuffer";
      socket.addEventListener("open", () => {
        queue.push(wrapWebSocket(socket, kind, {
          address: remote.hostname,
          port: remote.port,
        }));
      }, { once: true });
      return response;
    });
  });
}

function wrapWebSocket(
  socket: WebSocket,
  kind: "ws" | "wss",
  remote: RemoteAddress,
): Conn {
  let readCtrl!: ReadableStreamDefaultController<Uint8Array>;
  let readDone = false;
  const endRead = () => {
    if (readDone) return;
    readDone = true;
    readCtrl.close();
  };
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      readCtrl = controller;
    },
    cancel() {
      readDone = true;
    },
  }, { highWaterMark: HIGH_WATER_MARK, size: (c) => c.byteLength });
  socket.onmessage = (event) => {
    if (readDone) return;
    if (typeof event.data === "string") {
      // MQTT is carried in binary frames only [MQTT-6.0.0-1].
      return close(1003);
    }
    readCtrl.enqueue(new Uint8Array(event.data as ArrayBuffer));
    if ((readCtrl.desiredSize ?? 0) < -MAX_UNREAD) close(1009);
  };
  socket.onclose = endRead;
  socket.onerror = endRead;
  const close = (code = 1000) => {
    endRead();
    if (socket.readyState <= WebSocket.OPEN) socket.close(code);
  };
  const writable = new WritableStream<Uint8Array>({
    async write(chunk) {
      if (socket.readyState !== WebSocket.OPEN) {
        throw new Error("Cannot write: WebSocket closed");
      }
      socket.send(chunk as Uint8Array<ArrayBuffer>);
      while (
        socket.bufferedAmount > HIGH_WATER_MARK &&
        socket.readyState === WebSocket.OPEN
      ) {
        await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
      }
    },
    close: () => close(),
    abort: () => close(),
  });
  return { readable, writable, remote, kind, close: () => close() };
}
