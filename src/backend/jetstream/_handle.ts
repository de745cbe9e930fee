/**
 * The `Session` the router holds: a thin, takeover-safe view of a
 * `SessionState` (inert once another connection has the session), plus
 * inbound QoS 2 in `$MQTT_qos2in` (reference §5.1).
 *
 * @module
 */

import { topicToSubject } from "../../topic/mod.ts";
import type {
  Message,
  OpenSessionOptions,
  Session,
  SubscriptionOptions,
} from "../types.ts";
import {
  deleteMessage,
  ErrCode,
  JetStreamApiError,
  purgeSubject,
} from "./_api.ts";
import { messageHeaders } from "./_codec.ts";
import type { Context } from "./_context.ts";
import { clientToken, HDR_PUB, HDR_SUBJECT } from "./_names.ts";
import type { SessionState } from "./_session.ts";

/** What the handle needs from the backend. */
export interface HandleDeps {
  ctx: Context;
  publish(message: Message): Promise<void>;
  /** Remove the session everywhere (detach with expiry 0). */
  remove(state: SessionState): Promise<void>;
}

/** Wrap `state`, attached for `options`, as the router's `Session`. */
export function createHandle(
  deps: HandleDeps,
  state: SessionState,
  options: OpenSessionOptions,
  present: boolean,
): Session {
  const { ctx } = deps;
  const attachment = state.attachment!;
  const live = () => state.attachment === attachment;
  const qos2Subject = (packetId: number) =>
    `${ctx.names.qos2in}${clientToken(state.clientId)}.${packetId}`;
  let inert = false;
  const guard = () => {
    if (!live()) inert = true;
    return !inert;
  };
  return {
    clientId: options.clientId,
    present,
    get subscriptions() {
      const out = new Map<string, SubscriptionOptions>();
      for (const [filter, fs] of state.filters) out.set(filter, fs.options);
      return out;
    },
    resume() {
      if (guard()) state.resume();
    },
    async subscribe(entries) {
      if (!guard()) return entries.map(() => false);
      const existed: boolean[] = [];
      for (const { filter, ...opts } of entries) {
        existed.push(await state.addFilter(filter, opts));
      }
      await state.save();
      return existed;
    },
    async unsubscribe(filters) {
      if (!guard()) return filters.map(() => false);
      const existed: boolean[] = [];
      for (const filter of filters) {
        existed.push(await state.removeFilter(filter));
      }
      await state.save();
      return existed;
    },
    enqueue(message, opts) {
      if (guard()) state.enqueue(message, opts);
      return Promise.resolve();
    },
    ack(packetId) {
      if (guard()) state.ackPacket(packetId);
      return Promise.resolve();
    },
    async received(packetId) {
      if (guard()) await state.receivedPacket(packetId);
    },
    async receiveQoS2(packetId, message) {
      const staged = state.staged ??= new Map();
      // Known staged id: a duplicate [MQTT-4.3.3-2].
      if (staged.has(packetId)) return false;
      const subject = topicToSubject(message.topic);
      if (subject === undefined) {
        throw new TypeError(`Cannot stage QoS 2: bad topic ${message.topic}`);
      }
      const h = messageHeaders(message, 2);
      h.set(HDR_PUB, `2${((2 << 1) | (message.retain ? 1 : 0)).toString(16)}`);
      h.set(HDR_SUBJECT, subject);
      staged.set(packetId, 0);
      // Stage and route in one go: both requests leave in call order, so a
      // QoS 2 message keeps its place among the publisher's QoS 1 ones.
      const [stage, route] = await Promise.allSettled([
        ctx.jsPublish(qos2Subject(packetId), message.payload, h),
        deps.publish(message),
      ]);
      if (route.status === "rejected") {
        staged.delete(packetId);
        if (stage.status === "fulfilled") {
          await deleteMessage(ctx.api, ctx.names.qos2Stream, stage.value.seq)
            .catch(() => {
              ctx.logger.warn("cannot unstage QoS 2 message", { packetId });
            });
        }
        throw route.reason;
      }
      if (stage.status === "fulfilled") staged.set(packetId, stage.value.seq);
      else {
        const duplicate = stage.reason instanceof JetStreamApiError &&
          stage.reason.errCode === ErrCode.MaxMsgsPerSubject;
        ctx.logger.warn("QoS 2 staging failed after routing", {
          clientId: state.clientId,
          packetId,
          duplicate,
        });
        if (!duplicate) {
          staged.delete(packetId);
          throw stage.reason;
        }
      }
      return true;
    },
    async releaseQoS2(packetId) {
      const seq = state.staged?.get(packetId);
      state.staged?.delete(packetId);
      // Delete by sequence when we staged it (cheaper than a purge).
      if (seq) return await deleteMessage(ctx.api, ctx.names.qos2Stream, seq);
      const purged = await purgeSubject(
        ctx.api,
        ctx.names.qos2Stream,
        qos2Subject(packetId),
      );
      return purged > 0;
    },
    async detach(expiry) {
      if (!guard()) return;
      inert = true;
      state.unattach();
      state.expiry = expiry;
      if (expiry === 0) return await deps.remove(state);
      state.detachedAt = ctx.now();
      await state.save();
    },
  };
}
