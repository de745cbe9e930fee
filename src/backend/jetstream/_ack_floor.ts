/**
 * Acks for `ack_policy: all` consumers: one ack (of the highest stream
 * sequence below which everything is done) per consumer and tick, instead
 * of one per message. Clients mostly acknowledge in order, so a burst of
 * PUBACKs costs nats-server one ack; an out-of-order PUBACK waits for the
 * earlier ones (a restart then redelivers a little more, with DUP).
 *
 * Only consumers created before subscription consumers became explicit use
 * it: an ack-all also acknowledges deliveries lost on the wire, which the
 * session never saw (see `subscriptionConfig`).
 *
 * @module
 */

/** Ack floors of one session's ack-all consumers. */
export interface AckFloor {
  /** A delivery of `sseq` by `consumer` arrived with ack subject `reply`. */
  seen(consumer: string, sseq: number, reply: string): void;
  /** `sseq` of `consumer` is done; acks go out once the prefix is done. */
  done(consumer: string, sseq: number, reply: string): void;
  /** The consumer is gone. */
  forget(consumer: string): void;
}

interface Track {
  /** Outstanding stream sequences, ascending, from `head` on. */
  seqs: number[];
  /** First outstanding index: the prefix is consumed without moving it. */
  head: number;
  replies: Map<number, string>;
  finished: Set<number>;
}

/** Create the floors; `send(reply)` publishes one ack. */
export function createAckFloor(send: (reply: string) => void): AckFloor {
  const tracks = new Map<string, Track>();
  const due = new Map<string, string>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const reply of due.values()) send(reply);
    due.clear();
  };
  const track = (consumer: string): Track => {
    let t = tracks.get(consumer);
    if (!t) {
      t = { seqs: [], head: 0, replies: new Map(), finished: new Set() };
      tracks.set(consumer, t);
    }
    return t;
  };
  return {
    seen(consumer, sseq, reply) {
      const t = track(consumer);
      if (!t.replies.has(sseq)) {
        const seqs = t.seqs;
        let i = seqs.length;
        while (i > t.head && seqs[i - 1] > sseq) i--;
        if (i === seqs.length) seqs.push(sseq); // In order: the usual case.
        else seqs.splice(i, 0, sseq);
      }
      t.replies.set(sseq, reply);
    },
    done(consumer, sseq, reply) {
      const t = tracks.get(consumer);
      if (!t || !t.replies.has(sseq)) {
        // Not tracked (older than anything outstanding): ack it alone.
        if (!t || t.head === t.seqs.length || t.seqs[t.head] > sseq) {
          send(reply);
        }
        return;
      }
      const { seqs, replies } = t;
      const start = t.head;
      let last: string | undefined;
      let n = start;
      if (seqs[n] === sseq) {
        // In order: no detour through `finished`.
        last = replies.get(sseq);
        replies.delete(sseq);
        n++;
      } else t.finished.add(sseq);
      while (n < seqs.length && t.finished.delete(seqs[n])) {
        last = replies.get(seqs[n]);
        replies.delete(seqs[n++]);
      }
      if (n === start) return;
      if (n === seqs.length) {
        seqs.length = 0;
        t.head = 0;
      } else if (n > 1024 && n * 2 > seqs.length) {
        t.seqs = seqs.slice(n);
        t.head = 0;
      } else t.head = n;
      due.set(consumer, last!);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    forget(consumer) {
      tracks.delete(consumer);
      due.delete(consumer);
    },
  };
}
