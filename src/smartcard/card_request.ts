/**
 * Waiting for cards (pyscard's `smartcard.CardRequest`).
 *
 * @module
 */

import {
  PNP_NOTIFICATION,
  SCARD_STATE_CHANGED,
  SCARD_STATE_UNAWARE,
  SCARD_STATE_UNKNOWN,
} from "../ffi/constants.ts";
import {
  SCARD_E_CANCELLED,
  SCARD_E_INVALID_HANDLE,
  SCARD_E_NO_SERVICE,
  SCARD_E_SERVICE_STOPPED,
  SCARD_E_TIMEOUT,
  SCARD_E_UNKNOWN_READER,
  SCARD_F_COMM_ERROR,
} from "../ffi/error_codes.ts";
import {
  cancel,
  getStatusChangeAsync,
  listReaders,
  MAX_WAIT_STATES,
  PcscError,
  readerStates,
} from "../ffi/pcsc.ts";
import { Card } from "./card.ts";
import {
  arrived,
  diffPresence,
  type Presence,
  presenceOf,
  type ReaderReport,
  watchedReaders,
} from "./card_presence.ts";
import { type CardServiceClass, PassThruCardService } from "./card_service.ts";
import { AnyCardType, CardType } from "./card_type.ts";
import { CardRequestException, CardRequestTimeoutException } from "./exceptions.ts";
import { PcscContext } from "./pcsc_context.ts";
import { Reader } from "./reader.ts";
import type { CardService } from "./card_service.ts";
import { readers as systemReaders } from "./system.ts";
import { toHexString } from "./util.ts";

/** The options of a {@link CardRequest}; every one may be left out. */
export interface CardRequestOptions {
  /** Only a card inserted after the wait starts counts (default false: one present counts). */
  newcardonly?: boolean;
  /** The readers to watch (Reader objects or names); default all, including any plugged in later. */
  readers?: (Reader | string)[] | null;
  /** Which cards count; default {@link AnyCardType}. */
  cardType?: CardType | null;
  /** The service built for the card; default {@link PassThruCardService}. */
  cardServiceClass?: CardServiceClass | null;
  /** Seconds each wait may take in all (fractions allowed, 0 = look once); null = forever. Default 1. */
  timeout?: number | null;
  /** Aborting it ends a pending wait, which rejects with `signal.reason`. */
  signal?: AbortSignal;
}

// A restarted pcscd fails every call of an old context with one of these; a new context works
// once the service is back (on Windows, once a reader brings the service back).
const SERVICE_GONE = new Set([
  SCARD_E_NO_SERVICE,
  SCARD_E_SERVICE_STOPPED,
  SCARD_F_COMM_ERROR,
  SCARD_E_INVALID_HANDLE,
]);

// Sent again at this interval until the wait settles: a cancel that reaches the service before
// the wait does is lost.
const CANCEL_REPEAT_MS = 10;
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

/**
 * Waits for a card: any card, or one of a type, in any reader or in some, present already or
 * newly inserted; and reports insertions and removals.
 *
 * Each request has a PC/SC context of its own, and waits with a nonblocking
 * SCardGetStatusChange on it: nothing polls, an idle wait takes no CPU, and the event loop is
 * never blocked. A wait ends at its deadline, on `signal`, or on `release()`.
 *
 * @example
 * ```ts
 * import { AnyCardType, CardRequest } from "@pcsc/smartcard";
 * using request = new CardRequest({ timeout: 10, cardType: new AnyCardType() });
 * using service = await request.waitforcard();
 * await service.connection.connect();
 * console.log(service.connection.getATR());
 * ```
 */
export class CardRequest implements Disposable {
  readonly #newcardonly: boolean;
  readonly #filter: string[] | null;
  readonly #cardType: CardType;
  readonly #serviceClass: CardServiceClass;
  readonly #timeout: number | null;
  readonly #signal: AbortSignal | undefined;
  readonly #readerObjects = new Map<string, Reader>();

  #context: PcscContext | null = null;
  // what the finalization registry frees if the request is dropped without release()
  readonly #contexts: { context: PcscContext | null } = { context: null };
  #establishedOnce = false;
  // the next reports come from a service restarted since the last ones
  #fresh = false;
  // PnP notification: whether the service has it, and its state last seen
  #pnp = true;
  #pnpState = 0;
  // the dwEventState last seen per reader, handed back so that a wait waits for a change
  readonly #known = new Map<string, number>();
  // what waitforcardevent reported last; null before its first call
  #baseline: Map<string, Presence> | null = null;
  #busy = false;
  #released = false;
  #inflight: Promise<number> | null = null;
  #stop: { reason: unknown } | null = null;
  #wake: (() => void) | null = null;

