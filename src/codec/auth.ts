/**
 * AUTH (§3.15): v5 only, for enhanced authentication exchanges.
 *
 * @module
 */

import {
  type ByteReader,
  type ByteWriter,
  malformed,
  protocolError,
  readU8,
} from "./primitives.ts";
import { encodeReasonAndProperties } from "./disconnect.ts";
import { checkAuthenticationMethod, decodeProperties } from "./properties.ts";
import type { ReasonCode } from "./reason_codes.ts";
import type { AuthPacket } from "./types.ts";
import { PacketType } from "./types.ts";

const WHAT = "AUTH";

/** Reason codes an AUTH may carry (§3.15.2.1). */
export const AUTH_REASON_CODES: ReadonlySet<number> = new Set([
  0x00,
  0x18,
  0x19,
]);

/**
 * Decodes an AUTH body (v5 only; the caller rejects AUTH in older versions).
 *
 * @example
 * ```ts
 * import { decodeAuth } from "./auth.ts";
 * import { createByteReader } from "./primitives.ts";
 * decodeAuth(createByteReader(new Uint8Array(0))); // { type: 15 }
 * ```
 */
export function decodeAuth(r: ByteReader): AuthPacket {
  const packet: AuthPacket = { type: PacketType.AUTH };
  const len = r.end - r.pos;
  if (len === 0) return packet;
  const code = readU8(r, WHAT, "reason code");
  if (!AUTH_REASON_CODES.has(code)) {
    protocolError(WHAT, `invalid reason code 0x${code.toString(16)}`);
  }
  packet.reasonCode = code as ReasonCode;
  if (len > 1) {
    const properties = decodeProperties(r, PacketType.AUTH);
    if (properties !== undefined) {
      checkAuthenticationMethod(properties, WHAT);
      packet.properties = properties;
    }
  }
  if (r.pos !== r.end) malformed(WHAT, "trailing bytes");
  return packet;
}

/**
 * Encodes an AUTH packet.
 *
 * @example
 * ```ts
 * import { encodeAuth } from "./auth.ts";
 * import { createByteWriter } from "./primitives.ts";
 * const w = createByteWriter();
 * encodeAuth(w, { type: 15, reasonCode: 0x18 });
 * w.buf.subarray(0, w.pos); // Uint8Array [240, 1, 24]
 * ```
 */
export function encodeAuth(w: ByteWriter, p: AuthPacket): void {
  encodeReasonAndProperties(w, p, 5, PacketType.AUTH);
}
