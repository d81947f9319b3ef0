/**
 * The error-checker contract (pyscard's `smartcard.sw.ErrorChecker`) and the table-driven
 * form that pyscard's ISO 7816-4/8/9 and Open Platform checkers share.
 *
 * @module
 */

import type { SWExceptionClass } from "./sw_exceptions.ts";

/**
 * A status-word check strategy: `check` returns when sw1 sw2 are acceptable and throws an
 * `SWException` when they are not. pyscard's checkers are callables; here they are objects
 * with a `check` method, so that an `ErrorCheckingChain` is one as well.
 *
 * @example
 * ```ts
 * import { type ErrorChecker, CheckingErrorException } from "@pcsc/smartcard";
 * const only9000: ErrorChecker = {
 *   check(data, sw1, sw2) {
 *     if (sw1 !== 0x90 || sw2 !== 0x00) throw new CheckingErrorException(data, sw1, sw2, "not 90 00");
 *   },
 * };
 * ```
 */
export interface ErrorChecker {
  /**
   * Checks one response's status word.
   *
   * @param data the response data
   * @param sw1 the first status byte
   * @param sw2 the second status byte
   * @throws SWException (or a subclass) when the status word signals an error or warning
   */
  check(data: readonly number[], sw1: number, sw2: number): void;
}

/** One sw1 row of a status-word table: the class thrown and the text for each known sw2. */
export interface StatusWordRow {
  /** The exception class thrown for every sw2 listed in `messages`. */
  readonly exception: SWExceptionClass;
  /** The meaning of each known sw2; an sw2 not listed passes. */
  readonly messages: Readonly<Record<number, string>>;
}

/** A pyscard status-word table, keyed by sw1; an sw1 not listed passes. Frozen. */
export type StatusWordTable = Readonly<Record<number, StatusWordRow>>;

/**
 * Builds a frozen {@link StatusWordTable} from pyscard's `{sw1: (exception, {sw2: text})}`
 * layout.
 *
 * @example
 * ```ts
 * import { CheckingErrorException, defineStatusWordTable } from "@pcsc/smartcard";
 * const table = defineStatusWordTable({ 0x6a: [CheckingErrorException, { 0x82: "File not found" }] });
 * ```
 */
export function defineStatusWordTable(
  rows: Readonly<Record<number, readonly [SWExceptionClass, Readonly<Record<number, string>>]>>,
): StatusWordTable {
  const table: Record<number, StatusWordRow> = {};
  for (const [sw1, [exception, messages]] of Object.entries(rows)) {
    table[Number(sw1)] = Object.freeze({ exception, messages: Object.freeze({ ...messages }) });
  }
  return Object.freeze(table);
}

/**
 * Throws a `RangeError` unless sw1 and sw2 are both integers in 0..255: a checker given
 * anything else would silently pass it, hiding the caller's bug.
 */
export function assertStatusWord(sw1: number, sw2: number): void {
  for (const [name, value] of [["sw1", sw1], ["sw2", sw2]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) {
      throw new RangeError(`${name} must be an integer byte 0..255, got ${String(value)}`);
    }
  }
}

/**
 * Throws the table's exception, with the table's text, when it lists both sw1 and sw2;
 * returns otherwise.
 *
 * @throws RangeError when sw1 or sw2 is not a byte
 */
export function checkStatusWordTable(
  table: StatusWordTable,
  data: readonly number[],
  sw1: number,
  sw2: number,
): void {
  assertStatusWord(sw1, sw2);
  if (!Object.hasOwn(table, sw1)) return;
  const row = table[sw1];
  if (!Object.hasOwn(row.messages, sw2)) return;
  throw new row.exception(data, sw1, sw2, row.messages[sw2]);
}
