/**
 * Outbound topic aliases (v5): the server picks aliases for topics it sends
 * while the client's Topic Alias Maximum allows [MQTT-3.3.2-11]. Aliases
 * live as long as the connection and are forgotten on reconnect.
 *
 * @module
 */

/** Alias choice for outbound PUBLISH packets. */
export interface OutboundAliases {
  /**
   * The alias for `topic`, and whether the client already knows it (then
   * the topic may be sent empty). `undefined` once every alias is taken.
   */
  lookup(topic: string): { alias: number; known: boolean } | undefined;
  /** Undo a fresh alias whose packet was never sent. */
  forget(topic: string): void;
}

/** Builds outbound aliases for a client allowing `maximum` of them. */
export function createOutboundAliases(maximum: number): OutboundAliases {
  const byTopic = new Map<string, number>();
  const free: number[] = [];
  let next = 1;
  const known = { alias: 0, known: true };
  const fresh = { alias: 0, known: false };
  return {
    lookup(topic) {
      const alias = byTopic.get(topic);
      if (alias !== undefined) {
        known.alias = alias;
        return known;
      }
      const chosen = free.pop() ?? (next <= maximum ? next++ : 0);
      if (chosen === 0) return undefined;
      fresh.alias = chosen;
      byTopic.set(topic, chosen);
      return fresh;
    },
    forget(topic) {
      const alias = byTopic.get(topic);
      if (alias === undefined) return;
      byTopic.delete(topic);
      free.push(alias);
    },
  };
}
