import { afterAll, afterEach, beforeEach } from "bun:test";

// Every suite runs as NODE_ENV=test: no secret file is written, nothing reads ./data.
process.env.NODE_ENV = "test";

// Imported after the line above, which a static import would precede.
const { testLifecycle } = await import("./support.ts");
const { dropSpareTestDatabases } = await import("@statuslab/db/testing");

// Cleaning up closes apps and empties or drops PostgreSQL databases, which on a machine whose
// cores are busy elsewhere took longer than bun's 5 s hook default; these bounds only catch hangs.
const CLEANUP_TIMEOUT = 60_000;

beforeEach(testLifecycle.started);
afterEach(testLifecycle.ended, CLEANUP_TIMEOUT);
afterAll(async () => {
  await testLifecycle.runEnded();
  await dropSpareTestDatabases();
}, CLEANUP_TIMEOUT);
