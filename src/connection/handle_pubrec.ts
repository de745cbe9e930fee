/**
 * PUBREC from the client: the outbound QoS 2 message becomes a pending
 * PUBREL, sent once that is durable [MQTT-4.3.3-1].
 *
 * @module
 */

import type { PubrecPacket } from "../codec/types.ts";
import { PacketType } from "../codec/types.ts";
import type { Connected, ConnectionState } from "./state.ts";

/** Record the PUBREC, then send PUBREL (or end the flow on an error code). */
export function handlePubrec(
  st: ConnectionState,
  c: Connected,
  p: PubrecPacket,
): void {
  const packetId = p.packetId;
  if (p.reasonCode !== undefined && p.reasonCode >= 0x80) {
    // A failure PUBREC ends the QoS 2 exchange (v5 §4.3.3).
    c.session.ack(packetId).catch((err) =>
      st.logger.error("Cannot ack refused delivery", { error: String(err) })
    );
    return;
  }
  c.session.received(packetId).then(
    () => {
      if (st.phase === c) {
        st.out.write({ type: PacketType.PUBREL, packetId });
      }
    },
    (err) =>
      st.logger.error("Cannot record PUBREC", {
        clientId: c.clientId,
        packetId,
        error: String(err),
      }),
  );
}
