/**
 * A failed PC/SC call as the layers above meet it: the `PcscError` it throws, the return codes
 * they compare its code with, its description, and the library that could not be opened.
 *
 * These are defined where they arise, in the native layer (the only one that knows C); this
 * module is where everything above it takes them from.
 *
 * @module
 */

export { PcscError } from "../ffi/pcsc_error.ts";
export * from "../ffi/error_codes.ts";
export { describeReturnCode } from "../ffi/abi.ts";
export { PcscLibraryError } from "../ffi/library.ts";
