/**
 * MQTT 5.0 properties (spec §2.2.2): the table of every property with its
 * identifier, data type and the packets that may carry it, and the decoder
 * and encoder of a property block.
 *
 * @module
 */

import { MqttError } from "./errors.ts";
import { PACKET_NAMES as PACKET_TYPE_NAMES } from "./packet_names.ts";
import { ReasonCode } from "./reason_codes.ts";
import type { Properties, UserProperty } from "./types.ts";
import { PacketType } from "./types.ts";
import {
  type ByteReader,
  type ByteWriter,
  ensure,
  malformed,
  protocolError,
  readBinary,
  readString,
  readU16,
  readU32,
  readU8,
  readVarint,
  varintSize,
  writeBinary,
  writeString,
  writeU16,
  writeU32,
  writeU8,
  writeVarint,
} from "./primitives.ts";

/** Data types of property values (§1.5). */
export const PropertyDataType = {
  Byte: 1,
  TwoByteInteger: 2,
  FourByteInteger: 3,
  VariableByteInteger: 4,
  Utf8String: 5,
  BinaryData: 6,
  Utf8StringPair: 7,
} as const;
/** A property data type. */
export type PropertyDataType =
  typeof PropertyDataType[keyof typeof PropertyDataType];

/**
 * Where a property block sits: a packet type, or `WILL` (0) for the Will
 * Properties of CONNECT, which packet type 0 never is on the wire.
 */
export const WILL_PROPERTIES = 0;

/** One row of the property table. */
export interface PropertyDefinition {
  readonly id: number;
  readonly key: keyof Properties;
  readonly type: PropertyDataType;
  /** Bit `1 << packetType` set when allowed; bit 0 is Will Properties. */
  readonly allowedIn: number;
  /** Byte properties limited to 0/1 (a Protocol Error otherwise). */
  readonly boolean?: boolean;
  /**
   * A value of 0 is refused with this reason code: a Protocol Error, except
   * Topic Alias 0, answered with Topic Alias invalid [MQTT-3.3.2-8].
   */
  readonly nonZero?: ReasonCode;
}

const T = PacketType;
const bits = (...types: number[]): number =>
  types.reduce((acc, t) => acc | (1 << t), 0);
const B = PropertyDataType;
const W = WILL_PROPERTIES;
const PUB_WILL = bits(T.PUBLISH, W);
const ALL = bits(
  T.CONNECT,
  T.CONNACK,
  T.PUBLISH,
  T.PUBACK,
  T.PUBREC,
  T.PUBREL,
  T.PUBCOMP,
  T.SUBSCRIBE,
  T.SUBACK,
  T.UNSUBSCRIBE,
  T.UNSUBACK,
  T.DISCONNECT,
  T.AUTH,
  W,
);
const REASON_STRING = bits(
  T.CONNACK,
  T.PUBACK,
  T.PUBREC,
  T.PUBREL,
  T.PUBCOMP,
  T.SUBACK,
  T.UNSUBACK,
  T.DISCONNECT,
  T.AUTH,
);

