/**
 * Ensure the five streams of the layout exist (reference §2.1). Existing
 * streams are left as they are (never reconfigured), except the retained
 * stream of nats-server 2.9, migrated once (§2.3).
 *
 * @module
 */

import { headers } from "@nats-io/transport-node";
import {
  type Api,
  deleteMessage,
  ErrCode,
  getNext,
  isNotFound,
  JetStreamApiError,
} from "./_api.ts";
import { HDR_RFLAGS, HDR_RTOPIC, type Names } from "./_names.ts";

interface StreamConfig {
  name: string;
  subjects: string[];
  retention: "limits" | "interest";
  storage: "file" | "memory";
  num_replicas: number;
  max_msgs_per_subject?: number;
  discard?: "old" | "new";
  discard_new_per_subject?: boolean;
}

/** The stream configs for `names`. */
export function streamConfigs(names: Names, replicas: number): StreamConfig[] {
  const base = { storage: "file" as const, num_replicas: replicas };
  const p = names.prefix;
  return [
    {
      ...base,
      name: names.sessStream,
      subjects: [`${p}.sess.>`],
      retention: "limits",
      max_msgs_per_subject: 1,
    },
    {
      ...base,
      name: names.msgsStream,
      subjects: [`${p}.msgs.>`],
      retention: "interest",
    },
    {
      ...base,
      name: names.rmsgsStream,
      subjects: [`${p}.rmsgs.>`],
      retention: "limits",
      max_msgs_per_subject: 1,
    },
    {
      ...base,
      name: names.qos2Stream,
      subjects: [`${p}.qos2.in.>`],
      retention: "limits",
      max_msgs_per_subject: 1,
      discard: "new",
      discard_new_per_subject: true,
    },
    {
      ...base,
      name: names.outStream,
      subjects: [`${p}.out.>`],
      retention: "interest",
    },
  ];
}

/** Look each stream up and create the missing ones. */
export async function ensureStreams(
  api: Api,
  names: Names,
  replicas: number,
): Promise<void> {
  await Promise.all(
    streamConfigs(names, replicas).map(async (config) => {
      try {
        const info = await api.call<{ config: StoredConfig }>(
          `STREAM.INFO.${config.name}`,
          undefined,
          `look up ${config.name}`,
        );
        if (config.name === names.rmsgsStream) {
          await migrateRetained(api, names, info.config);
        }
        return;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      try {
        await api.call(
          `STREAM.CREATE.${config.name}`,
          config,
          `create ${config.name}`,
        );
      } catch (error) {
        // Another instance created it first.
        if (
          !(error instanceof JetStreamApiError) ||
          error.errCode !== ErrCode.StreamNameInUse
        ) {
          throw error;
        }
      }
    }),
  );
}

/** What we read of an existing stream's config. */
interface StoredConfig {
  subjects?: string[];
  max_msgs_per_subject?: number;
  [key: string]: unknown;
}

const decoder = new TextDecoder();

/**
 * nats-server 2.9 kept every retained message as JSON on the single subject
 * `$MQTT.rmsgs` (reference §2.3): add `$MQTT.rmsgs.>`, re-store each record
 * at `$MQTT.rmsgs.<subject>` with the §4.1 headers, delete the original,
 * then limit the stream to one message per subject.
 */
async function migrateRetained(
  api: Api,
  names: Names,
  config: StoredConfig,
): Promise<void> {
  const wide = `${names.rmsgs}>`;
  const legacy = names.rmsgs.slice(0, -1);
  if (config.subjects?.includes(wide)) return;
  const subjects = [...(config.subjects ?? []), wide];
  await api.call(
    `STREAM.UPDATE.${names.rmsgsStream}`,
    { ...config, subjects },
    `add ${wide} to ${names.rmsgsStream}`,
  );
  // Read all, oldest first: the newest record of a subject wins.
  const latest = new Map<
    string,
    { topic: string; msg: string; flags: number }
  >();
  const seqs: number[] = [];
  for (let from = 1;;) {
    const old = await getNext(api, names.rmsgsStream, legacy, from);
    if (!old) break;
    from = old.seq + 1;
    seqs.push(old.seq);
    try {
      const json = JSON.parse(decoder.decode(old.data));
      const subject = String(json.subject ?? "");
      if (subject && typeof json.msg === "string") {
        latest.set(subject, {
          topic: String(json.topic ?? ""),
          msg: json.msg,
          flags: Number(json.flags) & 0x0f,
        });
      }
    } catch {
      // Not a readable record: dropped with the original below.
    }
  }
  for (const [subject, r] of latest) {
    const h = headers();
    h.set(HDR_RTOPIC, r.topic);
    h.set(HDR_RFLAGS, r.flags.toString(16));
    const bin = atob(r.msg);
    const payload = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) payload[i] = bin.charCodeAt(i);
    await api.publish(names.rmsgs + subject, payload, h);
  }
  for (const seq of seqs) await deleteMessage(api, names.rmsgsStream, seq);
  await api.call(
    `STREAM.UPDATE.${names.rmsgsStream}`,
    { ...config, subjects: [wide], max_msgs_per_subject: 1 },
    `limit ${names.rmsgsStream} to one message per subject`,
  );
}
