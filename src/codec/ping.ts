/**
 * PINGREQ and PINGRESP (§3.12, §3.13): empty packets.
 *
 * @module
 */

import {
  type ByteReader,
  type ByteWriter,
  malformed,
  writeFixedHeader,
} from "./primitives.ts";
import type { PingreqPacket, PingrespPacket } from "./types.ts";
import { PacketType } from "./types.ts";

/** Either ping packet. */
export type AnyPingPacket = PingreqPacket | PingrespPacket;

/**
 * Decodes a PINGREQ/PINGRESP body, which must be empty.
 *
 * @example
 * ```ts
 * import { decodePing } from "./ping.ts";
 * import { createByteReader } from "./primitives.ts";
 * decodePing(createByteReader(new Uint8Array(0)), 12); // { type: 12 }
 * ```
 */
export function decodePing(
  r: ByteReader,
  type: AnyPingPacket["type"],
): AnyPingPacket {
  if (r.end !== r.pos) {
    malformed(
      type === PacketType.PINGREQ ? "PINGREQ" : "PINGRESP",
      `remaining length is ${r.end - r.pos}, not 0`,
    );
  }
  return { type };
}

/**
 * Encodes a PINGREQ or PINGRESP.
 *
 * @example
 * ```ts
 * import { encodePing } from "./ping.ts";
 * import { createByteWriter } from "./primitives.ts";
 * const w = createByteWriter();
 * encodePing(w, { type: 13 });
 * w.buf.subarray(0, w.pos); // Uint8Array [208, 0]
 * ```
 */
export function encodePing(w: ByteWriter, p: AnyPingPacket): void {
  writeFixedHeader(w, p.type << 4, 0);
}
