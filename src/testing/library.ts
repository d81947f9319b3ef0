/**
 * Opens the PC/SC library once, when the kit is imported, as the module does once per
 * process: `deno test`'s resource sanitizer would otherwise count it against whichever test
 * happened to make the first PC/SC call. Opening it reads no socket name: libpcsclite reads
 * `PCSCLITE_CSOCK_NAME` at its first call, after the stack has set it.
 *
 * @module
 */

import { library } from "../ffi/library.ts";

try {
  library();
} catch {
  // no library here, or no --allow-ffi: the stack says what is missing when it is started
}
