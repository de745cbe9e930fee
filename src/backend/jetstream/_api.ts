/**
 * The JetStream API calls the backend makes, as plain JSON requests through
 * the reply mux (so they work the same on nats-server 2.9.10 and later).
 *
 * @module
 */

import type { MsgHdrs } from "@nats-io/transport-node";
import type { Requester } from "./_requester.ts";

/** A JetStream API error reply. */
export class JetStreamApiError extends Error {
  /** JetStream `err_code` (e.g. 10037 no message found). */
  readonly errCode: number;
  /** HTTP-like `code`. */
  readonly code: number;
  constructor(
    message: string,
    code: number,
    errCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "JetStreamApiError";
    this.code = code;
    this.errCode = errCode;
  }
}

/** JetStream error codes we branch on. */
export const ErrCode = {
  NoMessageFound: 10037,
  WrongLastSequence: 10071,
  MaxMsgsPerSubject: 10077,
  StreamNameInUse: 10058,
} as const;

/** Whether `error` is a JetStream "not found" reply (HTTP-like 404). */
export function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === 404;
}

interface ApiReply {
  error?: { code: number; err_code?: number; description?: string };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** Parse a JSON reply, throwing `JetStreamApiError` on `error`. */
export function parseReply<T>(data: Uint8Array, what: string): T {
  let reply: T & ApiReply;
  try {
    reply = JSON.parse(decoder.decode(data));
  } catch (cause) {
    throw new Error(`Cannot ${what}: unreadable reply`, { cause });
  }
  if (reply === null || typeof reply !== "object") {
    throw new Error(`Cannot ${what}: empty reply`);
  }
  if (reply.error) {
    const { code, err_code: errCode = 0, description = "" } = reply.error;
    throw new JetStreamApiError(
      `Cannot ${what}: ${description}`,
      code,
      errCode,
    );
  }
  return reply;
}

/** A JetStream API client over the reply mux. */
export interface Api {
  call<T>(subject: string, body: unknown, what: string): Promise<T>;
  /** A JetStream publish (store) awaiting its ack, outside any window. */
  publish(
    subject: string,
    data: Uint8Array,
    headers?: MsgHdrs,
  ): Promise<{ seq: number }>;
}

/** Bind `$JS.API.` calls to `requester`. */
export function createApi(requester: Requester, apiPrefix = "$JS.API."): Api {
  return {
    async call<T>(subject: string, body: unknown, what: string): Promise<T> {
      const data = body === undefined
        ? EMPTY
        : encoder.encode(JSON.stringify(body));
      const msg = await requester.request(apiPrefix + subject, data, {
        kind: "API",
      });
      if (msg.headers?.code === 503) {
        throw new Error(`Cannot ${what}: JetStream not available`);
      }
      return parseReply<T>(msg.data, what);
    },
    async publish(subject, data, headers) {
      const msg = await requester.request(subject, data, {
        kind: "MS",
        headers,
      });
      return parseReply<{ seq: number }>(msg.data, `store on ${subject}`);
    },
  };
}

/** A stored message as the `STREAM.MSG.GET` API returns it. */
export interface StoredMessage {
  subject: string;
  seq: number;
  data: Uint8Array;
  /** Raw `NATS/1.0` header block, if any. */
  hdrs?: Uint8Array;
}

interface RawStored {
  message: { subject: string; seq: number; data?: string; hdrs?: string };
}

function b64(text: string | undefined): Uint8Array {
  if (!text) return EMPTY;
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Last message on `subject`, or undefined when there is none. */
export function getLast(
  api: Api,
  stream: string,
  subject: string,
): Promise<StoredMessage | undefined> {
  return getStored(api, stream, { last_by_subj: subject }, subject);
}

/** First message on `subject` at or after `seq`, if any. */
export function getNext(
  api: Api,
  stream: string,
  subject: string,
  seq: number,
): Promise<StoredMessage | undefined> {
  return getStored(api, stream, { seq, next_by_subj: subject }, subject);
}

async function getStored(
  api: Api,
  stream: string,
  request: Record<string, unknown>,
  subject: string,
): Promise<StoredMessage | undefined> {
  try {
    const { message } = await api.call<RawStored>(
      `STREAM.MSG.GET.${stream}`,
      request,
      `get a message of ${subject}`,
    );
    return {
      subject: message.subject,
      seq: message.seq,
      data: b64(message.data),
      hdrs: message.hdrs ? b64(message.hdrs) : undefined,
    };
  } catch (error) {
    if (
      error instanceof JetStreamApiError &&
      (error.errCode === ErrCode.NoMessageFound || error.code === 404)
    ) return undefined;
    throw error;
  }
}

/** Delete one message by sequence; false when it was already gone. */
export async function deleteMessage(
  api: Api,
  stream: string,
  seq: number,
): Promise<boolean> {
  try {
    await api.call(
      `STREAM.MSG.DELETE.${stream}`,
      { seq, no_erase: true },
      `delete message ${seq}`,
    );
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Purge every message on `subject` (wildcards allowed); how many went. */
export async function purgeSubject(
  api: Api,
  stream: string,
  subject: string,
): Promise<number> {
  const reply = await api.call<{ purged?: number }>(
    `STREAM.PURGE.${stream}`,
    { filter: subject },
    `purge ${subject}`,
  );
  return reply.purged ?? 0;
}

/** Consumer config fields we set (JS API JSON names). */
export interface ConsumerConfig {
  durable_name?: string;
  name?: string;
  deliver_subject: string;
  deliver_group?: string;
  deliver_policy: "new" | "all" | "by_start_sequence";
  opt_start_seq?: number;
  ack_policy: "explicit" | "none" | "all";
  ack_wait?: number;
  filter_subject: string;
  max_ack_pending?: number;
  replay_policy: "instant";
  inactive_threshold?: number;
  mem_storage?: boolean;
}

/** Consumer info fields we read. */
export interface ConsumerInfo {
  name: string;
  config: ConsumerConfig;
  delivered: { consumer_seq: number; stream_seq: number };
  ack_floor: { consumer_seq: number; stream_seq: number };
  num_ack_pending: number;
  num_pending: number;
}

/** Create (or update, same config) a durable push consumer. */
export async function createDurable(
  api: Api,
  stream: string,
  config: ConsumerConfig,
): Promise<ConsumerInfo> {
  return await api.call<ConsumerInfo>(
    `CONSUMER.DURABLE.CREATE.${stream}.${config.durable_name}`,
    { stream_name: stream, config },
    `create consumer ${config.durable_name}`,
  );
}

/** Create an ephemeral push consumer. */
export async function createEphemeral(
  api: Api,
  stream: string,
  config: ConsumerConfig,
): Promise<ConsumerInfo> {
  return await api.call<ConsumerInfo>(
    `CONSUMER.CREATE.${stream}`,
    { stream_name: stream, config },
    `create consumer on ${stream}`,
  );
}

/** Consumer info, or undefined when it does not exist. */
export async function consumerInfo(
  api: Api,
  stream: string,
  name: string,
): Promise<ConsumerInfo | undefined> {
  try {
    return await api.call<ConsumerInfo>(
      `CONSUMER.INFO.${stream}.${name}`,
      undefined,
      `get consumer ${name}`,
    );
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Delete a consumer; a missing one is not an error. */
export async function deleteConsumer(
  api: Api,
  stream: string,
  name: string,
): Promise<void> {
  try {
    await api.call(
      `CONSUMER.DELETE.${stream}.${name}`,
      undefined,
      `delete consumer ${name}`,
    );
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
}

/** Subjects in `stream` matching `filter` that hold messages. */
export async function subjectsOf(
  api: Api,
  stream: string,
  filter: string,
): Promise<string[]> {
  const info = await api.call<
    { state?: { subjects?: Record<string, number> } }
  >(
    `STREAM.INFO.${stream}`,
    { subjects_filter: filter },
    `list subjects of ${stream}`,
  );
  return Object.keys(info.state?.subjects ?? {});
}
