/**
 * A scripted PC/SC service behind the native interface, for unit tests of the branches no
 * machine here reaches: macOS without PnP, the platform's limit on reader states, Windows
 * stopping its service with its last reader, restarts in mid-wait, lost cancels, and a
 * service whose waits never block (Wine).
 *
 * It plays the service, not the library: readers and cards come and go by the test's hand,
 * SCardGetStatusChange compares what it is handed with what is, and the platform traits come
 * from the ABI description it is given.
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
import {
  MAX_BUFFER_SIZE_EXTENDED,
  PNP_NOTIFICATION,
  SCARD_ABSENT,
  SCARD_EJECT_CARD,
  SCARD_LEAVE_CARD,
  SCARD_NEGOTIABLE,
  SCARD_POWERED,
  SCARD_PRESENT,
  SCARD_PROTOCOL_T0,
  SCARD_PROTOCOL_T1,
  SCARD_SHARE_DIRECT,
  SCARD_SHARE_SHARED,
  SCARD_STATE_CHANGED,
  SCARD_STATE_EMPTY,
  SCARD_STATE_PRESENT,
  SCARD_STATE_UNKNOWN,
} from "../../src/ffi/constants.ts";
import {
  SCARD_E_CANCELLED,
  SCARD_E_INSUFFICIENT_BUFFER,
  SCARD_E_INVALID_HANDLE,
  SCARD_E_NO_SERVICE,
  SCARD_E_NO_SMARTCARD,
  SCARD_E_NOT_TRANSACTED,
  SCARD_E_PROTO_MISMATCH,
  SCARD_E_SERVICE_STOPPED,
  SCARD_E_SHARING_VIOLATION,
  SCARD_E_TIMEOUT,
  SCARD_E_UNKNOWN_READER,
  SCARD_F_COMM_ERROR,
  SCARD_W_REMOVED_CARD,
  SCARD_W_RESET_CARD,
} from "../../src/ffi/error_codes.ts";
import type { Exchange, NativePcsc } from "../../src/ffi/native.ts";
import {
  type CardHandle,
  type CardStatus,
  type Connected,
  type ContextHandle,
  PcscError,
} from "../../src/ffi/pcsc.ts";
import type { SyncOrAsync } from "../../src/ffi/either.ts";
import { ReaderStateArray } from "../../src/ffi/reader_state.ts";

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

interface ScriptedReader {
  atr: number[] | null;
  events: number;
  /** the protocols the card offers */
  protocols: number;
  /** SCardStatus's state bits while a card is in; null: present, powered, negotiable */
  cardState: number | null;
  attributes: Map<number, number[]>;
  /** the card handle holding a transaction, if any */
  lock: number | null;
  /** begins waiting for the lock */
  lockWaiters: (() => void)[];
}

interface ScriptedCard {
  readonly handle: number;
  readonly context: number;
  readonly reader: string;
  share: number;
  protocol: number;
  /** the reader's event count at connect: a card taken out since is another card */
  readonly events: number;
  /**
   * The card was reset or unpowered since: every call that needs the card says
   * SCARD_W_RESET_CARD until SCardReconnect, as pcsc-lite's do (to the handle that asked for
   * the reset too).
   */
  resetPending: boolean;
}

interface Waiter {
  context: number;
  evaluate(): boolean;
  finish(rv: number): void;
}

/** A native call as the scripted service saw it. */
export interface ScriptedCall {
  readonly call: string;
  readonly context?: number;
  readonly timeoutMs?: number;
  readonly readers?: readonly string[];
  /** dwCurrentState of each reader state, as handed in */
  readonly currentStates?: readonly number[];
  /** SCardEstablishContext's scope */
  readonly scope?: number;
  /** the card handle of a card call */
  readonly card?: number;
  /** SCardConnect's reader */
  readonly reader?: string;
  /** SCardConnect's share mode */
  readonly share?: number;
  /** SCardConnect's preferred protocols; SCardTransmit's PCI protocol */
  readonly protocols?: number;
  /** SCardDisconnect's and SCardEndTransaction's disposition */
  readonly disposition?: number;
  /** the bytes sent: command APDU, control data, attribute value */
  readonly bytes?: readonly number[];
  /** SCardControl's code, SCardGetAttrib's and SCardSetAttrib's attribute */
  readonly code?: number;
}

