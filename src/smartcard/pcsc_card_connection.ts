/**
 * The PC/SC implementation of {@link CardConnection} (pyscard's `PCSCCardConnection`).
 *
 * @module
 */

import {
  SCARD_LEAVE_CARD,
  SCARD_PROTOCOL_T0,
  SCARD_PROTOCOL_T1,
  SCARD_PROTOCOL_T15,
  SCARD_RESET_CARD,
  SCARD_SHARE_SHARED,
  SCARD_UNPOWER_CARD,
} from "../ffi/constants.ts";
import { SCARD_E_NO_SMARTCARD, SCARD_W_REMOVED_CARD } from "../ffi/error_codes.ts";
import {
  beginTransaction,
  beginTransactionAsync,
  type CardHandle,
  connect,
  connectAsync,
  type ContextHandle,
  disconnect,
  endTransaction,
  Exchange,
  PcscError,
  reconnect,
  reconnectAsync,
  SCARD_PROTOCOL_RAW,
  status,
} from "../ffi/pcsc.ts";
import { MAX_APDU_SIZE } from "../ffi/constants.ts";
import type { Bytes } from "./bytes.ts";
import { CardConnection } from "./card_connection.ts";
import { CardConnectionException, NoCardException } from "./exceptions.ts";
import { asSmartcardError, PcscContext } from "./pcsc_context.ts";
import type { Reader } from "./reader.ts";

const T0 = CardConnection.T0_protocol;
const T1 = CardConnection.T1_protocol;
const T15 = CardConnection.T15_protocol;
const RAW = CardConnection.RAW_protocol;

/** pyscard protocol mask → the platform's SCARD_PROTOCOL_* mask. */
function toPcscMask(protocol: number): number {
  return (protocol & T0 ? SCARD_PROTOCOL_T0 : 0) | (protocol & T1 ? SCARD_PROTOCOL_T1 : 0) |
    (protocol & T15 ? SCARD_PROTOCOL_T15 : 0) | (protocol & RAW ? SCARD_PROTOCOL_RAW : 0);
}

/** The platform's active protocol → pyscard's value (0 when none was negotiated). */
function fromPcscProtocol(active: number): number {
  return (active & SCARD_PROTOCOL_T0 ? T0 : 0) | (active & SCARD_PROTOCOL_T1 ? T1 : 0) |
    (active & SCARD_PROTOCOL_T15 ? T15 : 0) | (active & SCARD_PROTOCOL_RAW ? RAW : 0);
}

const PROTOCOL_NAMES: Record<number, string> = { [T0]: "T0", [T1]: "T1", [RAW]: "RAW" };

// What a connection left behind when it is collected without release(): freed by the registry.
interface Held {
  context: PcscContext;
  card: CardHandle | null;
  disposition: number;
}

const collected = new FinalizationRegistry<Held>((held) => freeHeld(held));

/**
 * A connection through the PC/SC service, with a PC/SC context of its own (pcsc-lite runs
 * the calls of one context one at a time, so connections never wait on one another).
 *
 * Promise calls run one at a time, in the order they were made. A `*Sync` call while a
 * promise call of the same connection is pending is refused: it would freeze the event
 * loop until the pending call ends.
 */
export class PCSCCardConnection extends CardConnection {
  readonly #held: Held;
  #released = false;
  #pending = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #exchange: Exchange | null = null;

  /** Establishes the connection's context (SCardEstablishContext); connects nothing yet. */
  constructor(reader: Reader) {
    super(reader);
    const context = PcscContext.establish(CardConnectionException);
    this.#held = { context, card: null, disposition: SCARD_UNPOWER_CARD };
    collected.register(this, this.#held, this);
  }

  get #context(): ContextHandle {
    if (this.#released) throw released("use the connection");
    return this.#held.context.handle;
  }

  get #card(): CardHandle {
    const card = this.#held.card;
    if (card === null) throw new CardConnectionException("Card not connected");
    return card;
  }

  /** Whether `connect` succeeded and no disconnect followed. */
  get connected(): boolean {
    return this.#held.card !== null;
  }

