/**
 * Waiting until pcscd has noticed a card going in or out: the testing kit's
 * (`src/testing/presence.ts`), re-exported for the tests and the bench.
 *
 * @module
 */

export { cardPresent } from "../../src/testing/presence.ts";
