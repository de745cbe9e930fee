/**
 * Test helper: a TCP proxy in front of nats-server that can drop the
 * JetStream deliveries it relays to the client (the messages whose reply
 * subject starts with `$JS.ACK.`), as a connection breaking with pushes in
 * flight would lose them, while the server counts them delivered.
 *
 * @example
 * ```ts
 * import { startNatsProxy } from "./nats_proxy.ts";
 * await using proxy = await startNatsProxy(4222);
 * proxy.dropDeliveries = true;
 * ```
 *
 * @module
 */

import { connect, createServer, type Socket } from "node:net";

/** A running proxy. */
export interface NatsProxy extends AsyncDisposable {
  /** `nats://127.0.0.1:<port>` of the proxy. */
  readonly url: string;
  /** While true, JetStream deliveries to the client are dropped. */
  dropDeliveries: boolean;
  /** How many deliveries were dropped. */
  readonly dropped: number;
  close(): Promise<void>;
}

const CRLF = Buffer.from("\r\n");

/**
 * Cut whole protocol items off `buf`: returns the bytes to pass on and
 * the unfinished rest. `drop(parts)` decides for each MSG / HMSG.
 */
function relay(
  buf: Buffer,
  drop: (parts: string[]) => boolean,
): [Buffer, Buffer] {
  const out: Buffer[] = [];
  for (;;) {
    const eol = buf.indexOf(CRLF);
    if (eol < 0) break;
    const parts = buf.subarray(0, eol).toString().split(" ");
    let end = eol + 2;
    if (parts[0] === "MSG" || parts[0] === "HMSG") {
      end += Number(parts[parts.length - 1]) + 2;
      if (buf.length < end) break;
      if (drop(parts)) {
        buf = buf.subarray(end);
        continue;
      }
    }
    out.push(buf.subarray(0, end));
    buf = buf.subarray(end);
  }
  return [Buffer.concat(out), buf];
}

/** Start a proxy on 127.0.0.1 (random port) to nats-server on `port`. */
export function startNatsProxy(port: number): Promise<NatsProxy> {
  const sockets = new Set<Socket>();
  let dropped = 0;
  let url = "";
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  const proxy: NatsProxy = {
    get url() {
      return url;
    },
    dropDeliveries: false,
    get dropped() {
      return dropped;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  const isDelivery = (parts: string[]) =>
    proxy.dropDeliveries && parts.length >= 5 &&
    parts[3].startsWith("$JS.ACK.") && ++dropped > 0;
  const server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => {/* the other side's close ends both */});
      s.on("close", () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    let rest: Buffer = Buffer.alloc(0);
    upstream.on("data", (chunk: Buffer) => {
      const [out, left] = relay(Buffer.concat([rest, chunk]), isDelivery);
      rest = left;
      if (out.length > 0) client.write(out);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port: own } = server.address() as { port: number };
      url = `nats://127.0.0.1:${own}`;
      resolve(proxy);
    });
  });
}
