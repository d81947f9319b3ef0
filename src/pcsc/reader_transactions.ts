/**
 * Which card handles of this process hold, or are about to hold, a transaction on which reader.
 *
 * While a handle holds a transaction (SCardBeginTransaction), pcsc-lite makes the other
 * handles' SCardConnect, SCardReconnect, SCardStatus, SCardTransmit and SCardDisconnect (other
 * than "leave") wait until it ends. When the holder belongs to this process, a blocking call
 * on the JavaScript thread would wait for something only that thread can do: the process
 * would be frozen for good. The PC/SC layer keeps this ledger so that such a call can be
 * refused, and a disconnect deferred, instead.
 *
 * @module
 */

import type { NativePcsc } from "../ffi/native.ts";

/** Where a handle stands with a reader's transaction. */
export type TransactionClaim =
  /** SCardBeginTransaction has been asked for and may take the reader at any moment */
  | "beginning"
  /** SCardBeginTransaction succeeded and no end has yet */
  | "holding";

/** The transactions of one PC/SC implementation's handles, by reader name. */
export class ReaderTransactions {
  readonly #claims = new Map<string, Map<object, TransactionClaim>>();
  readonly #waiters = new Map<string, (() => void)[]>();

  /** Records `owner`'s claim on `reader`'s transaction (replacing an earlier one). */
  claim(reader: string, owner: object, claim: TransactionClaim): void {
    let claims = this.#claims.get(reader);
    if (claims === undefined) this.#claims.set(reader, claims = new Map());
    claims.set(owner, claim);
  }

  /** `owner`'s own claim on `reader`'s transaction, or null. */
  claimOf(reader: string, owner: object): TransactionClaim | null {
    return this.#claims.get(reader)?.get(owner) ?? null;
  }

  /** Forgets `owner`'s claim on `reader`; when none is left, wakes {@link whenFree}'s callers. */
  drop(reader: string, owner: object): void {
    const claims = this.#claims.get(reader);
    if (claims === undefined || !claims.delete(owner) || claims.size > 0) return;
    this.#claims.delete(reader);
    const waiters = this.#waiters.get(reader) ?? [];
    this.#waiters.delete(reader);
    for (const wake of waiters) wake();
  }

  /**
   * The handle of this process that a call of `owner` on `reader` may have to wait for: none
   * when `owner` holds the transaction itself; otherwise any other handle that holds it or
   * is beginning one (a begin on the blocking pool may take the reader at any moment).
   */
  blocker(reader: string, owner: object): TransactionClaim | null {
    const claims = this.#claims.get(reader);
    if (claims === undefined || claims.get(owner) === "holding") return null;
    for (const [other, claim] of claims) if (other !== owner) return claim;
    return null;
  }

  /** Resolves once no handle of this process claims `reader`'s transaction. */
  whenFree(reader: string): Promise<void> {
    if (!this.#claims.has(reader)) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    let waiters = this.#waiters.get(reader);
    if (waiters === undefined) this.#waiters.set(reader, waiters = []);
    waiters.push(resolve);
    return promise;
  }
}

const ledgers = new WeakMap<NativePcsc, ReaderTransactions>();

/**
 * The ledger of the handles made through `native`: one per PC/SC implementation, since a
 * scripted one in a test has readers of its own.
 */
export function transactionsOf(native: NativePcsc): ReaderTransactions {
  let ledger = ledgers.get(native);
  if (ledger === undefined) ledgers.set(native, ledger = new ReaderTransactions());
  return ledger;
}
