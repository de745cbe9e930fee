/**
 * DISCONNECT from the client: a clean close without the will
 * [MQTT-3.14.4-3]; v5 0x04 asks for the will anyway, and may change the
 * session expiry, but not from 0 [MQTT-3.14.2-2].
 *
 * @module
 */

import { ReasonCode } from "../codec/reason_codes.ts";
import type { DisconnectPacket } from "../codec/types.ts";
import { closeConnection } from "./close.ts";
import type { Connected, ConnectionState } from "./state.ts";

/** Close on the client's request. */
export function handleDisconnect(
  st: ConnectionState,
  c: Connected,
  p: DisconnectPacket,
): Promise<void> {
  const expiry = p.properties?.sessionExpiryInterval;
  if (expiry !== undefined && expiry !== 0 && c.sessionExpiry === 0) {
    return closeConnection(st, {
      reasonCode: ReasonCode.ProtocolError,
      reasonString: "Session expiry cannot change from 0",
      publishWill: true,
    });
  }
  if (expiry !== undefined) c.sessionExpiry = expiry;
  // Only Normal disconnection (0x00) discards the will [MQTT-3.14.4-3]:
  // 0x04 asks for it, and an error code is no clean goodbye either.
  return closeConnection(st, {
    publishWill: (p.reasonCode ?? ReasonCode.NormalDisconnection) !==
      ReasonCode.NormalDisconnection,
  });
}
