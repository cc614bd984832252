// The end-to-end world of most e2e files, for one describe block: moto and the alice sandbox (startAliceWorld)
// started before its tests with the given ~/.aws/config, and stopped after them. Also the config text itself.
import { afterAll, beforeAll, expect } from "vitest";
import { startAliceWorld, type Moto } from "./moto.js";
import { credentialProcessLine, type Sandbox } from "./sandbox.js";

export type AliceWorld = Awaited<ReturnType<typeof startAliceWorld>>;

/**
 * ~/.aws/config text: a [profile NAME] block per entry, its keys in order. `credential_process: true` stands for
 * aws-op's own line for that profile.
 */
export function awsConfig(profiles: Record<string, Record<string, string | true>>): string {
  const blocks = Object.entries(profiles).map(([name, keys]) => {
    const lines = Object.entries(keys).map(([key, value]) =>
      value === true ? `${key} = ${credentialProcessLine(name)}` : `${key} = ${value}`,
    );
    return [`[profile ${name}]`, ...lines, ""].join("\n");
  });
  return blocks.join("\n");
}

/**
 * Start the world before the block's tests (writing `config` when given), hand it to `use`, stop moto after them.
 * `use` may finish the setup (run aws-op setup, write more files).
 */
export function useAliceWorld(
  options: Parameters<typeof startAliceWorld>[0] & { config?: string },
  use: (world: AliceWorld) => void | Promise<void>,
): void {
  let moto: Moto | undefined;
  beforeAll(async () => {
    const { config, ...worldOptions } = options ?? {};
    const world = await startAliceWorld(worldOptions);
    moto = world.moto;
    if (config !== undefined) world.sandbox.writeConfig(config);
    await use(world);
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });
}

/** `aws sts get-caller-identity --profile PROFILE` through the AWS CLI (credential_process): the ARN it shows. */
export async function callerArn(sandbox: Sandbox, profile: string): Promise<string> {
  const result = await sandbox.exec("aws", ["sts", "get-caller-identity", "--profile", profile, "--output", "json"]);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return (JSON.parse(result.stdout) as { Arn: string }).Arn;
}
