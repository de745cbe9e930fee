/**
 * Acks for `ack_policy: all` consumers: one ack (of the highest stream
 * sequence below which everything is done) per consumer and tick, instead
 * of one per message. Clients mostly acknowledge in order, so a burst of
 * PUBACKs costs nats-server one ack; an out-of-order PUBACK waits for the
 * earlier ones (a restart then redelivers a little more, with DUP).
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
  /** Outstanding stream sequences, ascending. */
  seqs: number[];
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
      t = { seqs: [], replies: new Map(), finished: new Set() };
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
        while (i > 0 && seqs[i - 1] > sseq) i--;
        seqs.splice(i, 0, sseq);
      }
      t.replies.set(sseq, reply);
    },
    done(consumer, sseq, reply) {
      const t = tracks.get(consumer);
      if (!t || !t.replies.has(sseq)) {
        // Not tracked (older than anything outstanding): ack it alone.
        if (!t || t.seqs.length === 0 || t.seqs[0] > sseq) send(reply);
        return;
      }
      t.finished.add(sseq);
      let last: string | undefined;
      let n = 0;
      while (n < t.seqs.length && t.finished.has(t.seqs[n])) {
        const seq = t.seqs[n++];
        last = t.replies.get(seq);
        t.replies.delete(seq);
        t.finished.delete(seq);
      }
      if (n === 0) return;
      t.seqs.splice(0, n);
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
