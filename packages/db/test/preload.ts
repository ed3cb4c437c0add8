import { afterAll } from "bun:test";
import { dropSpareTestDatabases } from "../src/testing/index.ts";

// The PostgreSQL test databases this process emptied for reuse are dropped when its tests end.
// Bounded well above bun's 5 s hook default: dropping databases is slow when the cores are busy.
afterAll(dropSpareTestDatabases, 60_000);