  /** Refuses what cannot run now; see {@link CardConnection.assertUsable}. */
  protected assertUsable(what: string, needsCard: boolean, blocking: boolean): void {
    if (this.#released) throw released(what);
    if (blocking && this.#pending > 0) throw busy(what);
    if (needsCard && this.#held.card === null) {
      throw new CardConnectionException(`Cannot ${what}: card not connected`);
    }
    if (!needsCard && this.#held.card !== null) {
      throw new CardConnectionException(
        `Cannot ${what}: already connected; disconnect or reconnect first`,
      );
    }
  }

  /**
   * Runs `op` after every earlier promise call of this connection. A call still queued when
   * the connection is released fails without reaching PC/SC.
   */
  #enqueue<T>(what: string, op: () => Promise<T>): Promise<T> {
    this.#pending++;
    const run = this.#queue.then(() => {
      if (this.#released) throw released(what);
      return op();
    });
    this.#queue = run.catch(() => {});
    return run.finally(() => this.#pending--);
  }

  /** Resolves once every queued promise call has ended. */
  protected override settle(): Promise<void> {
    return this.#queue.then(() => {});
  }

  // ----- connect -----

  #connectArgs(protocol?: number, mode?: number, disposition?: number) {
    const mask = toPcscMask(protocol ?? this.getProtocol());
    return { mask, share: mode ?? SCARD_SHARE_SHARED, disposition };
  }

