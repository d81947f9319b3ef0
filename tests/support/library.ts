/**
 * Opens the PC/SC library once, at module load, as the testing kit does (see
 * `src/testing/library.ts`): for the tests that do not import the kit.
 *
 * @module
 */

import "../../src/testing/library.ts";