  /** Checks the options; contacts nothing until the first wait. */
  constructor(options: CardRequestOptions = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError("options must be an object");
    }
    this.#newcardonly = Boolean(options.newcardonly);
    this.#filter = checkReaders(options.readers, this.#readerObjects);
    this.#cardType = options.cardType ?? new AnyCardType();
    if (
      !(this.#cardType instanceof CardType) &&
      typeof (this.#cardType as { matches?: unknown } | null)?.matches !== "function"
    ) {
      throw new TypeError("cardType must be a CardType");
    }
    this.#serviceClass = options.cardServiceClass ?? PassThruCardService;
    if (
      typeof this.#serviceClass !== "function" || typeof this.#serviceClass.supports !== "function"
    ) {
      throw new TypeError("cardServiceClass must be a CardService class (with a static supports)");
    }
    this.#timeout = checkTimeout(options.timeout === undefined ? 1 : options.timeout);
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new TypeError("signal must be an AbortSignal");
    }
    this.#signal = options.signal;
    dropped.register(this, this.#contexts, this);
  }

  /** The readers watched: those given, or every reader the service knows now. */
  getReaders(): Reader[] {
    if (this.#filter === null) return systemReaders();
    return this.#filter.map((name) => this.#reader(name));
  }

  /**
   * Resolves with a service for the first card that matches, built with `cardServiceClass`
   * over a connection that is created but not connected.
   *
   * @throws {CardRequestTimeoutException} when the deadline passes first
   * @throws {CardRequestException} when the PC/SC service fails otherwise
   */
  waitforcard(): Promise<CardService> {
    return this.#run(async (deadline) => {
      const seen = new Map<string, Presence>();
      let first = true;
      for (;;) {
        const reports = await this.#look(!first, deadline);
        this.#checkStop();
        if (reports === null) throw new CardRequestTimeoutException();
        for (const report of reports) {
          const now = presenceOf(report);
          const was = seen.get(report.reader);
          seen.set(report.reader, now);
          if (!now.present) continue;
          const counts = first ? !this.#newcardonly : arrived(was, now);
          if (counts) {
            const service = this.#serviceFor(report.reader, now.atr);
            if (service) return service;
          }
        }
        first = false;
        if (deadline <= performance.now()) throw new CardRequestTimeoutException();
      }
    });
  }

