/**
 * CONNACK: refusing a client, and the v5 properties of an acceptance.
 *
 * @module
 */

import type { ReasonCode } from "../codec/reason_codes.ts";
import type { ConnectPacket, Properties } from "../codec/types.ts";
import { PacketType } from "../codec/types.ts";
import { closeConnection } from "./close.ts";
import type { ConnectionState } from "./state.ts";

/** MQTT's largest packet: 1 + 4 + 268,435,455 bytes. */
const PROTOCOL_MAX_PACKET = 268_435_460;

/**
 * Refuse the client: CONNACK with `reasonCode` (the codec writes the 3.1.1
 * return code), session present 0, then close [MQTT-3.2.2-4]
 * [MQTT-3.2.2-5].
 */
export function refuse(
  st: ConnectionState,
  reasonCode: ReasonCode,
  reasonString?: string,
): Promise<void> {
  st.metrics.inc("jetmq_connections_refused_total");
  st.out.write({
    type: PacketType.CONNACK,
    sessionPresent: false,
    reasonCode,
    properties: st.version === 5 && reasonString !== undefined
      ? { reasonString }
      : undefined,
  });
  return closeConnection(st, { publishWill: false });
}

/** What the server tells a v5 client in an accepting CONNACK. */
export interface AcceptedProperties {
  assignedClientId?: string;
  serverKeepAlive?: number;
  clientId: string;
  /** Authentication Data of the method's last step (v5 enhanced auth). */
  authenticationData?: Uint8Array;
}

/** The properties of an accepting v5 CONNACK. */
export function connackProperties(
  st: ConnectionState,
  connect: ConnectPacket,
  accepted: AcceptedProperties,
): Properties | undefined {
  if (st.version !== 5) return undefined;
  const { limits } = st;
  const p: Properties = {};
  if (limits.receiveMaximum < 65535) p.receiveMaximum = limits.receiveMaximum;
  if (limits.maxPacketSize < PROTOCOL_MAX_PACKET) {
    p.maximumPacketSize = limits.maxPacketSize;
  }
  if (limits.topicAliasMaximum > 0) {
    p.topicAliasMaximum = limits.topicAliasMaximum;
  }
  if (accepted.assignedClientId !== undefined) {
    p.assignedClientIdentifier = accepted.assignedClientId;
  }
  if (accepted.serverKeepAlive !== undefined) {
    p.serverKeepAlive = accepted.serverKeepAlive;
  }
  const method = connect.properties?.authenticationMethod;
  if (method !== undefined) {
    // Repeated in a successful CONNACK [MQTT-4.12.0-5].
    p.authenticationMethod = method;
    if (accepted.authenticationData !== undefined) {
      p.authenticationData = accepted.authenticationData;
    }
  }
  if (connect.properties?.requestResponseInformation === 1) {
    p.responseInformation = `jetmq/response/${accepted.clientId}`;
  }
  return p;
}
