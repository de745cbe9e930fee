/**
 * Ensure the five streams of the layout exist (reference §2.1). Existing
 * streams are left as they are (never reconfigured).
 *
 * @module
 */

import { type Api, JetStreamApiError } from "./_api.ts";
import type { Names } from "./_names.ts";

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
        await api.call(
          `STREAM.INFO.${config.name}`,
          undefined,
          `look up ${config.name}`,
        );
        return;
      } catch (error) {
        if (!(error instanceof JetStreamApiError) || error.code !== 404) {
          throw error;
        }
      }
      try {
        await api.call(
          `STREAM.CREATE.${config.name}`,
          config,
          `create ${config.name}`,
        );
      } catch (error) {
        // Another instance created it first.
        if (!(error instanceof JetStreamApiError) || error.errCode !== 10058) {
          throw error;
        }
      }
    }),
  );
}
