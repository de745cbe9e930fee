/**
 * Adapts one Bun socket (callback style) to the `Conn` web-stream contract,
 * keeping backpressure in both directions:
 * - reading pauses the socket while the readable's queue is over its
 *   high-water mark and resumes it when the consumer pulls;
 * - `write()` resolves only once Bun accepted every byte, re-sending the
 *   unaccepted tail on each `drain`.
 *
 * @module
 */

import type { Conn } from "../types.ts";
import type { BunSocket } from "./_bun.ts";

/** Bytes buffered in the readable before the socket is paused. */
export const READ_HIGH_WATER_MARK = 64 * 1024;

/** The per-socket side of the adapter, driven by the listener's callbacks. */
export interface SocketConn {
  readonly conn: Conn;
  onData(data: Uint8Array): void;
  onDrain(): void;
  onClose(error?: Error): void;
}

interface PendingWrite {
  rest: Uint8Array;
  resolve(): void;
  reject(error: Error): void;
}

/** Wrap `socket`; the caller routes Bun's callbacks to the result. */
export function createSocketConn(
  socket: BunSocket<unknown>,
  kind: "tcp" | "tls",
): SocketConn {
  let readCtrl!: ReadableStreamDefaultController<Uint8Array>;
  let paused = false;
  let closed = false;
  let readDone = false;
  let pending: PendingWrite | undefined;

  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      readCtrl = controller;
    },
    pull() {
      if (paused && !closed) {
        paused = false;
        socket.resume();
      }
    },
    cancel() {
      // Reading stops, writing goes on (a v5 DISCONNECT after bad input).
      readDone = true;
      if (!paused && !closed) {
        paused = true;
        socket.pause();
      }
    },
  }, { highWaterMark: READ_HIGH_WATER_MARK, size: (c) => c.byteLength });

  const writable = new WritableStream<Uint8Array>({
    write(chunk) {
      if (closed) return Promise.reject(new Error("Cannot write: closed"));
      const written = socket.write(chunk);
      if (written === chunk.byteLength) return;
      if (written < 0) {
        return Promise.reject(new Error("Cannot write: socket closed"));
      }
      return new Promise<void>((resolve, reject) => {
        pending = { rest: chunk.subarray(written), resolve, reject };
      });
    },
    close() {
      close();
    },
    abort() {
      close();
    },
  });

  function close(error?: Error): void {
    if (closed) return;
    closed = true;
    if (!readDone) {
      readDone = true;
      readCtrl.close();
    }
    const p = pending;
    pending = undefined;
    p?.reject(error ?? new Error("Cannot write: socket closed"));
    socket.end();
  }

  return {
    conn: {
      readable,
      writable,
      remote: {
        address: socket.remoteAddress,
        port: socket.remotePort ?? 0,
      },
      kind,
      close: () => close(),
    },
    onData(data) {
      if (readDone) return;
      readCtrl.enqueue(data);
      if ((readCtrl.desiredSize ?? 1) <= 0 && !paused) {
        paused = true;
        socket.pause();
      }
    },
    onDrain() {
      const p = pending;
      if (!p) return;
      const written = socket.write(p.rest);
      if (written < 0) return close();
      if (written === p.rest.byteLength) {
        pending = undefined;
        p.resolve();
      } else {
        p.rest = p.rest.subarray(written);
      }
    },
    onClose(error) {
      close(error);
    },
  };
}
