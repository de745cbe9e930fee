/**
 * Mutation fuzzing of the decoder, shared by `scripts/fuzz.ts` and the unit
 * test: seeded, deterministic, no dependencies.
 *
 * Every input must decode to packets or throw an MqttError (never another
 * exception), and every packet decoded must re-encode and decode to itself.
 *
 * @module
 */

import {
  type ByteWriter,
  createByteWriter,
  createPacketDecoder,
  encodePacketInto,
  MqttError,
  type Packet,
  type ProtocolVersion,
} from "../../src/codec/mod.ts";
import { fromHex, VECTORS } from "../vectors/mod.ts";

/** A seeded PRNG (mulberry32): returns integers in [0, n). */
export function createRandom(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n: number) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** Every golden vector's bytes, valid and invalid, with its version. */
export function corpus(): Array<
  { bytes: Uint8Array; version: ProtocolVersion }
> {
  return Object.values(VECTORS).flatMap(({ valid, invalid }) =>
    [...valid, ...invalid].map((v) => ({
      bytes: fromHex(v.hex),
      version: v.version,
    }))
  );
}

/** Applies 1–4 random mutations to a copy of `input`. */
export function mutate(
  input: Uint8Array,
  rand: (n: number) => number,
  other: Uint8Array,
): Uint8Array {
  let b = Array.from(input);
  const rounds = 1 + rand(4);
  for (let i = 0; i < rounds; i++) {
    const at = rand(b.length + 1);
    switch (rand(8)) {
      case 0: // flip a bit
        if (b.length) b[at % b.length] ^= 1 << rand(8);
        break;
      case 1: // random byte
        if (b.length) b[at % b.length] = rand(256);
        break;
      case 2: // insert
        b.splice(at, 0, rand(256));
        break;
      case 3: // delete
        b.splice(at, 1 + rand(3));
        break;
      case 4: // truncate
        b = b.slice(0, at);
        break;
      case 5: // interesting byte
        if (b.length) b[at % b.length] = [0, 0x7f, 0x80, 0xff, 0x01][rand(5)];
        break;
      case 6: // splice another input in
        b.splice(at, 0, ...other.subarray(rand(other.length + 1)));
        break;
      default: // duplicate a range
        b.splice(at, 0, ...b.slice(rand(b.length + 1), rand(b.length + 1)));
    }
  }
  return new Uint8Array(b);
}

/** Splits bytes at random offsets. */
function chunked(bytes: Uint8Array, rand: (n: number) => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const n = 1 + rand(bytes.length - pos);
    out.push(bytes.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

/** Decodes in chunks; packets, or the MqttError. Rethrows anything else. */
function decode(
  chunks: Uint8Array[],
  version: ProtocolVersion,
  copyChunks: boolean,
): { packets: Packet[]; error?: MqttError } {
  const decoder = createPacketDecoder({
    version,
    maxPacketSize: 1 << 16,
    copyChunks,
  });
  const packets: Packet[] = [];
  try {
    for (const c of chunks) packets.push(...decoder.push(c));
    decoder.end();
  } catch (err) {
    if (err instanceof MqttError) return { packets, error: err };
    throw err;
  }
  return { packets };
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Each packet's canonical encoding (a view of `w`), with the version it was
 * decoded in. One reused writer: ArrayBuffers are costly to allocate on Deno.
 */
function encodings(
  w: ByteWriter,
  packets: Packet[],
  version: ProtocolVersion,
): Array<{ bytes: Uint8Array; version: ProtocolVersion }> {
  let v = version;
  let learnt = false;
  w.pos = 0;
  const spans = packets.map((p) => {
    if (p.type === 1 && !learnt) {
      v = p.protocolVersion;
      learnt = true;
    }
    const start = w.pos;
    encodePacketInto(w, p, v);
    return { start, end: w.pos, version: v };
  });
  return spans.map((s) => ({
    bytes: w.buf.subarray(s.start, s.end),
    version: s.version,
  }));
}

/** Per-fuzz-run scratch space. */
interface Scratch {
  a: ByteWriter;
  b: ByteWriter;
}

function sameOutcome(
  x: { packets: Packet[]; error?: MqttError },
  y: { packets: Packet[]; error?: MqttError },
  version: ProtocolVersion,
  scratch: Scratch,
): boolean {
  if (x.error?.reasonCode !== y.error?.reasonCode) return false;
  if (x.packets.length !== y.packets.length) return false;
  const ex = encodings(scratch.a, x.packets, version);
  const ey = encodings(scratch.b, y.packets, version);
  return ex.every((e, i) => bytesEqual(e.bytes, ey[i].bytes));
}

/** Checks one input; throws an Error naming the input when it misbehaves. */
export function checkInput(
  bytes: Uint8Array,
  version: ProtocolVersion,
  rand: (n: number) => number,
  scratch: Scratch = { a: createByteWriter(), b: createByteWriter() },
): void {
  try {
    const whole = decode([bytes], version, true);
    const split = decode(chunked(bytes, rand), version, false);
    if (!sameOutcome(whole, split, version, scratch)) {
      throw new Error("chunking changed the result");
    }
    for (const e of encodings(scratch.a, whole.packets, version)) {
      const again = decode([e.bytes], e.version, false);
      if (again.error || again.packets.length !== 1) {
        throw new Error("a decoded packet's encoding does not decode");
      }
      const [re] = encodings(scratch.b, again.packets, e.version);
      if (!bytesEqual(re.bytes, e.bytes)) {
        throw new Error("decoded packet does not re-encode to itself");
      }
    }
  } catch (err) {
    const hex = Array.from(bytes, (x) => x.toString(16).padStart(2, "0"));
    throw new Error(
      `Fuzz input v${version} [${hex.join(" ")}] failed: ${err}`,
      {
        cause: err,
      },
    );
  }
}

/** Runs `iterations` mutations (or until `deadline` ms), from `seed`. */
export function fuzz(
  options: { seed: number; iterations?: number; deadline?: number },
): number {
  const rand = createRandom(options.seed);
  const inputs = corpus();
  const scratch = { a: createByteWriter(), b: createByteWriter() };
  const max = options.iterations ?? Infinity;
  let n = 0;
  for (; n < max; n++) {
    if (options.deadline !== undefined && (n & 1023) === 0) {
      if (performance.now() > options.deadline) break;
    }
    const base = inputs[rand(inputs.length)];
    const other = inputs[rand(inputs.length)].bytes;
    const version = rand(4) === 0
      ? ([3, 4, 5] as const)[rand(3)]
      : base.version;
    checkInput(mutate(base.bytes, rand, other), version, rand, scratch);
  }
  return n;
}
