/**
 * pyscard's `smartcard.ReaderMonitoring`: observers told of readers plugged in and out.
 *
 * @module
 */

import { type NativePcsc, SYSTEM_PCSC } from "../../pcsc/native_pcsc.ts";
import { feedOf } from "../../pcsc/reader_feed.ts";
import { Observers, report } from "./monitor.ts";
import { Observable, Observer } from "../observer.ts";
import type { Reader } from "../readers/reader.ts";
import { type ReaderChange, ReaderChanges } from "./reader_changes.ts";

/** What a {@link ReaderMonitor} tells its observers: the readers added, the readers removed. */
export type ReaderUpdate = [addedReaders: Reader[], removedReaders: Reader[]];

/**
 * Told of readers coming and going (pyscard's `ReaderObserver`). Extend it as in pyscard, or
 * pass any object with an `update`.
 */
export class ReaderObserver extends Observer<ReaderUpdate> {
  /**
   * The readers added and removed: first the readers there, then every change. Does nothing
   * until a subclass says what to do.
   */
  override update(_monitor: ReaderMonitor, _changes: ReaderUpdate): void {}
  /**
   * Told when the PC/SC service is lost (false) and back (true). Readers that went meanwhile
   * are then reported removed.
   */
  serviceChanged?(monitor: ReaderMonitor, available: boolean): void;
}

/**
 * Tells its observers of readers plugged in and out. It does not poll: the PnP notification
 * wakes it where the platform has one, and where it lacks one (macOS) it looks once a second.
 *
 * Not a singleton, as pyscard's is, and need not be: it shares one wait with every other
 * monitor and iterator of the process; see `CardMonitor`.
 *
 * @example
 * ```ts
 * import { ReaderMonitor } from "@pcsc/smartcard";
 * const monitor = new ReaderMonitor();
 * monitor.addObserver({
 *   update(_monitor, [added, removed]) {
 *     console.log("added", added.map(String), "removed", removed.map(String));
 *   },
 * });
 * ```
 */
export class ReaderMonitor extends Observable<ReaderUpdate, ReaderObserver> implements Disposable {
  readonly #observers: Observers<ReaderObserver, ReaderChange>;

  /** Creates a `ReaderMonitor`; nothing is watched before the first observer. */
  constructor(/** @ignore */ pcsc: NativePcsc = SYSTEM_PCSC) {
    super();
    this.#observers = new Observers({
      track: () => new ReaderChanges(pcsc),
      update: (observer, { added, removed }) => observer.update(this, [added, removed]),
      service: (observer, available) => observer.serviceChanged?.(this, available),
    }, feedOf(pcsc));
  }

  /**
   * Adds an observer and calls its `update` with the readers there: at once when known, else
   * as soon as they are. Adding one twice does nothing.
   */
  override addObserver(observer: ReaderObserver): void {
    const before = this.countObservers();
    super.addObserver(observer);
    if (this.countObservers() > before) this.#observers.add(observer);
  }

  /**
   * Removes an observer; the last one's removal ends the wait.
   * @throws {RangeError} when it is not an observer of this monitor, as pyscard
   */
  override deleteObserver(observer: ReaderObserver): void {
    super.deleteObserver(observer);
    this.#observers.delete(observer);
  }

  /** Removes every observer, which ends the wait. */
  override deleteObservers(): void {
    super.deleteObservers();
    this.#observers.clear();
  }

  /**
   * `using monitor = new ReaderMonitor()`: removes every observer when the scope ends, so that
   * nothing is left waiting and the process can exit.
   */
  [Symbol.dispose](): void {
    this.deleteObservers();
  }

  /**
   * An observer that throws (or whose `async update` rejects) is reported on the console;
   * the others are told all the same.
   */
  protected override updateObserver(observer: ReaderObserver, changes: ReaderUpdate): void {
    report(() => observer.update(this, changes));
  }
}
