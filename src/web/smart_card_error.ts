/**
 * `SmartCardError`: a PC/SC failure the Web Smart Card API names, with its response code.
 *
 * @module
 */

import { required, toDictionary, toDOMString, toEnum } from "./webidl.ts";

/** The PC/SC failures the API names (`SmartCardResponseCode`), one for each SCARD_E/W code. */
export type SmartCardResponseCode =
  | "no-service"
  | "no-smartcard"
  | "not-ready"
  | "not-transacted"
  | "proto-mismatch"
  | "reader-unavailable"
  | "removed-card"
  | "reset-card"
  | "server-too-busy"
  | "sharing-violation"
  | "system-cancelled"
  | "unknown-reader"
  | "unpowered-card"
  | "unresponsive-card"
  | "unsupported-card"
  | "unsupported-feature";

/** Every {@link SmartCardResponseCode}, in the spec's order. */
export const SMART_CARD_RESPONSE_CODES: readonly SmartCardResponseCode[] = Object.freeze([
  "no-service",
  "no-smartcard",
  "not-ready",
  "not-transacted",
  "proto-mismatch",
  "reader-unavailable",
  "removed-card",
  "reset-card",
  "server-too-busy",
  "sharing-violation",
  "system-cancelled",
  "unknown-reader",
  "unpowered-card",
  "unresponsive-card",
  "unsupported-card",
  "unsupported-feature",
]);

/** The second argument of the {@link SmartCardError} constructor. */
export interface SmartCardErrorOptions {
  /** The failure, required. */
  responseCode: SmartCardResponseCode;
}

/**
 * A PC/SC call failed with a code the API names. A `DOMException` whose `name` is
 * `"SmartCardError"`, as in Chrome; the PC/SC code's name and value are in the message.
 *
 * ```ts
 * try {
 *   await context.connect(reader, "exclusive");
 * } catch (e) {
 *   if (e instanceof SmartCardError && e.responseCode === "sharing-violation") {  }
 * }
 * ```
 */
export class SmartCardError extends DOMException {
  readonly #responseCode: SmartCardResponseCode;

  /**
   * Creates a `SmartCardError`; an unknown `responseCode`, or none, is a `TypeError`, as
   * WebIDL makes it.
   * @param message what failed
   * @param options the response code
   */
  constructor(message: string = "", options: SmartCardErrorOptions) {
    const given = toDictionary(options, "SmartCardError options");
    const responseCode = toEnum(
      required(given, "responseCode", "SmartCardError options"),
      SMART_CARD_RESPONSE_CODES,
      "SmartCardResponseCode",
      "SmartCardError options.responseCode",
    );
    super(toDOMString(message, "SmartCardError message"), "SmartCardError");
    this.#responseCode = responseCode;
  }

  /** Which PC/SC failure this is. */
  get responseCode(): SmartCardResponseCode {
    return this.#responseCode;
  }
}
