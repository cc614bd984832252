// aws-op list end to end: the table and --json, before and after an AWS command cached a session.
import { describe, expect, it } from "vitest";
import { requireTools } from "../helpers/moto.js";
import { useAliceWorld } from "../helpers/alice-world.js";
import { type Sandbox } from "../helpers/sandbox.js";

const tools = requireTools(["moto_server", "aws"]);

describe.skipIf(!tools.available)("aws-op list end to end", () => {
  let sandbox: Sandbox;

  useAliceWorld({ config: "[profile plain]\nregion = us-east-1\n" }, async (world) => {
    ({ sandbox } = world);
    for (const args of [
      ["setup", "work", "--vault", "Work", "--item", "AWS work", "--offline"],
      [
        "setup",
        "mfa",
        "--vault",
        "Work",
        "--item",
        "AWS work",
        "--mfa-serial",
        "arn:aws:iam::123456789012:mfa/alice",
        "--offline",
      ],
    ]) {
      expect((await sandbox.run(args)).status).toBe(0);
    }
  });

  it("shows none until an AWS command caches a session, then its end in local time", async () => {
    const before = await sandbox.run(["list"]);
    expect(before.status).toBe(0);
    expect(before.stdout.split("\n")).toEqual([
      "PROFILE  VAULT  ITEM      MFA  SESSION CACHED UNTIL",
      "work     Work   AWS work  no   none",
      "mfa      Work   AWS work  yes  none",
      "",
    ]);
    const aws = await sandbox.exec("aws", ["sts", "get-caller-identity", "--profile", "work"], {
      env: { AWS_DEFAULT_REGION: "us-east-1" },
    });
    expect(aws.status).toBe(0);
    const after = await sandbox.run(["list"]);
    expect(after.stdout).toMatch(/^work {5}Work {3}AWS work {2}no {3}\d{4}-\d\d-\d\d \d\d:\d\d$/m);

    const json = JSON.parse((await sandbox.run(["list", "--json"])).stdout) as {
      profile: string;
      sessionCachedUntil: string | null;
    }[];
    expect(json.map((p) => p.profile)).toEqual(["work", "mfa"]);
    expect(Date.parse(json[0]?.sessionCachedUntil ?? "") - Date.now()).toBeGreaterThan(30 * 60_000);
    expect(json[1]?.sessionCachedUntil).toBeNull();
  });
});
