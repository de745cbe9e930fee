/**
 * PINGREQ → PINGRESP [MQTT-3.12.4-1].
 *
 * @module
 */

import { PacketType } from "../codec/types.ts";
import type { ConnectionState } from "./state.ts";

/** Answer a PINGREQ. */
export function handlePingreq(st: ConnectionState): void {
  st.out.write({ type: PacketType.PINGRESP });
}
