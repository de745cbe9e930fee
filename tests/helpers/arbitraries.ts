/**
 * fast-check arbitraries for every packet type, in the canonical form the
 * decoder returns (so `decode(encode(p))` must equal `p`).
 *
 * @module
 */

import fc from "fast-check";
import {
  AUTH_REASON_CODES,
  CONNACK_REASON_CODES,
  DISCONNECT_REASON_CODES,
  type Packet,
  PacketType,
  type Properties,
  PROPERTY_TABLE,
  PropertyDataType,
  type ProtocolVersion,
  PUBACK_REASON_CODES,
  PUBREL_REASON_CODES,
  SUBACK_REASON_CODES,
  UNSUBACK_REASON_CODES,
  WILL_PROPERTIES,
} from "../../src/codec/mod.ts";

type Arb<T> = fc.Arbitrary<T>;

/** MQTT UTF-8 strings: any code points but U+0000. */
export const mqttString: Arb<string> = fc
  .string({ unit: "binary", maxLength: 12 })
  .map((s) => s.replaceAll("\u0000", ""));
const bytes = fc.uint8Array({ maxLength: 24 });
const packetId = fc.integer({ min: 1, max: 0xffff });
const qos = fc.constantFrom(0 as const, 1 as const, 2 as const);

function valueArb(
  def: (typeof PROPERTY_TABLE)[number],
  where: number,
): Arb<unknown> {
  const min = def.nonZero !== undefined ? 1 : 0;
  switch (def.type) {
    case PropertyDataType.Byte:
      return fc.constantFrom(0, 1);
    case PropertyDataType.TwoByteInteger:
      return fc.integer({ min, max: 0xffff });
    case PropertyDataType.FourByteInteger:
      return fc.integer({ min, max: 0xffffffff });
    case PropertyDataType.VariableByteInteger:
      return fc.array(fc.integer({ min: 1, max: 268_435_455 }), {
        minLength: 1,
        maxLength: where === PacketType.PUBLISH ? 3 : 1,
      });
    case PropertyDataType.Utf8String:
      return mqttString;
    case PropertyDataType.BinaryData:
      return bytes;
    default:
      return fc.array(fc.tuple(mqttString, mqttString), {
        minLength: 1,
        maxLength: 3,
      });
  }
}

/** Optional properties allowed in `where`; undefined when none drawn. */
export function properties(where: number): Arb<Properties | undefined> {
  const model: Record<string, Arb<unknown>> = {};
  for (const def of PROPERTY_TABLE) {
    if (def.allowedIn & (1 << where)) model[def.key] = valueArb(def, where);
  }
  return fc.record(model, { requiredKeys: [] }).map((p) => {
    if (Object.keys(p).length === 0) return undefined;
    const props = p as Properties;
    // Authentication Data needs an Authentication Method (§3.1.2.11.10).
    if (props.authenticationData && props.authenticationMethod === undefined) {
      props.authenticationMethod = "m";
    }
    return props;
  });
}

const v5Props = (version: ProtocolVersion, where: number) =>
  version === 5 ? properties(where) : fc.constant(undefined);

function connect(version: ProtocolVersion): Arb<Packet> {
  const will = fc.record({
    topic: mqttString,
    payload: bytes,
    qos,
    retain: fc.boolean(),
    properties: v5Props(version, WILL_PROPERTIES),
  });
  return fc.record({
    clean: fc.boolean(),
    keepAlive: fc.integer({ min: 0, max: 0xffff }),
    clientId: mqttString,
    will: fc.option(will, { nil: undefined }),
    username: fc.option(mqttString, { nil: undefined }),
    password: fc.option(bytes, { nil: undefined }),
    properties: v5Props(version, PacketType.CONNECT),
  }).map((p) => ({
    type: PacketType.CONNECT,
    protocolName: version === 3 ? "MQIsdp" : "MQTT",
    protocolVersion: version,
    ...p,
    // Before 5.0 a password needs a user name [MQTT-3.1.2-22].
    username: p.username ?? (version < 5 && p.password ? "u" : undefined),
  }));
}

function connack(version: ProtocolVersion): Arb<Packet> {
  const codes = version === 5
    ? [...CONNACK_REASON_CODES]
    : [0x00, 0x84, 0x85, 0x88, 0x86, 0x87];
  return fc.record({
    sessionPresent: fc.boolean(),
    reasonCode: fc.constantFrom(...codes),
    properties: v5Props(version, PacketType.CONNACK),
  }).map((p) => ({
    type: PacketType.CONNACK,
    ...p,
    sessionPresent: p.sessionPresent && p.reasonCode === 0 && version > 3,
  } as Packet));
}

