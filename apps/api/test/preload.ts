import { afterAll, afterEach, beforeEach } from "bun:test";

// Every suite runs as NODE_ENV=test: no secret file is written, nothing reads ./data.
process.env.NODE_ENV = "test";

// Imported after the line above, which a static import would precede.
const { testLifecycle } = await import("./support.ts");
const { dropSpareTestDatabases } = await import("@statuslab/db/testing");

beforeEach(testLifecycle.started);
afterEach(testLifecycle.ended);
afterAll(async () => {
  await testLifecycle.runEnded();
  await dropSpareTestDatabases();
});
