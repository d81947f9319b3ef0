/**
 * The one SCardGetStatusChange loop: what card requests, monitors and the Web API's waits
 * are built on.
 *
 * @module
 */

import { PNP_NOTIFICATION } from "../ffi/constants.ts";
import {
  decodeReaderState,
  type ReaderState,
  SCARD_STATE_CHANGED,
  SCARD_STATE_UNAWARE,
  SCARD_STATE_UNKNOWN,
} from "./reader_state.ts";
import { SCARD_E_CANCELLED, SCARD_E_TIMEOUT, SCARD_E_UNKNOWN_READER } from "../ffi/error_codes.ts";
import { type NativePcsc, SYSTEM_PCSC } from "../ffi/native.ts";
import { PcscError } from "../ffi/pcsc_error.ts";
import type { ReaderStateArray } from "../ffi/reader_state_array.ts";
import { Backoff } from "./backoff.ts";
import { cancelUntilSettled } from "./cancel_on_abort.ts";
import { Context, stoppedWithoutReaders } from "./context.ts";
import { contextGone, serviceGone, ServiceNotices } from "./service_loss.ts";

/** What one reader reported: its name and decoded state. */
export interface ReaderReport extends ReaderState {
  readonly reader: string;
  /** the first report from a restarted PC/SC service, whose event counts began again */
  readonly restarted?: boolean;
}

/** How a look or a wait ended. */
export type WatchOutcome =
  | { readonly kind: "changed"; readonly readers: readonly ReaderReport[] }
  | { readonly kind: "timeout" }
  | { readonly kind: "aborted"; readonly reason: unknown };

// pauses between retries while the service is down or failing: 100 ms, doubling up to 1 s
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 1000;
// how often a wait without PnP notification wakes to look for readers come and gone
const NO_PNP_SLICE_MS = 1000;
// pauses after a wait that says "changed" while nothing has (Wine's SCardGetStatusChangeA never
// blocks): 10 ms, doubling up to 200 ms, so such a service is looked at a few times a second
// rather than in a hot loop
const SPURIOUS_FIRST_MS = 10;
const SPURIOUS_MAX_MS = 200;

/** How a watch rides out the service going away. */
export interface ReaderWatchOptions {
  /**
   * Wait for a service never reached, rather than failing at once where the platform's
   * service does not come and go by itself (a monitor, which outlives a pcscd started late).
   */
  readonly waitForService?: boolean;
  /**
   * Told when the service is lost (false: a look found it gone or down) and when it is back
   * (true: a context established after a loss). Never told twice the same in a row.
   */
  readonly onService?: (available: boolean) => void;
}

/** Thrown inside a look to unwind it when {@link ReaderWatch.abort} ran. */
class Stopped {
  constructor(readonly reason: unknown) {}
}

/**
 * Watches readers with SCardGetStatusChange on a PC/SC context of its own, one look or wait
 * at a time.
 *
 * It hands every reader's last state back, so a wait returns only on a change; adds the PnP
 * pseudo-reader so that readers plugged in or out end a wait, and where the service lacks it
 * (macOS) or the platform's limit on reader states leaves no room, wakes once a second
 * instead; re-establishes its context with back-off when the service goes away and comes
 * back; cancels a pending wait until it has ended; and backs off when a service says
 * "changed" while nothing did, so that nothing spins.
 */
export class ReaderWatch implements Disposable {
  readonly #native: NativePcsc;
  #context: Context | null = null;
  readonly #options: ReaderWatchOptions;
  #reachedService = false;
  readonly #notices: ServiceNotices;
  // the next reports come from a service restarted since the last ones
  #fresh = false;
  // PnP notification: whether the service has it, and its state last seen
  #pnp = true;
  #pnpState = 0;
  // the dwEventState last seen per reader, handed back so that a wait waits for a change
  readonly #known = new Map<string, number>();
  // the readers of the last report: a wait returns at once when they are no longer the ones
  #reported: readonly string[] | null = null;
  #busy = false;
  #closed = false;
  #inflight: Promise<number> | null = null;
  #stop: Stopped | null = null;
  #wake: (() => void) | null = null;

  /** Contacts nothing until the first look. */
  constructor(native: NativePcsc = SYSTEM_PCSC, options: ReaderWatchOptions = {}) {
    this.#native = native;
    this.#options = options;
    this.#notices = new ServiceNotices(options.onService);
  }

  /** Whether a look or a wait is pending. */
  get busy(): boolean {
    return this.#busy;
  }

  /**
   * The state of the readers now: every reader, or those of `filter` that exist. "timeout"
   * when the deadline (a `performance.now()` time) passes while the service is away.
   */
  look(filter: readonly string[] | null, deadline: number): Promise<WatchOutcome> {
    return this.#run(() => this.#look(filter, false, deadline));
  }

