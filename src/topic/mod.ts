/**
 * Topics: topic name and filter validation, shared subscriptions
 * (`$share/<group>/<filter>`), the subscription trie, single
 * filter/topic matching, filter cover/overlap tests, and the MQTT ↔ NATS subject mapping with
 * nats-server's client-id hash. All pure; imports nothing of ours outside
 * this folder (only `node:crypto` for the hash).
 *
 * @module
 */

export {
  MAX_TOPIC_BYTES,
  SHARED_PREFIX,
  validateFilter,
  validateTopicName,
} from "./validate.ts";
export {
  isShared,
  parseShared,
  plainFilterProblem,
  type SharedFilter,
} from "./shared.ts";
export { matches } from "./matches.ts";
export { filterCovers, filtersOverlap } from "./filter_relations.ts";
export { createTrie, type Trie } from "./trie.ts";
export {
  filterToSubjects,
  type FilterToSubjectsOptions,
  isReservedSubscription,
  subjectToTopic,
  topicToSubject,
} from "./nats_subject.ts";
export { natsHash } from "./nats_hash.ts";