function publish(version: ProtocolVersion): Arb<Packet> {
  return fc.record({
    topic: mqttString.filter((t) => t !== ""),
    payload: fc.uint8Array({ maxLength: 80 }),
    qos,
    retain: fc.boolean(),
    dup: fc.boolean(),
    packetId,
    properties: v5Props(version, PacketType.PUBLISH),
  }).map((p) => ({
    type: PacketType.PUBLISH,
    ...p,
    dup: p.dup && p.qos > 0,
    packetId: p.qos > 0 ? p.packetId : undefined,
  }));
}

/** Drops an explicit Success code without properties (the short form). */
function canonicalReason<
  T extends { reasonCode?: number; properties?: Properties },
>(p: T): T {
  return p.reasonCode === 0 && p.properties === undefined
    ? { ...p, reasonCode: undefined }
    : p;
}

function ack(version: ProtocolVersion): Arb<Packet> {
  return fc.constantFrom(4, 5, 6, 7).chain((type) =>
    fc.record({
      packetId,
      reasonCode: version === 5
        ? fc.constantFrom(
          ...(type < 6 ? PUBACK_REASON_CODES : PUBREL_REASON_CODES),
        )
        : fc.constant(undefined),
      properties: v5Props(version, type),
    }).map((p) => canonicalReason({ type, ...p }) as Packet)
  );
}

function subscribe(version: ProtocolVersion): Arb<Packet> {
  const sub = version === 5
    ? fc.record({
      filter: mqttString,
      qos,
      noLocal: fc.boolean(),
      retainAsPublished: fc.boolean(),
      retainHandling: fc.constantFrom(0 as const, 1 as const, 2 as const),
    })
    : fc.record({ filter: mqttString, qos });
  return fc.record({
    packetId,
    subscriptions: fc.array(sub, { minLength: 1, maxLength: 4 }),
    properties: v5Props(version, PacketType.SUBSCRIBE),
  }).map((p) => ({ type: PacketType.SUBSCRIBE, ...p }));
}

function suback(version: ProtocolVersion): Arb<Packet> {
  const codes = version === 5 ? [...SUBACK_REASON_CODES] : [0, 1, 2, 0x80];
  return fc.record({
    packetId,
    reasonCodes: fc.array(fc.constantFrom(...codes), {
      minLength: 1,
      maxLength: 4,
    }),
    properties: v5Props(version, PacketType.SUBACK),
  }).map((p) => ({ type: PacketType.SUBACK, ...p } as Packet));
}

function unsubscribe(version: ProtocolVersion): Arb<Packet> {
  return fc.record({
    packetId,
    filters: fc.array(mqttString, { minLength: 1, maxLength: 4 }),
    properties: v5Props(version, PacketType.UNSUBSCRIBE),
  }).map((p) => ({ type: PacketType.UNSUBSCRIBE, ...p }));
}

function unsuback(version: ProtocolVersion): Arb<Packet> {
  if (version < 5) {
    return packetId.map((id) => ({ type: PacketType.UNSUBACK, packetId: id }));
  }
  return fc.record({
    packetId,
    reasonCodes: fc.array(fc.constantFrom(...UNSUBACK_REASON_CODES), {
      minLength: 1,
      maxLength: 4,
    }),
    properties: properties(PacketType.UNSUBACK),
  }).map((p) => ({ type: PacketType.UNSUBACK, ...p } as Packet));
}

function reasonAndProps(
  type: typeof PacketType.DISCONNECT | typeof PacketType.AUTH,
  codes: ReadonlySet<number>,
): Arb<Packet> {
  return fc.record({
    reasonCode: fc.constantFrom(...codes),
    properties: properties(type),
  }).map((p) => canonicalReason({ type, ...p }) as Packet);
}

/** Arbitrary packets of every type valid for `version`, by name. */
export function packetArbitraries(
  version: ProtocolVersion,
): Record<string, Arb<Packet>> {
  const out: Record<string, Arb<Packet>> = {
    connect: connect(version),
    connack: connack(version),
    publish: publish(version),
    ack: ack(version),
    subscribe: subscribe(version),
    suback: suback(version),
    unsubscribe: unsubscribe(version),
    unsuback: unsuback(version),
    ping: fc.constantFrom(
      { type: PacketType.PINGREQ } as Packet,
      { type: PacketType.PINGRESP } as Packet,
    ),
    disconnect: version === 5
      ? reasonAndProps(PacketType.DISCONNECT, DISCONNECT_REASON_CODES)
      : fc.constant({ type: PacketType.DISCONNECT } as Packet),
  };
  if (version === 5) {
    out.auth = reasonAndProps(PacketType.AUTH, AUTH_REASON_CODES);
  }
  return out;
}

/** Any packet valid for `version`. */
export function anyPacket(version: ProtocolVersion): Arb<Packet> {
  return fc.oneof(...Object.values(packetArbitraries(version)));
}
