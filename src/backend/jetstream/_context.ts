/**
 * What every part of the JetStream backend shares: the connection, the API,
 * names, clock, logger, metrics, and the pipelined JetStream publish.
 *
 * @module
 */

import type { MsgHdrs, NatsConnection } from "@nats-io/transport-node";
import type { Logger, Metrics } from "../../observability/types.ts";
import { type Api, parseReply } from "./_api.ts";
import type { HeaderMemo } from "./_codec.ts";
import type { Names } from "./_names.ts";
import type { Requester } from "./_requester.ts";

/** A JetStream publish acknowledgement. */
export interface PubAck {
  stream: string;
  seq: number;
  duplicate?: boolean;
}

/** Shared by the parts of one backend instance. */
export interface Context {
  nc: NatsConnection;
  api: Api;
  requester: Requester;
  names: Names;
  /** Node hash of this instance (`origin` of its records). */
  node: string;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  /** Consumer ack wait in ns. */
  ackWaitNs: number;
  /** Consumer max ack pending. */
  maxAckPending: number;
  /** JetStream publish, at most `publishWindow` in flight. */
  jsPublish(
    subject: string,
    data: Uint8Array,
    headers?: MsgHdrs,
  ): Promise<PubAck>;
  /** A fresh unique token (NUID). */
  nuid(): string;
  /** The last delivery header block parsed (`headerView`). */
  headerMemo: HeaderMemo;
}

/**
 * A JetStream publish with a bounded number of acks outstanding: callers
 * beyond `window` wait for a slot, so a fast publisher is paced by the store
 * instead of growing memory (issue #4: pipelined, bounded).
 */
export function createJsPublish(
  requester: Requester,
  window: number,
): Context["jsPublish"] {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    inFlight--;
    waiting.shift()?.();
  };
  return async (subject, data, headers) => {
    if (inFlight >= window) {
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    inFlight++;
    try {
      const msg = await requester.request(subject, data, {
        kind: "MS",
        headers,
      });
      if (msg.headers?.code === 503) {
        throw new Error(`Cannot store on ${subject}: no stream`);
      }
      return parseReply<PubAck>(msg.data, `store on ${subject}`);
    } finally {
      release();
    }
  };
}
