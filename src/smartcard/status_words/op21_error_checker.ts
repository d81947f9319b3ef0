/**
 * pyscard's `smartcard.sw.op21_ErrorChecker`: the status words Open Platform 2.1 defines.
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

/** pyscard's `op21_SW` table, keyed by sw1 then sw2. */
export const op21_SW: StatusWordTable = defineStatusWordTable({
  0x62: [WarningProcessingException, { 0x83: "Card life cycle is CARD_LOCKED" }],
  0x63: [WarningProcessingException, { 0x00: "Authentication failed" }],
  0x64: [ExecutionErrorException, { 0x00: "Execution error" }],
  0x65: [ExecutionErrorException, { 0x81: "Memory failure" }],
  0x67: [CheckingErrorException, { 0x00: "Wrong length in Lc" }],
  0x69: [CheckingErrorException, {
    0x82: "Security status not satisfied",
    0x85: "Conditions of use not satisfied",
  }],
  0x6A: [CheckingErrorException, {
    0x80: "Incorrect values in command data",
    0x81: "Function not supported",
    0x82: "Application not found",
    0x84: "Not enough memory space",
    0x86: "Incorrect parameters P1-P2",
    0x88: "Referenced data not found",
  }],
  0x6D: [CheckingErrorException, { 0x00: "Instruction not supported" }],
  0x6E: [CheckingErrorException, { 0x00: "Class not supported" }],
  0x94: [CheckingErrorException, {
    0x84: "Algorithm not supported",
    0x85: "Invalid key check value",
  }],
});

/**
 * Throws for the status words Open Platform 2.1 defines ({@link op21_SW}); passes the rest.
 *
 * @example
 * ```ts
 * import { op21_ErrorChecker } from "@pcsc/smartcard";
 * new op21_ErrorChecker().check([], 0x94, 0x84); // throws CheckingErrorException
 * ```
 */
export class op21_ErrorChecker implements ErrorChecker {
  /**
   * Checks one response's status word against {@link op21_SW}.
   *
   * @throws SWException for a status word the table lists
   * @throws RangeError when sw1 or sw2 is not a byte
   */
  check(data: readonly number[], sw1: number, sw2: number): void {
    checkStatusWordTable(op21_SW, data, sw1, sw2);
  }
}