  /**
   * Resolves with the cards inserted and removed since the previous call; the first call
   * reports the cards present. Waits (up to the time-out) while nothing has changed.
   */
  waitforcardevent(): Promise<[inserted: Card[], removed: Card[]]> {
    return this.#run(async (deadline) => {
      let reports = await this.#look(false, deadline);
      for (;;) {
        this.#checkStop();
        if (reports === null) throw new CardRequestTimeoutException();
        const now = new Map(reports.map((r) => [r.reader, presenceOf(r)]));
        const { inserted, removed } = diffPresence(this.#baseline ?? new Map(), now);
        if (this.#baseline === null || inserted.length || removed.length) {
          this.#baseline = now;
          return [
            inserted.map((c) => new Card(this.#reader(c.reader), [...c.atr])),
            removed.map((c) => new Card(this.#reader(c.reader), [...c.atr])),
          ];
        }
        if (deadline <= performance.now()) throw new CardRequestTimeoutException();
        reports = await this.#look(true, deadline);
      }
    });
  }

  /**
   * Ends a pending wait (it rejects with a {@link CardRequestException}) and frees the
   * request's PC/SC context. Calling it again does nothing.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    dropped.unregister(this);
    this.#interrupt(new CardRequestException("Card request released"));
    if (this.#inflight === null) this.#dropContext();
  }

  /** `using request = new CardRequest(...)`: same as {@link release}. */
  [Symbol.dispose](): void {
    this.release();
  }

  // ----- one call at a time, with deadline, signal and release -----

  async #run<T>(body: (deadline: number) => Promise<T>): Promise<T> {
    if (this.#released) throw new CardRequestException("Card request released");
    if (this.#busy) {
      throw new CardRequestException("A wait is already pending on this card request");
    }
    const signal = this.#signal;
    if (signal?.aborted) throw signal.reason;
    const deadline = this.#timeout === null ? Infinity : performance.now() + this.#timeout * 1000;
    const onAbort = () => this.#interrupt(signal!.reason);
    this.#busy = true;
    this.#stop = null;
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await body(deadline);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.#busy = false;
      this.#stop = null;
    }
  }

  #checkStop(): void {
    if (this.#stop) throw this.#stop.reason;
  }

  /** Ends the current call: wakes a sleep, and cancels a native wait until it has ended. */
  #interrupt(reason: unknown): void {
    if (!this.#busy || this.#stop) return;
    this.#stop = { reason };
    this.#wake?.();
    const inflight = this.#inflight;
    const context = this.#context;
    if (inflight === null || context === null) return;
    const send = () => {
      if (!context.released) cancel(context.handle);
    };
    send();
    const timer = setInterval(send, CANCEL_REPEAT_MS);
    inflight.finally(() => clearInterval(timer)).catch(() => {});
  }

  // ----- looking at the readers -----

  /**
   * One look at the watched readers. `wait` false: their state now. `wait` true: once
   * something differs from what was last seen, or a reader comes or goes. Null at the
   * deadline. Survives the PC/SC service going away and coming back; every retry waits a
   * little longer than the last, so a failure that persists never spins.
   */
  async #look(wait: boolean, deadline: number): Promise<ReaderReport[] | null> {
    let failures = 0;
    let spurious = 0;
    // false at the deadline
    const retry = async (): Promise<boolean> => {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      const pause = Math.min(RETRY_FIRST_MS * 2 ** failures++, RETRY_MAX_MS);
      await this.#sleep(Math.min(pause, left));
      this.#checkStop();
      return true;
    };
    for (;;) {
      this.#checkStop();
      const context = await this.#ensureContext(deadline);
      // release() may have run while this call was suspended, freeing the context
      this.#checkStop();
      if (context === null) return null;
      let names: string[];
      try {
        names = watchedReaders(listReaders(context.handle, null), this.#filter);
      } catch (error) {
        if (this.#serviceGone(error) && await retry()) continue;
        if (error instanceof PcscError && SERVICE_GONE.has(error.code)) return null;
        throw new CardRequestException("Failed to list readers", codeOf(error), { cause: error });
      }
      for (const name of this.#known.keys()) if (!names.includes(name)) this.#known.delete(name);
      if (!wait && names.length === 0) return [];

      // The PnP pseudo-reader wakes the wait when readers come or go. Where it is missing
      // (macOS) or would pass the service's limit, the wait wakes every so often instead.
      const pnp = wait && this.#pnp && names.length < MAX_WAIT_STATES;
      const states = readerStates(pnp ? [...names, PNP_NOTIFICATION] : names);
      names.forEach((name, i) => {
        states.setCurrentState(i, wait ? this.#known.get(name) ?? SCARD_STATE_UNAWARE : 0);
      });
      if (pnp) states.setCurrentState(names.length, this.#pnpState);
      const wakeAt = pnp ? deadline : Math.min(deadline, performance.now() + NO_PNP_SLICE_MS);

      let rv: number;
      this.#inflight = getStatusChangeAsync(
        context.handle,
        wait ? wakeAt - performance.now() : 0,
        states,
      );
      try {
        rv = await this.#inflight;
      } finally {
        this.#inflight = null;
        if (this.#released) this.#dropContext();
      }
      this.#checkStop();

      if (rv === 0 && wait && !changed(states, pnp ? names.length + 1 : names.length)) {
        const left = deadline - performance.now();
        if (left <= 0) return null;
        await this.#sleep(Math.min(SPURIOUS_FIRST_MS * 2 ** spurious++, SPURIOUS_MAX_MS, left));
        continue;
      }
      if (rv === 0) {
        if (pnp) {
          const state = states.eventState(names.length);
          if (state & SCARD_STATE_UNKNOWN) this.#pnp = false;
          else this.#pnpState = state;
        }
        const fresh = this.#fresh;
        this.#fresh = false;
        const reports = names.map((reader, i) => ({
          reader,
          state: states.eventState(i),
          atr: states.atr(i),
          restarted: fresh,
        }));
        for (const r of reports) this.#known.set(r.reader, r.state);
        return reports;
      }
      if (rv === SCARD_E_TIMEOUT) {
        if (!wait) return names.map((reader) => this.#lastReport(reader));
        if (performance.now() >= deadline) return null;
        continue;
      }
      // a reader went away between listing and waiting; or, again and again, the PnP
      // pseudo-reader is what the service does not know
      if (rv === SCARD_E_UNKNOWN_READER && pnp && failures >= 1) this.#pnp = false;
      const gone = this.#serviceGone(new PcscError("SCardGetStatusChange", rv));
      if (rv !== SCARD_E_UNKNOWN_READER && rv !== SCARD_E_CANCELLED && !gone) {
        throw new CardRequestException("Failed to get status change", rv);
      }
      if (!await retry()) return null;
    }
  }

  #lastReport(reader: string): ReaderReport {
    return { reader, state: this.#known.get(reader) ?? 0, atr: [] };
  }

  /** The request's context, established (again) when needed; null at the deadline. */
  async #ensureContext(deadline: number): Promise<PcscContext | null> {
    let pause = RETRY_FIRST_MS;
    for (;;) {
      this.#checkStop();
      if (this.#context) return this.#context;
      try {
        this.#context = PcscContext.establish(CardRequestException);
        this.#contexts.context = this.#context;
        // a new service counts events from zero again, and knows none of the old states
        if (this.#establishedOnce) this.#fresh = true;
        this.#establishedOnce = true;
        this.#known.clear();
        this.#pnpState = 0;
        return this.#context;
      } catch (error) {
        if (!(error instanceof CardRequestException) || !SERVICE_GONE.has(error.hresult)) {
          throw error;
        }
        // the service is down: try again later, never busily
        const left = deadline - performance.now();
        if (left <= 0) return null;
        await this.#sleep(Math.min(pause, left));
        pause = Math.min(pause * 2, RETRY_MAX_MS);
      }
    }
  }

  /** Whether `error` means the context is dead; if so it is dropped for a new one. */
  #serviceGone(error: unknown): boolean {
    if (!(error instanceof PcscError) || !SERVICE_GONE.has(error.code)) return false;
    this.#dropContext();
    return true;
  }

  #dropContext(): void {
    this.#context?.release();
    this.#context = null;
    this.#contexts.context = null;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = null;
        done();
      };
    });
  }

  // ----- results -----

  #reader(name: string): Reader {
    let reader = this.#readerObjects.get(name);
    if (!reader) this.#readerObjects.set(name, reader = new Reader(name));
    return reader;
  }

  #serviceFor(readerName: string, atr: readonly number[]): CardService | null {
    const reader = this.#reader(readerName);
    if (!this.#cardType.matches([...atr], reader)) return null;
    const cardname = toHexString(atr);
    if (!this.#serviceClass.supports(cardname)) return null;
    return new this.#serviceClass(reader.createConnection(), cardname);
  }
}

// A request dropped without release() still frees its context when collected (a pending wait
// keeps the request reachable, so none is pending then).
const dropped = new FinalizationRegistry<{ context: PcscContext | null }>((held) => {
  held.context?.release();
});

/**
 * Whether any of the first `count` states differs from what was handed in. A service that
 * keeps to the protocol returns only then; the CHANGED bit alone is no change.
 */
function changed(states: ReturnType<typeof readerStates>, count: number): boolean {
  for (let i = 0; i < count; i++) {
    if (((states.eventState(i) ^ states.currentState(i)) & ~SCARD_STATE_CHANGED) !== 0) {
      return true;
    }
  }
  return false;
}

function codeOf(error: unknown): number {
  return error instanceof PcscError ? error.code : -1;
}

function checkTimeout(timeout: unknown): number | null {
  if (timeout === null || timeout === Infinity) return null;
  if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0) {
    throw new RangeError(
      `timeout must be a number of seconds >= 0 or null, not ${String(timeout)}`,
    );
  }
  return timeout;
}

function checkReaders(
  readers: (Reader | string)[] | null | undefined,
  objects: Map<string, Reader>,
): string[] | null {
  if (readers === undefined || readers === null) return null;
  if (!Array.isArray(readers)) throw new TypeError("readers must be an array of Reader or names");
  return readers.map((r, i) => {
    if (r instanceof Reader) {
      objects.set(r.name, r);
      return r.name;
    }
    if (typeof r === "string" && r.length > 0 && !r.includes("\0")) return r;
    throw new TypeError(`readers[${i}] must be a Reader or a reader name`);
  });
}