/** Every MQTT 5.0 property, in identifier order (§2.2.2.2, table 2-4). */
// deno-fmt-ignore
export const PROPERTY_TABLE: readonly PropertyDefinition[] = [
  { id: 0x01, key: "payloadFormatIndicator", type: B.Byte, allowedIn: PUB_WILL, boolean: true },
  { id: 0x02, key: "messageExpiryInterval", type: B.FourByteInteger, allowedIn: PUB_WILL },
  { id: 0x03, key: "contentType", type: B.Utf8String, allowedIn: PUB_WILL },
  { id: 0x08, key: "responseTopic", type: B.Utf8String, allowedIn: PUB_WILL },
  { id: 0x09, key: "correlationData", type: B.BinaryData, allowedIn: PUB_WILL },
  { id: 0x0b, key: "subscriptionIdentifiers", type: B.VariableByteInteger, allowedIn: bits(T.PUBLISH, T.SUBSCRIBE), nonZero: ReasonCode.ProtocolError },
  { id: 0x11, key: "sessionExpiryInterval", type: B.FourByteInteger, allowedIn: bits(T.CONNECT, T.CONNACK, T.DISCONNECT) },
  { id: 0x12, key: "assignedClientIdentifier", type: B.Utf8String, allowedIn: bits(T.CONNACK) },
  { id: 0x13, key: "serverKeepAlive", type: B.TwoByteInteger, allowedIn: bits(T.CONNACK) },
  { id: 0x15, key: "authenticationMethod", type: B.Utf8String, allowedIn: bits(T.CONNECT, T.CONNACK, T.AUTH) },
  { id: 0x16, key: "authenticationData", type: B.BinaryData, allowedIn: bits(T.CONNECT, T.CONNACK, T.AUTH) },
  { id: 0x17, key: "requestProblemInformation", type: B.Byte, allowedIn: bits(T.CONNECT), boolean: true },
  { id: 0x18, key: "willDelayInterval", type: B.FourByteInteger, allowedIn: bits(W) },
  { id: 0x19, key: "requestResponseInformation", type: B.Byte, allowedIn: bits(T.CONNECT), boolean: true },
  { id: 0x1a, key: "responseInformation", type: B.Utf8String, allowedIn: bits(T.CONNACK) },
  { id: 0x1c, key: "serverReference", type: B.Utf8String, allowedIn: bits(T.CONNACK, T.DISCONNECT) },
  { id: 0x1f, key: "reasonString", type: B.Utf8String, allowedIn: REASON_STRING },
  { id: 0x21, key: "receiveMaximum", type: B.TwoByteInteger, allowedIn: bits(T.CONNECT, T.CONNACK), nonZero: ReasonCode.ProtocolError },
  { id: 0x22, key: "topicAliasMaximum", type: B.TwoByteInteger, allowedIn: bits(T.CONNECT, T.CONNACK) },
  { id: 0x23, key: "topicAlias", type: B.TwoByteInteger, allowedIn: bits(T.PUBLISH), nonZero: ReasonCode.TopicAliasInvalid },
  { id: 0x24, key: "maximumQoS", type: B.Byte, allowedIn: bits(T.CONNACK), boolean: true },
  { id: 0x25, key: "retainAvailable", type: B.Byte, allowedIn: bits(T.CONNACK), boolean: true },
  { id: 0x26, key: "userProperties", type: B.Utf8StringPair, allowedIn: ALL },
  { id: 0x27, key: "maximumPacketSize", type: B.FourByteInteger, allowedIn: bits(T.CONNECT, T.CONNACK), nonZero: ReasonCode.ProtocolError },
  { id: 0x28, key: "wildcardSubscriptionAvailable", type: B.Byte, allowedIn: bits(T.CONNACK), boolean: true },
  { id: 0x29, key: "subscriptionIdentifiersAvailable", type: B.Byte, allowedIn: bits(T.CONNACK), boolean: true },
  { id: 0x2a, key: "sharedSubscriptionAvailable", type: B.Byte, allowedIn: bits(T.CONNACK), boolean: true },
];

const BY_ID: readonly (PropertyDefinition | undefined)[] = (() => {
  const table: (PropertyDefinition | undefined)[] = new Array(0x2b);
  for (const def of PROPERTY_TABLE) table[def.id] = def;
  return table;
})();

const BY_KEY: ReadonlyMap<string, PropertyDefinition> = new Map(
  PROPERTY_TABLE.map((def) => [def.key, def]),
);

/** Looks a property up by its identifier. */
export function propertyById(id: number): PropertyDefinition | undefined {
  return BY_ID[id];
}

/** Packet names for messages; type 0 names the Will Properties of CONNECT. */
const PACKET_NAMES: readonly string[] = [
  "Will Properties",
  ...PACKET_TYPE_NAMES.slice(1),
];

/**
 * Decodes a property block (length then properties) at the reader, for
 * packet type `where` (or {@link WILL_PROPERTIES}). Returns undefined for an
 * empty block.
 */
export function decodeProperties(
  r: ByteReader,
  where: number,
): Properties | undefined {
  const what = PACKET_NAMES[where];
  const len = readVarint(r, what, "property length");
  if (len === 0) return undefined;
  const end = r.pos + len;
  if (end > r.end) malformed(what, "property length overruns packet");
  const outerEnd = r.end;
  r.end = end;
  const props: Properties = {};
  const record = props as Record<string, unknown>;
  while (r.pos < end) {
    const id = readVarint(r, what, "property identifier");
    const def = BY_ID[id];
    if (def === undefined) {
      malformed(what, `unknown property 0x${id.toString(16)} [MQTT-2.2.2-2]`);
    }
    if ((def.allowedIn & (1 << where)) === 0) {
      // §2.2.2.2: an identifier not valid for the packet type is malformed.
      malformed(what, `property ${def.key} is not allowed here [MQTT-2.2.2-2]`);
    }
    decodeOne(r, what, def, record, where);
  }
  r.end = outerEnd;
  return props;
}

