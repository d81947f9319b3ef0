/**
 * pyscard's `CardConnection`: the interface every connection implements, with what is common
 * to all of them (argument checks, observers, status-word checking) done here once.
 *
 * @module
 */

import { andThen, MAX_APDU_SIZE, type SyncOrAsync } from "../../pcsc/card_handle.ts";
import { CommandAPDU } from "../../apdu/command_apdu.ts";
import { type Bytes, checkBytes, checkInteger } from "../bytes.ts";
import { CardConnectionEvent } from "./card_connection_event.ts";
import type { CardConnectionObserver } from "./card_connection_observer.ts";
import { Observable } from "../observer.ts";
import type { Reader } from "../readers/reader.ts";
import type { ErrorCheckingChain } from "../status_words/error_checking_chain.ts";
import type { SWExceptionClass } from "../status_words/sw_exceptions.ts";
import { checkProtocolMask, RAW, T0, T1, T15 } from "./protocol.ts";
import { t0Handling, type T0ResponseHandling, withT0Responses } from "./t0_response.ts";
import { checkCommand, checkConnectArguments } from "./connection_arguments.ts";

/**
 * What `doConnect` and `doReconnect` take: whether to block, then `connect`'s arguments,
 * checked already (undefined: the default).
 */
export type OpenArguments = [
  blocking: boolean,
  protocol?: number,
  mode?: number,
  disposition?: number,
];

/** What `transmit` resolves to: response data, SW1, SW2. */
export type TransmitResult = [response: number[], sw1: number, sw2: number];

/**
 * A connection to a card. Created unconnected by `Reader.createConnection()` or
 * `Card.createConnection()`; `connect()` opens it; `release()` (or `using`) frees it.
 *
 * Every call that may wait on the card has a promise form, which never blocks the event loop,
 * and a `*Sync` twin for hot loops and small tools, which does.
 *
 * @example
 * ```ts
 * import { readers } from "@pcsc/smartcard";
 * using connection = readers()[0].createConnection();
 * await connection.connect(connection.T1_protocol);
 * const [data, sw1, sw2] = await connection.transmit([0x00, 0x84, 0x00, 0x00, 0x08]);
 * ```
 */