  /**
   * The state of the readers once something differs from the last look or wait: a card in
   * or out, a reader plugged in or out, the service restarted. "timeout" at the deadline.
   */
  wait(filter: readonly string[] | null, deadline: number): Promise<WatchOutcome> {
    return this.#run(() => this.#look(filter, true, deadline));
  }

  /** Ends the pending look or wait, which resolves to "aborted" with `reason`. */
  abort(reason: unknown): void {
    if (!this.#busy || this.#stop) return;
    this.#stop = new Stopped(reason);
    this.#wake?.();
    const inflight = this.#inflight;
    const context = this.#context;
    if (inflight === null || context === null) return;
    cancelUntilSettled(inflight, () => context.cancel());
  }

  /** Aborts what is pending with `reason` and frees the context; later looks throw. */
  close(reason: unknown = new Error("reader watch closed")): void {
    if (this.#closed) return;
    this.#closed = true;
    this.abort(reason);
    this.#dropContext();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  async #run(body: () => Promise<readonly ReaderReport[] | null>): Promise<WatchOutcome> {
    if (this.#closed) throw new Error("reader watch closed");
    if (this.#busy) throw new Error("a look is already pending on this reader watch");
    this.#busy = true;
    this.#stop = null;
    try {
      const readers = await body();
      this.#reported = readers?.map((r) => r.reader) ?? this.#reported;
      return readers === null ? { kind: "timeout" } : { kind: "changed", readers };
    } catch (error) {
      if (error instanceof Stopped) return { kind: "aborted", reason: error.reason };
      throw error;
    } finally {
      this.#busy = false;
      this.#stop = null;
    }
  }

  #checkStop(): void {
    if (this.#stop) throw this.#stop;
  }

  async #look(
    filter: readonly string[] | null,
    waiting: boolean,
    deadline: number,
  ): Promise<ReaderReport[] | null> {
    const failing = new Backoff(RETRY_FIRST_MS, RETRY_MAX_MS);
    const spurious = new Backoff(SPURIOUS_FIRST_MS, SPURIOUS_MAX_MS);
    for (;;) {
      this.#checkStop();
      const context = await this.#ensureContext(deadline);
      if (context === "timeout") return null;
      // where the service stops with its last reader, its absence is an empty reader list
      if (context === "stopped") return [];
      let names: string[];
      try {
        names = watchedReaders(context.listReaders(), filter);
      } catch (error) {
        if (this.#serviceGone(error) && await this.#pause(failing, deadline)) continue;
        if (serviceGone(error)) return null;
        throw error;
      }
      for (const name of this.#known.keys()) if (!names.includes(name)) this.#known.delete(name);
      // A restarted service, or readers come or gone since the last report: that is news
      // already, to be told now rather than after the next change.
      const wait = waiting && !this.#fresh && sameReaders(names, this.#reported);
      if (!wait && names.length === 0) {
        this.#fresh = false;
        return [];
      }

      // The PnP pseudo-reader wakes the wait when readers come or go. Where it is missing
      // (macOS) or would pass the service's limit, the wait wakes every so often instead.
      const pnp = wait && this.#pnp && names.length < this.#native.abi.maxWaitStates;
      const states = this.#native.readerStates(pnp ? [...names, PNP_NOTIFICATION] : names);
      // kept here too: a service may write the array's current states over (Wine zeroes them)
      const handedIn = names.map((name) => wait ? this.#known.get(name) ?? SCARD_STATE_UNAWARE : 0);
      if (pnp) handedIn.push(this.#pnpState);
      handedIn.forEach((state, i) => states.setCurrentState(i, state));
      const wakeAt = pnp ? deadline : Math.min(deadline, performance.now() + NO_PNP_SLICE_MS);

      const rv = await this.#getStatusChange(
        context,
        wait ? wakeAt - performance.now() : 0,
        states,
      );
      this.#checkStop();

      if (rv === 0) {
        const pnpChanged = pnp && changed(states, handedIn, names.length, names.length + 1);
        if (pnpChanged) {
          const state = states.eventState(names.length);
          if (state & SCARD_STATE_UNKNOWN) this.#pnp = false;
          else this.#pnpState = state;
        }
        if (wait && !changed(states, handedIn, 0, names.length)) {
          // Readers come or gone show in the next listing; the PnP state first learnt is no
          // news. A wake-up with nothing changed at all is the service's, and is backed off.
          if (pnpChanged) continue;
          if (!await this.#pause(spurious, deadline)) return null;
          continue;
        }
        const restarted = this.#fresh;
        this.#fresh = false;
        return names.map((reader, i) => {
          const state = states.eventState(i);
          this.#known.set(reader, state);
          return { reader, ...decodeReaderState(state, states.atr(i)), restarted };
        });
      }
      if (rv === SCARD_E_TIMEOUT) {
        if (!wait) return names.map((reader) => this.#lastReport(reader));
        if (performance.now() >= deadline) return null;
        continue;
      }
      // a reader went away between listing and waiting; or, again and again, the PnP
      // pseudo-reader is what the service does not know
      if (rv === SCARD_E_UNKNOWN_READER && pnp && failing.count >= 1) this.#pnp = false;
      const gone = this.#serviceGone(new PcscError("SCardGetStatusChange", rv));
      if (rv !== SCARD_E_UNKNOWN_READER && rv !== SCARD_E_CANCELLED && !gone) {
        throw new PcscError("SCardGetStatusChange", rv);
      }
      if (!await this.#pause(failing, deadline)) return null;
    }
  }

  /** One SCardGetStatusChange on the blocking pool; a close under it frees nothing early. */
  async #getStatusChange(
    context: Context,
    timeoutMs: number,
    states: ReaderStateArray,
  ): Promise<number> {
    this.#inflight = context.during((handle) =>
      this.#native.getStatusChange(handle, timeoutMs, states)
    );
    try {
      return await this.#inflight;
    } finally {
      this.#inflight = null;
    }
  }

  #lastReport(reader: string): ReaderReport {
    return { reader, ...decodeReaderState(this.#known.get(reader) ?? 0, []) };
  }

  /**
   * The watch's context, established (again) when needed; "timeout" at the deadline. While
   * the service is away this retries with back-off, except where the platform's service does
   * not come and go by itself and this watch has never reached it: that is a service missing,
   * and is thrown at once. "stopped": the service stopped with its last reader (Windows)
   * while the last report still named readers, which is news in itself.
   */
  async #ensureContext(deadline: number): Promise<Context | "timeout" | "stopped"> {
    const down = new Backoff(RETRY_FIRST_MS, RETRY_MAX_MS);
    for (;;) {
      this.#checkStop();
      if (this.#context) return this.#context;
      try {
        this.#context = Context.establish(this.#native);
        // a new service counts events from zero again, and knows none of the old states
        if (this.#reachedService) this.#fresh = true;
        this.#reachedService = true;
        this.#notices.tell(true);
        this.#known.clear();
        this.#pnpState = 0;
        return this.#context;
      } catch (error) {
        if (!serviceGone(error)) throw error;
        if (
          !this.#reachedService && !this.#native.abi.serviceStopsWithoutReaders &&
          !this.#options.waitForService
        ) throw error;
        this.#notices.tell(false);
        if (stoppedWithoutReaders(this.#native, error) && this.#reported?.length) return "stopped";
        // the service is down: try again later, never busily
        if (!await this.#pause(down, deadline)) return "timeout";
      }
    }
  }

  /** Whether `error` means the context is dead; if so it is dropped for a new one. */
  #serviceGone(error: unknown): boolean {
    if (!contextGone(error)) return false;
    this.#dropContext();
    this.#notices.tell(false);
    return true;
  }

  #dropContext(): void {
    this.#context?.release();
    this.#context = null;
  }

  /** Sleeps the back-off's next pause, cut at the deadline; false once the deadline is past. */
  async #pause(backoff: Backoff, deadline: number): Promise<boolean> {
    const left = deadline - performance.now();
    if (left <= 0) return false;
    await this.#sleep(Math.min(backoff.next(), left));
    return true;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    }).then(() => this.#checkStop());
  }
}

/** The readers a watch looks at: all of them, or those of `filter` that exist now. */
export function watchedReaders(
  system: readonly string[],
  filter: readonly string[] | null,
): string[] {
  return filter === null ? [...system] : filter.filter((name) => system.includes(name));
}

function sameReaders(names: readonly string[], reported: readonly string[] | null): boolean {
  if (reported === null) return true;
  return names.length === reported.length && names.every((name) => reported.includes(name));
}

/**
 * Whether any of the states `from` to `to` (excluded) differs from what was handed in. A
 * service that keeps to the protocol returns only then; the CHANGED bit alone is no change.
 */
function changed(
  states: ReaderStateArray,
  handedIn: readonly number[],
  from: number,
  to: number,
): boolean {
  for (let i = from; i < to; i++) {
    if (((states.eventState(i) ^ handedIn[i]) & ~SCARD_STATE_CHANGED) !== 0) {
      return true;
    }
  }
  return false;
}
