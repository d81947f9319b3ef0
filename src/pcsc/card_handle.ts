/**
 * A card handle: one SCARDHANDLE over a context of its own, with its call queue and buffers.
 *
 * @module
 */

import { MAX_APDU_SIZE, SCARD_SCOPE_USER } from "../ffi/constants.ts";
import { andThen, type SyncOrAsync } from "../ffi/either.ts";
import { type NativePcsc, SYSTEM_PCSC } from "../ffi/native.ts";
import {
  type CardHandle as NativeCard,
  type CardStatus,
  type Exchange,
  PcscError,
} from "../ffi/pcsc.ts";
import { Context } from "./context.ts";

// the layers above write their operations once with these too
export { andThen, guarded, type SyncOrAsync } from "../ffi/either.ts";
export type { CardStatus } from "../ffi/pcsc.ts";

/**
 * How a caller takes a response out of the handle's receive buffer, which the next call
 * overwrites: `length` bytes from the start. The default gives a plain array.
 */
export type ResponseReader<T> = (receive: Uint8Array, length: number) => T;

/** Why a card handle refused a call before PC/SC saw it. */
export type Refusal = "released" | "busy" | "not connected" | "connected";

/** A call the handle refused; `reason` says why, for the owner to word. */
export class CardHandleRefusal extends Error {
  /**
   * Creates a `CardHandleRefusal`.
   * @param reason why
   */
  constructor(readonly reason: Refusal) {
    super(`card handle: ${reason}`);
    this.name = "CardHandleRefusal";
  }
}

// What the context's finalizer disconnects first when the owner is dropped without release().
interface Connection {
  card: NativeCard | null;
  disposition: number;
}

/**
 * One connection to a card: a PC/SC context of its own (pcsc-lite runs the calls of one
 * context one at a time, so handles never wait on one another) and the SCARDHANDLE on it.
 *
 * Every operation is defined once; `blocking` picks the blocking native call or the same call
 * on Deno's blocking pool. Calls on the pool run one at a time, in the order they were made;
 * a blocking call while one of them is pending is refused ("busy"), since it would freeze
 * the event loop until that one ends. {@link release} refuses everything after it at once,
 * and disconnects and frees the context only once the calls already running have ended.
 */
export class CardHandle implements Disposable {
  readonly #native: NativePcsc;
  readonly #context: Context;
  readonly #connection: Connection = { card: null, disposition: 0 };
  #exchange: Exchange | null = null;
  #protocol: number | null = null;
  #pending = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #released = false;

  /**
   * Establishes the handle's context (SCardEstablishContext, in the user scope unless told
   * otherwise); connects nothing yet.
   */
  constructor(native: NativePcsc = SYSTEM_PCSC, scope: number = SCARD_SCOPE_USER) {
    this.#native = native;
    this.#context = Context.establish(native, scope);
    const connection = this.#connection;
    this.#context.beforeRelease(() => disconnectQuietly(native, connection));
  }

  /** Whether a card is connected. */
  get connected(): boolean {
    return this.#connection.card !== null;
  }

  /**
   * The protocol the last connect or reconnect negotiated (PC/SC's value), set when that call
   * ends, before any call queued behind it runs; null before the first.
   */
  get protocol(): number | null {
    return this.#protocol;
  }

  /** Whether {@link release} has run. */
  get released(): boolean {
    return this.#released;
  }

  /** How many calls on the blocking pool are queued or running. */
  get pending(): number {
    return this.#pending;
  }

  /** Resolves once every queued call has ended. */
  settled(): Promise<void> {
    return this.#queue.then(() => {});
  }

