/**
 * The backend contract: everything the session router needs from the place
 * where messages are routed and state is kept. Two implementations exist,
 * `embedded` (in-process routing, SQLite) and `jetstream` (NATS core +
 * JetStream), and one contract test suite (`tests/backend_contract.ts`) runs
 * against both. See docs/adr/0004-backend-contract.md.
 *
 * Rules every implementation keeps:
 * - A promise that resolves means the effect is durable: `publish` of a QoS ≥ 1
 *   message resolves only once every copy owed to a persistent session (and a
 *   retained copy) is stored, so the router may then send PUBACK/PUBREC.
 * - Outbound packet identifiers are assigned by the backend, so a redelivery
 *   after a restart can reuse the identifier the client saw ([MQTT-4.4.0-1]).
 * - A session never has more than `window` QoS ≥ 1 deliveries unacknowledged.
 * - Nothing acknowledged to a publisher is dropped silently: every drop is
 *   logged and counted.
 *
 * @module
 */

import type { Properties, QoS, RetainHandling } from "../codec/types.ts";
import { ReasonCode } from "../codec/reason_codes.ts";

/** The v5 properties that travel with an application message. */
export type MessageProperties = Pick<
  Properties,
  | "payloadFormatIndicator"
  | "contentType"
  | "responseTopic"
  | "correlationData"
  | "userProperties"
>;

/** An application message as published (by MQTT, a Will, or NATS). */
export interface Message {
  topic: string;
  payload: Uint8Array;
  /** The QoS it was published with. */
  qos: QoS;
  retain: boolean;
  properties?: MessageProperties;
  /** Absolute expiry in ms since the epoch (v5 Message Expiry Interval). */
  expiresAt?: number;
  /** Client id of the MQTT publisher (for No Local); absent from NATS. */
  origin?: string;
}

/** What is stored for one subscription of a session. */
export interface SubscriptionOptions {
  /** Maximum QoS granted. */
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: RetainHandling;
  /** v5 Subscription Identifier, if the SUBSCRIBE carried one. */
  subscriptionId?: number;
}

/** One SUBSCRIBE entry; `filter` may be `$share/<group>/<filter>`. */
export interface SubscriptionEntry extends SubscriptionOptions {
  filter: string;
}

/** One delivery to a connected session. */
export type Delivery =
  | {
    kind: "publish";
    message: Message;
    /** Effective QoS: min(message QoS, highest granted QoS that matched). */
    qos: QoS;
    /** Set iff qos > 0; assigned by the backend. */
    packetId?: number;
    /** True for a redelivery of a message sent before ([MQTT-3.3.1-1]). */
    dup: boolean;
    /** RETAIN flag to send: retained-on-subscribe, or Retain As Published. */
    retain: boolean;
    /** Every matching subscription identifier (v5), one copy per session. */
    subscriptionIds?: number[];
  }
  | {
    /** An outbound QoS 2 message whose PUBREC was received: resend PUBREL. */
    kind: "pubrel";
    packetId: number;
  };

/** Where a session's deliveries go; called synchronously, in order. */
export interface DeliverySink {
  deliver(deliveries: Delivery[]): void;
}

/** Options of `Backend.openSession`. */
export interface OpenSessionOptions {
  clientId: string;
  /** Clean Session (3.1.1) / Clean Start (5.0): discard any stored state. */
  clean: boolean;
  /**
   * Session expiry in seconds once disconnected: 0 ends the session with the
   * connection, 0xFFFFFFFF never expires. 3.1.1 maps clean=0 to 0xFFFFFFFF.
   */
  expiry: number;
  /** Maximum QoS ≥ 1 deliveries in flight (client's Receive Maximum ∧ ours). */
  window: number;
  sink: DeliverySink;
  /**
   * Called once when another connection (on this or another instance) takes
   * the session over; the handle is inert afterwards.
   */
  onTakeover(): void;
}