  #connected(handle: CardHandle, active: number, disposition: number): void {
    this.#held.card = handle;
    this.#held.disposition = disposition;
    this.setActiveProtocol(fromPcscProtocol(active));
  }

  /** SCardConnect on the blocking pool, after earlier promise calls. */
  protected doConnect(protocol?: number, mode?: number, disposition?: number): Promise<void> {
    const a = this.#connectArgs(protocol, mode, disposition);
    return this.#enqueue("connect", async () => {
      // a connect queued ahead of this one may have connected meanwhile
      if (this.#held.card !== null) {
        throw new CardConnectionException("Cannot connect: already connected");
      }
      try {
        const { handle, protocol } = await connectAsync(
          this.#context,
          this.reader.name,
          a.share,
          a.mask,
        );
        this.#connected(handle, protocol, disposition ?? SCARD_UNPOWER_CARD);
      } catch (error) {
        throw connectFailure(error, "Unable to connect");
      }
    });
  }

  /** SCardConnect, blocking. */
  protected doConnectSync(protocol?: number, mode?: number, disposition?: number): void {
    const a = this.#connectArgs(protocol, mode, disposition);
    try {
      const { handle, protocol } = connect(this.#context, this.reader.name, a.share, a.mask);
      this.#connected(handle, protocol, disposition ?? SCARD_UNPOWER_CARD);
    } catch (error) {
      throw connectFailure(error, "Unable to connect");
    }
  }

  /** SCardReconnect on the blocking pool, after earlier promise calls. */
  protected doReconnect(protocol?: number, mode?: number, disposition?: number): Promise<void> {
    const a = this.#connectArgs(protocol, mode, disposition);
    const init = disposition ?? SCARD_RESET_CARD;
    return this.#enqueue("reconnect", async () => {
      try {
        const card = this.#card;
        this.#connected(card, await reconnectAsync(card, a.share, a.mask, init), init);
      } catch (error) {
        throw connectFailure(error, "Unable to reconnect");
      }
    });
  }

  /** SCardReconnect, blocking. */
  protected doReconnectSync(protocol?: number, mode?: number, disposition?: number): void {
    const a = this.#connectArgs(protocol, mode, disposition);
    const init = disposition ?? SCARD_RESET_CARD;
    try {
      const card = this.#card;
      this.#connected(card, reconnect(card, a.share, a.mask, init), init);
    } catch (error) {
      throw connectFailure(error, "Unable to reconnect");
    }
  }

  /**
   * SCardDisconnect with the disposition given at connect, once. Refused while a promise call
   * is pending: the handle would be pulled from under it.
   */
  protected doDisconnect(): void {
    if (this.#released || this.#held.card === null) return;
    if (this.#pending > 0) throw busy("disconnect");
    this.notify("disconnect");
    const card = this.#held.card;
    this.#held.card = null;
    try {
      disconnect(card, this.#held.disposition);
    } catch (error) {
      throw asSmartcardError(error, "Failed to disconnect", CardConnectionException);
    }
  }

  /**
   * Refuses every later call at once; disconnects and releases the context once the calls
   * already running have ended (freeing them under a running call would let it use freed
   * memory in the PC/SC client). A failed disconnect is not reported: the card may be gone.
   */
  protected doRelease(): void {
    if (this.#released) return;
    if (this.#held.card !== null) this.notify("disconnect");
    this.notify("release");
    this.#released = true;
    collected.unregister(this);
    const held = this.#held;
    if (this.#pending > 0) this.#queue.then(() => freeHeld(held));
    else freeHeld(held);
  }

  /** The card's ATR, from SCardStatus. */
  getATR(): number[] {
    this.assertUsable("getATR", true, true);
    try {
      return status(this.#card).atr;
    } catch (error) {
      throw asSmartcardError(error, "Failed to get status", CardConnectionException);
    }
  }

  // ----- exchanges -----

  #transmitProtocol(protocol: number | undefined): number {
    const p = protocol ?? this.getProtocol();
    if (p !== T0 && p !== T1 && p !== RAW) {
      throw new CardConnectionException(
        "Invalid protocol in transmit: must be CardConnection.T0_protocol, " +
          "CardConnection.T1_protocol, or CardConnection.RAW_protocol",
      );
    }
    return p;
  }

  #stage(exchange: Exchange, command: Bytes): Uint8Array {
    if (command instanceof Uint8Array) return command;
    exchange.send.set(command);
    return exchange.send;
  }

  get #buffers(): Exchange {
    return this.#exchange ??= new Exchange(MAX_APDU_SIZE);
  }

  /** SCardTransmit, blocking, through the connection's preallocated buffers. */
  protected doTransmitSync(command: Bytes, protocol: number | undefined): number[] {
    const p = this.#transmitProtocol(protocol);
    const ex = this.#buffers;
    let n: number;
    try {
      n = ex.transmit(this.#card, toPcscMask(p), this.#stage(ex, command), command.length);
    } catch (error) {
      throw transmitFailure(error, p);
    }
    return responseOf(ex.receive, n);
  }

  /** SCardTransmit on the blocking pool, after earlier promise calls. */
  protected doTransmit(command: Bytes, protocol: number | undefined): Promise<number[]> {
    const p = this.#transmitProtocol(protocol);
    // copied now: the caller may change its array before the queued call runs
    const apdu = Uint8Array.from(command);
    return this.#enqueue("transmit", async () => {
      const ex = this.#buffers;
      let n: number;
      try {
        n = await ex.transmitAsync(this.#card, toPcscMask(p), apdu, apdu.length);
      } catch (error) {
        throw transmitFailure(error, p);
      }
      return responseOf(ex.receive, n);
    });
  }

  /** SCardControl, blocking. */
  protected doControlSync(controlCode: number, command: Bytes): number[] {
    const ex = this.#buffers;
    try {
      const n = ex.control(this.#card, controlCode, this.#stage(ex, command), command.length);
      return Array.from(ex.receive.subarray(0, n));
    } catch (error) {
      throw controlFailure(error, controlCode);
    }
  }

  /** SCardControl on the blocking pool, after earlier promise calls. */
  protected doControl(controlCode: number, command: Bytes): Promise<number[]> {
    const bytes = Uint8Array.from(command);
    return this.#enqueue("control", async () => {
      const ex = this.#buffers;
      try {
        const n = await ex.controlAsync(this.#card, controlCode, bytes, bytes.length);
        return Array.from(ex.receive.subarray(0, n));
      } catch (error) {
        throw controlFailure(error, controlCode);
      }
    });
  }

  /** SCardGetAttrib, blocking. */
  protected doGetAttribSync(attribId: number): number[] {
    const ex = this.#buffers;
    try {
      return Array.from(ex.receive.subarray(0, ex.getAttrib(this.#card, attribId)));
    } catch (error) {
      throw attribFailure(error, attribId);
    }
  }

  /** SCardGetAttrib on the blocking pool, after earlier promise calls. */
  protected doGetAttrib(attribId: number): Promise<number[]> {
    return this.#enqueue("getAttrib", async () => {
      const ex = this.#buffers;
      try {
        return Array.from(ex.receive.subarray(0, await ex.getAttribAsync(this.#card, attribId)));
      } catch (error) {
        throw attribFailure(error, attribId);
      }
    });
  }

  // ----- transactions, for the exclusive connections -----

  /**
   * SCardBeginTransaction on the blocking pool, after earlier promise calls. Waits while
   * another handle holds a transaction; neither a signal nor SCardCancel can end that wait.
   */
  beginTransaction(): Promise<void> {
    this.assertUsable("beginTransaction", true, false);
    return this.#enqueue("beginTransaction", async () => {
      try {
        await beginTransactionAsync(this.#card);
      } catch (error) {
        throw asSmartcardError(error, "Failed to begin transaction", CardConnectionException);
      }
    });
  }

  /** Synchronous {@link beginTransaction}: blocks the event loop while another holds one. */
  beginTransactionSync(): void {
    this.assertUsable("beginTransactionSync", true, true);
    try {
      beginTransaction(this.#card);
    } catch (error) {
      throw asSmartcardError(error, "Failed to begin transaction", CardConnectionException);
    }
  }

  /** SCardEndTransaction with `disposition` (default SCARD_LEAVE_CARD), after earlier calls. */
  endTransaction(disposition: number = SCARD_LEAVE_CARD): Promise<void> {
    this.assertUsable("endTransaction", true, false);
    return this.#enqueue("endTransaction", () => {
      this.#endTransaction(disposition);
      return Promise.resolve();
    });
  }

  /** Synchronous {@link endTransaction}; refused while a promise call is pending. */
  endTransactionSync(disposition: number = SCARD_LEAVE_CARD): void {
    this.assertUsable("endTransactionSync", true, true);
    this.#endTransaction(disposition);
  }

  #endTransaction(disposition: number): void {
    try {
      endTransaction(this.#card, disposition);
    } catch (error) {
      throw asSmartcardError(error, "Failed to end transaction", CardConnectionException);
    }
  }
}

function released(what: string): CardConnectionException {
  return new CardConnectionException(`Cannot ${what}: the connection has been released`);
}

function busy(what: string): CardConnectionException {
  return new CardConnectionException(
    `Cannot ${what} while a promise call on this connection is pending: await it first`,
  );
}

/** Disconnects (ignoring a card or service already gone) and releases the context. */
function freeHeld(held: Held): void {
  if (held.card !== null) {
    try {
      disconnect(held.card, held.disposition);
    } catch { /* the card or the service is gone: nothing left to free */ }
    held.card = null;
  }
  held.context.release();
}

/** The response without allocating more than the result: SW1 SW2 stay in for the caller. */
function responseOf(receive: Uint8Array, n: number): number[] {
  if (n < 2) throw new CardConnectionException("Card returned no valid response");
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = receive[i];
  return out;
}

function connectFailure(error: unknown, message: string): unknown {
  if (
    error instanceof PcscError &&
    (error.code === SCARD_E_NO_SMARTCARD || error.code === SCARD_W_REMOVED_CARD)
  ) {
    return new NoCardException(message, error.code, { cause: error });
  }
  return asSmartcardError(error, message, CardConnectionException);
}

function transmitFailure(error: unknown, protocol: number): unknown {
  const message = `Failed to transmit with protocol ${PROTOCOL_NAMES[protocol]}`;
  return asSmartcardError(error, message, CardConnectionException);
}

function controlFailure(error: unknown, controlCode: number): unknown {
  const message = `Failed to control 0x${controlCode.toString(16).toUpperCase()}`;
  return asSmartcardError(error, message, CardConnectionException);
}

function attribFailure(error: unknown, attribId: number): unknown {
  const message = `Failed to getAttrib 0x${attribId.toString(16).toUpperCase().padStart(8, "0")}`;
  return asSmartcardError(error, message, CardConnectionException);
}
