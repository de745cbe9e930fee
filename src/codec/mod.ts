/**
 * The MQTT codec: packet model, reason codes, `MqttError`, wire primitives,
 * the v5 property table, one decoder/encoder per packet type for 3.1, 3.1.1
 * and 5.0, the inbound {@link PacketDecoderStream} and the outbound
 * {@link createPacketWriter}.
 *
 * Pure: no I/O, imports nothing outside `src/codec` (web globals only).
 * Topic name/filter syntax (wildcards, levels, `$share`) is not checked
 * here: see `src/topic`. Every decoding error is an `MqttError` carrying the
 * reason code to send (0x81 malformed, 0x82 protocol error, 0x95 too large);
 * an unknown protocol level is an `UnsupportedProtocolVersionError` (0x84),
 * so the connection can still answer with a CONNACK.
 *
 * PUBLISH payloads are views into one copy of each network chunk (or into
 * the chunk itself with `copyChunks: false`): `slice()` one kept for long.
 *
 * @example
 * ```ts
 * import { createPacketDecoder, encodePacket } from "./mod.ts";
 * const bytes = encodePacket({ type: 12 }, 4);
 * createPacketDecoder().push(bytes); // [{ type: 12 }]
 * ```
 *
 * @example Per connection
 * ```ts ignore
 * const packets = conn.readable.pipeThrough(new PacketDecoderStream({ maxPacketSize }));
 * const out = createPacketWriter(conn.writable.getWriter());
 * for await (const batch of packets) {
 *   for (const packet of batch) out.write(reply(packet)); // flushed once per tick
 *   await out.ready; // backpressure
 * }
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./reason_codes.ts";
export * from "./errors.ts";
export {
  type ByteReader,
  type ByteWriter,
  createByteReader,
  createByteWriter,
  MAX_VARINT,
} from "./primitives.ts";
export {
  decodeProperties,
  encodeProperties,
  PROPERTY_TABLE,
  propertyById,
  PropertyDataType,
  type PropertyDefinition,
  WILL_PROPERTIES,
} from "./properties.ts";
export { checkFixedHeader, decodeBody } from "./decode_packet.ts";
export { PACKET_NAMES } from "./packet_names.ts";
export { encodePacket, encodePacketInto } from "./encode_packet.ts";
export {
  createPacketDecoder,
  MAX_PACKET_SIZE,
  type PacketDecoder,
  type PacketDecoderOptions,
} from "./packet_decoder.ts";
export { PacketDecoderStream } from "./packet_decoder_stream.ts";
export {
  createPacketWriter,
  type PacketWriter,
  type PacketWriterOptions,
} from "./packet_writer.ts";
export { decodeConnect, encodeConnect } from "./connect.ts";
export {
  CONNACK_REASON_CODES,
  decodeConnack,
  encodeConnack,
} from "./connack.ts";
export { decodePublish, encodePublish } from "./publish.ts";
export {
  type AckType,
  type AnyAckPacket,
  decodeAck,
  encodeAck,
  PUBACK_REASON_CODES,
  PUBREL_REASON_CODES,
} from "./ack.ts";
export { decodeSubscribe, encodeSubscribe } from "./subscribe.ts";
export { decodeSuback, encodeSuback, SUBACK_REASON_CODES } from "./suback.ts";
export { decodeUnsubscribe, encodeUnsubscribe } from "./unsubscribe.ts";
export {
  decodeUnsuback,
  encodeUnsuback,
  UNSUBACK_REASON_CODES,
} from "./unsuback.ts";
export { type AnyPingPacket, decodePing, encodePing } from "./ping.ts";
export {
  decodeDisconnect,
  DISCONNECT_REASON_CODES,
  encodeDisconnect,
} from "./disconnect.ts";
export { AUTH_REASON_CODES, decodeAuth, encodeAuth } from "./auth.ts";
