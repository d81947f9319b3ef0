/**
 * A scripted PC/SC service behind the native interface, for unit tests of the branches no
 * machine here reaches: macOS without PnP, the platform's limit on reader states, Windows
 * stopping its service with its last reader, restarts in mid-wait, lost cancels, and a
 * service whose waits never block (Wine).
 *
 * It plays the service, not the library: readers and cards come and go by the test's hand,
 * SCardGetStatusChange compares what it is handed with what is, and the platform traits come
 * from the ABI description it is given. Each behaviour is a file of `scripted/`: the service's
 * life and readers (`service.ts`), the waits (`status_change.ts`), card handles
 * (`card_handles.ts`), transactions (`transactions.ts`), APDUs and control codes
 * (`exchange.ts`), and a call made to fail or to wait (`call_control.ts`).
 *
 * Card calls play a simple card service: connect with share modes and protocol choice,
 * transactions that wait for one another, attributes, and an APDU or control answer the test
 * gives ({@link ScriptedPcsc.answer}, {@link ScriptedPcsc.controlAnswer}). A test can make the
 * next call of a name fail ({@link ScriptedPcsc.failNext}) or stay pending until it lets go
 * ({@link ScriptedPcsc.hold}). Reader groups are not scripted.
 *
 * @module
 */

import { type Abi, LINUX_ABI } from "../../src/ffi/abi.ts";
import type { CardIo, NativePcsc } from "../../src/ffi/native.ts";
import type { CardStatus, Connected } from "../../src/ffi/pcsc.ts";
import type { ScardContext, ScardHandle } from "../../src/ffi/native_handles.ts";
import type { SyncOrAsync } from "../../src/ffi/sync_or_async.ts";
import { ReaderStateArray } from "../../src/ffi/reader_state_array.ts";
import { CallControl } from "./scripted/call_control.ts";
import { ScriptedCardHandles } from "./scripted/card_handles.ts";
import { ScriptedCardIo } from "./scripted/card_io.ts";
import { type ScriptedCall, ScriptedService } from "./scripted/service.ts";
import { ScriptedWaits } from "./scripted/status_change.ts";
import { ScriptedTransactions } from "./scripted/transactions.ts";

export type { ScriptedCall };

/** How the scripted service behaves. */
export interface ScriptedOptions {
  /** The platform: limits and traits (default Linux). */
  readonly abi?: Abi;
  /** Whether `\\?PnP?\Notification` is known (default true; macOS: false). */
  readonly pnp?: boolean;
  /**
   * Waits return success at once, whatever they are handed, and leave every current state 0
   * in the caller's array (Wine's SCardGetStatusChangeA).
   */
  readonly neverBlocks?: boolean;
  /** This many SCardCancel calls reach the service before the wait does, and are lost. */
  readonly lostCancels?: number;
  /** Whether the service runs at the start (default true). */
  readonly running?: boolean;
}

/** See the module comment. */
export class ScriptedPcsc implements NativePcsc {
  readonly abi: Abi;
  /** Every call, in order. */
  readonly calls: ScriptedCall[];
  readonly #service: ScriptedService;
  readonly #control: CallControl;
  readonly #waits: ScriptedWaits;
  readonly #cards: ScriptedCardHandles;
  readonly #transactions: ScriptedTransactions;

  /**
   * How the card answers a command APDU (SW1 SW2 included). Default: 90 00. A test may
   * throw a `PcscError` from it to fail the call.
   */
  answer: (apdu: Uint8Array, reader: string, protocol: number) => ArrayLike<number> = () => [
    0x90,
    0x00,
  ];

  /** How the reader answers SCardControl. Default: the data echoed. */
  controlAnswer: (code: number, data: Uint8Array, reader: string) => ArrayLike<number> = (
    _code,
    data,
  ) => data;

