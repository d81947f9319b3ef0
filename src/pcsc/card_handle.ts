/**
 * A card handle: one SCARDHANDLE over a context of its own, with its call queue and buffers.
 *
 * @module
 */

import { SCARD_E_INVALID_PARAMETER, SCARD_E_INVALID_VALUE } from "../ffi/error_codes.ts";
import { andThen, recovered, type SyncOrAsync } from "../ffi/sync_or_async.ts";
import { type CardIo, type NativePcsc, SYSTEM_PCSC } from "../ffi/native.ts";
import type { CardStatus } from "../ffi/pcsc.ts";
import { PcscError } from "../ffi/pcsc_error.ts";
import type { ScardHandle } from "../ffi/native_handles.ts";
import { Context, SCARD_SCOPE_USER } from "./context.ts";
import {
  type ReaderTransactions,
  type TransactionClaim,
  transactionsOf,
} from "./reader_transactions.ts";

// the layers above write their operations once with these too
export { andThen, guarded, recovered, type SyncOrAsync } from "../ffi/sync_or_async.ts";
export type { CardStatus } from "../ffi/pcsc.ts";

/** Largest command APDU a card handle sends: extended case 4 (4 + 3 + 65,535 + 2 bytes). */
export const MAX_APDU_SIZE = 65544;

/**
 * How a caller takes a response out of the handle's receive buffer, which the next call
 * overwrites: `length` bytes from the start. The default gives a plain array.
 */
export type ResponseReader<T> = (receive: Uint8Array, length: number) => T;

/**
 * Why a card handle refused a call before PC/SC saw it. "transaction elsewhere": a blocking
 * call while another handle of this process holds (or is beginning) a transaction on the
 * reader, which the PC/SC service would make wait for that handle, and so for this very
 * thread, for ever.
 */
export type Refusal =
  | "released"
  | "busy"
  | "not connected"
  | "connected"
  | "transaction elsewhere";

/** A call the handle refused; `reason` says why, for the owner to word. */
export class CardHandleRefusal extends Error {
  /**
   * Creates a `CardHandleRefusal`.
   * @param reason why
   * @param reader the reader whose transaction the call would have waited for
   */
  constructor(readonly reason: Refusal, readonly reader: string | null = null) {
    super(`card handle: ${reason}${reader === null ? "" : ` on ${reader}`}`);
    this.name = "CardHandleRefusal";
  }
}

// What the context's finalizer disconnects first when the owner is dropped without release().
interface Connection {
  card: ScardHandle | null;
  reader: string;
  disposition: number;
}

/**
 * One connection to a card: a PC/SC context of its own (pcsc-lite runs the calls of one
 * context one at a time, so handles never wait on one another's calls) and the SCARDHANDLE
 * on it.
 *
 * Every operation is defined once; `blocking` picks the blocking native call or the same call
 * on Deno's blocking pool. Calls on the pool run one at a time, in the order they were made.
 * A blocking call is refused when it could not return while this thread is blocked: while a
 * call of this handle is pending on the pool ("busy"), or while another handle of this
 * process holds, or is beginning, a transaction on the reader ("transaction elsewhere").
 * {@link release} refuses everything after it at once; the card is disconnected and the
 * context freed once the calls already running, and any such transaction, have ended.
 */
export class CardHandle implements Disposable {
  readonly #native: NativePcsc;
  readonly #context: Context;
  readonly #transactions: ReaderTransactions;
  readonly #connection: Connection = { card: null, reader: "", disposition: 0 };
  #io: CardIo | null = null;
  #protocol: number | null = null;
  #pending = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #released = false;

  /** A handle on `context`, which it owns from now on; connects nothing yet. */
  constructor(context: Context) {
    const native = this.#native = context.native;
    this.#context = context;
    const transactions = this.#transactions = transactionsOf(native);
    const connection = this.#connection;
    context.beforeRelease(() => disconnectQuietly(native, connection, transactions));
  }

