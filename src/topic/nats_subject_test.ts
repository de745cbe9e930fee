import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  filterToSubjects,
  isReservedSubscription,
  subjectToTopic,
  topicToSubject,
} from "./nats_subject.ts";

// Reference §1.3, first table: MQTT topic → NATS subject (undefined = error).
const topics: [string, string | undefined][] = [
  ["foo/bar", "foo.bar"],
  ["/foo", "/.foo"],
  ["foo/", "foo./"],
  ["/", "/./"],
  ["//", "/././"],
  ["foo//bar", "foo./.bar"],
  ["/foo/bar/", "/.foo.bar./"],
  [".", "//"],
  ["foo.bar/baz", "foo//bar.baz"],
  ["spBv1.0/plant1", "spBv1//0.plant1"],
  ["$SYS/x", "$SYS.x"],
  ["foo/*", "foo.*"],
  ["foo bar", undefined],
  ["a\tb", undefined],
  ["a\nb", undefined],
  ["a\rb", undefined],
  ["a\fb", undefined],
  ["a\x7Fb", undefined],
  ["foo/+", undefined],
  ["foo/#", undefined],
  ["", undefined],
];

test("topicToSubject() follows the reference table §1.3", () => {
  for (const [topic, subject] of topics) {
    assert.equal(topicToSubject(topic), subject, JSON.stringify(topic));
  }
});

test("subjectToTopic() inverts topicToSubject()", () => {
  for (const [topic, subject] of topics) {
    if (subject !== undefined) assert.equal(subjectToTopic(subject), topic);
  }
  for (const topic of ["a/./b", "./.", "a..b", "x//./", "/./", "é/😀.z"]) {
    assert.equal(subjectToTopic(topicToSubject(topic)!), topic, topic);
  }
});

// Reference §1.3, third table: subjects published by NATS clients.
test("subjectToTopic() follows the reference table §1.3", () => {
  const cases: [string, string][] = [
    ["foo.bar", "foo/bar"],
    ["foo./", "foo/"],
    ["/.foo", "/foo"],
    ["spBv1//0.x", "spBv1.0/x"],
    ["_INBOX.abc", "_INBOX/abc"],
    ["a/b", "ab"],
    ["a///b", "a.b"],
    ["plain", "plain"],
  ];
  for (const [subject, topic] of cases) {
    assert.equal(subjectToTopic(subject), topic, subject);
  }
});

// Reference §1.3, second table: filter → NATS interest.
test("filterToSubjects() follows the reference table §1.3", () => {
  const cases: [string, string[] | undefined][] = [
    ["#", [">"]],
    ["foo/#", ["foo.>", "foo"]],
    ["/#", ["/.>", "/"]],
    ["foo//#", ["foo./.>", "foo./"]],
    ["a/+/b/#", ["a.*.b.>", "a.*.b"]],
    ["+", ["*"]],
    ["+/+", ["*.*"]],
    ["+/x", ["*.x"]],
    ["foo/*/bar", ["foo.*.bar"]],
    ["foo/#/bar", undefined],
    ["foo+/bar", ["foo*.bar"]],
    ["$MQTT/msgs/#", undefined],
    ["$share/g/t", ["$share.g.t"]],
    ["foo bar", undefined],
    ["a/\x7F", undefined],
    ["", undefined],
  ];
  for (const [filter, subjects] of cases) {
    assert.deepEqual(filterToSubjects(filter), subjects, filter);
  }
});

test("filterToSubjects() takes the internal prefix as an option", () => {
  assert.deepEqual(
    filterToSubjects("$MQTT/msgs/#", { internalPrefix: "" }),
    ["$MQTT.msgs.>", "$MQTT.msgs"],
  );
  assert.equal(
    filterToSubjects("$GW/x", { internalPrefix: "$GW." }),
    undefined,
  );
});

test("filterToSubjects() keeps > that is not a whole token", () => {
  assert.deepEqual(filterToSubjects("a>/b"), ["a>.b"]);
});

test("isReservedSubscription() detects leading wildcards (reference §1.5)", () => {
  const cases: [string, boolean][] = [
    ["*", true],
    [">", true],
    ["*.x", true],
    ["*.*", true],
    ["$SYS.>", false],
    ["foo.>", false],
    ["foo", false],
    ["*x", false],
  ];
  for (const [subject, reserved] of cases) {
    assert.equal(isReservedSubscription(subject), reserved, subject);
  }
});

test("subjectToTopic(topicToSubject(t)) is t for every accepted topic", () => {
  const char = fc.constantFrom("a", "/", ".", "*", ">", "$", "é", "😀", " ");
  fc.assert(
    fc.property(fc.array(char, { minLength: 1, maxLength: 12 }), (chars) => {
      const topic = chars.join("");
      const subject = topicToSubject(topic);
      if (topic.includes(" ")) assert.equal(subject, undefined);
      else {
        assert.notEqual(subject, undefined);
        // No empty NATS token, so the subject is a valid literal subject.
        assert.ok(!subject!.split(".").includes(""), subject);
        assert.equal(subjectToTopic(subject!), topic);
      }
    }),
    { seed: 7, numRuns: 3000 },
  );
});
