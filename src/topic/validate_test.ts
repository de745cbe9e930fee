import { test } from "node:test";
import assert from "node:assert/strict";
import { validateFilter, validateTopicName } from "./validate.ts";

const validNames = [
  "a",
  "/",
  "//",
  "a/b/c",
  "$SYS/uptime",
  "sensors/ümlaut/€/😀",
  "foo/*",
  "with space",
  "$share/g/t",
];

test("validateTopicName() accepts valid names", () => {
  for (const name of validNames) {
    assert.equal(validateTopicName(name), true, name);
  }
});

test("validateTopicName() rejects the empty name [MQTT-4.7.3-1]", () => {
  assert.equal(validateTopicName(""), false);
});

test("validateTopicName() rejects wildcards [MQTT-4.7.1-1] [MQTT-3.3.2-2]", () => {
  for (const name of ["+", "#", "a/+", "a/#", "a+", "a/b#"]) {
    assert.equal(validateTopicName(name), false, name);
  }
});

test("validateTopicName() rejects U+0000 [MQTT-4.7.3-2]", () => {
  assert.equal(validateTopicName("a\u0000b"), false);
});

test("validateTopicName() rejects lone surrogates", () => {
  assert.equal(validateTopicName("a\ud800"), false);
  assert.equal(validateTopicName("a\udc00b"), false);
  assert.equal(validateTopicName("\ud83d\ude00"), true);
});

test("validateTopicName() caps at 65535 UTF-8 bytes [MQTT-4.7.3-3]", () => {
  assert.equal(validateTopicName("a".repeat(65535)), true);
  assert.equal(validateTopicName("a".repeat(65536)), false);
  // 21845 × 3 bytes = 65535; one more byte is too many.
  assert.equal(validateTopicName("€".repeat(21845)), true);
  assert.equal(validateTopicName("€".repeat(21845) + "a"), false);
  assert.equal(validateTopicName("😀".repeat(16383) + "abc"), true);
  assert.equal(validateTopicName("😀".repeat(16384)), false);
});

test("validateFilter() accepts valid filters", () => {
  for (
    const filter of [
      ...validNames,
      "#",
      "+",
      "+/+",
      "/+",
      "+/",
      "a/#",
      "a/+/b/#",
      "+/+/#",
      "/#",
      "$SYS/#",
    ]
  ) assert.equal(validateFilter(filter), true, filter);
});

test("validateFilter() rejects # not alone and last [MQTT-4.7.1-2]", () => {
  for (const filter of ["a#", "#a", "a/#/b", "a/b#", "##", "#/"]) {
    assert.equal(validateFilter(filter), false, filter);
  }
});

test("validateFilter() rejects + not filling a level [MQTT-4.7.1-3]", () => {
  for (const filter of ["a+", "+a", "a/+b/c", "++", "a/b+"]) {
    assert.equal(validateFilter(filter), false, filter);
  }
});

test("validateFilter() rejects empty, U+0000 and too long [MQTT-4.7.3-1..3]", () => {
  assert.equal(validateFilter(""), false);
  assert.equal(validateFilter("a/\u0000"), false);
  assert.equal(validateFilter("a/" + "b".repeat(65533)), true);
  assert.equal(validateFilter("a/" + "b".repeat(65534)), false);
});

test("validateFilter() checks shared filters [MQTT-4.8.2-1] [MQTT-4.8.2-2]", () => {
  const cases: [string, boolean][] = [
    ["$share/g/a", true],
    ["$share/g/#", true],
    ["$share/g/+/b", true],
    ["$share/g//", true],
    ["$share/group-1/$SYS/#", true],
    ["$share//a", false],
    ["$share/", false],
    ["$share/g", false],
    ["$share/g/", false],
    ["$share/g+/a", false],
    ["$share/g#/a", false],
    ["$share/+/a", false],
    ["$share/#", false],
    ["$share/g/a#", false],
    ["$share/g/a\u0000", false],
    ["$share", true],
    ["$shared/a", true],
  ];
  for (const [filter, ok] of cases) {
    assert.equal(validateFilter(filter), ok, filter);
  }
});