export abstract class CardConnection extends Observable<CardConnectionEvent, CardConnectionObserver>
  implements Disposable, AsyncDisposable {
  /** T=0 (SCARD_PROTOCOL_T0). */
  static readonly T0_protocol: number = T0;
  /** T=1 (SCARD_PROTOCOL_T1). */
  static readonly T1_protocol: number = T1;
  /** T=15 (SCARD_PROTOCOL_T15). */
  static readonly T15_protocol: number = T15;
  /** Raw (pyscard's value; translated to the platform's SCARD_PROTOCOL_RAW). */
  static readonly RAW_protocol: number = RAW;
  /** Same as {@link CardConnection.T0_protocol}, on instances. */
  readonly T0_protocol: number = T0;
  /** Same as {@link CardConnection.T1_protocol}, on instances. */
  readonly T1_protocol: number = T1;
  /** Same as {@link CardConnection.T15_protocol}, on instances. */
  readonly T15_protocol: number = T15;
  /** Same as {@link CardConnection.RAW_protocol}, on instances. */
  readonly RAW_protocol: number = RAW;

  /** The reader this connection goes through. */
  protected readonly reader: Reader;
  #chain: ErrorCheckingChain[] | null = null;
  #released = false;
  #t0: T0ResponseHandling | null = null;
  // pyscard's default: whichever of T=0 and T=1 the card offers
  #protocol = T0 | T1;

  /**
   * Creates a `CardConnection`.
   * @param reader the reader the card is in
   */
  constructor(reader: Reader) {
    super();
    this.reader = reader;
  }

  // ----- what implementations provide -----
  // Each operation once: `blocking` chooses the blocking native call, which gives the value,
  // or the same call on Deno's blocking pool, which gives a promise of it.

  /** Opens the connection (arguments already checked; undefined means the default). */
  protected abstract doConnect(...args: OpenArguments): SyncOrAsync<void>;
  /** Re-opens the connection. */
  protected abstract doReconnect(...args: OpenArguments): SyncOrAsync<void>;
  /** Closes the connection (observers are told already). */
  protected abstract doDisconnect(): void;
  /** Frees everything (observers are told already); runs once. */
  protected abstract doRelease(): void;
  /** Sends an APDU (checked bytes), gives the whole response including SW1 SW2. */
  protected abstract doTransmit(
    blocking: boolean,
    command: Bytes,
    protocol: number | undefined,
  ): SyncOrAsync<number[]>;
  /** Sends a control command to the reader. */
  protected abstract doControl(
    blocking: boolean,
    controlCode: number,
    command: Bytes,
  ): SyncOrAsync<number[]>;
  /** Reads a reader attribute. */
  protected abstract doGetAttrib(blocking: boolean, attribId: number): SyncOrAsync<number[]>;
  /**
   * Checks, before any native call, that a call may run now: not released, a card when it
   * needs one, and for a `blocking` (synchronous native) call, no promise call pending.
   */
  protected abstract assertUsable(what: string, needsCard: boolean, blocking: boolean): void;
  /** The card's ATR. */
  abstract getATR(): number[];

  /**
   * The card's ATR without blocking the event loop: {@link getATR}'s promise form, for code
   * that must not wait on the PC/SC service on the JavaScript thread (another process's
   * transaction makes SCardStatus wait). By default {@link getATR}'s answer.
   */
  readATR(): Promise<number[]> {
    return Promise.resolve().then(() => this.getATR());
  }
  /** Whether `connect` succeeded and no disconnect followed. */
  abstract get connected(): boolean;

  // ----- connection -----

  /**
   * Connects to the card: SCardConnect on the blocking pool.
   *
   * @param protocol a mask of `T0_protocol`, `T1_protocol`, `T15_protocol`, `RAW_protocol`;
   *   default: the connection's protocol (T=0 or T=1)
   * @param mode SCARD_SHARE_SHARED (default), SCARD_SHARE_EXCLUSIVE or SCARD_SHARE_DIRECT
   * @param disposition what disconnecting does to the card; default SCARD_UNPOWER_CARD
   * @throws {NoCardException} when the reader has no card
   * @throws {CardConnectionException} when the connection fails otherwise
   */
  async connect(protocol?: number, mode?: number, disposition?: number): Promise<void> {
    await this.#open("connect", false, protocol, mode, disposition);
  }

  /** Synchronous {@link connect}: blocks the event loop while PC/SC answers. */
  connectSync(protocol?: number, mode?: number, disposition?: number): void {
    this.#open("connect", true, protocol, mode, disposition);
  }

  /**
   * Reconnects (SCardReconnect): another share mode or protocol, or a reset.
   *
   * @param disposition how the card is initialised; default SCARD_RESET_CARD (warm reset)
   */
  async reconnect(protocol?: number, mode?: number, disposition?: number): Promise<void> {
    await this.#open("reconnect", false, protocol, mode, disposition);
  }

  /** Synchronous {@link reconnect}. */
  reconnectSync(protocol?: number, mode?: number, disposition?: number): void {
    this.#open("reconnect", true, protocol, mode, disposition);
  }

  /** connect and reconnect: the same checks, then the implementation's own. */
  #open(
    kind: "connect" | "reconnect",
    blocking: boolean,
    protocol?: number,
    mode?: number,
    disposition?: number,
  ): SyncOrAsync<void> {
    checkConnectArguments(protocol, mode, disposition);
    this.assertUsable(blocking ? `${kind}Sync` : kind, kind === "reconnect", blocking);
    this.notify(kind);
    const open = kind === "connect" ? this.doConnect : this.doReconnect;
    return open.call(this, blocking, protocol, mode, disposition);
  }

  /**
   * Disconnects from the card with the disposition given at connect; a no-op if not connected.
   * Refused while a promise call is pending: the handle would be pulled from under it.
   */
  disconnect(): void {
    if (this.#released || !this.connected) return;
    this.assertUsable("disconnect", true, true);
    this.notify("disconnect");
    this.doDisconnect();
  }

  /**
   * Disconnects and frees the connection's PC/SC context. Calling it again does nothing. Under
   * a running call it refuses every later call at once, and frees the handles once that call
   * has ended.
   */
  release(): void {
    if (this.#released) return;
    if (this.connected) this.notify("disconnect");
    this.notify("release");
    this.#released = true;
    this.doRelease();
  }

  /** `using connection = ...`: disconnect and release. */
  [Symbol.dispose](): void {
    this.release();
  }

  /** `await using connection = ...`: disconnect and release once pending calls are done. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.settle();
    this.release();
  }

  /** Resolves when no call of this connection is pending. */
  protected settle(): Promise<void> {
    return Promise.resolve();
  }

  // ----- exchanges -----

  /**
   * Sends an APDU (SCardTransmit on the blocking pool) and resolves to
   * `[data, sw1, sw2]`. Observers see `command` then `response`; the error-checking chain
   * runs on the response.
   *
   * @param command the APDU, 4 to 65,544 bytes, or a `CommandAPDU` (sent as its bytes: the
   * observers, the decorators and T=0's follow-ups see the same bytes either way)
   * @param protocol `T0_protocol`, `T1_protocol` or `RAW_protocol`; default the active one
   */
  async transmit(command: Bytes | CommandAPDU, protocol?: number): Promise<TransmitResult> {
    return await this.#transmit(false, command, protocol);
  }

  /** Synchronous {@link transmit}: blocks the event loop for the card's answer. */
  transmitSync(command: Bytes | CommandAPDU, protocol?: number): TransmitResult {
    return this.#transmit(true, command, protocol) as TransmitResult;
  }

  #transmit(
    blocking: boolean,
    apdu: Bytes | CommandAPDU,
    protocol?: number,
  ): SyncOrAsync<TransmitResult> {
    const command = apdu instanceof CommandAPDU ? apdu.toBytes() : apdu;
    checkCommand(command, protocol);
    this.assertUsable(blocking ? "transmitSync" : "transmit", true, blocking);
    const first = this.#exchange(blocking, command, protocol);
    const whole = this.#t0 === null ? first : withT0Responses(
      Array.from(command),
      first,
      this.#t0,
      (next) => this.#exchange(blocking, next, protocol),
    );
    // the chain checks the whole exchange's final status word
    return andThen(whole, (result) => {
      if (this.#chain) this.#chain[0].check(...result);
      return result;
    });
  }

  /** One command and its response, as the observers see them. */
  #exchange(blocking: boolean, command: Bytes, protocol?: number): SyncOrAsync<TransmitResult> {
    if (this.countObservers()) this.notify("command", [Array.from(command), protocol]);
    return andThen(this.doTransmit(blocking, command, protocol), (response) => {
      const sw2 = response.pop()!;
      const sw1 = response.pop()!;
      if (this.countObservers()) this.notify("response", [response, sw1, sw2]);
      return [response, sw1, sw2];
    });
  }

  /**
   * Sends a control command to the reader (SCardControl on the blocking pool).
   *
   * Unlike pyscard, the error-checking chain is not applied: a control response is not an
   * APDU response and has no status word to check.
   *
   * @param controlCode the reader's control code, e.g. `SCARD_CTL_CODE(3400)`
   * @param command bytes to send; default none
   */
  async control(controlCode: number, command: Bytes = []): Promise<number[]> {
    return await this.#control(false, controlCode, command);
  }

  /** Synchronous {@link control}. */
  controlSync(controlCode: number, command: Bytes = []): number[] {
    return this.#control(true, controlCode, command) as number[];
  }

  #control(blocking: boolean, controlCode: number, command: Bytes): SyncOrAsync<number[]> {
    checkInteger(controlCode, "controlCode", 0, 0xFFFFFFFF);
    checkBytes(command, "command", MAX_APDU_SIZE);
    this.assertUsable(blocking ? "controlSync" : "control", true, blocking);
    if (this.countObservers()) this.notify("command", [controlCode, Array.from(command)]);
    return andThen(this.doControl(blocking, controlCode, command), (data) => {
      if (this.countObservers()) this.notify("response", [data]);
      return data;
    });
  }

  /**
   * Reads a reader attribute (SCardGetAttrib on the blocking pool), e.g.
   * `SCARD_ATTR_VENDOR_NAME`. No status-word check applies: an attribute is not an APDU.
   */
  async getAttrib(attribId: number): Promise<number[]> {
    return await this.#getAttrib(false, attribId);
  }

  /** Synchronous {@link getAttrib}. */
  getAttribSync(attribId: number): number[] {
    return this.#getAttrib(true, attribId) as number[];
  }

  #getAttrib(blocking: boolean, attribId: number): SyncOrAsync<number[]> {
    checkInteger(attribId, "attribId", 0, 0xFFFFFFFF);
    this.assertUsable(blocking ? "getAttribSync" : "getAttrib", true, blocking);
    this.notify("attrib", [attribId]);
    return this.doGetAttrib(blocking, attribId);
  }

  // ----- state -----

  /** The active protocol after connect; before, the protocol connect will ask for. */
  getProtocol(): number {
    return this.#protocol;
  }

  /** Sets the protocol `connect` and `transmit` use by default. */
  setProtocol(protocol: number): void {
    checkProtocolMask(protocol, "protocol");
    this.#protocol = protocol;
  }

  /** Records the protocol the card negotiated (0 when none was, in direct mode). */
  protected setActiveProtocol(protocol: number): void {
    this.#protocol = protocol;
  }

  /** The reader of this connection. */
  getReader(): Reader {
    return this.reader;
  }

  // ----- T=0 -----

  /**
   * Has `transmit` and `transmitSync` answer T=0's 61xx and 6Cxx themselves: GET RESPONSE
   * until the card has given everything (the data concatenated), and the command again with
   * the Le the card asked for. `true` turns both on (up to 256 follow-ups), `false` off (the
   * default, as pyscard), or give each part. Every follow-up is an exchange the observers
   * see; the error-checking chain checks only the final status word. A setting of the
   * connection rather than an argument, so that pyscard's `transmit(command, protocol)`
   * stays as it is, and code written for it gets the handling unchanged.
   */
  setT0ResponseHandling(handling: boolean | Partial<T0ResponseHandling>): void {
    this.#t0 = t0Handling(handling);
  }

  /** The T=0 response handling in force, or null when off. */
  getT0ResponseHandling(): T0ResponseHandling | null {
    return this.#t0;
  }

  // ----- status words -----

  /**
   * Sets the error-checking chain run on every transmit response: pyscard's list, whose first
   * link runs first (build it with `new ErrorCheckingChain(chain, checker)`).
   */
  setErrorCheckingChain(chain: ErrorCheckingChain[]): void {
    if (!Array.isArray(chain) || chain.length === 0) {
      throw new TypeError("chain must be a non-empty array of ErrorCheckingChain");
    }
    this.#chain = chain;
  }

  /**
   * Stops an SW exception class from being raised by the chain (the class exactly, not its
   * subclasses, as pyscard). Without a chain it does nothing, as pyscard.
   */
  addSWExceptionToFilter(exClass: SWExceptionClass): void {
    if (typeof exClass !== "function") throw new TypeError("exClass must be an exception class");
    this.#chain?.[0].addFilterException(exClass);
  }

  // ----- observers (pyscard's Observable: addObserver, deleteObserver, countObservers...) -----

  /**
   * Tells every observer, in the order they were added, through pyscard's `setChanged` and
   * `notifyObservers`.
   */
  protected notify(type: CardConnectionEvent["type"], args: unknown[] = []): void {
    if (this.countObservers() === 0) return;
    this.setChanged();
    this.notifyObservers(new CardConnectionEvent(type, args));
  }

  /**
   * An observer that throws does not break the call nor stop the other observers; its error
   * is logged to the console.
   */
  protected override updateObserver(
    observer: CardConnectionObserver,
    event: CardConnectionEvent,
  ): void {
    try {
      observer.update(this, event);
    } catch (error) {
      // reportError would end the process in Deno: an observer must not take a transmit down
      console.error("CardConnectionObserver.update threw:", error);
    }
  }
}
