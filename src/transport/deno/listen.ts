/**
 * TCP and TLS listeners on Deno: `Deno.listen` / `Deno.listenTls`, whose
 * connections already expose web streams with backpressure.
 *
 * @module
 */

import type { Conn, Listener, ListenOptions } from "../types.ts";

type DenoConn = Deno.Conn | Deno.TlsConn;
type DenoListener = Deno.Listener<DenoConn>;

/** Bind a TCP (or, with `options.tls`, TLS) listener. */
export function listenDeno(options: ListenOptions): Promise<Listener> {
  const inner: DenoListener = options.tls
    ? Deno.listenTls({
      hostname: options.hostname,
      port: options.port,
      cert: options.tls.cert,
      key: options.tls.key,
    })
    : Deno.listen({
      hostname: options.hostname,
      port: options.port,
      transport: "tcp",
    });
  const kind = options.tls ? "tls" : "tcp";
  const addr = inner.addr as Deno.NetAddr;
  return Promise.resolve({
    addr: { hostname: addr.hostname, port: addr.port },
    close() {
      try {
        inner.close();
      } catch {
        // Already closed: close() is documented as idempotent.
      }
    },
    async *[Symbol.asyncIterator](): AsyncIterator<Conn> {
      let backoff = 0;
      while (true) {
        let conn: DenoConn;
        try {
          conn = await inner.accept();
        } catch (err) {
          if (err instanceof Deno.errors.BadResource) return;
          if (err instanceof Deno.errors.Interrupted) return;
          // A peer reset during accept, a failed TLS handshake or running out
          // of file descriptors must not end the listener: back off, retry.
          backoff = Math.min(1000, Math.max(5, backoff * 2));
          await new Promise((r) => setTimeout(r, backoff));
          continue;
        }
        backoff = 0;
        yield wrapDenoConn(conn, kind);
      }
    },
  });
}

/** Adapt one accepted Deno connection to the `Conn` contract. */
export function wrapDenoConn(conn: DenoConn, kind: "tcp" | "tls"): Conn {
  if (kind === "tcp") (conn as Deno.TcpConn).setNoDelay?.(true);
  const remote = conn.remoteAddr as Deno.NetAddr;
  let closed = false;
  return {
    readable: readableOf(conn),
    writable: conn.writable,
    remote: { address: remote.hostname, port: remote.port },
    kind,
    close() {
      if (closed) return;
      closed = true;
      try {
        conn.close();
      } catch {
        // The resource may already be gone after the peer hung up.
      }
    },
  };
}

/**
 * Bytes read per `conn.read()`. The read buffer starts small, since every
 * idle connection holds one for its pending read, and grows 4× whenever a
 * read fills it, up to the maximum; each chunk is copied out at its size.
 */
const READ_SIZE_MIN = 256;
const READ_SIZE_MAX = 64 * 1024;

/**
 * A pull-based readable over `conn.read()`. Unlike `conn.readable`,
 * cancelling it (as a failing `pipeThrough` does) leaves the connection
 * open, so a v5 DISCONNECT can still be written after bad input.
 */
function readableOf(conn: DenoConn): ReadableStream<Uint8Array> {
  let scratch = new Uint8Array(READ_SIZE_MIN);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let n: number | null;
      try {
        n = await conn.read(scratch);
      } catch (err) {
        // Closed under us (BadResource) or reset: the stream just ends.
        if (
          err instanceof Deno.errors.BadResource ||
          err instanceof Deno.errors.ConnectionReset ||
          err instanceof Deno.errors.Interrupted
        ) n = null;
        else throw err;
      }
      if (n === null) return controller.close();
      controller.enqueue(scratch.slice(0, n));
      if (n === scratch.length && n < READ_SIZE_MAX) {
        scratch = new Uint8Array(Math.min(n * 4, READ_SIZE_MAX));
      }
    },
  });
}
