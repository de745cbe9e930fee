/**
 * Minimal MQTT 3.1.1 / 5.0 wire encoding for the load generator: only the
 * packets a benchmark client sends, encoded once into plain byte arrays, and
 * a framer that finds packet boundaries without decoding bodies.
 *
 * Self-contained on purpose (imports nothing of ours), so the benchmark does
 * not depend on the codec it measures.
 *
 * @module
 */

/** Protocol level: 4 = 3.1.1, 5 = 5.0. */
export type Version = 4 | 5;

/** Packet type nibbles used here. */
export const T = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
} as const;

const TEXT = new TextEncoder();

/** Bytes of a remaining-length variable byte integer. */
function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function str(s: string): number[] {
  const b = TEXT.encode(s);
  return [b.length >> 8, b.length & 0xff, ...b];
}

function packet(first: number, body: number[]): Uint8Array {
  return Uint8Array.from([first, ...varint(body.length), ...body]);
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Options of CONNECT. */
export interface ConnectOptions {
  clientId: string;
  version: Version;
  clean: boolean;
  keepAlive?: number;
  /** v5 Session Expiry Interval (seconds); for persistent v5 sessions. */
  sessionExpiry?: number;
  /** v5 Receive Maximum. */
  receiveMaximum?: number;
}

/** Encode CONNECT (no will, no credentials). */
export function encodeConnect(o: ConnectOptions): Uint8Array {
  const body = [...str("MQTT"), o.version, o.clean ? 0x02 : 0x00];
  const ka = o.keepAlive ?? 0;
  body.push(ka >> 8, ka & 0xff);
  if (o.version === 5) {
    const props: number[] = [];
    if (o.sessionExpiry) props.push(0x11, ...u32(o.sessionExpiry));
    if (o.receiveMaximum) {
      props.push(0x21, o.receiveMaximum >> 8, o.receiveMaximum & 0xff);
    }
    body.push(...varint(props.length), ...props);
  }
  body.push(...str(o.clientId));
  return packet(T.CONNECT << 4, body);
}

/** A pre-encoded PUBLISH; `pidOffset` is where the packet id goes (-1 at qos 0). */
export interface PublishTemplate {
  bytes: Uint8Array;
  pidOffset: number;
  /** Offset of the first payload byte (for per-message stamps). */
  payloadOffset: number;
}

/** Options of one PUBLISH template. */
export interface PublishOptions {
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1 | 2;
  retain?: boolean;
  version: Version;
}

/** Encode a PUBLISH once; copy it and patch the packet id per send. */
export function encodePublish(o: PublishOptions): PublishTemplate {
  const head = [...str(o.topic)];
  const pidAt = head.length;
  if (o.qos > 0) head.push(0, 1);
  if (o.version === 5) head.push(0); // empty properties
  const remaining = head.length + o.payload.length;
  const fixed = [
    (T.PUBLISH << 4) | (o.qos << 1) | (o.retain ? 1 : 0),
    ...varint(remaining),
  ];
  const bytes = new Uint8Array(fixed.length + remaining);
  bytes.set(fixed, 0);
  bytes.set(head, fixed.length);
  const payloadOffset = fixed.length + head.length;
  bytes.set(o.payload, payloadOffset);
  const pidOffset = o.qos > 0 ? fixed.length + pidAt : -1;
  return { bytes, pidOffset, payloadOffset };
}

/** Write a 2-byte ack (PUBACK/PUBREC/PUBREL/PUBCOMP) into `out` at `at`. */
export function writeAck(
  out: Uint8Array,
  at: number,
  type: number,
  packetId: number,
): number {
  out[at] = (type << 4) | (type === T.PUBREL ? 0x02 : 0);
  out[at + 1] = 2;
  out[at + 2] = packetId >> 8;
  out[at + 3] = packetId & 0xff;
  return at + 4;
}

/** Encode SUBSCRIBE for the given filters, all at one QoS. */
export function encodeSubscribe(
  packetId: number,
  filters: string[],
  qos: 0 | 1 | 2,
  version: Version,
): Uint8Array {
  const body = [packetId >> 8, packetId & 0xff];
  if (version === 5) body.push(0);
  for (const f of filters) body.push(...str(f), qos);
  return packet((T.SUBSCRIBE << 4) | 0x02, body);
}

/** PINGREQ. */
export const PINGREQ: Uint8Array = Uint8Array.of(T.PINGREQ << 4, 0);
/** DISCONNECT (normal, both versions). */
export const DISCONNECT: Uint8Array = Uint8Array.of(T.DISCONNECT << 4, 0);

/**
 * Called per framed packet: `first` is the fixed-header byte, the body is
 * `buf[start..end)`. The buffer is only valid during the call.
 */
export type OnPacket = (
  first: number,
  buf: Uint8Array,
  start: number,
  end: number,
) => void;

/**
 * Incremental framer: feed network chunks, get packets. Complete packets are
 * reported straight from the chunk; only a trailing partial packet is copied.
 */
export function createFramer(
  onPacket: OnPacket,
): (chunk: Uint8Array) => void {
  let rest: Uint8Array | null = null;
  return (chunk) => {
    let buf = chunk;
    if (rest !== null) {
      buf = new Uint8Array(rest.length + chunk.length);
      buf.set(rest, 0);
      buf.set(chunk, rest.length);
      rest = null;
    }
    const len = buf.length;
    let i = 0;
    while (i < len) {
      if (i + 2 > len) break;
      let mult = 1;
      let rl = 0;
      let j = i + 1;
      let done = false;
      while (j < len && j < i + 5) {
        const b = buf[j++];
        rl += (b & 0x7f) * mult;
        mult *= 128;
        if ((b & 0x80) === 0) {
          done = true;
          break;
        }
      }
      if (!done || j + rl > len) break;
      onPacket(buf[i], buf, j, j + rl);
      i = j + rl;
    }
    if (i < len) rest = buf.slice(i);
  };
}

/** Where the payload of a PUBLISH body starts (after topic, id, props). */
export function publishPayloadStart(
  first: number,
  buf: Uint8Array,
  start: number,
  version: Version,
): number {
  let p = start + 2 + ((buf[start] << 8) | buf[start + 1]);
  if (((first >> 1) & 3) > 0) p += 2;
  if (version === 5) {
    let mult = 1;
    let n = 0;
    let b: number;
    do {
      b = buf[p++];
      n += (b & 0x7f) * mult;
      mult *= 128;
    } while (b & 0x80);
    p += n;
  }
  return p;
}

/** The packet id of a PUBLISH body with qos > 0. */
export function publishPacketId(buf: Uint8Array, start: number): number {
  const p = start + 2 + ((buf[start] << 8) | buf[start + 1]);
  return (buf[p] << 8) | buf[p + 1];
}
