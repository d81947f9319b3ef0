/**
 * pyscard's exception hierarchy (`smartcard.Exceptions`), with the PC/SC reason rendered.
 *
 * @module
 */

import { describeReturnCode } from "../../pcsc/pcsc_error.ts";

/**
 * The root of every error this module throws for a PC/SC or card failure.
 *
 * `hresult` is the PC/SC return code (unsigned, `0x8010000B`), or -1 when there is none.
 * The message renders it as pyscard does:
 * `"Unable to connect: Sharing violation. (0x8010000B)"`.
 *
 * @example
 * ```ts
 * import { SmartcardException } from "@pcsc/smartcard";
 * const e = new SmartcardException("Unable to connect", 0x8010000b);
 * e.message; // "Unable to connect: Sharing violation. (0x8010000B)"
 * ```
 */
export class SmartcardException extends Error {
  /** The PC/SC return code, or -1 when the failure did not come from PC/SC. */
  readonly hresult: number;

  /**
   * Creates a `SmartcardException`.
   * @param message what was being done
   * @param hresult the PC/SC return code, -1 for none
   */
  constructor(message: string = "", hresult: number = -1, options?: ErrorOptions) {
    super(renderMessage(message, hresult), options);
    this.name = new.target.name;
    this.hresult = hresult === -1 ? -1 : hresult >>> 0;
  }

  /**
   * `console.log(error)` prints what pyscard's `print(error)` does: the message alone, no
   * class dump. An uncaught error is still reported with its stack.
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.message;
  }
}

function renderMessage(message: string, hresult: number): string {
  if (hresult === -1) return message;
  const reason = describeReturnCode(hresult >>> 0);
  return message ? `${message}: ${reason}` : reason;
}

/** A connection operation failed: connect, transmit, control, getAttrib, reconnect. */
export class CardConnectionException extends SmartcardException {}

/** A card request failed for a reason other than its time-out. */
export class CardRequestException extends SmartcardException {}

/** A card request reached its time-out without a matching card. */
export class CardRequestTimeoutException extends CardRequestException {
  /**
   * Creates a `CardRequestTimeoutException`.
   * @param hresult the PC/SC return code that ended the wait, -1 for none
   */
  constructor(hresult: number = -1, options?: ErrorOptions) {
    super("Time-out during card request", hresult, options);
  }
}

/** A card service failed. */
export class CardServiceException extends SmartcardException {}

/** There is no card in the reader (or it was removed). */
export class NoCardException extends SmartcardException {}

/** The reader named does not exist or cannot be used: `"Invalid reader: <name>"`. */
export class InvalidReaderException extends SmartcardException {
  /**
   * Creates an `InvalidReaderException`.
   * @param readername the reader, as the message shows it
   */
  constructor(readername: string) {
    super(`Invalid reader: ${readername}`);
  }
}

/** The PC/SC service stopped (Windows, with its last reader): `readers()` could not list. */
export class CardServiceStoppedException extends SmartcardException {}

/** No PC/SC service answers: `readers()` could not list. */
export class CardServiceNotFoundException extends SmartcardException {}

/** The system has no smart card reader. */
export class NoReadersException extends SmartcardException {
  /**
   * Creates a `NoReadersException`.
   * @param message defaults to pyscard's "No reader found"
   */
  constructor(message: string = "No reader found", hresult: number = -1) {
    super(message, hresult);
  }
}

/** An ATR mask whose length differs from the ATR's. */
export class InvalidATRMaskLengthException extends SmartcardException {
  /**
   * Creates a `InvalidATRMaskLengthException`.
   * @param mask the offending mask, rendered in the message
   */
  constructor(mask: unknown) {
    super(`Invalid ATR mask length: ${formatMask(mask)}`);
  }
}

function formatMask(mask: unknown): string {
  if (Array.isArray(mask) || mask instanceof Uint8Array) {
    return "[" + Array.from(mask as ArrayLike<number>).join(", ") + "]";
  }
  return String(mask);
}
