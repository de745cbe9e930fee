/**
 * The dispatcher: which packet may come in which phase, and who handles it.
 *
 * @module
 */

import { ReasonCode } from "../codec/reason_codes.ts";
import type { Packet } from "../codec/types.ts";
import { PacketType } from "../codec/types.ts";
import { closeConnection } from "./close.ts";
import { refuse } from "./connack.ts";
import { handleAuthConnected, handleAuthConnecting } from "./handle_auth.ts";
import { handleConnect } from "./handle_connect.ts";
import { handleDisconnect } from "./handle_disconnect.ts";
import { handlePingreq } from "./handle_pingreq.ts";
import { handlePuback } from "./handle_puback.ts";
import { handlePubcomp } from "./handle_pubcomp.ts";
import { handlePublish } from "./handle_publish.ts";
import { handlePubrec } from "./handle_pubrec.ts";
import { handlePubrel } from "./handle_pubrel.ts";
import { handleSubscribe } from "./handle_subscribe.ts";
import { handleUnsubscribe } from "./handle_unsubscribe.ts";
import type { Connected, ConnectionState } from "./state.ts";

/**
 * Handle one packet. Returns a promise when the reader must wait before
 * the next packet (CONNECT, backpressure); most packets return nothing.
 */
export function dispatch(
  st: ConnectionState,
  packet: Packet,
): Promise<void> | void {
  const phase = st.phase;
  switch (phase.name) {
    case "awaiting-connect":
      if (packet.type === PacketType.CONNECT) {
        return handleConnect(st, packet);
      }
      // The first packet must be CONNECT [MQTT-3.1.0-1].
      st.logger.debug("First packet is not CONNECT", { type: packet.type });
      return closeConnection(st, { publishWill: false });
    case "authenticating":
      if (packet.type === PacketType.AUTH) {
        return handleAuthConnecting(st, phase, packet);
      }
      if (packet.type === PacketType.DISCONNECT) {
        return closeConnection(st, { publishWill: false });
      }
      return refuse(st, ReasonCode.ProtocolError);
    case "connected":
      return dispatchConnected(st, phase, packet);
    case "closing":
      return;
  }
}

function dispatchConnected(
  st: ConnectionState,
  c: Connected,
  packet: Packet,
): Promise<void> | void {
  switch (packet.type) {
    case PacketType.PUBLISH:
      return handlePublish(st, c, packet);
    case PacketType.PUBACK:
      return handlePuback(st, c, packet);
    case PacketType.PUBREC:
      return handlePubrec(st, c, packet);
    case PacketType.PUBREL:
      return handlePubrel(st, c, packet);
    case PacketType.PUBCOMP:
      return handlePubcomp(st, c, packet);
    case PacketType.SUBSCRIBE:
      return handleSubscribe(st, c, packet);
    case PacketType.UNSUBSCRIBE:
      return handleUnsubscribe(st, c, packet);
    case PacketType.PINGREQ:
      return handlePingreq(st);
    case PacketType.DISCONNECT:
      return handleDisconnect(st, c, packet);
    case PacketType.AUTH:
      if (st.version !== 5) break;
      return handleAuthConnected(st, c.connect, packet);
    case PacketType.CONNECT:
      // A second CONNECT is a protocol violation [MQTT-3.1.0-2].
      st.logger.debug("Second CONNECT", { clientId: c.clientId });
      break;
    case PacketType.CONNACK:
    case PacketType.SUBACK:
    case PacketType.UNSUBACK:
    case PacketType.PINGRESP:
      // Only a server sends these.
      break;
    default: {
      const never: never = packet;
      return never;
    }
  }
  st.metrics.inc("jetmq_protocol_errors_total");
  return closeConnection(st, {
    reasonCode: ReasonCode.ProtocolError,
    publishWill: true,
  });
}
