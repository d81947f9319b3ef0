/**
 * A scripted PC/SC service behind the native interface, for unit tests of the branches no
 * machine here reaches: macOS without PnP, the platform's limit on reader states, Windows
 * stopping its service with its last reader, restarts in mid-wait, lost cancels, and a
 * service whose waits never block (Wine).
 *
 * It plays the service, not the library: readers and cards come and go by the test's hand,
 * SCardGetStatusChange compares what it is handed with what is, and the platform traits come
 * from the ABI description it is given. Card calls are not scripted.
 *
 * @module
 */

import { type Abi, LINUX_ABI } from "../../src/ffi/abi.ts";
import {
  PNP_NOTIFICATION,
  SCARD_STATE_CHANGED,
  SCARD_STATE_EMPTY,
  SCARD_STATE_PRESENT,
  SCARD_STATE_UNKNOWN,
} from "../../src/ffi/constants.ts";
import {
  SCARD_E_CANCELLED,
  SCARD_E_INVALID_HANDLE,
  SCARD_E_NO_SERVICE,
  SCARD_E_SERVICE_STOPPED,
  SCARD_E_TIMEOUT,
  SCARD_E_UNKNOWN_READER,
  SCARD_F_COMM_ERROR,
} from "../../src/ffi/error_codes.ts";
import type { NativePcsc } from "../../src/ffi/native.ts";
import { type ContextHandle, PcscError } from "../../src/ffi/pcsc.ts";
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
}

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
    this.#readers.set(name, { atr, events: 0 });
    this.#changed();
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

  establishContext(_scope: number): ContextHandle {
    this.calls.push({ call: "SCardEstablishContext" });
    if (!this.#running) throw new PcscError("SCardEstablishContext", SCARD_E_NO_SERVICE, this.abi);
    const context = this.#nextContext++;
    this.#contexts.add(context);
    this.#live++;
    return context as unknown as ContextHandle;
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

  listReaders(handle: ContextHandle, _groups: readonly string[] | null): string[] {
    this.calls.push({ call: "SCardListReaders", context: handle as unknown as number });
    this.#checkContext("SCardListReaders", handle);
    return [...this.#readers.keys()];
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
  connect(): never {
    return notScripted("SCardConnect");
  }
  connectAsync(): never {
    return notScripted("SCardConnect");
  }
  reconnect(): never {
    return notScripted("SCardReconnect");
  }
  reconnectAsync(): never {
    return notScripted("SCardReconnect");
  }
  disconnect(): void {
    notScripted("SCardDisconnect");
  }
  beginTransaction(): void {
    notScripted("SCardBeginTransaction");
  }
  beginTransactionAsync(): never {
    return notScripted("SCardBeginTransaction");
  }
  endTransaction(): void {
    notScripted("SCardEndTransaction");
  }
  status(): never {
    return notScripted("SCardStatus");
  }
  exchange(): never {
    return notScripted("SCardTransmit");
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
