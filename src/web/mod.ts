/**
 * The WICG Web Smart Card API in Deno: `navigator.smartCard` and its contexts and
 * connections, over the system's PC/SC service, for code written for the browser.
 *
 * ```ts
 * import { smartCard } from "jsr:@pcsc/smartcard/web";
 *
 * const context = await smartCard.establishContext();
 * const [reader] = await context.listReaders();
 * const { connection } = await context.connect(reader, "shared", {
 *   preferredProtocols: ["t0", "t1"],
 * });
 * const response = await connection.transmit(new Uint8Array([0x00, 0x84, 0x00, 0x00, 0x08]));
 * console.log(new Uint8Array(response));
 * await connection.disconnect();
 * ```
 *
 * Import `jsr:@pcsc/smartcard/web/global` instead to have `navigator.smartCard`. Needs
 * `--allow-ffi`; see the README for what differs from a browser.
 *
 * @module
 */

export { install, smartCard } from "./install.ts";
export { SmartCardResourceManager } from "./smart_card_resource_manager.ts";
export {
  type SmartCardConnectOptions,
  type SmartCardConnectResult,
  SmartCardContext,
  type SmartCardGetStatusChangeOptions,
} from "./smart_card_context.ts";
export {
  SmartCardConnection,
  type SmartCardConnectionStatus,
  type SmartCardTransactionOptions,
  type SmartCardTransmitOptions,
} from "./smart_card_connection.ts";
export type { SmartCardTransactionCallback } from "./connection_transaction.ts";
export type { SmartCardConnectionState } from "./connection_state.ts";
export type { SmartCardAccessMode, SmartCardDisposition, SmartCardProtocol } from "./enums.ts";
export type {
  SmartCardReaderStateFlagsIn,
  SmartCardReaderStateFlagsOut,
  SmartCardReaderStateIn,
  SmartCardReaderStateOut,
} from "./reader_states.ts";
export {
  SmartCardError,
  type SmartCardErrorOptions,
  type SmartCardResponseCode,
} from "./smart_card_error.ts";
