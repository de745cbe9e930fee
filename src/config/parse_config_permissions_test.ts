import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "./parse_config.ts";
import { ConfigError } from "./errors.ts";

function issuesOf(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail("expected a ConfigError");
}

test("parseConfig() reads per-user and anonymous permissions", () => {
  const permissions = {
    publish: { allow: ["sensors/#"], deny: ["sensors/secret"] },
    subscribe: { allow: [] },
  };
  const config = parseConfig({
    auth: {
      users: [
        { username: "a", password: "x", permissions },
        { username: "b", password: "y" },
      ],
      anonymousPermissions: { subscribe: { deny: ["$SYS/#", "+/private"] } },
    },
  });
  assert.deepEqual(config.auth.users, [
    { username: "a", password: "x", permissions },
    { username: "b", password: "y" },
  ]);
  assert.deepEqual(config.auth.anonymousPermissions, {
    subscribe: { deny: ["$SYS/#", "+/private"] },
  });
  assert.ok(Object.isFrozen(config.auth.users[0].permissions!.publish!.allow));
});

test("parseConfig() without permissions keeps the auth section unchanged", () => {
  const config = parseConfig({ auth: { users: [] } });
  assert.equal("anonymousPermissions" in config.auth, false);
  const user = parseConfig({
    auth: { users: [{ username: "u", password: "p" }] },
  }).auth.users[0];
  assert.equal("permissions" in user, false);
});

test("parseConfig() names each bad permission entry [MQTT-4.7.1-2]", () => {
  assert.deepEqual(
    issuesOf({
      auth: {
        users: [
          { username: "a", password: "x" },
          {
            username: "b",
            password: "y",
            permissions: {
              publish: { allow: ["ok/#", "a/#/b"], deny: "x" },
              subscribe: { deny: ["", 5, "$share/g/a"], grant: [] },
              read: {},
            },
          },
        ],
        anonymousPermissions: { publish: { allow: ["a+"] } },
      },
    }),
    [
      "auth.users[1].permissions.read: unknown key",
      "auth.users[1].permissions.publish.allow[1]: not a valid topic filter",
      "auth.users[1].permissions.publish.deny: must be an array",
      "auth.users[1].permissions.subscribe.grant: unknown key",
      "auth.users[1].permissions.subscribe.deny[0]: not a valid topic filter",
      "auth.users[1].permissions.subscribe.deny[1]: must be a topic filter string",
      "auth.users[1].permissions.subscribe.deny[2]: must not be a shared subscription filter",
      "auth.anonymousPermissions.publish.allow[0]: not a valid topic filter",
    ],
  );
  assert.deepEqual(issuesOf({ auth: { anonymousPermissions: [] } }), [
    "auth.anonymousPermissions: must be an object",
  ]);
});
