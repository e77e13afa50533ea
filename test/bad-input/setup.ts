// Setup for the bad-input tables (vitest.config.ts setupFiles; a no-op for every other test
// file): any unhandled rejection or uncaught exception in the process fails the test that was
// running, naming it. On its own vitest only reports such errors after the run, under no test.
import { dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

const HERE = dirname(fileURLToPath(import.meta.url)) + sep;

if (expect.getState().testPath?.startsWith(HERE)) {
  const seen: string[] = [];
  const onRejection = (reason: unknown): void => void seen.push(`unhandled rejection: ${inspect(reason)}`);
  const onException = (err: unknown): void => void seen.push(`uncaught exception: ${inspect(err)}`);
  // One turn of the event loop: Node reports a rejection nobody handled after the microtasks.
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const check = (when: string): void => {
    const errors = seen.splice(0);
    if (errors.length > 0) throw new Error(`${errors.length} unhandled error(s) ${when}:\n${errors.join("\n")}`);
  };

  beforeAll(() => {
    process.on("unhandledRejection", onRejection);
    process.on("uncaughtException", onException);
  });
  afterEach(async () => {
    await settle();
    check("during this test");
  });
  afterAll(async () => {
    await settle();
    // Workers may be reused: never leave the listeners to another file.
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onException);
    check("after the last test of this file");
  });
}
