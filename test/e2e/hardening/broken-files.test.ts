// A config or credentials file aws-op cannot parse is reported with its line number and never rewritten, by any
// command that writes these files.
import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { makeStore, scriptRecipeItem } from "../../fake-op/fixture.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";

const BROKEN_CONFIG = "# mine\r\n[profile work]\nregion = eu-west-1\nthis is not ini\n[profile other]\nregion=x\n";
const BROKEN_CREDENTIALS = "[work]\naws_access_key_id = AKIABROKEN0000000001\n= no key here\n";
const GOOD_CONFIG = "[profile work]\nregion = eu-west-1\n";
const GOOD_CREDENTIALS =
  "[work]\naws_access_key_id = AKIABROKEN0000000001\naws_secret_access_key = brokenFileSecret000000000000000000000000\n";

function sandboxWith(config: string, credentials: string): Sandbox {
  const sandbox = createSandbox({
    store: makeStore({
      vault: "Work",
      items: [
        scriptRecipeItem({
          title: "AWS work",
          accessKeyId: "AKIABROKEN0000000001",
          secretAccessKey: "brokenFileSecret000000000000000000000000",
        }),
      ],
    }),
  });
  sandbox.writeConfig(config);
  sandbox.writeCredentials(credentials);
  return sandbox;
}

const COMMANDS: [string, string[]][] = [
  ["setup", ["setup", "work", "--vault", "Work", "--item", "AWS work", "--yes", "--offline"]],
  ["import", ["import", "--all", "--vault", "Work"]],
  ["process", ["process", "--profile", "work"]],
];

describe("files aws-op cannot parse are never rewritten", () => {
  for (const [name, args] of COMMANDS) {
    it(`${name}: an unparseable config file is reported with its line and left byte-identical`, async () => {
      const sandbox = sandboxWith(BROKEN_CONFIG, GOOD_CREDENTIALS);
      const before = statSync(sandbox.configPath).mtimeMs;
      const result = await sandbox.run(args);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`${sandbox.configPath}, line 4: this line is not valid`);
      expect(readFileSync(sandbox.configPath, "utf8")).toBe(BROKEN_CONFIG);
      expect(readFileSync(sandbox.credentialsPath, "utf8")).toBe(GOOD_CREDENTIALS);
      expect(statSync(sandbox.configPath).mtimeMs).toBe(before);
      // Nothing was created in 1Password either.
      expect(sandbox.opCalls().filter((argv) => argv.includes("create"))).toEqual([]);
    });

    it(`${name}: an unparseable credentials file is reported with its line and left byte-identical`, async () => {
      const sandbox = sandboxWith(GOOD_CONFIG, BROKEN_CREDENTIALS);
      const result = await sandbox.run(args);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`${sandbox.credentialsPath}, line 3: this line is not valid`);
      expect(readFileSync(sandbox.configPath, "utf8")).toBe(GOOD_CONFIG);
      expect(readFileSync(sandbox.credentialsPath, "utf8")).toBe(BROKEN_CREDENTIALS);
      expect(sandbox.opCalls().filter((argv) => argv.includes("create"))).toEqual([]);
    });
  }
});
