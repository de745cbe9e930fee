/**
 * An in-process connected pair of `Conn`s for tests: what one side writes the
 * other reads, with backpressure (a write resolves only once the peer's
 * queue is below its high-water mark) and copies, so a writer may reuse its
 * buffer once the write settled, as with a real socket.
 *
 * @module
 */

import type { Conn } from "../types.ts";

/** Options of `createMemoryPair`. */
export interface MemoryPairOptions {
  /** Bytes queued towards a reader before writes wait (default 64 KiB). */
  highWaterMark?: number;
}

interface Pipe {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  end(): void;
}

function createPipe(highWaterMark: number): Pipe {
  let ctrl!: TransformStreamDefaultController<Uint8Array>;
  let ended = false;
  const stream = new TransformStream<Uint8Array, Uint8Array>(
    {
      start(c) {
        ctrl = c;
      },
      transform(chunk, c) {
        c.enqueue(chunk.slice());
      },
    },
    { highWaterMark: 1 },
    { highWaterMark, size: (chunk) => chunk.byteLength },
  );
  return {
    readable: stream.readable,
    writable: stream.writable,
    end() {
      if (ended) return;
      ended = true;
      ctrl.terminate();
    },
  };
}

/**
 * Two connected `Conn`s; closing either ends both directions, like a TCP
 * reset seen from both sides.
 *
 * @example
 * ```ts
 * import { createMemoryPair } from "./pair.ts";
 * const [client, server] = createMemoryPair();
 * const writer = client.writable.getWriter();
 * await writer.write(new Uint8Array([0xc0, 0]));
 * const { value } = await server.readable.getReader().read();
 * client.close();
 * ```
 */
export function createMemoryPair(
  options: MemoryPairOptions = {},
): [Conn, Conn] {
  const hwm = options.highWaterMark ?? 64 * 1024;
  const ab = createPipe(hwm);
  const ba = createPipe(hwm);
  const close = () => {
    ab.end();
    ba.end();
  };
  const side = (r: Pipe, w: Pipe, port: number): Conn => ({
    readable: r.readable,
    writable: w.writable,
    remote: { address: "memory", port },
    kind: "memory",
    close,
  });
  return [side(ba, ab, 1), side(ab, ba, 2)];
}
