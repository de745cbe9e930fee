import { test } from "node:test";
import assert from "node:assert/strict";
import { withIdentity } from "./identity_rules.ts";
import { createPermissions } from "./permissions.ts";

test("withIdentity() replaces %c and %u levels by the client id and user name", () => {
  const rules = withIdentity({
    publish: { allow: ["devices/%c/#", "users/%u/out"] },
    subscribe: { allow: ["devices/%c/cmd/+"], deny: ["devices/%c/cmd/root"] },
  }, { clientId: "d1", username: "alice" });
  assert.deepEqual(rules, {
    publish: { allow: ["devices/d1/#", "users/alice/out"] },
    subscribe: { allow: ["devices/d1/cmd/+"], deny: ["devices/d1/cmd/root"] },
  });
  const p = createPermissions(rules);
  assert.equal(p.canPublish("devices/d1/temp"), true);
  assert.equal(p.canPublish("devices/d2/temp"), false);
  assert.equal(p.canSubscribe("devices/d1/cmd/+"), "filtered");
  assert.equal(p.canSubscribe("devices/d2/cmd/+"), "no");
});

test("withIdentity() leaves rules without %c/%u untouched, and only whole levels are replaced", () => {
  const plain = { publish: { allow: ["a/%cx/#", "a/b%u"] } };
  assert.equal(withIdentity(plain, { clientId: "d1" }), plain);
  assert.equal(withIdentity(undefined, { clientId: "d1" }), undefined);
});

test("withIdentity() fails closed: an unusable id grants nothing by allow and denies everything by deny", () => {
  for (const clientId of ["a/b", "a+", "#", ""]) {
    const p = createPermissions(withIdentity({
      publish: { allow: ["devices/%c/#"] },
      subscribe: { deny: ["private/%c/#"] },
    }, { clientId }));
    // A client named "a/b" must not reach into client "a"'s subtree.
    assert.equal(p.canPublish("devices/a/b/x"), false, clientId);
    assert.equal(p.canPublish("devices/a/x"), false, clientId);
    assert.equal(p.canReceive("anything"), false, clientId);
  }
  // No user name: %u rules cannot apply.
  const anon = createPermissions(withIdentity({
    publish: { allow: ["users/%u/#", "public/#"] },
  }, { clientId: "c" }));
  assert.equal(anon.canPublish("users/%u/x"), false);
  assert.equal(anon.canPublish("public/x"), true);
});
