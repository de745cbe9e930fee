/**
 * The subscription trie: which (key, value) pairs subscribed with a filter
 * matching a topic. On the hot path of every publish, so `match` walks the
 * topic string in place: it never splits, slices or allocates.
 *
 * @module
 */

import { validateFilter } from "./validate.ts";

/** A set of (filter, key) → value subscriptions, matched by topic. */
export interface Trie<K, V> {
  /**
   * Adds or replaces the value of `key` under `filter` (a plain filter: pass
   * the inner filter of `$share/…`). Returns true when the pair is new.
   * Throws `TypeError` for an invalid filter.
   */
  add(filter: string, key: K, value: V): boolean;
  /** Removes `key` from `filter`. Returns true when it was there. */
  remove(filter: string, key: K): boolean;
  /** The value of `key` under `filter`, if any. */
  get(filter: string, key: K): V | undefined;
  /**
   * Calls `visit` once for every (key, value) whose filter matches `topic`.
   * A key subscribed with several matching filters is visited once per
   * filter; deduplication is the caller's. `visit` must not modify the trie.
   */
  match(topic: string, visit: (key: K, value: V) => void): void;
  /** Number of (filter, key) pairs. */
  readonly size: number;
}

/** Subscribers of one filter, in arrays so iteration allocates nothing. */
interface Bucket<K, V> {
  keys: K[];
  values: V[];
  index: Map<K, number>;
}

interface Node<K, V> {
  level: string;
  parent: Node<K, V> | undefined;
  /** Children by hash of their level; `sameHash` chains collisions. */
  children: Map<number, Node<K, V>> | undefined;
  sameHash: Node<K, V> | undefined;
  plus: Node<K, V> | undefined;
  /** Subscribers of the filter ending at this node. */
  exact: Bucket<K, V> | undefined;
  /** Subscribers of `<this node>/#` (the root: `#`). */
  multi: Bucket<K, V> | undefined;
}

const DOLLAR = 0x24;
const PLUS = 0x2b;
const HASH = 0x23;

/**
 * FNV-1a over the UTF-16 code units of `text[start, end)`, cut to 30 bits so
 * the Map key stays a small integer (a larger number is a heap allocation).
 */
function hashLevel(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  }
  return h & 0x3fffffff;
}

function newNode<K, V>(level: string, parent?: Node<K, V>): Node<K, V> {
  return {
    level,
    parent,
    children: undefined,
    sameHash: undefined,
    plus: undefined,
    exact: undefined,
    multi: undefined,
  };
}

function findChild<K, V>(
  node: Node<K, V>,
  text: string,
  start: number,
  end: number,
): Node<K, V> | undefined {
  let child = node.children?.get(hashLevel(text, start, end));
  const length = end - start;
  while (
    child !== undefined &&
    !(child.level.length === length && text.startsWith(child.level, start))
  ) child = child.sameHash;
  return child;
}

function emit<K, V>(
  bucket: Bucket<K, V> | undefined,
  visit: (key: K, value: V) => void,
): void {
  if (bucket === undefined) return;
  const { keys, values } = bucket;
  for (let i = 0; i < keys.length; i++) visit(keys[i], values[i]);
}

/**
 * Visits `node`'s subscribers for the topic level starting at `pos`.
 * `dollar` is true only at the root of a `$` topic [MQTT-4.7.2-1].
 */
function walk<K, V>(
  node: Node<K, V>,
  topic: string,
  pos: number,
  dollar: boolean,
  visit: (key: K, value: V) => void,
): void {
  if (!dollar) emit(node.multi, visit);
  let end = topic.indexOf("/", pos);
  const last = end < 0;
  if (last) end = topic.length;
  const child = node.children === undefined
    ? undefined
    : findChild(node, topic, pos, end);
  if (child !== undefined) descend(child, topic, end, last, visit);
  if (!dollar && node.plus !== undefined) {
    descend(node.plus, topic, end, last, visit);
  }
}

/** Goes on below `next`, which matched the level ending at `end`. */
function descend<K, V>(
  next: Node<K, V>,
  topic: string,
  end: number,
  last: boolean,
  visit: (key: K, value: V) => void,
): void {
  if (last) {
    emit(next.exact, visit);
    emit(next.multi, visit); // "a/#" matches "a" [MQTT-4.7.1-2]
  } else walk(next, topic, end + 1, false, visit);
}

/**
 * Creates an empty subscription trie.
 *
 * @example
 * ```ts
 * import { createTrie } from "./trie.ts";
 * const trie = createTrie<string, number>();
 * trie.add("sensors/+/temp", "client-1", 1);
 * trie.add("sensors/#", "client-2", 0);
 * const hits: string[] = [];
 * trie.match("sensors/7/temp", (key) => hits.push(key));
 * hits.sort(); // ["client-1", "client-2"]
 * ```
 */
