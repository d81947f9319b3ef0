/**
 * pyscard's `smartcard.sw.ISO7816_9ErrorChecker`: the status words ISO 7816-9 (card
 * management) defines.
 *
 * @module
 */

import {
  checkStatusWordTable,
  defineStatusWordTable,
  type ErrorChecker,
  type StatusWordTable,
} from "./error_checker.ts";
import {
  CheckingErrorException,
  ExecutionErrorException,
  WarningProcessingException,
} from "./sw_exceptions.ts";

/** pyscard's `iso7816_9SW` table, keyed by sw1 then sw2. */
export const iso7816_9SW: StatusWordTable = defineStatusWordTable({
  0x62: [WarningProcessingException, { 0x82: "End of file/record reached" }],
  0x64: [ExecutionErrorException, { 0x00: "Execution error" }],
  0x69: [CheckingErrorException, { 0x82: "Security status not satisfied" }],
  0x6A: [CheckingErrorException, {
    0x80: "Incorrect parameters in data field",
    0x84: "Not enough memory space",
    0x89: "File already exists",
    0x8A: "DF name already exists",
  }],
});

/**
 * Throws for the status words ISO 7816-9 defines ({@link iso7816_9SW}); passes the rest.
 *
 * @example
 * ```ts
 * import { ISO7816_9ErrorChecker } from "@pcsc/smartcard";
 * new ISO7816_9ErrorChecker().check([], 0x6a, 0x8a); // throws CheckingErrorException
 * ```
 */
export class ISO7816_9ErrorChecker implements ErrorChecker {
  /**
   * Checks one response's status word against {@link iso7816_9SW}.
   *
   * @throws SWException for a status word the table lists
   * @throws RangeError when sw1 or sw2 is not a byte
   */
  check(data: readonly number[], sw1: number, sw2: number): void {
    checkStatusWordTable(iso7816_9SW, data, sw1, sw2);
  }
}
