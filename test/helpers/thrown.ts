// What a call throws, for tests that look at more than the message (a typed error's fields, its hint, what its text
// must not quote). `expect(...).toThrow()` checks that it throws at all.

/** The value `run` throws; undefined when it returns. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
