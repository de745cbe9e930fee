/**
 * A FIFO queue with O(1) amortised push and shift. Every session has one, so
 * its methods live on one shared prototype instead of per-queue closures
 * (an idle session costs less memory).
 *
 * @module
 */

/** A FIFO queue. */
export interface Deque<T> extends Iterable<T> {
  readonly length: number;
  push(item: T): void;
  /** The oldest item, without removing it. */
  peek(): T | undefined;
  shift(): T | undefined;
  clear(): void;
}

interface DequeFields<T> {
  items: (T | undefined)[];
  head: number;
}

const methods: Deque<unknown> & ThisType<DequeFields<unknown>> = {
  get length(): number {
    const d = this as unknown as DequeFields<unknown>;
    return d.items.length - d.head;
  },
  push(item) {
    (this as unknown as DequeFields<unknown>).items.push(item);
  },
  peek() {
    const d = this as unknown as DequeFields<unknown>;
    return d.head < d.items.length ? d.items[d.head] : undefined;
  },
  shift() {
    const d = this as unknown as DequeFields<unknown>;
    if (d.head >= d.items.length) return undefined;
    const item = d.items[d.head];
    d.items[d.head++] = undefined;
    if (d.head === d.items.length) {
      d.items = [];
      d.head = 0;
    } else if (d.head >= 1024 && d.head * 2 >= d.items.length) {
      d.items = d.items.slice(d.head);
      d.head = 0;
    }
    return item;
  },
  clear() {
    const d = this as unknown as DequeFields<unknown>;
    d.items = [];
    d.head = 0;
  },
  *[Symbol.iterator]() {
    const d = this as unknown as DequeFields<unknown>;
    for (let i = d.head; i < d.items.length; i++) yield d.items[i];
  },
};

/** Creates an empty deque. */
export function createDeque<T>(): Deque<T> {
  const d = Object.create(methods) as DequeFields<T>;
  d.items = [];
  d.head = 0;
  return d as unknown as Deque<T>;
}
