// The one in-memory op runner of the unit tests ("op in memory"; the built double in test/fake-op/ is the other way
// to run op, for tests that want real processes): `op item get` answers with the item, `op item edit` reads the
// template from the FIFO aws-op hands it and stores it. Each call is recorded; an edit can be made to fail once.
import { readFileSync } from "node:fs";
import type { OpItem } from "../../src/onepassword/item.js";
import type { OpRunner } from "../../src/onepassword/run-op.js";

/** The item as op prints it. */
export type FakeItem = OpItem;

export interface OpInMemory {
  run: OpRunner;
  /** The item as 1Password holds it now. */
  item: FakeItem;
  /** argv of every call. */
  calls: string[][];
  /** The executable (op_cli) and the environment of every call. */
  clis: string[];
  envs: NodeJS.ProcessEnv[];
  /** Make the next `op item edit` fail like a dismissed approval. */
  failEdit: { next: boolean };
  /** What `op --version` prints (default 2.32.0). */
  opVersion: string;
  /** The templates `op item edit` received on stdin, parsed. */
  editTemplates: unknown[];
  /** How op stores a template (default: replaces sections and fields); a test can make it lossy. */
  applyEdit?: ((item: FakeItem, template: FakeItem) => FakeItem) | undefined;
}

export function opInMemory(
  item: FakeItem,
  options: { onCall?: (args: string[]) => void; beforeAnswer?: () => void } = {},
): OpInMemory {
  const op: OpInMemory = {
    item,
    calls: [],
    clis: [],
    envs: [],
    failEdit: { next: false },
    opVersion: "2.32.0",
    editTemplates: [],
    run: async ({ cli, args, stdinFd, env }) => {
      op.calls.push([...args]);
      op.clis.push(cli);
      op.envs.push({ ...env });
      options.onCall?.([...args]);
      options.beforeAnswer?.();
      if (args[0] === "--version") return { exitCode: 0, signal: null, stdout: `${op.opVersion}\n`, stderr: "" };
      if (args[0] === "item" && args[1] === "edit") {
        const text = stdinFd === undefined ? "" : readFileSync(stdinFd, "utf8");
        if (op.failEdit.next) {
          op.failEdit.next = false;
          return {
            exitCode: 1,
            signal: null,
            stdout: "",
            stderr: "[ERROR] 2026/11/25 12:00:00 authorization prompt dismissed, please try again\n",
          };
        }
        const template = JSON.parse(text) as FakeItem;
        op.editTemplates.push(template);
        op.item = op.applyEdit
          ? op.applyEdit(op.item, template)
          : { ...op.item, sections: template.sections ?? [], fields: template.fields };
      }
      return { exitCode: 0, signal: null, stdout: JSON.stringify(op.item), stderr: "" };
    },
  };
  return op;
}
