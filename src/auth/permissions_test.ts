import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ALLOW_ALL,
  createPermissions,
  permissionFilterProblem,
} from "./permissions.ts";

test("createPermissions() without rules is the allow-all singleton", () => {
  assert.equal(createPermissions(), ALLOW_ALL);
  assert.equal(createPermissions({}), ALLOW_ALL);
  assert.equal(
    createPermissions({ publish: {}, subscribe: { deny: [] } }),
    ALLOW_ALL,
  );
  assert.equal(ALLOW_ALL.unrestricted, true);
  assert.equal(ALLOW_ALL.canPublish("$SYS/x"), true);
  assert.equal(ALLOW_ALL.canSubscribe("#"), "yes");
  assert.equal(ALLOW_ALL.canReceive("a"), true);
});

test("createPermissions() publish: allow list, deny wins", () => {
  const p = createPermissions({
    publish: { allow: ["sensors/#", "cmd/+"], deny: ["sensors/secret/#"] },
  });
  assert.equal(p.unrestricted, false);
  assert.equal(p.canPublish("sensors"), true);
  assert.equal(p.canPublish("sensors/1/temp"), true);
  assert.equal(p.canPublish("cmd/x"), true);
  assert.equal(p.canPublish("cmd/x/y"), false);
  assert.equal(p.canPublish("other"), false);
  assert.equal(p.canPublish("sensors/secret"), false);
  assert.equal(p.canPublish("sensors/secret/k"), false);
  // Publish rules do not restrict subscriptions.
  assert.equal(p.canSubscribe("#"), "yes");
  assert.equal(p.canReceive("anything"), true);
});

test("createPermissions() an empty allow list allows nothing", () => {
  const p = createPermissions({
    publish: { allow: [] },
    subscribe: { allow: [] },
  });
  assert.equal(p.canPublish("a"), false);
  assert.equal(p.canSubscribe("a"), "no");
  assert.equal(p.canReceive("a"), false);
});

test("createPermissions() deny only allows the rest", () => {
  const p = createPermissions({ publish: { deny: ["a/#"] } });
  assert.equal(p.canPublish("a"), false);
  assert.equal(p.canPublish("a/b"), false);
  assert.equal(p.canPublish("b"), true);
});

test("createPermissions() subscribe: covered by allow, deny covering or overlapping", () => {
  const p = createPermissions({
    subscribe: { allow: ["a/#", "b/+"], deny: ["a/secret", "a/private/#"] },
  });
  assert.equal(p.canSubscribe("a/x"), "yes");
  assert.equal(p.canSubscribe("b/x"), "yes");
  assert.equal(p.canSubscribe("b/#"), "no"); // wider than b/+
  assert.equal(p.canSubscribe("#"), "no");
  assert.equal(p.canSubscribe("c"), "no");
  assert.equal(p.canSubscribe("a/secret"), "no");
  assert.equal(p.canSubscribe("a/private/#"), "no");
  assert.equal(p.canSubscribe("a/private/x/+"), "no");
  assert.equal(p.canSubscribe("a/#"), "filtered");
  assert.equal(p.canSubscribe("a/+"), "filtered");
  assert.equal(p.canSubscribe("a/+/x"), "filtered"); // meets a/private/#
  assert.equal(p.canSubscribe("a/x/+"), "yes");
  assert.equal(p.canReceive("a/x"), true);
  assert.equal(p.canReceive("a/secret"), false);
  assert.equal(p.canReceive("a/private/k"), false);
  // Outside the allow list (a subscription restored from other rules).
  assert.equal(p.canReceive("c"), false);
});

test("createPermissions() checks the filter inside a shared subscription [MQTT-4.8.2-1]", () => {
  const p = createPermissions({
    subscribe: { allow: ["jobs/#"], deny: ["jobs/secret"] },
  });
  assert.equal(p.canSubscribe("$share/g/jobs/x"), "yes");
  assert.equal(p.canSubscribe("$share/g/jobs/#"), "filtered");
  assert.equal(p.canSubscribe("$share/g/jobs/secret"), "no");
  assert.equal(p.canSubscribe("$share/g/other"), "no");
});

test("createPermissions() leading wildcards do not reach $ topics [MQTT-4.7.2-1]", () => {
  const p = createPermissions({
    publish: { allow: ["#"] },
    subscribe: { allow: ["#"], deny: ["+/secret"] },
  });
  assert.equal(p.canPublish("a/b"), true);
  assert.equal(p.canPublish("$SYS/x"), false);
  assert.equal(p.canSubscribe("$SYS/#"), "no");
  assert.equal(p.canSubscribe("#"), "filtered");
  assert.equal(p.canReceive("$x/secret"), false); // not allowed by #
  const d = createPermissions({ subscribe: { deny: ["#"] } });
  assert.equal(d.canSubscribe("$SYS/#"), "yes");
  assert.equal(d.canReceive("$SYS/x"), true);
  const s = createPermissions({ subscribe: { allow: ["$SYS/#"] } });
  assert.equal(s.canSubscribe("$SYS/+"), "yes");
  assert.equal(s.canSubscribe("#"), "no");
});

test("createPermissions() refuses invalid and shared entries with TypeError", () => {
  assert.throws(
    () => createPermissions({ publish: { allow: ["a/#/b"] } }),
    TypeError,
  );
  assert.throws(
    () => createPermissions({ subscribe: { deny: ["$share/g/a"] } }),
    TypeError,
  );
  assert.equal(permissionFilterProblem("a/+"), undefined);
  assert.equal(permissionFilterProblem(""), "not a valid topic filter");
  assert.equal(permissionFilterProblem(3), "must be a topic filter string");
  assert.equal(
    permissionFilterProblem("$share/g/a"),
    "must not be a shared subscription filter",
  );
});
