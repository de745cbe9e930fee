/**
 * A null broker: the cheapest server the load generator can talk to, used
 * to show the load generator is not the bottleneck. It acknowledges
 * everything at once and forwards every PUBLISH, byte for byte, to every
 * connection that has subscribed (filters are ignored; subscriber acks are
 * read and dropped). No state, no queues beyond the socket buffers.
 *
 *   deno run -A scripts/loadgen/null_broker.ts --port 18999
 *   bun scripts/loadgen/null_broker.ts --port 18999
 *
 * @module
 */

import net from "node:net";
import process from "node:process";
import { parseArgs } from "node:util";
import { createFramer, T, writeAck } from "./wire.ts";

function serve(port: number): net.Server {
  const subscribers = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    let out: number[] = [];
    let fwd: Uint8Array[] = [];
    let fwdLen = 0;
    let v5 = false;
    const frame = createFramer((first, buf, start, end) => {
      const type = first >> 4;
      const pid = (buf[start] << 8) | buf[start + 1];
      if (type === T.PUBLISH) {
        const qos = (first >> 1) & 3;
        if (qos > 0) {
          const p = start + 2 + pid; // pid here is the topic length
          const id = (buf[p] << 8) | buf[p + 1];
          out.push(qos === 1 ? T.PUBACK : T.PUBREC, id);
        }
        // Re-frame: fixed header bytes sit just before `start`.
        let h = start - 1;
        while (h > 0 && h > start - 5 && (buf[h - 1] & 0x80) !== 0) h--;
        const packet = buf.slice(h - 1, end);
        fwd.push(packet);
        fwdLen += packet.length;
      } else if (type === T.PUBREL) out.push(T.PUBCOMP, pid);
      else if (type === T.CONNECT) {
        v5 = buf[start + 6] === 5;
        socket.write(Uint8Array.of(0x20, v5 ? 3 : 2, 0, 0, ...(v5 ? [0] : [])));
      } else if (type === T.SUBSCRIBE) {
        subscribers.add(socket);
        // Grant QoS 0..2 as asked: the last byte of each filter entry.
        socket.write(
          Uint8Array.of(
            0x90,
            v5 ? 4 : 3,
            buf[start],
            buf[start + 1],
            ...(v5 ? [0] : []),
            buf[end - 1],
          ),
        );
      } else if (type === T.PINGREQ) socket.write(Uint8Array.of(0xd0, 0));
      else if (type === T.DISCONNECT) socket.end();
    });
    socket.on("data", (chunk: Uint8Array) => {
      frame(chunk);
      if (out.length > 0) {
        const acks = new Uint8Array(out.length * 2);
        for (let i = 0, at = 0; i < out.length; i += 2) {
          at = writeAck(acks, at, out[i], out[i + 1]);
        }
        out = [];
        socket.write(acks);
      }
      if (fwdLen > 0) {
        const all = new Uint8Array(fwdLen);
        let at = 0;
        for (const p of fwd) (all.set(p, at), at += p.length);
        fwd = [];
        fwdLen = 0;
        for (const s of subscribers) s.write(all);
      }
    });
    socket.on("error", () => socket.destroy()); // a peer reset ends only it
    socket.on("close", () => subscribers.delete(socket));
  });
  server.listen(port, "127.0.0.1", () => {
    const addr = server.address() as net.AddressInfo;
    process.stdout.write(
      JSON.stringify({ msg: "listening", port: addr.port }) + "\n",
    );
  });
  return server;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { port: { type: "string", default: "0" } },
  });
  serve(Number(values.port));
}
