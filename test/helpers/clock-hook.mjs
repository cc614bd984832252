// A test-only clock for the built CLI, loaded with NODE_OPTIONS="--import <this file>" (clockOffsetEnv in
// test/helpers/clock.ts); no product code knows about it, and the package holds no test switch
// (test/e2e/package.test.ts checks the packed dist/). AWS_OP_TEST_CLOCK_OFFSET_FILE names a file holding
// milliseconds to add to the clock, read at every look at it, so an end-to-end test can move a running
// `exec --server` across a session's refresh point without waiting for it.
// Only aws-op's own process is moved: NODE_OPTIONS reaches every Node child too (the fake op, a JS SDK the command
// runs), and those keep the real time. Inside aws-op every use of Date moves, its own AWS SDK clients' included:
// moto does not check request times, and the SDK corrects its signing clock from the answers' Date header.
import { readFileSync } from "node:fs";

const offsetFile = process.env.AWS_OP_TEST_CLOCK_OFFSET_FILE;
const isAwsOp = /(^|\/)dist\/cli\.js$/.test(process.argv[1] ?? "");

if (isAwsOp && offsetFile) {
  const RealDate = Date;
  const offset = () => {
    try {
      return Number(readFileSync(offsetFile, "utf8").trim()) || 0;
    } catch {
      return 0; // No file yet: no offset.
    }
  };
  const now = () => RealDate.now() + offset();
  // A proxy rather than a subclass: Date() called without new still works, and instanceof Date still holds.
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) => Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget),
    apply: () => new RealDate(now()).toString(),
    get: (target, name, receiver) => (name === "now" ? now : Reflect.get(target, name, receiver)),
  });
}
