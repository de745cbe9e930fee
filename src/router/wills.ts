/**
 * Will messages: published when a connection ends without a normal
 * DISCONNECT, at once or after the v5 Will Delay Interval, whichever comes
 * first of that delay and the end of the session [MQTT-3.1.3-9].
 *
 * @module
 */

import type { Message, MessageProperties } from "../backend/types.ts";
import type { Will } from "../codec/types.ts";
import type { Logger, Metrics } from "../observability/types.ts";
import type { SetTimer } from "./types.ts";

/** Options of `createWillScheduler`. */
export interface WillSchedulerOptions {
  publish(message: Message): Promise<void>;
  now: () => number;
  setTimer: SetTimer;
  logger: Logger;
  metrics: Metrics;
}

/** Pending (delayed) wills, keyed by client id. */
export interface WillScheduler {
  /**
   * A connection of `clientId` ended abnormally. The will goes out after
   * min(Will Delay Interval, session expiry) seconds; 0 means now, and the
   * promise resolves once that publish is durable (never rejects).
   */
  schedule(clientId: string, will: Will, sessionExpiry: number): Promise<void>;
  /**
   * A new connection attached to `clientId` before the delay passed: the
   * will is dropped if the session continues [MQTT-3.1.3-9], published now
   * if the new connection starts clean (the old session ended).
   */
  reattach(clientId: string, clean: boolean): void;
  /**
   * Shutdown: publish every pending will now, due or not. The spec lets a
   * server defer a delayed will to a restart but never drop it, and nothing
   * here survives the process; resolves once each publish is durable.
   */
  close(): Promise<void>;
}

/** The application message a Will becomes. */
export function willToMessage(
  will: Will,
  clientId: string,
  now: number,
): Message {
  const message: Message = {
    topic: will.topic,
    payload: will.payload,
    qos: will.qos,
    retain: will.retain,
    origin: clientId,
  };
  const p = will.properties;
  if (p) {
    const props: MessageProperties = {};
    if (p.payloadFormatIndicator !== undefined) {
      props.payloadFormatIndicator = p.payloadFormatIndicator;
    }
    if (p.contentType !== undefined) props.contentType = p.contentType;
    if (p.responseTopic !== undefined) props.responseTopic = p.responseTopic;
    if (p.correlationData) props.correlationData = p.correlationData;
    if (p.userProperties) props.userProperties = p.userProperties;
    message.properties = props;
    if (p.messageExpiryInterval !== undefined) {
      message.expiresAt = now + p.messageExpiryInterval * 1000;
    }
  }
  return message;
}

interface Pending {
  will: Will;
  dueAt: number;
  cancel: () => void;
}

/** Builds the will scheduler of one router. */
export function createWillScheduler(
  options: WillSchedulerOptions,
): WillScheduler {
  const { now, setTimer, logger, metrics } = options;
  const pending = new Map<string, Pending>();

  const send = (clientId: string, will: Will): Promise<void> => {
    metrics.inc("jetmq_wills_published_total");
    return options.publish(willToMessage(will, clientId, now())).catch(
      (err) => {
        metrics.inc("jetmq_will_errors_total");
        logger.error("Cannot publish will", { clientId, error: String(err) });
      },
    );
  };

  const fire = (clientId: string): void => {
    const entry = pending.get(clientId);
    if (!entry) return;
    pending.delete(clientId);
    send(clientId, entry.will);
  };

  return {
    schedule(clientId, will, sessionExpiry) {
      pending.get(clientId)?.cancel();
      pending.delete(clientId);
      const delay = Math.min(
        will.properties?.willDelayInterval ?? 0,
        sessionExpiry,
      );
      if (delay <= 0) return send(clientId, will);
      const ms = delay * 1000;
      const cancel = setTimer(() => fire(clientId), ms);
      pending.set(clientId, { will, dueAt: now() + ms, cancel });
      return Promise.resolve();
    },
    reattach(clientId, clean) {
      const entry = pending.get(clientId);
      if (!entry) return;
      entry.cancel();
      if (clean) fire(clientId);
      else pending.delete(clientId);
    },
    async close() {
      const t = now();
      const sent: Promise<void>[] = [];
      for (const [clientId, entry] of pending) {
        entry.cancel();
        if (entry.dueAt > t) {
          logger.info("Publishing delayed will early at shutdown", {
            clientId,
            dueInMs: entry.dueAt - t,
          });
        }
        sent.push(send(clientId, entry.will));
      }
      pending.clear();
      await Promise.all(sent);
    },
  };
}
