/**
 * MQTT over WebSocket on Bun: `Bun.serve` with a `websocket` handler, each
 * socket adapted to the `Conn` contract with backpressure both ways
 * (`pause`/`resume` for reading, `drain` for writing).
 *
 * @module
 */

import type { Conn, Listener, ListenOptions, RemoteAddress } from "../types.ts";
import { createAcceptQueue } from "../accept_queue.ts";
import { MQTT_SUBPROTOCOL, refuseUpgrade } from "../ws_upgrade.ts";
import { type BunServerWebSocket, getBun } from "./_bun.ts";

const HIGH_WATER_MARK = 64 * 1024;

interface WsData {
  remote: RemoteAddress;
  side?: WsSide;
}

interface WsSide {
  conn: Conn;
  onMessage(data: Uint8Array | string): void;
  onDrain(): void;
  onClose(): void;
}

/** Bind a ws (or, with `options.tls`, wss) listener. */
export function listenBunWebSocket(options: ListenOptions): Promise<Listener> {
  const kind = options.tls ? "wss" : "ws";
  const path = options.websocket?.path ?? "/mqtt";
  const queue = createAcceptQueue();
  const server = getBun().serve<WsData>({
    hostname: options.hostname,
    port: options.port,
    tls: options.tls,
    fetch(request, srv) {
      const refused = refuseUpgrade(request, path);
      if (refused) return refused;
      const ip = srv.requestIP(request);
      const data = {
        remote: { address: ip?.address ?? "", port: ip?.port ?? 0 },
      };
      const headers = { "sec-websocket-protocol": MQTT_SUBPROTOCOL };
      if (srv.upgrade(request, { data, headers })) return undefined;
      return new Response("Upgrade failed\n", { status: 400 });
    },
    websocket: {
      open(ws) {
        ws.data.side = createWsSide(ws, kind);
        queue.push(ws.data.side.conn);
      },
      message: (ws, data) => ws.data.side?.onMessage(data),
      drain: (ws) => ws.data.side?.onDrain(),
      close: (ws) => ws.data.side?.onClose(),
    },
  });
  return Promise.resolve({
    addr: { hostname: server.hostname, port: server.port },
    close() {
      if (queue.ended) return;
      queue.end();
      server.stop(false);
    },
    [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
  });
}

function createWsSide(
  ws: BunServerWebSocket<WsData>,
  kind: "ws" | "wss",
): WsSide {
  let readCtrl!: ReadableStreamDefaultController<Uint8Array>;
  let paused = false;
  let readDone = false;
  let closed = false;
  let drained: { resolve(): void; reject(e: Error): void } | undefined;
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      readCtrl = controller;
    },
    pull() {
      if (paused && !readDone) {
        paused = false;
        ws.resume();
      }
    },
    cancel() {
      readDone = true;
    },
  }, { highWaterMark: HIGH_WATER_MARK, size: (c) => c.byteLength });
  const close = (code = 1000) => {
    if (closed) return;
    closed = true;
    if (!readDone) {
      readDone = true;
      readCtrl.close();
    }
    drained?.reject(new Error("Cannot write: WebSocket closed"));
    drained = undefined;
    ws.close(code);
  };
  const writable = new WritableStream<Uint8Array>({
    write(chunk) {
      const sent = closed ? 0 : ws.send(chunk);
      if (sent > 0) return;
      if (sent === 0) throw new Error("Cannot write: WebSocket closed");
      // -1: queued by Bun under backpressure; done once it drains.
      return new Promise<void>((resolve, reject) => {
        drained = { resolve, reject };
      });
    },
    close: () => close(),
    abort: () => close(),
  });
  return {
    conn: {
      readable,
      writable,
      remote: ws.data.remote,
      kind,
      close: () => close(),
    },
    onMessage(data) {
      if (readDone) return;
      // MQTT is carried in binary frames only [MQTT-6.0.0-1].
      if (typeof data === "string") return close(1003);
      readCtrl.enqueue(data);
      if ((readCtrl.desiredSize ?? 1) <= 0 && !paused) {
        paused = true;
        ws.pause();
      }
    },
    onDrain() {
      const d = drained;
      drained = undefined;
      d?.resolve();
    },
    onClose() {
      close();
    },
  };
}
