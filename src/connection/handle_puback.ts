/**
 * PUBACK from the client: an outbound QoS 1 delivery is done.
 *
 * @module
 */

import type { PubackPacket } from "../codec/types.ts";
import type { Connected, ConnectionState } from "./state.ts";

/** Hand the acknowledgement to the session; failures are logged. */
export function handlePuback(
  st: ConnectionState,
  c: Connected,
  p: PubackPacket,
): void {
  // Any reason code ends the QoS 1 exchange [MQTT-4.3.2].
  c.session.ack(p.packetId).catch((err) =>
    st.logger.error("Cannot ack delivery", {
      clientId: c.clientId,
      packetId: p.packetId,
      error: String(err),
    })
  );
}