  /**
   * SCardConnect; gives the active protocol. `disposition` is what {@link disconnect} and
   * {@link release} do to the card later.
   */
  connect(
    blocking: boolean,
    reader: string,
    share: number,
    protocols: number,
    disposition: number,
  ): SyncOrAsync<number> {
    return this.#run(blocking, false, () =>
      andThen(
        this.#native.connect(blocking, this.#context.handle, reader, share, protocols),
        ({ handle, protocol }) => {
          this.#connection.card = handle;
          this.#connection.disposition = disposition;
          this.#protocol = protocol;
          return protocol;
        },
      ));
  }

  /** SCardReconnect; gives the active protocol. `init` is also the disposition from now on. */
  reconnect(
    blocking: boolean,
    share: number,
    protocols: number,
    init: number,
  ): SyncOrAsync<number> {
    return this.#run(
      blocking,
      true,
      (card) =>
        andThen(this.#native.reconnect(blocking, card, share, protocols, init), (protocol) => {
          this.#connection.disposition = init;
          this.#protocol = protocol;
          return protocol;
        }),
    );
  }

  /**
   * SCardTransmit; gives the whole response, SW1 SW2 included, as `read` takes it out of the
   * receive buffer (a plain array by default). `protocol` may be a function, called when the
   * call's turn comes: a queued call then uses the protocol the calls before it negotiated.
   */
  transmit<T = number[]>(
    blocking: boolean,
    protocol: number | (() => number),
    command: ArrayLike<number>,
    read: ResponseReader<T> = bytesOf as ResponseReader<T>,
  ): SyncOrAsync<T> {
    // a queued command is copied now: the caller may change its array before it runs
    const apdu = blocking && command instanceof Uint8Array
      ? command
      : this.#stage(blocking, command);
    return this.#run(blocking, true, (card) => {
      const ex = this.#buffers;
      const pci = typeof protocol === "function" ? protocol() : protocol;
      return andThen(
        ex.transmit(blocking, card, pci, apdu, command.length),
        (n) => read(ex.receive, n),
      );
    });
  }

  /** SCardControl; gives the reader's answer, as `read` takes it (see {@link transmit}). */
  control<T = number[]>(
    blocking: boolean,
    code: number,
    command: ArrayLike<number>,
    read: ResponseReader<T> = bytesOf as ResponseReader<T>,
  ): SyncOrAsync<T> {
    const bytes = blocking && command instanceof Uint8Array
      ? command
      : this.#stage(blocking, command);
    return this.#run(blocking, true, (card) => {
      const ex = this.#buffers;
      return andThen(
        ex.control(blocking, card, code, bytes, command.length),
        (n) => read(ex.receive, n),
      );
    });
  }

  /** SCardGetAttrib; gives the attribute's bytes, as `read` takes them (see {@link transmit}). */
  getAttrib<T = number[]>(
    blocking: boolean,
    attribute: number,
    read: ResponseReader<T> = bytesOf as ResponseReader<T>,
  ): SyncOrAsync<T> {
    return this.#run(blocking, true, (card) => {
      const ex = this.#buffers;
      return andThen(ex.getAttrib(blocking, card, attribute), (n) => read(ex.receive, n));
    });
  }

  /** SCardSetAttrib; a queued value is copied now, as a queued command is. */
  setAttrib(blocking: boolean, attribute: number, value: ArrayLike<number>): SyncOrAsync<void> {
    const bytes = blocking && value instanceof Uint8Array ? value : Uint8Array.from(value);
    return this.#run(
      blocking,
      true,
      (card) => this.#native.setAttrib(blocking, card, attribute, bytes),
    );
  }

  /** SCardBeginTransaction: waits while another handle holds a transaction. */
  beginTransaction(blocking: boolean): SyncOrAsync<void> {
    return this.#run(blocking, true, (card) => this.#native.beginTransaction(blocking, card));
  }

  /** SCardEndTransaction with `disposition`, after the calls queued before it. */
  endTransaction(blocking: boolean, disposition: number): SyncOrAsync<void> {
    return this.#run(blocking, true, (card) => this.#native.endTransaction(card, disposition));
  }

  /** SCardStatus's ATR, blocking: one native call. */
  atr(): number[] {
    return this.status().atr;
  }

  /** SCardStatus, blocking: one native call; the state as bits on every platform. */
  status(): CardStatus {
    return this.#run(true, true, (card) => this.#native.status(card)) as CardStatus;
  }

  /**
   * SCardDisconnect with `disposition`, by default the one given at connect; refused while a
   * call is pending.
   */
  disconnect(disposition: number = this.#connection.disposition): void {
    this.#run(true, true, (card) => {
      this.#connection.card = null;
      this.#native.disconnect(card, disposition);
    });
  }

  /**
   * SCardCancel on the handle's context: ends a wait pending on it where the platform can
   * (pcsc-lite cancels only SCardGetStatusChange). Nothing to cancel is no error.
   */
  cancel(): void {
    this.#context.cancel();
  }

  /**
   * Refuses every later call; disconnects (ignoring a card or service already gone) and frees
   * the context once the calls already running have ended. Calling it again does nothing.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    if (this.#pending > 0) this.#queue.then(() => this.#context.release());
    else this.#context.release();
  }

  /** Same as {@link release}. */
  [Symbol.dispose](): void {
    this.release();
  }

  /**
   * Runs `op` now (`blocking`) or after every earlier queued call. `card` false: the handle
   * must not be connected yet; true: it must be. A call still queued when the handle is
   * released fails without reaching PC/SC.
   */
  #run<T>(
    blocking: boolean,
    card: boolean,
    op: (card: NativeCard) => SyncOrAsync<T>,
  ): SyncOrAsync<T> {
    const start = (): SyncOrAsync<T> => {
      if (this.#released) throw new CardHandleRefusal("released");
      const handle = this.#connection.card;
      if (card && handle === null) throw new CardHandleRefusal("not connected");
      if (!card && handle !== null) throw new CardHandleRefusal("connected");
      return op(handle!);
    };
    if (blocking) {
      if (this.#pending > 0) throw new CardHandleRefusal("busy");
      return start();
    }
    this.#pending++;
    const run = this.#queue.then(start);
    this.#queue = run.catch(() => {});
    return run.finally(() => this.#pending--);
  }

  get #buffers(): Exchange {
    return this.#exchange ??= this.#native.exchange(MAX_APDU_SIZE);
  }

  /** The command in a buffer of its own (queued calls), or in the send buffer (blocking). */
  #stage(blocking: boolean, command: ArrayLike<number>): Uint8Array {
    if (!blocking) return Uint8Array.from(command);
    const send = this.#buffers.send;
    send.set(command);
    return send;
  }
}

function disconnectQuietly(native: NativePcsc, connection: Connection): void {
  const card = connection.card;
  if (card === null) return;
  connection.card = null;
  try {
    native.disconnect(card, connection.disposition);
  } catch (error) {
    // the card or the service is gone: nothing left to free
    if (!(error instanceof PcscError)) throw error;
  }
}

/** The first `n` bytes as a plain array, allocating nothing but the result. */
function bytesOf(receive: Uint8Array, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = receive[i];
  return out;
}
