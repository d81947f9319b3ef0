/**
 * `SmartCardConnection`: one connection to a card (or, with "direct", to a reader), made by
 * `SmartCardContext.connect`.
 *
 * @module
 */

import type { CardHandle, CardStatus } from "../pcsc/card_handle.ts";
import { cancelOnAbort } from "../pcsc/cancel_on_abort.ts";
import { PcscError, SCARD_E_CANCELLED } from "../pcsc/pcsc_error.ts";
import { SCARD_LEAVE_CARD } from "../pcsc/share_and_disposition.ts";
import { connectionState, type SmartCardConnectionState } from "./connection_state.ts";
import type { ConnectionSlot, ContextSlots } from "./context_slots.ts";
import { asWebError, domException, invalidState } from "./corresponding_exception.ts";
import {
  dispositionCode,
  DISPOSITIONS,
  protocolCode,
  protocolOf,
  PROTOCOLS,
  type SmartCardDisposition,
  type SmartCardProtocol,
} from "./enums.ts";
import {
  toAbortSignal,
  toBufferSource,
  toCallback,
  toDictionary,
  toEnforcedUnsignedLong,
  toEnum,
} from "./webidl.ts";

/** The options of {@link SmartCardConnection.transmit}. */
export interface SmartCardTransmitOptions {
  /** The protocol to send with; by default the connection's active protocol. */
  protocol?: SmartCardProtocol;
}

/** The options of {@link SmartCardConnection.startTransaction}. */
export interface SmartCardTransactionOptions {
  /** Gives up waiting for the transaction to begin (see the README on what pcsc-lite can). */
  signal?: AbortSignal;
}

/**
 * The body of a transaction: what it resolves to is how the transaction ends (undefined or
 * null: "reset"). A function that returns no promise works too: its value, or what it
 * throws, counts as the promise's.
 */
export type SmartCardTransactionCallback = () => Promise<SmartCardDisposition | undefined | null>;

/** What {@link SmartCardConnection.status} reports. */
export interface SmartCardConnectionStatus {
  /** The reader's name, as SCardStatus gives it. */
  readerName: string;
  /** The card's state: the most specific one that holds (see the README). */
  state: SmartCardConnectionState;
  /** The card's ATR (empty with no card). */
  answerToReset?: ArrayBuffer;
}

/** What the context hands a connection it made. */
interface ConnectionInit {
  readonly slots: ContextSlots;
  readonly handle: CardHandle;
  readonly reader: string;
  /** SCARD_SHARE_* and the preferred protocols it connected with */
  readonly share: number;
  readonly protocols: number;
  readonly activeProtocol: number;
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

// Handed from createConnection to the constructor, which nothing else can call usefully.
let creating: ConnectionInit | undefined;

// The response bytes as the ArrayBuffer the API gives: one copy out of the receive buffer.
const toArrayBuffer = (receive: Uint8Array, length: number): ArrayBuffer =>
  receive.slice(0, length).buffer;

/**
 * A connection to a card, over a PC/SC card handle with a context of its own. Every method
 * is an operation of the context that made it: while one runs (of the context or of any of
 * its connections), the others reject with "InvalidStateError", as the spec has it.
 */
export class SmartCardConnection {
  readonly #slots: ContextSlots;
  readonly #reader: string;
  readonly #share: number;
  readonly #protocols: number;
  #activeProtocol: number;
  // the spec's [[comm]]: null once disconnected
  #handle: CardHandle | null;
  #transaction: TransactionState | null = null;
  readonly #slot: ConnectionSlot = {
    endAnySettledTransaction: () => this.#endAnySettledTransaction(),
  };

  /**
   * Not for calling: `SmartCardContext.connect` makes connections. As in a browser, `new
   * SmartCardConnection()` is a `TypeError`.
   */
  constructor() {
    const init = creating;
    creating = undefined;
    if (init === undefined) throw new TypeError("Illegal constructor");
    this.#slots = init.slots;
    this.#handle = init.handle;
    this.#reader = init.reader;
    this.#share = init.share;
    this.#protocols = init.protocols;
    this.#activeProtocol = init.activeProtocol;
    this.#slots.connections.add(this.#slot);
  }

