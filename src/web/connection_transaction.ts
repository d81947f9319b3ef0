/**
 * The spec's transaction state of one connection: a transaction's run from its begin,
 * through its callback's settlement, to its end, which waits while another operation of the
 * context runs.
 *
 * @module
 */

import type { CardHandle } from "../pcsc/card_handle.ts";
import { beginTransaction } from "./begin_transaction.ts";
import type { ConnectionSlot, ContextSlots } from "./context_slots.ts";
import { asWebError, invalidState } from "./corresponding_exception.ts";
import { endTransactionOnCard } from "./end_transaction.ts";
import { DISPOSITIONS, type SmartCardDisposition } from "./enums.ts";
import { toEnum } from "./webidl.ts";

/**
 * The body of a transaction: what it resolves to is how the transaction ends (undefined or
 * null: "reset"). A function that returns no promise works too: its value, or what it
 * throws, counts as the promise's.
 */
export type SmartCardTransactionCallback = () => Promise<SmartCardDisposition | undefined | null>;

/** What a connection's transactions need of it. */
export interface TransactionHost {
  readonly slots: ContextSlots;
  readonly reader: string;
  /** The spec's [[comm]]: null once disconnected. */
  handle(): CardHandle | null;
  /** SCardReconnect with "leave" after a reset or unpower (see `endTransactionOnCard`). */
  reconnect(handle: CardHandle): Promise<void>;
}

/** A running transaction (the spec's "transaction state"). */
interface TransactionState {
  /** set: end the transaction with it once the running operation has ended */
  pendingDisposition: SmartCardDisposition | null;
  /** set: what the transaction's promise rejects with, whatever the end gives */
  pendingException: { readonly reason: unknown } | null;
  resolve(): void;
  reject(reason: unknown): void;
}

/**
 * A connection's `[[transactionState]]`, and the connection as its context knows it: the
 * context ends a settled transaction through it when the running operation has ended.
 */
export class ConnectionTransaction implements ConnectionSlot {
  readonly #host: TransactionHost;
  #state: TransactionState | null = null;

  /** The transactions of the connection `host`. */
  constructor(host: TransactionHost) {
    this.#host = host;
  }

  /** Whether a transaction has begun and not yet ended. */
  get active(): boolean {
    return this.#state !== null;
  }

  /**
   * `startTransaction` after its WebIDL conversions: the checks, the begin, the callback,
   * and a promise that settles when the transaction has ended.
   */
  async start(
    callback: SmartCardTransactionCallback,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { slots, reader } = this.#host;
    slots.assertIdle();
    if (slots.activeReaderTransactions.has(reader)) {
      throw invalidState(`A transaction is already active on ${reader} in this context`);
    }
    const handle = this.#host.handle();
    if (handle === null) throw invalidState("The connection is disconnected");
    if (this.#state !== null) throw invalidState("A transaction is already active");
    if (signal?.aborted) throw signal.reason;
    await beginTransaction(slots, handle, signal);
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const state: TransactionState = {
      pendingDisposition: null,
      pendingException: null,
      resolve,
      reject,
    };
    this.#state = state;
    slots.activeReaderTransactions.set(reader, this);
    this.#settle(state, callback);
    return await promise;
  }

  /** The spec's "end any settled transaction". */
  endAnySettledTransaction(): void {
    const state = this.#state;
    if (state === null || state.pendingDisposition === null) return;
    const disposition = state.pendingDisposition;
    state.pendingDisposition = null;
    this.#end(disposition);
  }

  /**
   * Runs the callback and, once it settles, ends the transaction with its disposition, or
   * marks it to end when the running operation of the context does.
   */
  #settle(state: TransactionState, callback: SmartCardTransactionCallback): void {
    const slots = this.#host.slots;
    let settled: Promise<unknown>;
    try {
      settled = Promise.resolve(callback.call(undefined));
    } catch (error) {
      settled = Promise.reject(error);
    }
    const failed = (reason: unknown): void => {
      state.pendingException = { reason };
      if (slots.operationInProgress) state.pendingDisposition = "reset";
      else this.#end("reset");
    };
    settled.then((value) => {
      let disposition: SmartCardDisposition;
      try {
        disposition = value === undefined || value === null ? "reset" : toEnum(
          value,
          DISPOSITIONS,
          "SmartCardDisposition",
          "startTransaction: the transaction's result",
        );
      } catch (error) {
        failed(error);
        return;
      }
      if (slots.operationInProgress) {
        state.pendingException = {
          reason: invalidState("The transaction ended while an operation was in progress"),
        };
        state.pendingDisposition = disposition;
      } else {
        this.#end(disposition);
      }
    }, failed);
  }

  /** The spec's "end the transaction" with `disposition`. */
  #end(disposition: SmartCardDisposition): void {
    const state = this.#state!;
    const { slots, reader } = this.#host;
    const handle = this.#host.handle();
    if (handle === null) {
      state.reject(invalidState("The connection was disconnected during the transaction"));
      this.#state = null;
      // the spec leaves the reader marked here; it would refuse every later transaction on it
      slots.activeReaderTransactions.delete(reader);
      slots.connections.delete(this);
      return;
    }
    // Not `slots.run`: the flag clears and the reader is released in one step, so no code
    // runs between them and sees the one without the other.
    slots.begin();
    endTransactionOnCard(handle, disposition, this.#host.reconnect).then((failure) => {
      slots.clear();
      slots.activeReaderTransactions.delete(reader);
      this.#state = null;
      if (this.#host.handle() === null) slots.connections.delete(this);
      if (state.pendingException !== null) state.reject(state.pendingException.reason);
      else if (failure === null) state.resolve();
      else state.reject(asWebError(failure.error, slots.constants));
    });
  }
}
