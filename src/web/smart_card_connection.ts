/**
 * `SmartCardConnection`: one connection to a card (or, with "direct", to a reader), made by
 * `SmartCardContext.connect`.
 *
 * @module
 */

import type { CardHandle, CardStatus } from "../pcsc/card_handle.ts";
import { SCARD_LEAVE_CARD } from "../pcsc/share_and_disposition.ts";
import { connectionState, type SmartCardConnectionState } from "./connection_state.ts";
import {
  ConnectionTransaction,
  type SmartCardTransactionCallback,
} from "./connection_transaction.ts";
import { ConstructionGate } from "./construction_gate.ts";
import type { ContextSlots } from "./context_slots.ts";
import { domException, invalidState } from "./corresponding_exception.ts";
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

// Handed from createConnection to the constructor, which nothing else can call usefully.
const creating = new ConstructionGate<ConnectionInit>();

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
  // the spec's [[transactionState]], and this connection as its context knows it
  readonly #transaction: ConnectionTransaction;

  /**
   * Not for calling: `SmartCardContext.connect` makes connections. As in a browser, `new
   * SmartCardConnection()` is a `TypeError`.
   */
  constructor() {
    const init = creating.take();
    this.#slots = init.slots;
    this.#handle = init.handle;
    this.#reader = init.reader;
    this.#share = init.share;
    this.#protocols = init.protocols;
    this.#activeProtocol = init.activeProtocol;
    this.#transaction = new ConnectionTransaction({
      slots: this.#slots,
      reader: this.#reader,
      handle: () => this.#handle,
      reconnect: async (handle) => {
        this.#activeProtocol = await handle.reconnect(
          false,
          this.#share,
          this.#protocols,
          SCARD_LEAVE_CARD,
        );
      },
    });
    this.#slots.connections.add(this.#transaction);
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
    return await this.#transaction.start(callback, signal);
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
    if (holder !== undefined && holder !== this.#transaction) {
      throw invalidState(
        `Another connection of this context holds a transaction on ${this.#reader}`,
      );
    }
    if (this.#handle === null) throw invalidState("The connection is disconnected");
    return this.#handle;
  }

  /** Forgets the card handle after a disconnect, and frees its context. */
  #drop(): void {
    const handle = this.#handle;
    this.#handle = null;
    handle?.release();
    if (!this.#transaction.active) this.#slots.connections.delete(this.#transaction);
  }
}

/** A connection over `init.handle`, connected already; for `SmartCardContext.connect`. */
export function createConnection(init: ConnectionInit): SmartCardConnection {
  return creating.open(init, () => new SmartCardConnection());
}
