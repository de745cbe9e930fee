/**
 * The state of one connection. Its phase is a tagged union: nothing of the
 * connected phase exists before CONNACK, nothing is used after closing.
 *
 * @module
 */

import type { Permissions } from "../auth/permissions.ts";
import type { Session } from "../backend/types.ts";
import type { ConnectPacket, ProtocolVersion } from "../codec/types.ts";
import type { Logger, Metrics } from "../observability/types.ts";
import type { Attachment, Router, SetTimer } from "../router/types.ts";
import type { Conn } from "../transport/types.ts";
import type { AckQueue } from "./ack_queue.ts";
import type { ConnectionOptions, Limits } from "./types.ts";
import type { OutboundAliases } from "./topic_alias.ts";
import type { PacketOutput } from "./output.ts";

/** Everything that only exists once CONNACK accepted the client. */
export interface Connected {
  readonly name: "connected";
  readonly clientId: string;
  readonly connect: ConnectPacket;
  readonly attachment: Attachment;
  readonly session: Session;
  /** Session expiry (seconds) in force; DISCONNECT may change it (v5). */
  sessionExpiry: number;
  /** v5 Request Problem Information: reason strings on acks allowed. */
  readonly problemInfo: boolean;
  /** Effective keep-alive in seconds (0 = none). */
  readonly keepAlive: number;
  /** Inbound topic aliases (v5), index = alias. */
  readonly inboundAliases: string[];
  /** Outbound topic aliases (v5), when the client allows them. */
  readonly outboundAliases: OutboundAliases | undefined;
  /**
   * Topic permissions granted at CONNECT, replaced by a re-authentication
   * whose method returns permissions.
   */
  permissions: Permissions;
  /** The client's Maximum Packet Size (v5), or 0 for none. */
  readonly clientMaxPacketSize: number;
  /** Backend work whose acknowledgement is owed, sent in order. */
  readonly acks: AckQueue;
  /** Inbound QoS 2 packet ids awaiting PUBREL, counted in Receive Maximum. */
  readonly qos2Pending: Set<number>;
  /** Inbound QoS ≥ 1 publishes not yet fully acknowledged [MQTT-3.3.4-7]. */
  inflight: number;
  /** SUBSCRIBE/UNSUBSCRIBE run one after another. */
  control: Promise<void>;
}

/** The connection's phase. */
export type Phase =
  | { readonly name: "awaiting-connect" }
  | {
    readonly name: "authenticating";
    readonly connect: ConnectPacket;
    readonly method: string;
    /** v5 Assigned Client Identifier, if the server chose the id. */
    readonly assignedClientId: string | undefined;
  }
  | Connected
  | { readonly name: "closing"; readonly was: "connected" | "other" };

/** One connection. */
export interface ConnectionState {
  readonly conn: Conn;
  readonly options: ConnectionOptions;
  readonly router: Router;
  readonly limits: Limits;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now: () => number;
  readonly setTimer: SetTimer;
  readonly out: PacketOutput;
  phase: Phase;
  /** Learnt from CONNECT; 4 until then. */
  version: ProtocolVersion;
  /** Time (ms) of the last packet received, for keep-alive. */
  lastActivity: number;
  /** The read loop waits on us (backend, output): keep-alive holds off. */
  paused: boolean;
  /** Cancels the pending connect or keep-alive timer. */
  cancelTimer: (() => void) | undefined;
  /** Resolves when the connection is fully closed. */
  readonly closed: Promise<void>;
  /** Resolves `closed`. */
  readonly markClosed: () => void;
  /** Logs a failed QoS 0 publish (one function per connection). */
  readonly onPublishError: (err: unknown) => void;
  /** Lazily built UTF-8 checker for Payload Format Indicator 1. */
  utf8?: TextDecoder;
  /**
   * Another connection took the session over before our CONNACK was sent:
   * CONNACK goes out first, then the takeover close [MQTT-3.1.4-3].
   */
  takenOverEarly?: boolean;
}

/**
 * A reason string for an acknowledgement, unless the client asked for none
 * with Request Problem Information 0 [MQTT-3.1.2-29].
 */
export function problem(
  st: ConnectionState,
  c: Connected,
  reasonString: string,
): { reasonString: string } | undefined {
  return st.version === 5 && c.problemInfo ? { reasonString } : undefined;
}
