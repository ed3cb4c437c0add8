import { afterAll } from "bun:test";
import { dropSpareTestDatabases } from "../src/testing/index.ts";

// The PostgreSQL test databases this process emptied for reuse are dropped when its tests end.
afterAll(dropSpareTestDatabases);
