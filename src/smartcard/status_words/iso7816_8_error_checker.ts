/**
 * pyscard's `smartcard.sw.ISO7816_8ErrorChecker`: the status words ISO 7816-8 (security
 * operations) defines.
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
  SecurityRelatedException,
  WarningProcessingException,
} from "./sw_exceptions.ts";

/** pyscard's `iso7816_8SW` table, keyed by sw1 then sw2. */
export const iso7816_8SW: StatusWordTable = defineStatusWordTable({
  0x63: [WarningProcessingException, {
    0x00: "Authentication failed",
    0xC0: "PIN verification failed. 0 retries before blocking PIN",
    0xC1: "PIN verification failed. 1 retries before blocking PIN",
    0xC2: "PIN verification failed. 2 retries before blocking PIN",
    0xC3: "PIN verification failed. 3 retries before blocking PIN",
    0xC4: "PIN verification failed. 4 retries before blocking PIN",
    0xC5: "PIN verification failed. 5 retries before blocking PIN",
    0xC6: "PIN verification failed. 6 retries before blocking PIN",
    0xC7: "PIN verification failed. 7 retries before blocking PIN",
    0xC8: "PIN verification failed. 8 retries before blocking PIN",
    0xC9: "PIN verification failed. 9 retries before blocking PIN",
    0xCA: "PIN verification failed. 10 retries before blocking PIN",
    0xCB: "PIN verification failed. 11 retries before blocking PIN",
    0xCC: "PIN verification failed. 12 retries before blocking PIN",
    0xCD: "PIN verification failed. 13 retries before blocking PIN",
    0xCE: "PIN verification failed. 14 retries before blocking PIN",
    0xCF: "PIN verification failed. 15 retries before blocking PIN",
  }],
  0x65: [ExecutionErrorException, { 0x81: "Memory failure (unsuccessful changing)" }],
  0x66: [SecurityRelatedException, {
    0x00: "The environment cannot be set or modified",
    0x87: "Expected SM data objects missing",
    0x88: "SM data objects incorrect",
  }],
  0x67: [CheckingErrorException, { 0x00: "Wrong length (empty Lc field)" }],
  0x68: [CheckingErrorException, {
    0x83: "Final command expected",
    0x84: "Command chaining not supported",
  }],
  0x69: [CheckingErrorException, {
    0x82: "Security status not satisfied",
    0x83: "Authentication method blocked",
    0x84: "Referenced data invalidated",
    0x85: "Conditions of use not satisfied",
  }],
  0x6A: [CheckingErrorException, {
    0x81: "Function not supported",
    0x82: "File not found",
    0x86: "Incorrect parameters P1-P2",
    0x88: "Referenced data not found",
  }],
});

/**
 * Throws for the status words ISO 7816-8 defines ({@link iso7816_8SW}); passes the rest.
 *
 * @example
 * ```ts
 * import { ISO7816_8ErrorChecker } from "@pcsc/smartcard";
 * new ISO7816_8ErrorChecker().check([], 0x66, 0x87); // throws SecurityRelatedException
 * ```
 */
export class ISO7816_8ErrorChecker implements ErrorChecker {
  /**
   * Checks one response's status word against {@link iso7816_8SW}.
   *
   * @throws SWException for a status word the table lists
   * @throws RangeError when sw1 or sw2 is not a byte
   */
  check(data: readonly number[], sw1: number, sw2: number): void {
    checkStatusWordTable(iso7816_8SW, data, sw1, sw2);
  }
}
