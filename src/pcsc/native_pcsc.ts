/**
 * The native calls the PC/SC layer runs on, for the layers above to hand it the system's or,
 * in tests, a scripted one. The interface is the native layer's; this is where they take it.
 *
 * @module
 */

export { type NativePcsc, SYSTEM_PCSC } from "../ffi/native.ts";