/** What the router does with one session while its connection lives. */
export interface Session {
  readonly clientId: string;
  /** True when stored state was found and kept ([MQTT-3.2.2-2]). */
  readonly present: boolean;
  /** Subscriptions in force (restored ones included), keyed by filter. */
  readonly subscriptions: ReadonlyMap<string, SubscriptionOptions>;
  /**
   * Start deliveries, after CONNACK was sent: first every unacknowledged
   * message again (DUP, same packet id, in order) and pending PUBRELs, then
   * new ones.
   */
  resume(): void;
  /** Add or replace subscriptions; resolves with whether each existed. */
  subscribe(entries: SubscriptionEntry[]): Promise<boolean[]>;
  /** Remove subscriptions; resolves with whether each existed. */
  unsubscribe(filters: string[]): Promise<boolean[]>;
  /**
   * Queue one message for this session only (retained messages sent on
   * subscribe). QoS 0 is delivered at once; QoS ≥ 1 goes through the window.
   */
  enqueue(
    message: Message,
    options: { qos: QoS; retain: boolean; subscriptionIds?: number[] },
  ): Promise<void>;
  /** PUBACK (QoS 1) or PUBCOMP (QoS 2) from the client: done with it. */
  ack(packetId: number): Promise<void>;
  /** PUBREC from the client: the message is replaced by a pending PUBREL. */
  received(packetId: number): Promise<void>;
  /**
   * Inbound QoS 2 PUBLISH: durably record the packet id and route the
   * message exactly once. Resolves `false` for a duplicate (packet id still
   * awaiting PUBREL) that must not be routed again ([MQTT-4.3.3-2]); `0`
   * when routed and the backend knows no session got a copy (as `publish`).
   */
  receiveQoS2(packetId: number, message: Message): Promise<boolean | 0>;
  /** Inbound PUBREL: forget the packet id; resolves false if it was unknown. */
  releaseQoS2(packetId: number): Promise<boolean>;
  /**
   * The connection is gone. The session is kept for `expiry` seconds (0 =
   * removed now, with its queue and subscriptions).
   */
  detach(expiry: number): Promise<void>;
}

/** A server-wide bound a backend enforces (`limits.*` in the config). */
export type QuotaLimit = "maxRetained" | "maxRetainedBytes" | "maxSessions";

/**
 * A server-wide bound refused the operation as a whole: `publish` (and
 * `Session.receiveQoS2`) of a retained message that would create a new
 * retained topic beyond `maxRetained` or grow the retained bytes beyond
 * `maxRetainedBytes` (nothing routed, nothing stored), or `openSession` of a
 * new persistent session beyond `maxSessions` (nothing opened). Carries v5
 * 0x97 Quota exceeded; the connection maps it to PUBACK/PUBREC/CONNACK.
 *
 * @example
 * ```ts
 * import { QuotaExceededError } from "./types.ts";
 * const err = new QuotaExceededError("maxRetained", "Cannot retain: limit");
 * err.reasonCode; // 0x97
 * ```
 */
export class QuotaExceededError extends Error {
  readonly reasonCode: typeof ReasonCode.QuotaExceeded =
    ReasonCode.QuotaExceeded;
  /** The bound that refused. */
  readonly limit: QuotaLimit;
  constructor(limit: QuotaLimit, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "QuotaExceededError";
    this.limit = limit;
  }
}

/** Counters a backend reports; the router exports them as metrics. */
export interface BackendStats {
  sessions: number;
  retained: number;
  queued: number;
  dropped: number;
}

/** The contract. */
export interface Backend {
  readonly name: "embedded" | "jetstream";
  /**
   * Route a message to every matching subscription, on every instance, and
   * store or delete (empty payload) the retained copy when `retain` is set.
   * Resolves once durable (see module docs): with `0` when the backend
   * knows no session got a copy (v5 reason code 0x10 No matching
   * subscribers), else with nothing (matched, or not known). Rejects with
   * `QuotaExceededError` (before routing anything) when a retained bound
   * refuses it.
   */
  publish(message: Message): Promise<number | void>;
  /**
   * Open, resume or take over a session. Rejects with `QuotaExceededError`
   * when it would store a new persistent session (expiry > 0) beyond the
   * backend's session bound; resuming one, or an expiry-0 one, never is.
   */
  openSession(options: OpenSessionOptions): Promise<Session>;
  /** Retained messages whose topics match `filter` (not `$share/…`). */
  retained(filter: string): Promise<Message[]>;
  stats(): BackendStats;
  /** Flush and release everything; sessions stay stored. */
  close(): Promise<void>;
}
