/**
 * Shared subscriptions `$share/<group>/<filter>` on NATS: QoS 0 through a
 * NATS queue group (one queue subscription per group and NATS subject per
 * instance, so plain NATS queue subscribers share the load too), QoS ≥ 1
 * through one durable consumer per group and NATS subject whose push
 * deliveries go to a deliver group; each instance then picks one local
 * member, online first, round robin [MQTT-4.8.2-4].
 *
 * @module
 */

import type { Msg, Subscription } from "@nats-io/transport-node";
import {
  filterToSubjects,
  isReservedSubscription,
  natsHash,
  parseShared,
} from "../../topic/mod.ts";
import { pickOnline } from "../fanout.ts";
import type { SubscriptionOptions } from "../types.ts";
import { createDurable } from "./_api.ts";
import { pushConfig } from "./_consumers.ts";
import { headerView, messageFrom } from "./_codec.ts";
import type { Context } from "./_context.ts";
import { subjectToTopic } from "../../topic/mod.ts";
import type { Message } from "../types.ts";

/** What a member session offers the registry. */
export interface SharedMember {
  readonly clientId: string;
  readonly online: boolean;
  /** A QoS 0 copy picked for this member. */
  sharedCore(key: string, message: Message, options: SubscriptionOptions): void;
  /** A consumer delivery picked for this member. */
  sharedStored(key: string, msg: Msg, options: SubscriptionOptions): void;
}

/** The per-instance table of shared groups. */
export interface SharedRegistry {
  join(
    key: string,
    member: SharedMember,
    options: SubscriptionOptions,
  ): Promise<void>;
  leave(key: string, member: SharedMember): void;
  close(): void;
}

interface Group {
  halves: string[];
  queue: string;
  members: Map<SharedMember, SubscriptionOptions>;
  next: number;
  core: Subscription[];
  stored: Subscription[];
}

/** Create the registry of one backend instance. */
export function createSharedRegistry(ctx: Context): SharedRegistry {
  const groups = new Map<string, Group>();

  const pick = (group: Group): [SharedMember, SubscriptionOptions] => {
    const members = [...group.members.keys()];
    const index = pickOnline(members, group.next++, (m) => m.online);
    const member = members[index];
    return [member, group.members.get(member)!];
  };

  const onCore = (group: Group, key: string, half: string, msg: Msg) => {
    if (group.members.size === 0) return;
    if (msg.reply?.startsWith("$JS.ACK.")) return;
    if (msg.subject.startsWith("$") && isReservedSubscription(half)) return;
    const message = messageFrom(
      subjectToTopic(msg.subject),
      msg.data,
      headerView(msg, ctx.headerMemo),
      msg.reply,
    );
    // QoS ≥ 1 on both sides: the group's consumer delivers it.
    if (message.qos > 0 && group.stored.length > 0) return;
    const [member, options] = pick(group);
    member.sharedCore(key, message, options);
  };

  const onStored = (group: Group, key: string, half: string, msg: Msg) => {
    if (group.members.size === 0) return;
    const subject = msg.subject.slice(ctx.names.msgs.length);
    if (subject.startsWith("$") && isReservedSubscription(half)) {
      if (msg.reply) ctx.nc.publish(msg.reply, new Uint8Array(0));
      return;
    }
    const [member, options] = pick(group);
    member.sharedStored(key, msg, options);
  };

  const startStored = async (group: Group, key: string) => {
    if (group.stored.length > 0) return;
    for (const half of group.halves) {
      const id = natsHash(`${key}\n${half}`);
      const deliver = `${ctx.names.sub}share.${id}`;
      group.stored.push(ctx.nc.subscribe(deliver, {
        queue: group.queue,
        callback: (_e, msg) => onStored(group, key, half, msg),
      }));
      await createDurable(ctx.api, ctx.names.msgsStream, {
        ...pushConfig(
          ctx,
          `${ctx.names.prefix}_SHARE_${id}`,
          deliver,
          ctx.names.msgs + half,
          undefined,
        ),
        deliver_group: group.queue,
      });
    }
  };

  return {
    async join(key, member, options) {
      let group = groups.get(key);
      if (!group) {
        const parsed = parseShared(key);
        const halves = parsed
          ? filterToSubjects(parsed.filter, {
            internalPrefix: ctx.names.prefix + ".",
          }) ?? []
          : [];
        const name = parsed?.group ?? "";
        const queue = /^[A-Za-z0-9_-]+$/.test(name) ? name : natsHash(name);
        const created: Group = {
          halves,
          queue,
          members: new Map(),
          next: 0,
          core: [],
          stored: [],
        };
        created.core = halves.map((half) =>
          ctx.nc.subscribe(half, {
            queue,
            callback: (_e, msg) => onCore(created, key, half, msg),
          })
        );
        groups.set(key, created);
        group = created;
      }
      group.members.set(member, options);
      if (options.qos > 0) await startStored(group, key);
    },
    leave(key, member) {
      const group = groups.get(key);
      if (!group || !group.members.delete(member)) return;
      if (group.members.size > 0) return;
      // The durable consumer stays: other instances may have members.
      for (const sub of [...group.core, ...group.stored]) sub.unsubscribe();
      groups.delete(key);
    },
    close() {
      for (const group of groups.values()) {
        for (const sub of [...group.core, ...group.stored]) sub.unsubscribe();
      }
      groups.clear();
    },
  };
}
