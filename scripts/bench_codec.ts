// deno-lint-ignore-file no-console
/**
 * Codec throughput benchmark, for Deno and Bun:
 *
 *     deno run -A scripts/bench_codec.ts [--seconds 2]
 *     bun scripts/bench_codec.ts [--seconds 2]
 *
 * Decode: 64-byte-payload QoS 0 PUBLISH packets on a 14-byte topic, arriving
 * 1,000 per network chunk (≈ 86 KB), through `createPacketDecoder` (the
 * synchronous core of PacketDecoderStream). Encode: the same packets through
 * a reused `ByteWriter` (the per-connection writer's path).
 *
 * @module
 */

import {
  createByteWriter,
  createPacketDecoder,
  encodePacket,
  encodePacketInto,
  type Packet,
  PacketDecoderStream,
  type PublishPacket,
} from "../src/codec/mod.ts";

const args = globalThis.process?.argv ?? [];
const secondsArg = args.indexOf("--seconds");
const SECONDS = secondsArg >= 0 ? Number(args[secondsArg + 1]) : 2;
const PER_CHUNK = 1000;
const runtime = "Bun" in globalThis
  ? "bun"
  : "Deno" in globalThis
  ? "deno"
  : "node";

function samplePublish(i: number): PublishPacket {
  return {
    type: 3,
    topic: "sensors/temp/1",
    payload: new Uint8Array(64).fill(i & 0xff),
    qos: 0,
    retain: false,
    dup: false,
  };
}

function makeChunk(version: 4 | 5): Uint8Array {
  const one = encodePacket(samplePublish(1), version);
  const chunk = new Uint8Array(one.length * PER_CHUNK);
  for (let i = 0; i < PER_CHUNK; i++) chunk.set(one, i * one.length);
  return chunk;
}

function run(name: string, body: () => number): void {
  // Warm up, then measure whole batches for SECONDS.
  const warm = performance.now() + 300;
  while (performance.now() < warm) body();
  let packets = 0;
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  let now = start;
  while (now < deadline) {
    packets += body();
    now = performance.now();
  }
  const rate = packets / ((now - start) / 1000);
  console.log(`${runtime}\t${name}\t${(rate / 1e6).toFixed(2)}M packets/s`);
}

function benchDecode(version: 4 | 5): void {
  const chunk = makeChunk(version);
  const decoder = createPacketDecoder({ version });
  let sink = 0;
  run(`decode PUBLISH v${version} (${PER_CHUNK}/chunk)`, () => {
    const packets: Packet[] = decoder.push(chunk);
    sink += packets.length;
    return packets.length;
  });
  if (sink === 0) throw new Error("decoded nothing");
}

function benchEncode(version: 4 | 5): void {
  const w = createByteWriter(1 << 20);
  const packets = Array.from({ length: PER_CHUNK }, (_, i) => samplePublish(i));
  run(`encode PUBLISH v${version}`, () => {
    w.pos = 0;
    for (let i = 0; i < PER_CHUNK; i++) {
      encodePacketInto(w, packets[i], version);
    }
    return PER_CHUNK;
  });
}

async function benchStream(): Promise<void> {
  const chunk = makeChunk(4);
  const rounds = 2000;
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < rounds; i++) controller.enqueue(chunk);
      controller.close();
    },
  });
  const start = performance.now();
  let n = 0;
  for await (const batch of source.pipeThrough(new PacketDecoderStream())) {
    n += batch.length;
  }
  const rate = n / ((performance.now() - start) / 1000);
  console.log(
    `${runtime}\tPacketDecoderStream v4 (${PER_CHUNK}/chunk)\t${
      (rate / 1e6).toFixed(2)
    }M packets/s`,
  );
}

benchDecode(4);
benchDecode(5);
benchEncode(4);
benchEncode(5);
await benchStream();
