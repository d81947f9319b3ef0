/**
 * The error a pseudo-APDU fails with when the reader answers anything but 90 00.
 *
 * @module
 */

import { SWException } from "../../mod.ts";
import { hex, type Part3Operation, statusMeaning } from "./status_words.ts";

/** Where the failed pseudo-APDU was aimed. */
export interface ContactlessErrorOptions {
  /** The block, page or byte address; absent for operations with none (GET DATA). */
  readonly address?: number;
  /** A word for the address in the message ("block", "page", "key slot"); default "address". */
  readonly addressKind?: string;
  /** What was asked, when the operation name alone does not say (GET DATA's "UID"). */
  readonly detail?: string;
}

/**
 * A PC/SC Part 3 pseudo-APDU answered with a status word other than 90 00. The message
 * names the operation, the address and what the status word means:
 * `READ BINARY of block 8 failed: 69 82, security status not satisfied: ...`.
 *
 * It is an `SWException` (pyscard's status-word error), so `data`, `sw1` and `sw2` are
 * there too.
 */
export class ContactlessError extends SWException {
  /** The pseudo-APDU that failed. */
  readonly operation: Part3Operation;
  /** The block, page or byte address it was aimed at, if it has one. */
  readonly address: number | undefined;
  /** The status word, SW1 SW2 as one number (0x6982). */
  readonly sw: number;
  /** What the status word means for this operation, in words. */
  readonly meaning: string;

  /**
   * Builds the error and its message from the operation, the status word and the address.
   *
   * @param operation the pseudo-APDU that failed
   * @param sw the status word it got
   * @param data the response data that came with it
   * @param options where it was aimed
   */
  constructor(
    operation: Part3Operation,
    sw: number,
    data: readonly number[] = [],
    options: ContactlessErrorOptions = {},
  ) {
    const meaning = statusMeaning(operation, sw);
    super(data, sw >> 8, sw & 0xff, meaning);
    this.name = "ContactlessError";
    this.operation = operation;
    this.address = options.address;
    this.sw = sw;
    this.meaning = meaning;
    const what = options.detail === undefined ? operation : `${operation} (${options.detail})`;
    const where = options.address === undefined
      ? ""
      : ` of ${options.addressKind ?? "address"} ${options.address}`;
    this.message = `${what}${where} failed: ${hex(sw >> 8)} ${hex(sw & 0xff)}, ${meaning}`;
  }
}

/**
 * A write this module refuses to send because it cannot be undone on the card (a MIFARE
 * sector trailer, Type 2 lock bytes, the one-time-programmable capability container, a tag's
 * configuration pages): nothing reached the reader. The message says which option asks for
 * it explicitly.
 */
export class UnsafeWriteError extends Error {
  /** The block or page the write was aimed at. */
  readonly address: number;

  /**
   * Records what was refused.
   *
   * @param address the block or page the write was aimed at
   * @param message what was refused and how to ask for it
   */
  constructor(address: number, message: string) {
    super(message);
    this.name = "UnsafeWriteError";
    this.address = address;
  }
}
