/**
 * Moved to the testing kit (`src/testing/command.ts`), whose virtual stack uses it; re-exported
 * here for the runner, the bench and the tests.
 *
 * @module
 */

export * from "../../src/testing/command.ts";
