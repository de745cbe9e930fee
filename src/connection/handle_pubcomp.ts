/**
 * PUBCOMP from the client: an outbound QoS 2 delivery is done.
 *
 * @module
 */

import type { PubcompPacket } from "../codec/types.ts";
import type { Connected, ConnectionState } from "./state.ts";

/** Hand the completion to the session; failures are logged. */
export function handlePubcomp(
  st: ConnectionState,
  c: Connected,
  p: PubcompPacket,
): void {
  c.session.ack(p.packetId).catch((err) =>
    st.logger.error("Cannot complete delivery", {
      clientId: c.clientId,
      packetId: p.packetId,
      error: String(err),
    })
  );
}