function decodeOne(
  r: ByteReader,
  what: string,
  def: PropertyDefinition,
  out: Record<string, unknown>,
  where: number,
): void {
  const key = def.key;
  if (def.type === B.Utf8StringPair) {
    const k = readString(r, what, "user property name");
    const v = readString(r, what, "user property value");
    const list = (out[key] ??= []) as UserProperty[];
    list.push([k, v]);
    return;
  }
  const value = readValue(r, what, def);
  if (def.nonZero !== undefined && value === 0) {
    throw new MqttError(
      def.nonZero,
      `Cannot decode ${what}: property ${key} must not be 0`,
    );
  }
  if (def.boolean && value !== 0 && value !== 1) {
    protocolError(what, `property ${key} must be 0 or 1`);
  }
  if (def.id === 0x0b) {
    // Several Subscription Identifiers may appear in PUBLISH, one in
    // SUBSCRIBE (§3.8.2.1.2).
    const ids = (out[key] ??= []) as number[];
    if (where !== PacketType.PUBLISH && ids.length > 0) {
      protocolError(what, "Subscription Identifier appears twice");
    }
    ids.push(value as number);
    return;
  }
  if (out[key] !== undefined) {
    protocolError(what, `property ${key} appears twice`);
  }
  out[key] = value;
}

function readValue(
  r: ByteReader,
  what: string,
  def: PropertyDefinition,
): number | string | Uint8Array {
  const field = `property ${def.key}`;
  switch (def.type) {
    case B.Byte:
      return readU8(r, what, field);
    case B.TwoByteInteger:
      return readU16(r, what, field);
    case B.FourByteInteger:
      return readU32(r, what, field);
    case B.VariableByteInteger:
      return readVarint(r, what, field);
    case B.Utf8String:
      return readString(r, what, field);
    case B.BinaryData:
      return readBinary(r, what, field);
    default:
      return malformed(what, `${field} has an unknown type`);
  }
}

/**
 * Encodes a property block (length then properties) for packet type `where`.
 * Throws TypeError for a property the packet may not carry.
 */
export function encodeProperties(
  w: ByteWriter,
  props: Properties | undefined,
  where: number,
): void {
  if (props === undefined) {
    writeU8(w, 0);
    return;
  }
  // Reserve the longest length prefix, then close the gap.
  ensure(w, 4);
  const lenPos = w.pos;
  w.pos += 4;
  const record = props as Record<string, unknown>;
  // The object's own order, so decoded properties re-encode byte for byte.
  for (const key in record) {
    const value = record[key];
    if (value === undefined) continue;
    const def = BY_KEY.get(key);
    if (def === undefined) continue; // not a property: ignored
    if ((def.allowedIn & (1 << where)) === 0) {
      throw new TypeError(
        `Cannot encode ${
          PACKET_NAMES[where]
        }: property ${def.key} is not allowed`,
      );
    }
    encodeOne(w, def, value);
  }
  const len = w.pos - lenPos - 4;
  const size = varintSize(len);
  if (size < 4) w.buf.copyWithin(lenPos + size, lenPos + 4, w.pos);
  const end = lenPos + size + len;
  w.pos = lenPos;
  writeVarint(w, len);
  w.pos = end;
}

function encodeOne(w: ByteWriter, def: PropertyDefinition, value: unknown) {
  if (def.type === B.Utf8StringPair) {
    for (const [k, v] of value as UserProperty[]) {
      writeU8(w, def.id);
      writeString(w, k);
      writeString(w, v);
    }
    return;
  }
  if (def.id === 0x0b) {
    for (const id of value as number[]) {
      writeU8(w, def.id);
      writeVarint(w, id);
    }
    return;
  }
  writeU8(w, def.id);
  switch (def.type) {
    case B.Byte:
      return writeU8(w, value as number);
    case B.TwoByteInteger:
      return writeU16(w, value as number);
    case B.FourByteInteger:
      return writeU32(w, value as number);
    case B.VariableByteInteger:
      return writeVarint(w, value as number);
    case B.Utf8String:
      return writeString(w, value as string);
    case B.BinaryData:
      return writeBinary(w, value as Uint8Array);
  }
}

/**
 * Authentication Data without an Authentication Method is a Protocol Error
 * (§3.1.2.11.10, §3.15.2.2.3).
 */
export function checkAuthenticationMethod(
  props: Properties,
  what: string,
): void {
  if (
    props.authenticationData !== undefined &&
    props.authenticationMethod === undefined
  ) {
    protocolError(what, "Authentication Data without Authentication Method");
  }
}
