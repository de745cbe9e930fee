// deno-lint-ignore-file no-console
/**
 * Codec throughput benchmark, for Deno and Bun:
 *
 *     deno run -A scripts/bench_codec.ts [--seconds 2]
 *     bun scripts/bench_codec.ts [--seconds 2]
 *
 * Decode: 64-byte-payload QoS 0 PUBLISH packets on a 14-byte topic, arriving
 * 1,000 per network chunk (≈ 86 KB), through `createPacketDecoder` (the
 * synchronous core of PacketDecoderStream), with the default one copy per
 * chunk and without it (`copyChunks: false`, for transports that hand over
 * fresh chunks). Encode: the same packets through
 * a reused `ByteWriter` (the per-connection writer's path).
 *
 * @module
 */

import {
  createByteWriter,
  createPacketDecoder,
  createPacketWriter,
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

function samplePublish(i: number, withProps = false): PublishPacket {
  return {
    type: 3,
    topic: "sensors/temp/1",
    payload: new Uint8Array(64).fill(i & 0xff),
    qos: 0,
    retain: false,
    dup: false,
    // What a v5 subscriber with a subscription identifier receives.
    properties: withProps ? { subscriptionIdentifiers: [7] } : undefined,
  };
}

function makeChunk(version: 4 | 5, withProps = false): Uint8Array {
  const one = encodePacket(samplePublish(1, withProps), version);
  const chunk = new Uint8Array(one.length * PER_CHUNK);
  for (let i = 0; i < PER_CHUNK; i++) chunk.set(one, i * one.length);
  return chunk;
}

/** Process CPU time in µs (user + system), where the runtime offers it. */
function cpuMicros(): number {
  const usage = globalThis.process?.cpuUsage?.();
  return usage ? usage.user + usage.system : NaN;
}

/**
 * Prints the rate per wall-clock second and per CPU second: on a shared
 * machine the second is the steadier figure.
 */
function report(name: string, packets: number, wallMs: number, cpuMs: number) {
  const wall = packets / wallMs / 1000;
  const cpu = packets / cpuMs / 1000;
  console.log(
    `${runtime}\t${name}\t${wall.toFixed(2)}M packets/s wall\t${
      cpu.toFixed(2)
    }M packets/CPU-s`,
  );
}

function run(name: string, body: () => number): void {
  // Warm up, then measure whole batches for SECONDS.
  const warm = performance.now() + 300;
  while (performance.now() < warm) body();
  let packets = 0;
  const cpu0 = cpuMicros();
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  let now = start;
  while (now < deadline) {
    packets += body();
    now = performance.now();
  }
  report(name, packets, now - start, (cpuMicros() - cpu0) / 1000);
}

function benchDecode(version: 4 | 5, copyChunks = true, props = false): void {
  const chunk = makeChunk(version, props);
  const decoder = createPacketDecoder({ version, copyChunks });
  let sink = 0;
  const label = (copyChunks ? "" : ", copyChunks: false") +
    (props ? ", subscription id" : "");
  run(`decode PUBLISH v${version} (${PER_CHUNK}/chunk${label})`, () => {
    const packets: Packet[] = decoder.push(chunk);
    sink += packets.length;
    return packets.length;
  });
  if (sink === 0) throw new Error("decoded nothing");
}

function benchEncode(version: 4 | 5, props = false): void {
  const w = createByteWriter(1 << 20);
  const packets = Array.from(
    { length: PER_CHUNK },
    (_, i) => samplePublish(i, props),
  );
  run(`encode PUBLISH v${version}${props ? " (subscription id)" : ""}`, () => {
    w.pos = 0;
    for (let i = 0; i < PER_CHUNK; i++) {
      encodePacketInto(w, packets[i], version);
    }
    return PER_CHUNK;
  });
}

/** Pipes `rounds` chunks through a fresh PacketDecoderStream. */
async function streamRound(chunk: Uint8Array, rounds: number): Promise<number> {
  let sent = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ < rounds) controller.enqueue(chunk);
      else controller.close();
    },
  });
  let n = 0;
  for await (const batch of source.pipeThrough(new PacketDecoderStream())) {
    n += batch.length;
  }
  return n;
}

async function benchStream(): Promise<void> {
  const chunk = makeChunk(4);
  const warm = performance.now() + 300;
  while (performance.now() < warm) await streamRound(chunk, 50);
  const cpu0 = cpuMicros();
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  let n = 0;
  while (performance.now() < deadline) n += await streamRound(chunk, 200);
  report(
    `PacketDecoderStream v4 (${PER_CHUNK}/chunk)`,
    n,
    performance.now() - start,
    (cpuMicros() - cpu0) / 1000,
  );
}

async function benchWriter(): Promise<void> {
  let bytes = 0;
  const sink = new WritableStream<Uint8Array>({
    write(chunk) {
      bytes += chunk.length;
    },
  });
  const out = createPacketWriter(sink.getWriter(), { version: 4 });
  const packets = Array.from({ length: PER_CHUNK }, (_, i) => samplePublish(i));
  const round = async () => {
    for (let i = 0; i < PER_CHUNK; i++) out.write(packets[i]);
    await out.flush();
    return PER_CHUNK;
  };
  const warm = performance.now() + 300;
  while (performance.now() < warm) await round();
  const cpu0 = cpuMicros();
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  let n = 0;
  while (performance.now() < deadline) n += await round();
  report(
    `createPacketWriter PUBLISH v4 (${PER_CHUNK}/flush)`,
    n,
    performance.now() - start,
    (cpuMicros() - cpu0) / 1000,
  );
  if (bytes === 0) throw new Error("wrote nothing");
}

benchDecode(4);
benchDecode(5);
benchDecode(4, false);
benchDecode(5, true, true);
benchEncode(4);
benchEncode(5);
benchEncode(5, true);
await benchStream();
await benchWriter();
