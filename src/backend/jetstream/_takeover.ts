/**
 * Cross-instance takeover (reference §2.5, §3.4): every session write is
 * published with the reply `<prefix>.JSA.<node>.SP.<hash>.<id>`, so its
 * JetStream ack is a message every instance sees. An ack from another node,
 * without error, for a hash we hold, at a sequence ≥ ours, means the client
 * connected elsewhere.
 *
 * @module
 */

import type { Context } from "./_context.ts";

const decoder = new TextDecoder();

/** Call `onWrite(hash, seq)` for other nodes' successful session writes. */
export function watchTakeovers(
  ctx: Context,
  onWrite: (hash: string, seq: number) => void,
): () => void {
  const sub = ctx.nc.subscribe(`${ctx.names.jsa}*.SP.*.*`, {
    callback: (_error, msg) => {
      const t = msg.subject.split(".");
      // <prefix> JSA <node> SP <hash> <id>
      if (t.length !== 6 || t[2] === ctx.node) return;
      let ack: { seq?: number; error?: unknown };
      try {
        ack = JSON.parse(decoder.decode(msg.data));
      } catch {
        return; // Not an ack (forged or foreign): ignore.
      }
      if (!ack || ack.error || typeof ack.seq !== "number") return;
      onWrite(t[4], ack.seq);
    },
  });
  return () => sub.unsubscribe();
}
