/**
 * What card and reader monitors have in common: observers, each fed from the one shared
 * wait, each with its own picture of what it was told.
 *
 * @module
 */

import type { NativePcsc } from "../../pcsc/native_pcsc.ts";
import { feedOf, type ReaderFeed } from "../../pcsc/reader_feed.ts";
import type { ReaderReport } from "../../pcsc/reader_watch.ts";
import { Observable, type ObserverLike } from "../observer.ts";

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

/** What a monitor's observer has: pyscard's `update`, and `serviceChanged` if it likes. */
export interface MonitorObserver<U> extends ObserverLike<U> {
  /** Told when the PC/SC service is lost (false) and back (true). */
  serviceChanged?(monitor: never, available: boolean): void;
}

/**
 * What `CardMonitor` and `ReaderMonitor` are: pyscard's `Observable`, whose observers are
 * each fed from the one shared wait (the first starts it, the last one's removal ends it)
 * and told `U` for every change they have not yet been told of; an observer that fails is
 * reported rather than passed on. `using` removes every observer.
 */
export class Monitor<U, O extends MonitorObserver<U>> extends Observable<U, O>
  implements Disposable {
  readonly #observers: Observers<O, U>;

  /**
   * A monitor of `pcsc`'s readers, each observer's news made by a tracker of its own.
   * @ignore
   */
  protected constructor(pcsc: NativePcsc, track: () => ChangeTracker<U>) {
    super();
    this.#observers = new Observers<O, U>({
      track,
      update: (observer, changes) => this.updateObserver(observer, changes),
      service: (observer, available) =>
        (observer.serviceChanged as ((m: unknown, a: boolean) => void) | undefined)?.call(
          observer,
          this,
          available,
        ),
    }, feedOf(pcsc));
  }

  /**
   * Adds an observer and calls its `update` with what is there: at once when known, else as
   * soon as it is. Adding one twice does nothing.
   */
  override addObserver(observer: O): void {
    const before = this.countObservers();
    super.addObserver(observer);
    if (this.countObservers() > before) this.#observers.add(observer);
  }

  /**
   * Removes an observer; the last one's removal ends the wait.
   * @throws {RangeError} when it is not an observer of this monitor, as pyscard
   */
  override deleteObserver(observer: O): void {
    super.deleteObserver(observer);
    this.#observers.delete(observer);
  }

  /** Removes every observer, which ends the wait. */
  override deleteObservers(): void {
    super.deleteObservers();
    this.#observers.clear();
  }

  /**
   * `using monitor = ...`: removes every observer when the scope ends, so that nothing is
   * left waiting and the process can exit.
   */
  [Symbol.dispose](): void {
    this.deleteObservers();
  }

  /**
   * An observer that throws (or whose `async update` rejects) is reported on the console;
   * the others are told all the same.
   */
  protected override updateObserver(observer: O, changes: U): void {
    report(() => super.updateObserver(observer, changes));
  }
}

/** `tracker`'s news, each turned into what observers are told. */
export function told<C, U>(tracker: ChangeTracker<C>, as: (change: C) => U): ChangeTracker<U> {
  return {
    next(readers) {
      const change = tracker.next(readers);
      return change === null ? null : as(change);
    },
  };
}