  /** A service with no reader; see {@link ScriptedOptions}. */
  constructor(options: ScriptedOptions = {}) {
    this.abi = options.abi ?? LINUX_ABI;
    this.#service = new ScriptedService(this.abi, options.running ?? true);
    this.calls = this.#service.calls;
    this.#control = new CallControl((call, code) => this.#service.error(call, code));
    this.#waits = new ScriptedWaits(this.#service, {
      pnp: options.pnp ?? true,
      neverBlocks: options.neverBlocks ?? false,
      lostCancels: options.lostCancels ?? 0,
    });
    this.#cards = new ScriptedCardHandles(this.#service, this.#control);
    this.#transactions = new ScriptedTransactions(this.#service, this.#control, this.#cards);
  }

  // ----- the test's hand -----

  /** Plugs a reader in (starting a service that stops without readers), with or without a card. */
  plug(name: string, atr: number[] | null = null): void {
    this.#service.plug(name, atr);
  }

  /** The protocols the card in `name` offers (default T=0 and T=1; T=1 is chosen first). */
  offer(name: string, protocols: number): void {
    this.#service.reader(name).protocols = protocols;
  }

  /** SCardStatus's state bits for the card in `name`; null: present, powered, negotiable. */
  setCardState(name: string, state: number | null): void {
    this.#service.reader(name).cardState = state;
  }

  /** An attribute of reader `name`, as SCardGetAttrib reads it. */
  setAttribute(name: string, attribute: number, value: number[]): void {
    this.#service.reader(name).attributes.set(attribute, value);
  }

  /** An attribute of reader `name` (what SCardSetAttrib wrote), or undefined. */
  attribute(name: string, attribute: number): number[] | undefined {
    return this.#service.reader(name).attributes.get(attribute);
  }

  /** The next call of `call` (e.g. "SCardTransmit") fails with `code`, once. */
  failNext(call: string, code: number): void {
    this.#control.failNext(call, code);
  }

  /**
   * The next call of `call` made on the blocking pool stays pending until the returned
   * function is called: for tests of what happens meanwhile.
   */
  hold(call: string): () => void {
    return this.#control.hold(call);
  }

  /** Card handles connected and not yet disconnected. */
  get liveCards(): number {
    return this.#cards.live;
  }

  /** The card handle holding a transaction on reader `name`, or null. */
  transactionHolder(name: string): number | null {
    return this.#transactions.holder(name);
  }

  /** How many SCardBeginTransaction calls wait for the transaction on reader `name` to end. */
  transactionWaiters(name: string): number {
    return this.#transactions.waiting(name);
  }

  /** How many calls of `call` have reached the test's {@link hold} and wait for its release. */
  held(call: string): number {
    return this.#control.held(call);
  }

  /** Unplugs a reader, card and all; where the service stops with its last reader, it stops. */
  unplug(name: string): void {
    this.#service.unplug(name);
  }

  /** Puts a card in a reader. */
  insert(name: string, atr: number[]): void {
    this.#service.setCard(name, atr);
  }

  /** Takes the card out of a reader. */
  remove(name: string): void {
    this.#service.setCard(name, null);
  }

  /** Stops the service: pending waits end with `rv`, every context is forgotten. */
  stop(rv?: number): void {
    this.#service.stop(rv);
  }

  /** Starts the service again, with the readers it has now and event counts from zero. */
  start(): void {
    this.#service.start();
  }

  /** Removes every reader without stopping the service (a restart from an empty configuration). */
  clear(): void {
    this.#service.clear();
  }

  /** Contexts established and not yet released by the client. */
  get liveContexts(): number {
    return this.#service.liveContexts;
  }

  /** Waits pending now. */
  get pendingWaits(): number {
    return this.#waits.pending;
  }

  /** The most waits pending at once so far. */
  get mostPendingWaits(): number {
    return this.#waits.most;
  }

  /** How many calls of `name` were made. */
  count(name: string): number {
    return this.#service.count(name);
  }

  // ----- the native interface -----

  establishContext(blocking: boolean, scope: number): SyncOrAsync<ScardContext> {
    this.calls.push({ call: "SCardEstablishContext", scope });
    return this.#control.settle(blocking, "SCardEstablishContext", () => {
      this.#service.checkRunning("SCardEstablishContext");
      return this.#service.establish() as unknown as ScardContext;
    });
  }

  releaseContext(handle: ScardContext): void {
    const context = handle as unknown as number;
    this.calls.push({ call: "SCardReleaseContext", context });
    if (this.#waits.pendingOn(context)) {
      throw new Error(`context ${context} released under a pending wait`);
    }
    this.#service.release(context);
  }

  cancel(handle: ScardContext): number {
    return this.#waits.cancel(handle);
  }

  listReaders(
    blocking: boolean,
    handle: ScardContext,
    _groups: readonly string[] | null,
  ): SyncOrAsync<string[]> {
    this.calls.push({ call: "SCardListReaders", context: handle as unknown as number });
    return this.#control.settle(blocking, "SCardListReaders", () => {
      this.#service.checkContext("SCardListReaders", handle);
      return [...this.#service.readers.keys()];
    });
  }

  readerStates(readers: readonly string[]): ReaderStateArray {
    return new ReaderStateArray(this.abi, readers, () => 0);
  }

  getStatusChange(
    handle: ScardContext,
    timeoutMs: number,
    states: ReaderStateArray,
  ): Promise<number> {
    return this.#waits.getStatusChange(handle, timeoutMs, states);
  }

  listReaderGroups(): string[] {
    return notScripted("SCardListReaderGroups");
  }
  supportsReaderGroupChanges(): boolean {
    return false;
  }
  addReaderToGroup(): void {
    notScripted("SCardAddReaderToGroup");
  }
  removeReaderFromGroup(): void {
    notScripted("SCardRemoveReaderFromGroup");
  }
  connect(
    blocking: boolean,
    handle: ScardContext,
    reader: string,
    share: number,
    protocols: number,
  ): SyncOrAsync<Connected> {
    return this.#cards.connect(blocking, handle, reader, share, protocols);
  }
  connectAsync(): never {
    return notScripted("SCardConnect");
  }
  reconnect(
    blocking: boolean,
    handle: ScardHandle,
    share: number,
    protocols: number,
    init: number,
  ): SyncOrAsync<number> {
    return this.#cards.reconnect(blocking, handle, share, protocols, init);
  }
  reconnectAsync(): never {
    return notScripted("SCardReconnect");
  }
  disconnect(blocking: boolean, handle: ScardHandle, disposition: number): SyncOrAsync<void> {
    return this.#control.settle(blocking, "SCardDisconnect", () => {
      const reader = this.#cards.disconnect(handle, disposition);
      this.#transactions.endHeldBy(reader, handle as unknown as number);
    });
  }
  beginTransaction(blocking: boolean, handle: ScardHandle): SyncOrAsync<void> {
    return this.#transactions.begin(blocking, handle);
  }
  beginTransactionAsync(): never {
    return notScripted("SCardBeginTransaction");
  }
  endTransaction(blocking: boolean, handle: ScardHandle, disposition: number): SyncOrAsync<void> {
    return this.#control.settle(
      blocking,
      "SCardEndTransaction",
      () => this.#transactions.end(handle, disposition),
    );
  }
  status(blocking: boolean, handle: ScardHandle): SyncOrAsync<CardStatus> {
    return this.#control.settle(blocking, "SCardStatus", () => this.#cards.status(handle));
  }
  setAttrib(
    blocking: boolean,
    handle: ScardHandle,
    attribute: number,
    value: Uint8Array,
  ): SyncOrAsync<void> {
    return this.#cards.setAttrib(blocking, handle, attribute, value);
  }
  cardIo(sendCapacity: number): CardIo {
    // the script is read at each call: a test may change `answer` after connecting
    const script = {
      answer: (apdu: Uint8Array, reader: string, protocol: number) =>
        this.answer(apdu, reader, protocol),
      controlAnswer: (code: number, data: Uint8Array, reader: string) =>
        this.controlAnswer(code, data, reader),
    };
    return new ScriptedCardIo(sendCapacity, {
      service: this.#service,
      control: this.#control,
      cards: this.#cards,
      script,
    });
  }
}

function notScripted(call: string): never {
  throw new Error(`${call} is not scripted`);
}
