/**
 * What card and reader monitors have in common: observers, each fed from the one shared
 * wait, each with its own picture of what it was told.
 *
 * @module
 */

import type { ReaderFeed } from "../../pcsc/reader_feed.ts";
import type { ReaderReport } from "../../pcsc/reader_watch.ts";

/** One observer's own bookkeeping: what it was told, as pictures come. */
export interface ChangeTracker<C> {
  next(readers: readonly ReaderReport[]): C | null;
}

/** How a monitor words its news to one of its observers. */
export interface Wording<O, C> {
  /** A new tracker, for a new observer. */
  track(): ChangeTracker<C>;
  /** Calls the observer's `update` with a change; gives what it returns. */
  update(observer: O, changes: C): unknown;
  /** Calls the observer's `serviceChanged`, if it has one. */
  service(observer: O, available: boolean): void;
}

/**
 * A monitor's observers, added and removed as pyscard's are, each fed from the one shared
 * wait with its own picture of what it was told. The first one starts the wait, the last
 * one's removal ends it.
 */
export class Observers<O extends { update: unknown }, C> {
  readonly #stops = new Map<O, () => unknown>();
  readonly #feed: ReaderFeed;
  readonly #wording: Wording<O, C>;

  /**
   * Creates an `Observers`.
   * @param wording how the monitor tells its observers
   * @param feed the shared wait of the monitor's PC/SC
   */
  constructor(wording: Wording<O, C>, feed: ReaderFeed) {
    this.#wording = wording;
    this.#feed = feed;
  }

  /**
   * Adds an observer and calls its `update` with what is there: at once when the feed
   * already knows, else as soon as it does. Adding one twice does nothing.
   */
  add(observer: O): void {
    if (!observer || typeof observer.update !== "function") {
      throw new TypeError("observer must have an update(monitor, changes) method");
    }
    if (this.#stops.has(observer)) return;
    const wording = this.#wording;
    const changes = wording.track();
    // set before listening: the feed may call back at once
    this.#stops.set(observer, () => {});
    const stop = this.#feed.listen({
      readers: (readers) => {
        const change = changes.next(readers);
        if (change !== null) report(() => wording.update(observer, change));
      },
      service: (available) => report(() => wording.service(observer, available)),
      failed: (error) => console.error("monitor: the PC/SC watch failed; retrying:", error),
    });
    if (this.#stops.has(observer)) this.#stops.set(observer, stop);
    else stop();
  }

  /** Removes an observer; the last one's removal ends the wait. */
  delete(observer: O): void {
    const stop = this.#stops.get(observer);
    if (stop === undefined) return;
    this.#stops.delete(observer);
    stop();
  }

  /** Removes every observer. */
  clear(): void {
    for (const observer of [...this.#stops.keys()]) this.delete(observer);
  }

  /** How many observers there are. */
  get size(): number {
    return this.#stops.size;
  }
}

/**
 * Runs an observer's callback; what it throws, or the promise it returns rejects with (an
 * `async update`), is reported, and reaches no one else.
 */
export function report(call: () => unknown): void {
  const failed = (error: unknown) => {
    // reportError would end a Deno process: one observer must not take the others down
    console.error("observer.update threw:", error);
  };
  try {
    const result = call();
    if (result instanceof Promise) result.catch(failed);
  } catch (error) {
    failed(error);
  }
}