export function createTrie<K, V>(): Trie<K, V> {
  const root = newNode<K, V>("");
  let size = 0;

  /** The bucket for `filter`, walking (and with `create`, building) nodes. */
  function locate(
    filter: string,
    create: boolean,
  ): { node: Node<K, V>; multi: boolean } | undefined {
    let node = root;
    let pos = 0;
    for (;;) {
      let end = filter.indexOf("/", pos);
      if (end < 0) end = filter.length;
      if (end - pos === 1 && filter.charCodeAt(pos) === HASH) {
        return { node, multi: true };
      }
      let next = end - pos === 1 && filter.charCodeAt(pos) === PLUS
        ? node.plus
        : findChild(node, filter, pos, end);
      if (next === undefined) {
        if (!create) return undefined;
        next = attach(node, filter, pos, end);
      }
      node = next;
      if (end === filter.length) return { node, multi: false };
      pos = end + 1;
    }
  }

  function attach(
    node: Node<K, V>,
    filter: string,
    pos: number,
    end: number,
  ): Node<K, V> {
    const level = filter.slice(pos, end);
    const child = newNode(level, node);
    if (level === "+") node.plus = child;
    else {
      node.children ??= new Map();
      const h = hashLevel(filter, pos, end);
      child.sameHash = node.children.get(h);
      node.children.set(h, child);
    }
    return child;
  }

  function detach(node: Node<K, V>): void {
    const parent = node.parent;
    if (parent === undefined) return;
    if (parent.plus === node) parent.plus = undefined;
    else if (parent.children !== undefined) {
      const h = hashLevel(node.level, 0, node.level.length);
      let head = parent.children.get(h);
      if (head === node) head = node.sameHash;
      else {
        for (let c = head; c !== undefined; c = c.sameHash) {
          if (c.sameHash === node) c.sameHash = node.sameHash;
        }
      }
      if (head === undefined) parent.children.delete(h);
      else parent.children.set(h, head);
      if (parent.children.size === 0) parent.children = undefined;
    }
  }

  function prune(node: Node<K, V>): void {
    let n: Node<K, V> | undefined = node;
    while (
      n !== undefined && n !== root && n.exact === undefined &&
      n.multi === undefined && n.plus === undefined && n.children === undefined
    ) {
      detach(n);
      n = n.parent;
    }
  }

  function checkFilter(filter: string): void {
    if (!validateFilter(filter) || filter.startsWith("$share/")) {
      throw new TypeError(`Cannot use topic filter: ${JSON.stringify(filter)}`);
    }
  }

  return {
    add(filter, key, value) {
      checkFilter(filter);
      const { node, multi } = locate(filter, true)!;
      const field = multi ? "multi" : "exact";
      const bucket: Bucket<K, V> = node[field] ??= {
        keys: [],
        values: [],
        index: new Map(),
      };
      const i = bucket.index.get(key);
      if (i !== undefined) {
        bucket.values[i] = value;
        return false;
      }
      bucket.index.set(key, bucket.keys.length);
      bucket.keys.push(key);
      bucket.values.push(value);
      size++;
      return true;
    },
    remove(filter, key) {
      if (!validateFilter(filter)) return false;
      const found = locate(filter, false);
      if (found === undefined) return false;
      const field = found.multi ? "multi" : "exact";
      const bucket = found.node[field];
      const i = bucket?.index.get(key);
      if (bucket === undefined || i === undefined) return false;
      const lastIndex = bucket.keys.length - 1;
      if (i !== lastIndex) {
        bucket.keys[i] = bucket.keys[lastIndex];
        bucket.values[i] = bucket.values[lastIndex];
        bucket.index.set(bucket.keys[i], i);
      }
      bucket.keys.pop();
      bucket.values.pop();
      bucket.index.delete(key);
      size--;
      if (bucket.keys.length === 0) {
        found.node[field] = undefined;
        prune(found.node);
      }
      return true;
    },
    get(filter, key) {
      if (!validateFilter(filter)) return undefined;
      const found = locate(filter, false);
      if (found === undefined) return undefined;
      const bucket = found.multi ? found.node.multi : found.node.exact;
      const i = bucket?.index.get(key);
      return i === undefined ? undefined : bucket!.values[i];
    },
    match(topic, visit) {
      if (topic.length === 0) return;
      walk(root, topic, 0, topic.charCodeAt(0) === DOLLAR, visit);
    },
    get size() {
      return size;
    },
  };
}
