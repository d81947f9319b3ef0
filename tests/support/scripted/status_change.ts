/**
 * SCardGetStatusChange and SCardCancel as each platform's service plays them: a wait compares
 * the states it is handed with what is, and blocks until they differ, its time-out passes, a
 * cancel comes or the service stops. The platform's traits: the PnP pseudo-reader is known or
 * not (macOS without it), the number of reader states a wait takes is limited, a service may
 * return at once whatever it is handed (Wine), and a cancel may reach the service before the
 * wait does, and be lost.
 *
 * @module
 */

import { PNP_NOTIFICATION } from "../../../src/ffi/constants.ts";
import { SCARD_STATE_CHANGED, SCARD_STATE_UNKNOWN } from "../../../src/pcsc/reader_state.ts";
import {
  SCARD_E_CANCELLED,
  SCARD_E_TIMEOUT,
  SCARD_E_UNKNOWN_READER,
} from "../../../src/ffi/error_codes.ts";
import type { PcscError } from "../../../src/ffi/pcsc_error.ts";
import type { ScardContext } from "../../../src/ffi/native_handles.ts";
import type { ReaderStateArray } from "../../../src/ffi/reader_state_array.ts";
import type { ScriptedService } from "./service.ts";

// SCARD_E_INVALID_PARAMETER: what a wait handed more reader states than the platform takes gets
const INVALID_PARAMETER = 0x80100004;

/** How the platform's service waits. */
export interface WaitTraits {
  /** Whether `\\?PnP?\Notification` is known (macOS: not). */
  readonly pnp: boolean;
  /** Waits return success at once and zero the caller's current states (Wine). */
  readonly neverBlocks: boolean;
  /** This many SCardCancel calls reach the service before the wait does, and are lost. */
  readonly lostCancels: number;
}

interface Waiter {
  context: number;
  evaluate(): boolean;
  finish(rv: number): void;
}

/** See the module comment. */
export class ScriptedWaits {
  readonly #service: ScriptedService;
  readonly #pnp: boolean;
  readonly #neverBlocks: boolean;
  #lostCancels: number;
  readonly #waiters = new Set<Waiter>();
  #most = 0;

  constructor(service: ScriptedService, traits: WaitTraits) {
    this.#service = service;
    this.#pnp = traits.pnp;
    this.#neverBlocks = traits.neverBlocks;
    this.#lostCancels = traits.lostCancels;
    service.listen({
      changed: () => {
        for (const waiter of [...this.#waiters]) waiter.evaluate();
      },
      stopped: (rv) => {
        for (const waiter of [...this.#waiters]) waiter.finish(rv);
      },
    });
  }

  /** Waits pending now. */
  get pending(): number {
    return this.#waiters.size;
  }

  /** The most waits pending at once so far. */
  get most(): number {
    return this.#most;
  }

  /** Whether a wait on `context` is pending: a context released under it is a client's bug. */
  pendingOn(context: number): boolean {
    return [...this.#waiters].some((w) => w.context === context);
  }

  /** SCardCancel: ends the context's pending waits, unless the cancel is one of the lost. */
  cancel(handle: ScardContext): number {
    const context = handle as unknown as number;
    this.#service.calls.push({ call: "SCardCancel", context });
    if (this.#lostCancels > 0) {
      this.#lostCancels--;
      return 0;
    }
    for (const waiter of [...this.#waiters]) {
      if (waiter.context === context) waiter.finish(SCARD_E_CANCELLED);
    }
    return 0;
  }

  /** SCardGetStatusChange, resolving to its return code. */
  getStatusChange(
    handle: ScardContext,
    timeoutMs: number,
    states: ReaderStateArray,
  ): Promise<number> {
    const context = handle as unknown as number;
    const currentStates = states.readers.map((_, i) => states.currentState(i));
    this.#service.calls.push({
      call: "SCardGetStatusChange",
      context,
      timeoutMs,
      readers: states.readers,
      currentStates,
    });
    try {
      this.#service.checkContext("SCardGetStatusChange", handle);
    } catch (error) {
      return Promise.resolve((error as PcscError).code);
    }
    if (states.length > this.#service.abi.maxWaitStates) return Promise.resolve(INVALID_PARAMETER);
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
        const atr = this.#service.readers.get(states.readers[i])?.atr;
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
      this.#most = Math.max(this.#most, this.#waiters.size);
    });
  }

  /** The event state the service reports for `name` now, or null for an unknown reader. */
  #stateOf(name: string): number | null {
    if (name === PNP_NOTIFICATION) {
      return this.#pnp ? this.#service.readers.size << 16 : SCARD_STATE_UNKNOWN;
    }
    return this.#service.readerState(name);
  }
}
