/**
 * Status-word exceptions (pyscard's `smartcard.sw.SWExceptions`): what an error checker
 * throws when a response's sw1 sw2 signal a warning or an error.
 *
 * @module
 */

import { SmartcardException } from "../errors/exceptions.ts";

/**
 * The constructor of {@link SWException} or of one of its subclasses: what error-checker
 * tables hold and what `ErrorCheckingChain.addFilterException` takes.
 */
export type SWExceptionClass = new (
  data: readonly number[],
  sw1: number,
  sw2: number,
  message?: string,
) => SWException;

/**
 * The root of the status-word exceptions: a response APDU whose sw1 sw2 an error checker
 * refused.
 *
 * `message` reads as pyscard's `str()` without its stray `repr` quotes:
 * `"Status word exception: checking error - File not found!"`; `reason` keeps pyscard's
 * `message` attribute (`"checking error - File not found"`).
 *
 * @example
 * ```ts
 * import { SWException } from "@pcsc/smartcard";
 * const e = new SWException([], 0x6a, 0x82, "File not found");
 * e.message; // "Status word exception: File not found!"
 * ```
 */
export class SWException extends SmartcardException {
  /** The response data that came with the status word (a copy). */
  readonly data: readonly number[];
  /** The first status byte. */
  readonly sw1: number;
  /** The second status byte. */
  readonly sw2: number;
  /** pyscard's `message` attribute: the category prefix then the table's text. */
  readonly reason: string;

  /**
   * Records the response and renders the message as pyscard's `str()`.
   *
   * @param data the response data
   * @param sw1 the first status byte
   * @param sw2 the second status byte
   * @param message what the status word means, from a checker's table
   */
  constructor(data: readonly number[], sw1: number, sw2: number, message: string = "") {
    super(`Status word exception: ${message}!`);
    this.data = Object.freeze(Array.from(data));
    this.sw1 = sw1;
    this.sw2 = sw2;
    this.reason = message;
  }

  /**
   * `console.log(error)` prints pyscard's `str()` to the character, the quotes of its `repr`
   * included: `'Status word exception: checking error - File not found!'`.
   */
  [Symbol.for("Deno.customInspect")](): string {
    return pythonRepr(this.message);
  }
}

/** A string as Python's `repr` writes it (what pyscard's `SWException.__str__` returns). */
function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === "\\" || char === quote) out += "\\" + char;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += char;
  }
  return quote + out + quote;
}

/**
 * A warning: the command was processed, with a caveat (ISO 7816-4 sw1 = 62 or 63).
 *
 * @example
 * ```ts
 * import { WarningProcessingException } from "@pcsc/smartcard";
 * new WarningProcessingException([], 0x63, 0x00, "Authentication failed").message;
 * // "Status word exception: warning processing - Authentication failed!"
 * ```
 */
export class WarningProcessingException extends SWException {
  /**
   * Prefixes the text with its category, as pyscard.
   *
   * @param message the table's text; pyscard prefixes it with "warning processing - "
   */
  constructor(data: readonly number[], sw1: number, sw2: number, message: string = "") {
    super(data, sw1, sw2, "warning processing - " + message);
  }
}

/** An execution error: the card's state may have changed (ISO 7816-4 sw1 = 64 or 65). */
export class ExecutionErrorException extends SWException {
  /**
   * Prefixes the text with its category, as pyscard.
   *
   * @param message the table's text; pyscard prefixes it with "execution error - "
   */
  constructor(data: readonly number[], sw1: number, sw2: number, message: string = "") {
    super(data, sw1, sw2, "execution error - " + message);
  }
}

/** A security issue (ISO 7816-4 sw1 = 66). */
export class SecurityRelatedException extends SWException {
  /**
   * Prefixes the text with its category, as pyscard.
   *
   * @param message the table's text; pyscard prefixes it with "security issue - "
   */
  constructor(data: readonly number[], sw1: number, sw2: number, message: string = "") {
    super(data, sw1, sw2, "security issue - " + message);
  }
}

/** A checking error: the command was refused as given (ISO 7816-4 sw1 = 67 to 6F). */
export class CheckingErrorException extends SWException {
  /**
   * Prefixes the text with its category, as pyscard.
   *
   * @param message the table's text; pyscard prefixes it with "checking error - "
   */
  constructor(data: readonly number[], sw1: number, sw2: number, message: string = "") {
    super(data, sw1, sw2, "checking error - " + message);
  }
}
