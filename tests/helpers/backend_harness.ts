/**
 * Helpers of the backend contract suite: a fake clock, recording sinks whose
 * deliveries are awaited (never slept for), and sessions opened with them.
 *
 * @module
 */

import type { QoS } from "../../src/codec/types.ts";
import type {
  Backend,
  Delivery,
  DeliverySink,
  Message,
  Session,
  SubscriptionEntry,
} from "../../src/backend/types.ts";
import { withDeadline } from "./raw_client.ts";

/** Longest wait for an expected delivery before the test fails. */
const DEADLINE_MS = 5000;

/** A clock that moves only when told. */
export interface FakeClock {
  now(): number;
  advance(ms: number): void;
}

/** Creates a fake clock starting at a fixed instant. */
export function createClock(start = 1_767_225_600_000): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}

/** A sink that records deliveries and lets a test await them. */
export interface Recorder extends DeliverySink {
  readonly deliveries: Delivery[];
  /** QoS ≥ 1 deliveries and PUBRELs not yet acknowledged through `Client`. */
  outstanding: number;
  /** The highest `outstanding` ever seen. */
  maxOutstanding: number;
  /** The next `n` deliveries not yet taken, once they arrived. */
  next(n?: number): Promise<Delivery[]>;
  /** Called after every `deliver`. */
  readonly listeners: Set<() => void>;
}

/** Creates a recording sink. */
export function createRecorder(): Recorder {
  let taken = 0;
  const r: Recorder = {
    deliveries: [],
    outstanding: 0,
    maxOutstanding: 0,
    listeners: new Set(),
    deliver(ds) {
      for (const d of ds) {
        r.deliveries.push(d);
        if (d.kind === "pubrel" || d.qos > 0) {
          if (!(d.kind === "publish" && d.dup)) r.outstanding++;
        }
      }
      r.maxOutstanding = Math.max(r.maxOutstanding, r.outstanding);
      for (const listener of [...r.listeners]) listener();
    },
    async next(n = 1) {
      await waitUntil(
        [r],
        () => r.deliveries.length >= taken + n,
        () => `${n} deliveries (have ${r.deliveries.length - taken})`,
      );
      const out = r.deliveries.slice(taken, taken + n);
      taken += n;
      return out;
    },
  };
  return r;
}

/** Resolves once `cond` holds, checked after each delivery to `recorders`. */
export function waitUntil(
  recorders: Recorder[],
  cond: () => boolean,
  what: () => string,
): Promise<void> {
  if (cond()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!cond()) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`Timed out waiting for ${what()}`));
    }, DEADLINE_MS);
    const done = (): void => {
      clearTimeout(timer);
      for (const r of recorders) r.listeners.delete(check);
    };
    for (const r of recorders) r.listeners.add(check);
  });
}

/** A session opened with a recorder, as the router would hold it. */
export interface Client {
  session: Session;
  sink: Recorder;
  /** How often `onTakeover` was called. */
  takeovers: number;
  /** Resolves at the first `onTakeover` (rejects after the deadline). */
  takenOver(): Promise<void>;
  /** PUBACK/PUBCOMP through the session, counted by the recorder. */
  ack(packetId: number): Promise<void>;
  subscribe(
    filter: string,
    qos: QoS,
    more?: Partial<SubscriptionEntry>,
  ): Promise<boolean>;
}

/** Options of `connect`. */
export interface ConnectOptions {
  clean?: boolean;
  /** Session expiry in seconds (default one hour). */
  expiry?: number;
  window?: number;
  /** Call `resume()` at once (default true). */
  resume?: boolean;
}

/** Opens (and by default resumes) a session of `clientId` with a recorder. */
export async function connect(
  backend: Backend,
  clientId: string,
  options: ConnectOptions = {},
): Promise<Client> {
  const sink = createRecorder();
  let tookOver = (): void => {};
  const takeover = new Promise<void>((resolve) => (tookOver = resolve));
  const client: Client = {
    session: undefined as unknown as Session,
    sink,
    takeovers: 0,
    takenOver: () => withDeadline(takeover, `${clientId} taken over`),
    ack(packetId) {
      sink.outstanding--;
      return client.session.ack(packetId);
    },
    async subscribe(filter, qos, more = {}) {
      const [existed] = await client.session.subscribe([
        {
          filter,
          qos,
          noLocal: false,
          retainAsPublished: false,
          retainHandling: 0,
          ...more,
        },
      ]);
      return existed;
    },
  };
  client.session = await backend.openSession({
    clientId,
    clean: options.clean ?? false,
    expiry: options.expiry ?? 3600,
    window: options.window ?? 16,
    sink,
    onTakeover() {
      client.takeovers++;
      tookOver();
    },
  });
  if (options.resume ?? true) client.session.resume();
  return client;
}

/** A message with a text payload. */
export function msg(
  topic: string,
  text: string,
  qos: QoS = 1,
  more: Partial<Message> = {},
): Message {
  return {
    topic,
    payload: new TextEncoder().encode(text),
    qos,
    retain: false,
    ...more,
  };
}

/** The text payload of a delivery (or "pubrel:<id>"). */
export function text(d: Delivery | Message): string {
  if ("kind" in d) {
    if (d.kind === "pubrel") return `pubrel:${d.packetId}`;
    return new TextDecoder().decode(d.message.payload);
  }
  return new TextDecoder().decode(d.payload);
}

/** Publish deliveries only, narrowed. */
export function publishes(
  ds: Delivery[],
): Extract<Delivery, { kind: "publish" }>[] {
  return ds.filter((d) => d.kind === "publish");
}