  /**
   * SCardDisconnect with `disposition` ("leave" unless told), then frees the connection's
   * PC/SC context. Afterwards every method rejects with "InvalidStateError".
   */
  async disconnect(disposition?: SmartCardDisposition): Promise<void> {
    const d = disposition === undefined
      ? "leave"
      : toEnum(disposition, DISPOSITIONS, "SmartCardDisposition", "disconnect: disposition");
    const handle = this.#usable();
    await this.#slots.run(async () => {
      try {
        // on the blocking pool: pcsc-lite makes it wait while another handle holds a
        // transaction on the reader, which may be one of this very process
        await handle.disconnect(false, dispositionCode(d));
      } finally {
        this.#drop();
      }
    });
  }

  /**
   * SCardTransmit of `sendBuffer` (copied first); resolves to the response, SW1 SW2 included,
   * up to 65,538 bytes (an extended response). `protocol` is the active one unless given;
   * a connection without one ("direct" with no protocol) rejects with "InvalidStateError".
   */
  async transmit(
    sendBuffer: BufferSource,
    options?: SmartCardTransmitOptions,
  ): Promise<ArrayBuffer> {
    const command = toBufferSource(sendBuffer, "transmit: sendBuffer");
    let protocol = this.#activeProtocol;
    if (options !== undefined) {
      const given = toDictionary(options, "transmit: options").protocol;
      if (given !== undefined) {
        const name = toEnum(given, PROTOCOLS, "SmartCardProtocol", "transmit: options.protocol");
        protocol = protocolCode(name, this.#slots.constants);
      }
    }
    const handle = this.#usable();
    const slots = this.#slots;
    if (protocolOf(protocol, slots.constants) === undefined) {
      throw invalidState("No protocol to transmit with: the connection has no active protocol");
    }
    return await slots.run(() =>
      handle.transmit(false, protocol, command, toArrayBuffer) as Promise<ArrayBuffer>
    );
  }

  /**
   * Runs `transaction` inside SCardBeginTransaction / SCardEndTransaction: the callback's
   * result is the end's disposition (undefined: "reset"); when it rejects, the transaction
   * ends with "reset" and this rejects with its reason. While it runs, other connections of
   * this context to the same reader get "InvalidStateError". An already aborted `signal`
   * rejects at once with its reason, and the callback never runs.
   */
  async startTransaction(
    transaction: SmartCardTransactionCallback,
    options?: SmartCardTransactionOptions,
  ): Promise<void> {
    const callback = toCallback<SmartCardTransactionCallback>(
      transaction,
      "startTransaction: transaction",
    );
    const given = options === undefined
      ? undefined
      : toDictionary(options, "startTransaction: options").signal;
    const signal = given === undefined
      ? undefined
      : toAbortSignal(given, "startTransaction: options.signal");
    const slots = this.#slots;
    slots.assertIdle();
    if (slots.activeReaderTransactions.has(this.#reader)) {
      throw invalidState(`A transaction is already active on ${this.#reader} in this context`);
    }
    const handle = this.#handle;
    if (handle === null) throw invalidState("The connection is disconnected");
    if (this.#transaction !== null) throw invalidState("A transaction is already active");
    if (signal?.aborted) throw signal.reason;
    slots.begin();
    let failure: unknown = null;
    try {
      await cancelOnAbort(handle.beginTransaction(false) as Promise<void>, signal, () => {
        handle.cancel();
      });
    } catch (error) {
      failure = error;
    }
    // the spec's "process the result of a BeginTransaction"
    slots.clear();
    const aborted = signal?.aborted ?? false;
    if (failure !== null) {
      if (aborted && failure instanceof PcscError && failure.code === SCARD_E_CANCELLED) {
        throw signal!.reason;
      }
      throw asWebError(failure, slots.constants);
    }
    if (aborted) {
      // The begin came through after the abort: pcsc-lite's SCardCancel cannot interrupt
      // SCardBeginTransaction. The caller gave up: end it at once, and never run the callback.
      await this.#abandonTransaction(handle);
      throw signal!.reason;
    }
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const state: TransactionState = {
      pendingDisposition: null,
      pendingException: null,
      resolve,
      reject,
    };
    this.#transaction = state;
    slots.activeReaderTransactions.set(this.#reader, this.#slot);
    let settled: Promise<unknown>;
    try {
      settled = Promise.resolve(callback.call(undefined));
    } catch (error) {
      settled = Promise.reject(error);
    }
    const failed = (reason: unknown): void => {
      state.pendingException = { reason };
      if (slots.operationInProgress) state.pendingDisposition = "reset";
      else this.#endTransaction("reset");
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
        this.#endTransaction(disposition);
      }
    }, failed);
    return await promise;
  }

  /**
   * SCardStatus: the reader's name, the card's state (the most specific one the bit mask
   * holds) and its ATR.
   */
  async status(): Promise<SmartCardConnectionStatus> {
    const handle = this.#usable();
    const slots = this.#slots;
    // on the blocking pool: pcsc-lite makes it wait while another handle holds a transaction
    const { reader, state, protocol, atr } = await slots.run(() =>
      handle.status(false) as Promise<CardStatus>
    );
    const named = connectionState(state, protocol, slots.constants);
    if (named === undefined) {
      throw domException(
        `SCardStatus gave an unknown card state 0x${state.toString(16)}`,
        "UnknownError",
      );
    }
    return { readerName: reader, state: named, answerToReset: new Uint8Array(atr).buffer };
  }

  /**
   * SCardControl with `controlCode` as given (the platform's SCARD_CTL_CODE is the caller's
   * to apply) and `data` (copied first); resolves to the reader's answer.
   */
  async control(controlCode: number, data: BufferSource): Promise<ArrayBuffer> {
    const code = toEnforcedUnsignedLong(controlCode, "control: controlCode");
    const bytes = toBufferSource(data, "control: data");
    const handle = this.#usable();
    return await this.#slots.run(() =>
      handle.control(false, code, bytes, toArrayBuffer) as Promise<ArrayBuffer>
    );
  }

  /** SCardGetAttrib of `tag` (SCARD_ATTR_*); resolves to the attribute's bytes. */
  async getAttribute(tag: number): Promise<ArrayBuffer> {
    const attribute = toEnforcedUnsignedLong(tag, "getAttribute: tag");
    const handle = this.#usable();
    return await this.#slots.run(() =>
      handle.getAttrib(false, attribute, toArrayBuffer) as Promise<ArrayBuffer>
    );
  }

  /** SCardSetAttrib of `tag` to `value` (copied first). */
  async setAttribute(tag: number, value: BufferSource): Promise<void> {
    const attribute = toEnforcedUnsignedLong(tag, "setAttribute: tag");
    const bytes = toBufferSource(value, "setAttribute: value");
    const handle = this.#usable();
    await this.#slots.run(() => handle.setAttrib(false, attribute, bytes) as Promise<void>);
  }

  /**
   * The checks every method but startTransaction makes first: no operation running, no
   * other connection's transaction on this reader, still connected.
   */
  #usable(): CardHandle {
    const slots = this.#slots;
    slots.assertIdle();
    const holder = slots.activeReaderTransactions.get(this.#reader);
    if (holder !== undefined && holder !== this.#slot) {
      throw invalidState(
        `Another connection of this context holds a transaction on ${this.#reader}`,
      );
    }
    if (this.#handle === null) throw invalidState("The connection is disconnected");
    return this.#handle;
  }

  /** The spec's "end the transaction" with `disposition`. */
  #endTransaction(disposition: SmartCardDisposition): void {
    const state = this.#transaction!;
    const slots = this.#slots;
    const handle = this.#handle;
    if (handle === null) {
      state.reject(invalidState("The connection was disconnected during the transaction"));
      this.#transaction = null;
      // the spec leaves the reader marked here; it would refuse every later transaction on it
      slots.activeReaderTransactions.delete(this.#reader);
      slots.connections.delete(this.#slot);
      return;
    }
    slots.begin();
    this.#finishTransaction(handle, disposition).then((failure) => {
      slots.clear();
      slots.activeReaderTransactions.delete(this.#reader);
      this.#transaction = null;
      if (this.#handle === null) slots.connections.delete(this.#slot);
      if (state.pendingException !== null) state.reject(state.pendingException.reason);
      else if (failure === null) state.resolve();
      else state.reject(asWebError(failure.error, slots.constants));
    });
  }

  /**
   * SCardEndTransaction with `disposition`; gives what it failed with, or null.
   *
   * Two things pcsc-lite needs besides: an end it refuses (it refuses "eject" with
   * SCARD_E_UNSUPPORTED_FEATURE) is followed by one with "leave", so that no transaction
   * outlives its promise; and after a reset or unpower, it answers every later call of the
   * very handle that asked for it with SCARD_W_RESET_CARD until SCardReconnect, which the
   * API has not, so the connection reconnects itself with "leave" (nothing more is done to
   * the card; the other connections to the card still hear of the reset).
   */
  async #finishTransaction(
    handle: CardHandle,
    disposition: SmartCardDisposition,
  ): Promise<{ readonly error: unknown } | null> {
    try {
      await handle.endTransaction(false, dispositionCode(disposition));
    } catch (error) {
      await Promise.resolve(handle.endTransaction(false, SCARD_LEAVE_CARD)).catch(() => {});
      return { error };
    }
    if (disposition === "reset" || disposition === "unpower") {
      try {
        this.#activeProtocol = await handle.reconnect(
          false,
          this.#share,
          this.#protocols,
          SCARD_LEAVE_CARD,
        );
      } catch {
        // the card or the service is gone: the next call says so
      }
    }
    return null;
  }

  /** The spec's "end any settled transaction". */
  #endAnySettledTransaction(): void {
    const state = this.#transaction;
    if (state === null || state.pendingDisposition === null) return;
    const disposition = state.pendingDisposition;
    state.pendingDisposition = null;
    this.#endTransaction(disposition);
  }

  /** Ends a transaction nobody wants any more, as an operation of the context. */
  async #abandonTransaction(handle: CardHandle): Promise<void> {
    await this.#slots.run(async () => {
      try {
        await handle.endTransaction(false, SCARD_LEAVE_CARD);
      } catch {
        // the card or the service is gone: so is the transaction
      }
    });
  }

  /** Forgets the card handle after a disconnect, and frees its context. */
  #drop(): void {
    const handle = this.#handle;
    this.#handle = null;
    handle?.release();
    if (this.#transaction === null) this.#slots.connections.delete(this.#slot);
  }
}

/** A connection over `init.handle`, connected already; for `SmartCardContext.connect`. */
export function createConnection(init: ConnectionInit): SmartCardConnection {
  creating = init;
  try {
    return new SmartCardConnection();
  } finally {
    creating = undefined;
  }
}