  /**
   * A handle on a context of its own (SCardEstablishContext, blocking, in the user scope
   * unless told otherwise).
   */
  static establish(native: NativePcsc = SYSTEM_PCSC, scope: number = SCARD_SCOPE_USER): CardHandle {
    return new CardHandle(Context.establish(native, scope));
  }

  /** {@link CardHandle.establish} with SCardEstablishContext on the blocking pool. */
  static async open(
    native: NativePcsc = SYSTEM_PCSC,
    scope: number = SCARD_SCOPE_USER,
  ): Promise<CardHandle> {
    return new CardHandle(await Context.open(native, scope));
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
          Object.assign(this.#connection, { card: handle, reader, disposition });
          this.#protocol = protocol;
          return protocol;
        },
      ), reader);
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
    const apdu = this.#stage(blocking, command);
    return this.#exchange(blocking, read, (io, card) => {
      const pci = typeof protocol === "function" ? protocol() : protocol;
      return io.transmit(blocking, card, pci, apdu, command.length);
    });
  }

  /** SCardControl; gives the reader's answer, as `read` takes it (see {@link transmit}). */
  control<T = number[]>(
    blocking: boolean,
    code: number,
    command: ArrayLike<number>,
    read: ResponseReader<T> = bytesOf as ResponseReader<T>,
  ): SyncOrAsync<T> {
    const bytes = this.#stage(blocking, command);
    return this.#exchange(
      blocking,
      read,
      (io, card) => io.control(blocking, card, code, bytes, command.length),
    );
  }

  /** SCardGetAttrib; gives the attribute's bytes, as `read` takes them (see {@link transmit}). */
  getAttrib<T = number[]>(
    blocking: boolean,
    attribute: number,
    read: ResponseReader<T> = bytesOf as ResponseReader<T>,
  ): SyncOrAsync<T> {
    return this.#exchange(blocking, read, (io, card) => io.getAttrib(blocking, card, attribute));
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

  /**
   * SCardBeginTransaction: waits while another handle holds a transaction. From the moment
   * it is asked for on the pool, the reader counts as claimed by this handle: the begin may
   * take it at any moment, and then a blocking call of another handle would wait for it. A
   * begin queued behind a connect claims the reader that connect gives, at its turn.
   */
  beginTransaction(blocking: boolean): SyncOrAsync<void> {
    const connection = this.#connection;
    const claims = this.#transactions;
    if (!blocking && this.connected && claims.claimOf(connection.reader, connection) === null) {
      claims.claim(connection.reader, connection, "beginning");
    }
    return recovered(
      () =>
        this.#transactionCall(blocking, (card, reader) => {
          // a handle that holds the reader already keeps its claim whatever this begin does
          if (claims.claimOf(reader, connection) === "holding") {
            return this.#native.beginTransaction(blocking, card);
          }
          if (!blocking) claims.claim(reader, connection, "beginning");
          return andThen(this.#native.beginTransaction(blocking, card), () => {
            claims.claim(reader, connection, "holding");
          });
        }),
      (error) => {
        // a begin that failed, or never ran, leaves no claim but a holder's own
        if (claims.claimOf(connection.reader, connection) === "beginning") {
          claims.drop(connection.reader, connection);
        }
        throw error;
      },
    );
  }

  /**
   * SCardEndTransaction with `disposition`, after the calls queued before it. The reader is
   * no longer claimed once it has ended, or failed in a way that ends the transaction too.
   */
  endTransaction(blocking: boolean, disposition: number): SyncOrAsync<void> {
    const claims = this.#transactions;
    return this.#transactionCall(blocking, (card, reader) =>
      recovered(
        () =>
          andThen(this.#native.endTransaction(blocking, card, disposition), () => {
            claims.drop(reader, this.#connection);
          }),
        (error) => {
          if (!this.#endRefusedOnly(error)) claims.drop(reader, this.#connection);
          throw error;
        },
      ));
  }

  /** A begin or end in its turn, given the reader connected then. */
  #transactionCall(
    blocking: boolean,
    call: (card: ScardHandle, reader: string) => SyncOrAsync<void>,
  ): SyncOrAsync<void> {
    return this.#run(blocking, true, (card) => call(card, this.#connection.reader));
  }

  /** SCardStatus; the state as bits on every platform. */
  status(blocking: boolean): SyncOrAsync<CardStatus> {
    return this.#run(blocking, true, (card) => this.#native.status(blocking, card));
  }

  /**
   * SCardDisconnect with `disposition`, by default the one given at connect. Blocking, it is
   * refused while a call is pending; and while another handle of this process holds a
   * transaction on the reader, the card is let go at once and disconnected on the blocking
   * pool once that transaction has ended, since pcsc-lite would make it wait for it.
   */
  disconnect(
    blocking: boolean,
    disposition: number = this.#connection.disposition,
  ): SyncOrAsync<void> {
    return this.#run(
      blocking,
      true,
      (card) => {
        this.#connection.card = null;
        this.#transactions.drop(this.#connection.reader, this.#connection);
        if (blocking && this.#blocker() !== null) {
          this.#disconnectLater(card, disposition);
          return;
        }
        return this.#native.disconnect(blocking, card, disposition);
      },
      undefined,
      true,
    );
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
   * the context once the calls already running have ended, and, where another handle of this
   * process holds a transaction on the reader, once that has ended too. Calling it again does
   * nothing.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#transactions.drop(this.#connection.reader, this.#connection);
    if (this.#pending > 0) this.#queue.then(() => this.#releaseNow());
    else this.#releaseNow();
  }

  /**
   * Disconnects and frees the context now, or, where another handle of this process claims
   * the reader's transaction (looked at now, after any call that was running), disconnects
   * on the pool once it has ended and frees the context after that.
   */
  #releaseNow(): void {
    const { card, disposition } = this.#connection;
    if (card !== null && this.#blocker() !== null) {
      this.#connection.card = null;
      this.#disconnectLater(card, disposition);
    }
    this.#context.release();
  }

  /** Same as {@link release}. */
  [Symbol.dispose](): void {
    this.release();
  }

  /**
   * Runs `op` now (`blocking`) or after every earlier queued call. `card` false: the handle
   * must not be connected yet; true: it must be. A call still queued when the handle is
   * released fails without reaching PC/SC. `reader` names the reader before connect; a
   * blocking call that another handle's transaction would hold up is refused, unless it is a
   * disconnect (`defers`), which knows how to wait.
   */
  #run<T>(
    blocking: boolean,
    card: boolean,
    op: (card: ScardHandle) => SyncOrAsync<T>,
    reader?: string,
    defers = false,
  ): SyncOrAsync<T> {
    const start = (): SyncOrAsync<T> => {
      const refusal = this.#refusal(card);
      if (refusal !== null) throw refusal;
      return op(this.#connection.card!);
    };
    if (blocking) {
      const refusal = this.refusal(true, card, reader, defers);
      if (refusal !== null) throw refusal;
      return op(this.#connection.card!);
    }
    this.#pending++;
    const run = this.#queue.then(start);
    this.#queue = run.catch(() => {});
    return run.finally(() => this.#pending--);
  }

  /**
   * Why a call could not run now, or null: the one check of the handle's state, which every
   * call makes (a queued one when its turn comes) and an owner may make first, to refuse at
   * once. `card`: whether the call needs a connected card (true) or an unconnected handle
   * (false). A promise call queued behind others is only checked for a release now: it finds
   * the state they leave. A blocking call is also refused while a call is pending ("busy"),
   * and where another handle's transaction would hold it up, unless it `defers` (a
   * disconnect, which knows how to wait).
   */
  refusal(
    blocking: boolean,
    card: boolean,
    reader: string = this.#connection.reader,
    defers = false,
  ): CardHandleRefusal | null {
    if (this.#released) return new CardHandleRefusal("released");
    if (blocking && this.#pending > 0) return new CardHandleRefusal("busy");
    if (!blocking && this.#pending > 0) return null;
    const state = this.#refusal(card);
    if (state !== null || !blocking || defers || this.#blocker(reader) === null) return state;
    return new CardHandleRefusal("transaction elsewhere", reader);
  }

  #refusal(card: boolean): CardHandleRefusal | null {
    if (this.#released) return new CardHandleRefusal("released");
    const connected = this.#connection.card !== null;
    if (card && !connected) return new CardHandleRefusal("not connected");
    if (!card && connected) return new CardHandleRefusal("connected");
    return null;
  }

  /** How another handle of this process claims the transaction a call could wait for. */
  #blocker(reader: string = this.#connection.reader): TransactionClaim | null {
    return reader === "" ? null : this.#transactions.blocker(reader, this.#connection);
  }

  /**
   * SCardDisconnect on the blocking pool once no handle of this process claims the reader's
   * transaction; the context is not freed before it has run. A card or service gone by then
   * has nothing left to disconnect.
   */
  #disconnectLater(card: ScardHandle, disposition: number): void {
    const reader = this.#connection.reader;
    this.#context.during(async () => {
      await this.#transactions.whenFree(reader);
      await this.#native.disconnect(false, card, disposition);
    }).catch((error) => {
      if (!(error instanceof PcscError)) throw error;
    });
  }

  /** Whether an end failed only for its disposition, the transaction going on. */
  #endRefusedOnly(error: unknown): boolean {
    return error instanceof PcscError &&
      (error.code === this.#native.abi.unsupportedFeature || END_REFUSALS.includes(error.code));
  }

  get #buffers(): CardIo {
    return this.#io ??= this.#native.cardIo(MAX_APDU_SIZE);
  }

  /**
   * One call over the handle's buffers, in its turn, its answer taken out of the receive
   * buffer by `read` before the next call overwrites it.
   */
  #exchange<T>(
    blocking: boolean,
    read: ResponseReader<T>,
    call: (io: CardIo, card: ScardHandle) => SyncOrAsync<number>,
  ): SyncOrAsync<T> {
    return this.#run(blocking, true, (card) => {
      const io = this.#buffers;
      return andThen(call(io, card), (n) => read(io.receive, n));
    });
  }

  /**
   * The command as the call will send it: a blocking call's own bytes, or a copy in the send
   * buffer; a queued call's copy of its own, taken now, for the caller may change its array
   * before the call runs.
   */
  #stage(blocking: boolean, command: ArrayLike<number>): Uint8Array {
    if (!blocking) return Uint8Array.from(command);
    if (command instanceof Uint8Array) return command;
    const send = this.#buffers.send;
    send.set(command);
    return send;
  }
}

// Codes with which SCardEndTransaction refuses the disposition and the transaction goes on
// (besides the platform's "unsupported feature", pcsc-lite 1.9's answer to "eject").
const END_REFUSALS = [SCARD_E_INVALID_PARAMETER, SCARD_E_INVALID_VALUE];

/**
 * The context's last act for a handle dropped or released while connected. Where another
 * handle of this process claims the reader's transaction, a blocking SCardDisconnect could
 * wait for it for ever: the card is left to SCardReleaseContext then, which lets it go as
 * "leave" without waiting.
 */
function disconnectQuietly(
  native: NativePcsc,
  connection: Connection,
  transactions: ReaderTransactions,
): void {
  const card = connection.card;
  if (card === null) return;
  connection.card = null;
  transactions.drop(connection.reader, connection);
  if (transactions.blocker(connection.reader, connection) !== null) return;
  try {
    native.disconnect(true, card, connection.disposition);
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
