/**
 * Moved to the testing kit (`src/testing/installed.ts`), whose virtual stack uses it; re-exported
 * here for the runner, the bench and the tests.
 *
 * @module
 */

export * from "../../src/testing/installed.ts";
