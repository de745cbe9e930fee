import { test } from "node:test";
import assert from "node:assert/strict";
import { isShared, parseShared } from "./shared.ts";

test("parseShared() splits group and filter [MQTT-4.8.2-1]", () => {
  assert.deepEqual(parseShared("$share/g/a/b"), { group: "g", filter: "a/b" });
  assert.deepEqual(parseShared("$share/g/#"), { group: "g", filter: "#" });
  assert.deepEqual(parseShared("$share/g//"), { group: "g", filter: "/" });
  assert.deepEqual(parseShared("$share/g/$share/h/x"), {
    group: "g",
    filter: "$share/h/x",
  });
});

test("parseShared() returns undefined for plain filters", () => {
  for (const filter of ["a/b", "$share", "$shared/a", "#", "$SYS/#"]) {
    assert.equal(parseShared(filter), undefined, filter);
  }
});

test("parseShared() returns undefined for invalid shared filters [MQTT-4.8.2-2]", () => {
  for (
    const filter of [
      "$share/",
      "$share//a",
      "$share/g",
      "$share/g/",
      "$share/g+/a",
      "$share/#/a",
      "$share/g/a/#/b",
    ]
  ) {
    assert.equal(parseShared(filter), undefined, filter);
    assert.equal(isShared(filter), true, filter);
  }
});

test("isShared() is true only for the $share/ prefix", () => {
  assert.equal(isShared("$share/g/a"), true);
  assert.equal(isShared("$share"), false);
  assert.equal(isShared("share/g/a"), false);
});
