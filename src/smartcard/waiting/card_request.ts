/**
 * Waiting for cards (pyscard's `smartcard.CardRequest`).
 *
 * @module
 */

import { PcscError, SCARD_E_TIMEOUT } from "../../pcsc/pcsc_error.ts";
import { type NativePcsc, SYSTEM_PCSC } from "../../pcsc/native_pcsc.ts";
import { type ReaderReport, ReaderWatch, type WatchOutcome } from "../../pcsc/reader_watch.ts";
import type { Card } from "../readers/card.ts";
import { arrived, type Presence, presenceOf } from "../monitoring/card_presence.ts";
import { type CardServiceClass, PassThruCardService } from "./card_service.ts";
import { AnyCardType, CardType } from "./card_type.ts";
import { CardRequestException, CardRequestTimeoutException } from "../errors/exceptions.ts";
import { readerNamed } from "../readers/identity.ts";
import { checkOptions, readerFilter } from "./option_checks.ts";
import { asSmartcardError } from "../errors/pcsc_failure.ts";
import type { Reader } from "../readers/reader.ts";
import { CardChanges } from "../monitoring/reader_changes.ts";
import type { CardService } from "./card_service.ts";
import { readersOf } from "../readers/system.ts";
import { toHexString } from "../util.ts";

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
  /**
   * The PC/SC implementation: the system's unless a test hands a scripted one.
   * @ignore
   */
  pcsc?: NativePcsc;
}

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
  readonly #pcsc: NativePcsc;
  readonly #watch: ReaderWatch;
  // what waitforcardevent reported last
  readonly #events: CardChanges;
  #released = false;

  /** Checks the options; contacts nothing until the first wait. */
  constructor(options: CardRequestOptions = {}) {
    checkOptions(options);
    this.#pcsc = options.pcsc ?? SYSTEM_PCSC;
    this.#watch = new ReaderWatch(this.#pcsc);
    this.#events = new CardChanges(null, this.#pcsc);
    this.#newcardonly = Boolean(options.newcardonly);
    this.#filter = readerFilter(options.readers, (r) => this.#readerObjects.set(r.name, r));
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
    this.#signal = options.signal;
  }

  /** The readers watched: those given, or every reader the service knows now. */
  getReaders(): Reader[] {
    if (this.#filter === null) return readersOf(this.#pcsc);
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
        if (deadline <= performance.now()) throw new CardRequestTimeoutException(SCARD_E_TIMEOUT);
      }
    });
  }

  /**
   * Resolves with the cards inserted and removed since the previous call; the first call
   * reports the cards present. Waits (up to the time-out) while nothing has changed.
   */
  waitforcardevent(): Promise<[inserted: Card[], removed: Card[]]> {
    return this.#run(async (deadline) => {
      let change = this.#events.next(await this.#look(false, deadline));
      while (change === null) {
        if (deadline <= performance.now()) throw new CardRequestTimeoutException(SCARD_E_TIMEOUT);
        change = this.#events.next(await this.#look(true, deadline));
      }
      return [change.inserted, change.removed];
    });
  }

  /**
   * Ends a pending wait (it rejects with a {@link CardRequestException}) and frees the
   * request's PC/SC context. Calling it again does nothing.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#watch.close(new CardRequestException("Card request released"));
  }

  /** `using request = new CardRequest(...)`: same as {@link release}. */
  [Symbol.dispose](): void {
    this.release();
  }

  // ----- one call at a time, with deadline, signal and release -----

  async #run<T>(body: (deadline: number) => Promise<T>): Promise<T> {
    if (this.#released) throw new CardRequestException("Card request released");
    if (this.#watch.busy) {
      throw new CardRequestException("A wait is already pending on this card request");
    }
    const signal = this.#signal;
    if (signal?.aborted) throw signal.reason;
    const deadline = this.#timeout === null ? Infinity : performance.now() + this.#timeout * 1000;
    const onAbort = () => this.#watch.abort(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await body(deadline);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * One look at the watched readers: their state now, or (`wait`) once something differs
   * from what was last seen. Throws the time-out, the abort's reason, or the failure.
   */
  async #look(wait: boolean, deadline: number): Promise<readonly ReaderReport[]> {
    let outcome: WatchOutcome;
    try {
      outcome = wait
        ? await this.#watch.wait(this.#filter, deadline)
        : await this.#watch.look(this.#filter, deadline);
    } catch (error) {
      throw asRequestError(error);
    }
    if (outcome.kind === "aborted") throw outcome.reason;
    if (outcome.kind === "timeout") throw new CardRequestTimeoutException(SCARD_E_TIMEOUT);
    return outcome.readers;
  }

  // ----- results -----

  #reader(name: string): Reader {
    let reader = this.#readerObjects.get(name);
    if (!reader) this.#readerObjects.set(name, reader = readerNamed(name, this.#pcsc));
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

const FAILED: Record<string, string> = {
  SCardEstablishContext: "Failed to establish context",
  SCardListReaders: "Failed to list readers",
  SCardGetStatusChange: "Failed to get status change",
};

function asRequestError(error: unknown): unknown {
  if (!(error instanceof PcscError)) return error;
  return asSmartcardError(error, FAILED[error.call] ?? error.call, CardRequestException);
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
