/**
 * A FIFO queue with O(1) amortised push and shift.
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

/** Creates an empty deque. */
export function createDeque<T>(): Deque<T> {
  let items: (T | undefined)[] = [];
  let head = 0;
  return {
    get length() {
      return items.length - head;
    },
    push(item) {
      items.push(item);
    },
    peek() {
      return head < items.length ? items[head] : undefined;
    },
    shift() {
      if (head >= items.length) return undefined;
      const item = items[head];
      items[head++] = undefined;
      if (head === items.length) {
        items = [];
        head = 0;
      } else if (head >= 1024 && head * 2 >= items.length) {
        items = items.slice(head);
        head = 0;
      }
      return item;
    },
    clear() {
      items = [];
      head = 0;
    },
    *[Symbol.iterator]() {
      for (let i = head; i < items.length; i++) yield items[i] as T;
    },
  };
}
