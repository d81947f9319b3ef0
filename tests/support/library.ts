/**
 * Opens the PC/SC library once, at module load, as the module does once per process: the
 * resource sanitizer would otherwise count it against whichever test happened to load it.
 *
 * @module
 */

import { library } from "../../src/ffi/library.ts";

try {
  library();
} catch {
  // no library here: the tests that need it are skipped by the stack check
}
