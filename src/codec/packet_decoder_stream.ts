/**
 * The inbound stream stage: bytes in, arrays of packets out.
 *
 * @module
 */

import {
  createPacketDecoder,
  type PacketDecoderOptions,
} from "./packet_decoder.ts";
import type { Packet, ProtocolVersion } from "./types.ts";

/**
 * Frames and decodes in one stage, enqueueing the packets completed by each
 * network chunk as one array (no empty arrays). Bad input errors the stream
 * with an MqttError carrying the reason code (after enqueueing the packets
 * that preceded it in the chunk); so does a stream that ends inside a
 * packet. The protocol version is learnt from CONNECT.
 *
 * @example
 * ```ts
 * import { PacketDecoderStream } from "./packet_decoder_stream.ts";
 * const bytes = ReadableStream.from([new Uint8Array([0xc0, 0x00])]);
 * const batches = await Array.fromAsync(bytes.pipeThrough(new PacketDecoderStream()));
 * batches; // [[{ type: 12 }]]
 * ```
 */
export class PacketDecoderStream extends TransformStream<Uint8Array, Packet[]> {
  #decoder;

  /** Creates the stage; see {@link PacketDecoderOptions}. */
  constructor(options: PacketDecoderOptions = {}) {
    const decoder = createPacketDecoder(options);
    super({
      transform(chunk, controller) {
        const packets = decoder.push(chunk);
        if (packets.length > 0) controller.enqueue(packets);
        // Good packets before bad bytes reach a waiting reader first; an
        // unread batch is dropped when the stream errors, which is fine for a
        // connection closed for a protocol violation.
        const err = decoder.pendingError;
        if (err !== undefined) controller.error(err);
      },
      flush() {
        decoder.end();
      },
    });
    this.#decoder = decoder;
  }

  /** The protocol version learnt from CONNECT (or given in options). */
  get version(): ProtocolVersion | undefined {
    return this.#decoder.version;
  }
}
