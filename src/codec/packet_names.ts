/**
 * `PACKET_NAMES`: the name of each packet type, for error messages.
 *
 * @module
 */

/**
 * Packet names by type nibble, for messages.
 *
 * @example
 * ```ts
 * import { PACKET_NAMES } from "./packet_names.ts";
 * PACKET_NAMES[3]; // "PUBLISH"
 * ```
 */
export const PACKET_NAMES: readonly string[] = [
  "reserved packet type 0",
  "CONNECT",
  "CONNACK",
  "PUBLISH",
  "PUBACK",
  "PUBREC",
  "PUBREL",
  "PUBCOMP",
  "SUBSCRIBE",
  "SUBACK",
  "UNSUBSCRIBE",
  "UNSUBACK",
  "PINGREQ",
  "PINGRESP",
  "DISCONNECT",
  "AUTH",
];
