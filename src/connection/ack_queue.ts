/**
 * Acknowledgements owed for backend work started in packet order (PUBACK
 * after a durable publish, PUBREC after the QoS 2 record, PUBCOMP after the
 * release). Work runs concurrently; acks go out in the order the packets
 * came in, so clients that expect ordered acks are served.
 *
 * @module
 */

import type { Packet } from "../codec/types.ts";

/** Ordered completion of concurrent backend work. */
export interface AckQueue {
  /** Work not yet acknowledged. */
  readonly size: number;
  /**
   * Track `work`; what it resolves to (a packet, or nothing) is passed to
   * `send` once every earlier entry was sent. `work` must not reject.
   */
  push(work: Promise<Packet | undefined>): void;
  /** Resolves at the next time an entry is sent. */
  progress(): Promise<void>;
}

interface Slot {
  done: boolean;
  packet: Packet | undefined;
}

/** Builds an ack queue that hands finished acks, in order, to `send`. */
export function createAckQueue(send: (packet: Packet) => void): AckQueue {
  let slots: Slot[] = [];
  let head = 0;
  let waiters: (() => void)[] = [];

  const drain = (): void => {
    let moved = false;
    while (head < slots.length && slots[head].done) {
      const packet = slots[head].packet;
      slots[head].packet = undefined;
      head++;
      moved = true;
      if (packet) send(packet);
    }
    if (head === slots.length) {
      slots = [];
      head = 0;
    } else if (head > 1024 && head * 2 > slots.length) {
      slots = slots.slice(head);
      head = 0;
    }
    if (moved && waiters.length > 0) {
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    }
  };

  return {
    get size() {
      return slots.length - head;
    },
    push(work) {
      const slot: Slot = { done: false, packet: undefined };
      slots.push(slot);
      work.then((packet) => {
        slot.done = true;
        slot.packet = packet;
        drain();
      });
    },
    progress() {
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
