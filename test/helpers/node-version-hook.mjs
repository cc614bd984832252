// A test-only Node.js version for the built CLI, loaded with NODE_OPTIONS="--import <this file>": aws-op's own
// process then reports AWS_OP_TEST_NODE_VERSION as process.version, so the unsupported-Node.js warnings and doctor's
// line can be tested on every Node.js that CI runs (the real versions are unsupported ones that CI does not install).
// No product code knows about it (test/e2e/package.test.ts checks the packed dist/); other Node.js children (the
// fake op) keep their own version.
const version = process.env.AWS_OP_TEST_NODE_VERSION;
const isAwsOp = /(^|\/)dist\/cli\.js$/.test(process.argv[1] ?? "");

if (isAwsOp && version) Object.defineProperty(process, "version", { value: version });