/** The next call of a name made to fail: with a code, as the service would. */
type Failure = { readonly code: number };

/** See the module comment. */
export class ScriptedPcsc implements NativePcsc {
  readonly abi: Abi;
  /** Every call, in order. */
  readonly calls: ScriptedCall[] = [];
  readonly #readers = new Map<string, ScriptedReader>();
  readonly #pnp: boolean;
  readonly #neverBlocks: boolean;
  #lostCancels: number;
  #running: boolean;
  // contexts of the service's current run; a restart forgets them all
  #contexts = new Set<number>();
  #released = new Set<number>();
  #nextContext = 1;
  #live = 0;
  readonly #waiters = new Set<Waiter>();
  readonly #cards = new Map<number, ScriptedCard>();
  #nextCard = 1001;
  readonly #failures = new Map<string, Failure[]>();
  readonly #holds = new Map<string, Promise<void>[]>();

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
    this.#pnp = options.pnp ?? true;
    this.#neverBlocks = options.neverBlocks ?? false;
    this.#lostCancels = options.lostCancels ?? 0;
    this.#running = options.running ?? true;
  }

  // ----- the test's hand -----

  /** Plugs a reader in (starting a service that stops without readers), with or without a card. */
  plug(name: string, atr: number[] | null = null): void {
    if (!this.#running && this.abi.serviceStopsWithoutReaders) this.start();
    this.#readers.set(name, {
      atr,
      events: 0,
      protocols: SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
      cardState: null,
      attributes: new Map(),
      lock: null,
      lockWaiters: [],
    });
    this.#changed();
  }

  /** The protocols the card in `name` offers (default T=0 and T=1; T=1 is chosen first). */
  offer(name: string, protocols: number): void {
    this.#reader(name).protocols = protocols;
  }

  /** SCardStatus's state bits for the card in `name`; null: present, powered, negotiable. */
  setCardState(name: string, state: number | null): void {
    this.#reader(name).cardState = state;
  }

  /** An attribute of reader `name`, as SCardGetAttrib reads it. */
  setAttribute(name: string, attribute: number, value: number[]): void {
    this.#reader(name).attributes.set(attribute, value);
  }

  /** An attribute of reader `name` (what SCardSetAttrib wrote), or undefined. */
  attribute(name: string, attribute: number): number[] | undefined {
    return this.#reader(name).attributes.get(attribute);
  }

  /** The next call of `call` (e.g. "SCardTransmit") fails with `code`, once. */
  failNext(call: string, code: number): void {
    const list = this.#failures.get(call) ?? [];
    list.push({ code });
    this.#failures.set(call, list);
  }

  /**
   * The next call of `call` made on the blocking pool stays pending until the returned
   * function is called: for tests of what happens meanwhile.
   */
  hold(call: string): () => void {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => release = resolve);
    const list = this.#holds.get(call) ?? [];
    list.push(gate);
    this.#holds.set(call, list);
    return release;
  }

  /** Card handles connected and not yet disconnected. */
  get liveCards(): number {
    return this.#cards.size;
  }

  /** The card handle holding a transaction on reader `name`, or null. */
  transactionHolder(name: string): number | null {
    return this.#reader(name).lock;
  }

  /** Unplugs a reader, card and all; where the service stops with its last reader, it stops. */
  unplug(name: string): void {
    this.#readers.delete(name);
    if (this.#readers.size === 0 && this.abi.serviceStopsWithoutReaders && this.#running) {
      this.stop(SCARD_E_SERVICE_STOPPED);
    } else this.#changed();
  }

  /** Puts a card in a reader. */
  insert(name: string, atr: number[]): void {
    const reader = this.#reader(name);
    reader.atr = atr;
    reader.events++;
    this.#changed();
  }

  /** Takes the card out of a reader. */
  remove(name: string): void {
    const reader = this.#reader(name);
    reader.atr = null;
    reader.events++;
    this.#changed();
  }

  /** Stops the service: pending waits end with `rv`, every context is forgotten. */
  stop(rv: number = SCARD_F_COMM_ERROR): void {
    this.#running = false;
    this.#contexts = new Set();
    for (const waiter of [...this.#waiters]) waiter.finish(rv);
  }

  /** Starts the service again, with the readers it has now and event counts from zero. */
  start(): void {
    this.#running = true;
    for (const reader of this.#readers.values()) reader.events = 0;
  }

  /** Removes every reader without stopping the service (a restart from an empty configuration). */
  clear(): void {
    this.#readers.clear();
    this.#changed();
  }

  /** Contexts established and not yet released by the client. */
  get liveContexts(): number {
    return this.#live;
  }

  /** Waits pending now. */
  get pendingWaits(): number {
    return this.#waiters.size;
  }

  /** How many calls of `name` were made. */
  count(name: string): number {
    return this.calls.filter((c) => c.call === name).length;
  }

  // ----- the native interface -----

  establishContext(blocking: boolean, scope: number): SyncOrAsync<ContextHandle> {
    this.calls.push({ call: "SCardEstablishContext", scope });
    return this.#settle(blocking, "SCardEstablishContext", () => {
      if (!this.#running) {
        throw new PcscError("SCardEstablishContext", SCARD_E_NO_SERVICE, this.abi);
      }
      const context = this.#nextContext++;
      this.#contexts.add(context);
      this.#live++;
      return context as unknown as ContextHandle;
    });
  }

  releaseContext(handle: ContextHandle): void {
    const context = handle as unknown as number;
    this.calls.push({ call: "SCardReleaseContext", context });
    if ([...this.#waiters].some((w) => w.context === context)) {
      throw new Error(`context ${context} released under a pending wait`);
    }
    if (this.#released.has(context)) throw new Error(`context ${context} released twice`);
    this.#released.add(context);
    this.#live--;
    if (!this.#contexts.delete(context)) {
      throw new PcscError("SCardReleaseContext", SCARD_E_INVALID_HANDLE, this.abi);
    }
  }

  cancel(handle: ContextHandle): number {
    const context = handle as unknown as number;
    this.calls.push({ call: "SCardCancel", context });
    if (this.#lostCancels > 0) {
      this.#lostCancels--;
      return 0;
    }
    for (const waiter of [...this.#waiters]) {
      if (waiter.context === context) waiter.finish(SCARD_E_CANCELLED);
    }
    return 0;
  }

  listReaders(
    blocking: boolean,
    handle: ContextHandle,
    _groups: readonly string[] | null,
  ): SyncOrAsync<string[]> {
    this.calls.push({ call: "SCardListReaders", context: handle as unknown as number });
    return this.#settle(blocking, "SCardListReaders", () => {
      this.#checkContext("SCardListReaders", handle);
      return [...this.#readers.keys()];
    });
  }

  readerStates(readers: readonly string[]): ReaderStateArray {
    return new ReaderStateArray(this.abi, readers, () => 0);
  }

  getStatusChange(
    handle: ContextHandle,
    timeoutMs: number,
    states: ReaderStateArray,
  ): Promise<number> {
    const context = handle as unknown as number;
    const currentStates = states.readers.map((_, i) => states.currentState(i));
    this.calls.push({
      call: "SCardGetStatusChange",
      context,
      timeoutMs,
      readers: states.readers,
      currentStates,
    });
    try {
      this.#checkContext("SCardGetStatusChange", handle);
    } catch (error) {
      return Promise.resolve((error as PcscError).code);
    }
    if (states.length > this.abi.maxWaitStates) return Promise.resolve(INVALID_PARAMETER);
    const evaluate = (): number | null => {
      let changed = false;
      for (let i = 0; i < states.length; i++) {
        const now = this.#stateOf(states.readers[i]);
        if (now === null) return SCARD_E_UNKNOWN_READER;
        const differs = ((now ^ states.currentState(i)) & ~SCARD_STATE_CHANGED) !== 0 ||
          states.currentState(i) === 0;
        states.setEventState(i, differs || this.#neverBlocks ? now | SCARD_STATE_CHANGED : now);
        // Wine hands pcsc-lite no current state, and writes that back into the caller's array
        if (this.#neverBlocks) states.setCurrentState(i, 0);
        const atr = this.#readers.get(states.readers[i])?.atr;
        states.setAtr(i, atr ?? []);
        changed ||= differs;
      }
      return changed || this.#neverBlocks ? 0 : null;
    };
    const now = evaluate();
    if (now !== null) return Promise.resolve(now);
    if (timeoutMs <= 0) return Promise.resolve(SCARD_E_TIMEOUT);
    return new Promise((resolve) => {
      const timer = timeoutMs === Infinity
        ? undefined
        : setTimeout(() => waiter.finish(SCARD_E_TIMEOUT), timeoutMs);
      const waiter: Waiter = {
        context,
        evaluate: () => {
          const rv = evaluate();
          if (rv !== null) waiter.finish(rv);
          return rv !== null;
        },
        finish: (rv) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          // as a nonblocking call: the result comes on a later turn of the event loop
          queueMicrotask(() => resolve(rv));
        },
      };
      this.#waiters.add(waiter);
    });
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
    handle: ContextHandle,
    reader: string,
    share: number,
    protocols: number,
  ): SyncOrAsync<Connected> {
    const context = handle as unknown as number;
    this.calls.push({ call: "SCardConnect", context, reader, share, protocols });
    return this.#settle(blocking, "SCardConnect", () => {
      this.#checkContext("SCardConnect", handle);
      const r = this.#readers.get(reader);
      if (!r) throw this.#error("SCardConnect", SCARD_E_UNKNOWN_READER);
      const direct = share === SCARD_SHARE_DIRECT;
      if (!r.atr && !direct) throw this.#error("SCardConnect", SCARD_E_NO_SMARTCARD);
      const others = [...this.#cards.values()].filter((c) => c.reader === reader);
      const held = others.some((c) => c.share !== SCARD_SHARE_SHARED);
      if (held || (share !== SCARD_SHARE_SHARED && others.length > 0)) {
        throw this.#error("SCardConnect", SCARD_E_SHARING_VIOLATION);
      }
      let protocol = 0;
      if (r.atr && (protocols !== 0 || !direct)) {
        const usable = protocols & (r.protocols | this.abi.protocolRaw);
        protocol = usable & SCARD_PROTOCOL_T1 ||
          usable & SCARD_PROTOCOL_T0 ||
          usable & this.abi.protocolRaw;
        if (protocol === 0) throw this.#error("SCardConnect", SCARD_E_PROTO_MISMATCH);
      }
      const card = this.#nextCard++;
      this.#cards.set(card, {
        handle: card,
        context,
        reader,
        share,
        protocol,
        events: r.events,
        resetPending: false,
      });
      return { handle: card as unknown as CardHandle, protocol };
    });
  }
  connectAsync(): never {
    return notScripted("SCardConnect");
  }
  reconnect(
    blocking: boolean,
    handle: CardHandle,
    share: number,
    protocols: number,
    init: number,
  ): SyncOrAsync<number> {
    const card = handle as unknown as number;
    this.calls.push({ call: "SCardReconnect", card, share, protocols, disposition: init });
    return this.#settle(blocking, "SCardReconnect", () => {
      const c = this.#card("SCardReconnect", handle, false);
      const r = this.#reader(c.reader);
      if (init !== SCARD_LEAVE_CARD) this.#resetOthers(c.reader, card);
      const usable = protocols & (r.protocols | this.abi.protocolRaw);
      const protocol = usable & SCARD_PROTOCOL_T1 ||
        usable & SCARD_PROTOCOL_T0 ||
        usable & this.abi.protocolRaw;
      if (protocol === 0 && share !== SCARD_SHARE_DIRECT) {
        throw this.#error("SCardReconnect", SCARD_E_PROTO_MISMATCH);
      }
      c.share = share;
      c.protocol = protocol;
      c.resetPending = false;
      return protocol;
    });
  }
  reconnectAsync(): never {
    return notScripted("SCardReconnect");
  }
  disconnect(blocking: boolean, handle: CardHandle, disposition: number): SyncOrAsync<void> {
    const card = handle as unknown as number;
    this.calls.push({ call: "SCardDisconnect", card, disposition });
    return this.#settle(blocking, "SCardDisconnect", () => {
      const c = this.#card("SCardDisconnect", handle, false);
      this.#cards.delete(card);
      if (disposition !== SCARD_LEAVE_CARD && disposition !== SCARD_EJECT_CARD) {
        this.#resetOthers(c.reader, card);
      }
      const r = this.#readers.get(c.reader);
      if (r?.lock === card) this.#unlock(r);
    });
  }
  beginTransaction(blocking: boolean, handle: CardHandle): SyncOrAsync<void> {
    const card = handle as unknown as number;
    this.calls.push({ call: "SCardBeginTransaction", card });
    const take = (): boolean => {
      const c = this.#card("SCardBeginTransaction", handle);
      const r = this.#reader(c.reader);
      if (r.lock !== null && r.lock !== card) return false;
      r.lock = card;
      return true;
    };
    if (blocking) {
      this.#failIfTold("SCardBeginTransaction");
      if (!take()) throw this.#error("SCardBeginTransaction", SCARD_E_SHARING_VIOLATION);
      return;
    }
    return (async () => {
      await this.#turn("SCardBeginTransaction");
      this.#failIfTold("SCardBeginTransaction");
      // as pcsc-lite's client library: wait until the other handle's transaction has ended
      while (!take()) {
        const r = this.#reader(this.#card("SCardBeginTransaction", handle).reader);
        await new Promise<void>((resolve) => r.lockWaiters.push(resolve));
      }
    })();
  }
  beginTransactionAsync(): never {
    return notScripted("SCardBeginTransaction");
  }
  endTransaction(blocking: boolean, handle: CardHandle, disposition: number): SyncOrAsync<void> {
    const card = handle as unknown as number;
    this.calls.push({ call: "SCardEndTransaction", card, disposition });
    return this.#settle(blocking, "SCardEndTransaction", () => this.#end(card, disposition));
  }
  #end(card: number, disposition: number): void {
    const handle = card as unknown as CardHandle;
    const c = this.#card("SCardEndTransaction", handle);
    const r = this.#reader(c.reader);
    if (r.lock !== card) throw this.#error("SCardEndTransaction", SCARD_E_NOT_TRANSACTED);
    // pcsc-lite 1.9 refuses to eject here, and the transaction may outlive the refusal
    if (disposition === SCARD_EJECT_CARD) {
      throw this.#error("SCardEndTransaction", this.abi.unsupportedFeature);
    }
    // the handle that asked for a reset hears of it too, as pcsc-lite's does
    if (disposition !== SCARD_LEAVE_CARD) this.#resetOthers(c.reader, null);
    this.#unlock(r);
  }
  status(blocking: boolean, handle: CardHandle): SyncOrAsync<CardStatus> {
    this.calls.push({ call: "SCardStatus", card: handle as unknown as number });
    return this.#settle(blocking, "SCardStatus", () => {
      const c = this.#card("SCardStatus", handle);
      const r = this.#reader(c.reader);
      const state = r.atr
        ? r.cardState ?? (SCARD_PRESENT | SCARD_POWERED | SCARD_NEGOTIABLE)
        : SCARD_ABSENT;
      return { reader: c.reader, state, protocol: c.protocol, atr: [...(r.atr ?? [])] };
    });
  }
  setAttrib(
    blocking: boolean,
    handle: CardHandle,
    attribute: number,
    value: Uint8Array,
  ): SyncOrAsync<void> {
    const card = handle as unknown as number;
    this.calls.push({ call: "SCardSetAttrib", card, code: attribute, bytes: [...value] });
    return this.#settle(blocking, "SCardSetAttrib", () => {
      const c = this.#card("SCardSetAttrib", handle);
      this.#reader(c.reader).attributes.set(attribute, [...value]);
    });
  }
  exchange(sendCapacity: number): Exchange {
    const receive = new Uint8Array(MAX_BUFFER_SIZE_EXTENDED);
    return {
      receive,
      send: new Uint8Array(sendCapacity),
      transmit: (blocking, handle, protocol, command, length) => {
        const bytes = command.slice(0, length);
        this.calls.push({
          call: "SCardTransmit",
          card: handle as unknown as number,
          protocols: protocol,
          bytes: [...bytes],
        });
        return this.#settle(blocking, "SCardTransmit", () => {
          const c = this.#card("SCardTransmit", handle);
          if (protocol !== c.protocol) throw this.#error("SCardTransmit", SCARD_E_PROTO_MISMATCH);
          return this.#receive("SCardTransmit", receive, this.answer(bytes, c.reader, protocol));
        });
      },
      control: (blocking, handle, code, command, length) => {
        const bytes = command.slice(0, length);
        this.calls.push({
          call: "SCardControl",
          card: handle as unknown as number,
          code,
          bytes: [...bytes],
        });
        return this.#settle(blocking, "SCardControl", () => {
          const c = this.#card("SCardControl", handle, false);
          return this.#receive("SCardControl", receive, this.controlAnswer(code, bytes, c.reader));
        });
      },
      getAttrib: (blocking, handle, attribute) => {
        this.calls.push({
          call: "SCardGetAttrib",
          card: handle as unknown as number,
          code: attribute,
        });
        return this.#settle(blocking, "SCardGetAttrib", () => {
          const c = this.#card("SCardGetAttrib", handle, false);
          const value = this.#reader(c.reader).attributes.get(attribute);
          if (!value) throw this.#error("SCardGetAttrib", this.abi.unsupportedFeature);
          return this.#receive("SCardGetAttrib", receive, value);
        });
      },
    };
  }

  // ----- inside -----

  #reader(name: string): ScriptedReader {
    const reader = this.#readers.get(name);
    if (!reader) throw new Error(`no scripted reader ${name}`);
    return reader;
  }

  /** The event state the service reports for `name` now, or null for an unknown reader. */
  #stateOf(name: string): number | null {
    if (name === PNP_NOTIFICATION) {
      return this.#pnp ? this.#readers.size << 16 : SCARD_STATE_UNKNOWN;
    }
    const reader = this.#readers.get(name);
    if (!reader) return null;
    return (reader.events << 16) | (reader.atr ? SCARD_STATE_PRESENT : SCARD_STATE_EMPTY);
  }

  /**
   * Runs a card call now (blocking) or as a nonblocking call would: on a later turn of the
   * event loop, after any hold the test placed on it.
   */
  #settle<T>(blocking: boolean, call: string, run: () => T): SyncOrAsync<T> {
    if (blocking) {
      this.#failIfTold(call);
      return run();
    }
    return (async () => {
      await this.#turn(call);
      this.#failIfTold(call);
      return run();
    })();
  }

  /** A later turn of the event loop, and the end of the test's hold on `call`, if any. */
  async #turn(call: string): Promise<void> {
    const gate = this.#holds.get(call)?.shift();
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (gate) await gate;
  }

  #failIfTold(call: string): void {
    const failure = this.#failures.get(call)?.shift();
    if (failure) throw this.#error(call, failure.code);
  }

  #error(call: string, code: number): PcscError {
    return new PcscError(call, code, this.abi);
  }

  /**
   * The scripted card of `handle`; a call on a card taken out since the connect (unless the
   * call needs no card: `card` false) fails as pcsc-lite's does.
   */
  #card(call: string, handle: CardHandle, card = true): ScriptedCard {
    if (!this.#running) throw this.#error(call, SCARD_E_NO_SERVICE);
    const c = this.#cards.get(handle as unknown as number);
    if (!c) throw this.#error(call, SCARD_E_INVALID_HANDLE);
    const r = this.#readers.get(c.reader);
    if (card && c.share !== SCARD_SHARE_DIRECT && (!r?.atr || r.events !== c.events)) {
      throw this.#error(call, SCARD_W_REMOVED_CARD);
    }
    if (card && c.resetPending) throw this.#error(call, SCARD_W_RESET_CARD);
    return c;
  }

  /** Marks every handle on reader `name` but `except` as reset (see ScriptedCard). */
  #resetOthers(name: string, except: number | null): void {
    for (const c of this.#cards.values()) {
      if (c.reader === name && c.handle !== except) c.resetPending = true;
    }
  }

  /** Writes an answer into a receive buffer; gives its length. */
  #receive(call: string, receive: Uint8Array, answer: ArrayLike<number>): number {
    if (answer.length > receive.length) throw this.#error(call, SCARD_E_INSUFFICIENT_BUFFER);
    receive.set(answer);
    return answer.length;
  }

  #unlock(reader: ScriptedReader): void {
    reader.lock = null;
    for (const wake of reader.lockWaiters.splice(0)) wake();
  }

  #checkContext(call: string, handle: ContextHandle): void {
    if (!this.#running) throw new PcscError(call, SCARD_E_NO_SERVICE, this.abi);
    if (!this.#contexts.has(handle as unknown as number)) {
      throw new PcscError(call, SCARD_E_INVALID_HANDLE, this.abi);
    }
  }

  #changed(): void {
    for (const waiter of [...this.#waiters]) waiter.evaluate();
  }
}

// SCARD_E_INVALID_PARAMETER: what a wait handed more reader states than the platform takes gets
const INVALID_PARAMETER = 0x80100004;

function notScripted(call: string): never {
  throw new Error(`${call} is not scripted`);
}
