/**
 * pyscard's `smartcard.sw.ISO7816_4_SW1ErrorChecker`: ISO 7816-4's error classes by sw1
 * alone.
 *
 * @module
 */

import { assertStatusWord, type ErrorChecker } from "./error_checker.ts";
import {
  CheckingErrorException,
  ExecutionErrorException,
  SecurityRelatedException,
  type SWExceptionClass,
  WarningProcessingException,
} from "./sw_exceptions.ts";

/** pyscard's `iso7816_4SW1` table: the exception class for each sw1, whatever sw2. */
export const iso7816_4SW1: Readonly<Record<number, SWExceptionClass>> = Object.freeze({
  0x62: WarningProcessingException,
  0x63: WarningProcessingException,
  0x64: ExecutionErrorException,
  0x65: ExecutionErrorException,
  0x66: SecurityRelatedException,
  0x67: CheckingErrorException,
  0x68: CheckingErrorException,
  0x69: CheckingErrorException,
  0x6A: CheckingErrorException,
  0x6B: CheckingErrorException,
  0x6C: CheckingErrorException,
  0x6D: CheckingErrorException,
  0x6E: CheckingErrorException,
  0x6F: CheckingErrorException,
});

/**
 * Throws for every sw1 from 62 to 6F whatever sw2 ({@link iso7816_4SW1}), with no text (as
 * pyscard); put it after finer checkers in a chain to catch what they leave.
 *
 * @example
 * ```ts
 * import { ISO7816_4_SW1ErrorChecker } from "@pcsc/smartcard";
 * new ISO7816_4_SW1ErrorChecker().check([], 0x66, 0x80); // throws SecurityRelatedException
 * ```
 */
export class ISO7816_4_SW1ErrorChecker implements ErrorChecker {
  /**
   * Checks one response's sw1 against {@link iso7816_4SW1}.
   *
   * @throws SWException for any sw1 the table lists
   * @throws RangeError when sw1 or sw2 is not a byte
   */
  check(data: readonly number[], sw1: number, sw2: number): void {
    assertStatusWord(sw1, sw2);
    if (Object.hasOwn(iso7816_4SW1, sw1)) throw new iso7816_4SW1[sw1](data, sw1, sw2);
  }
}
