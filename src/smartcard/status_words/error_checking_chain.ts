/**
 * pyscard's `smartcard.sw.ErrorCheckingChain`: status-word checkers run in order, as a
 * chain of responsibility, with exception filters.
 *
 * @module
 */

import type { ErrorChecker } from "./error_checker.ts";
import type { SWExceptionClass } from "./sw_exceptions.ts";

/**
 * One link of an error-checking chain. Each link runs its strategy, then the next link;
 * the first exception thrown ends the run. An exception whose class is exactly one of the
 * link's filters (not a subclass of one, as in pyscard) ends the run silently.
 *
 * @example
 * ```ts
 * import {
 *   ErrorCheckingChain, ISO7816_4ErrorChecker, ISO7816_8ErrorChecker, ISO7816_9ErrorChecker,
 *   WarningProcessingException,
 * } from "@pcsc/smartcard";
 * const chain: ErrorCheckingChain[] = [];
 * new ErrorCheckingChain(chain, new ISO7816_9ErrorChecker());
 * new ErrorCheckingChain(chain, new ISO7816_8ErrorChecker());
 * new ErrorCheckingChain(chain, new ISO7816_4ErrorChecker());
 * chain[0].addFilterException(WarningProcessingException);
 * chain[0].check([], 0x63, 0xc1); // filtered: returns
 * chain[0].check([], 0x6a, 0x82); // throws CheckingErrorException "File not found"
 * ```
 */
export class ErrorCheckingChain implements ErrorChecker {
  /** The checker this link runs. */
  readonly strategy: ErrorChecker;
  /** The array of links this one was appended to, shared by every link of the chain. */
  readonly chain: ErrorCheckingChain[];
  /** The exception classes this link filters out. */
  readonly excludes: SWExceptionClass[] = [];

  /**
   * Appends the new link to `chain`.
   *
   * @param chain the chain's links so far (usually `[]` for the first link)
   * @param strategy the checker this link runs
   */
  constructor(chain: ErrorCheckingChain[], strategy: ErrorChecker) {
    this.strategy = strategy;
    this.chain = chain;
    chain.push(this);
  }

  /** The link after this one, or null at the end of the chain. */
  next(): ErrorCheckingChain | null {
    return this.end() ? null : this.chain[this.chain.indexOf(this) + 1];
  }

  /**
   * Whether this is the last link. A link no longer in its chain array counts as the last,
   * where pyscard would raise ValueError from `list.index`.
   */
  end(): boolean {
    const location = this.chain.indexOf(this);
    return location === -1 || location + 1 >= this.chain.length;
  }

  /**
   * Filters `exClass` out of this link and of every link after it (links appended later do
   * not get it, as in pyscard). Only that exact class is filtered, not its subclasses.
   */
  addFilterException(exClass: SWExceptionClass): void {
    this.excludes.push(exClass);
    this.next()?.addFilterException(exClass);
  }

  /**
   * Runs this link's strategy then the rest of the chain.
   *
   * @throws SWException from the first strategy that refuses sw1 sw2, unless filtered
   */
  check(data: readonly number[], sw1: number, sw2: number): void {
    try {
      this.strategy.check(data, sw1, sw2);
    } catch (error) {
      // pyscard compares `exc.__class__`, so a subclass of a filtered class still throws.
      if (this.isFiltered(error)) return;
      throw error;
    }
    this.next()?.check(data, sw1, sw2);
  }

  /** Whether `error`'s exact class is one of this link's filters. */
  private isFiltered(error: unknown): boolean {
    if (typeof error !== "object" || error === null) return false;
    const exactClass: unknown = Object.getPrototypeOf(error)?.constructor;
    return this.excludes.some((exClass) => exClass === exactClass);
  }
}
