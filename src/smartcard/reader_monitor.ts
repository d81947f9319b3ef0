/**
 * pyscard's `smartcard.ReaderMonitoring`: observers told of readers plugged in and out.
 *
 * @module
 */

import { type NativePcsc, SYSTEM_PCSC } from "../pcsc/context.ts";
import { feedOf } from "../pcsc/reader_feed.ts";
import { Observers } from "./monitor.ts";
import { Reader } from "./reader.ts";
import { type ReaderChange, ReaderChanges } from "./reader_changes.ts";

/** Told of readers coming and going (pyscard's `ReaderObserver`). */
export interface ReaderObserver {
  /** The readers added and removed: first the readers there, then every change. */
  update(monitor: ReaderMonitor, changes: [addedReaders: Reader[], removedReaders: Reader[]]): void;
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
export class ReaderMonitor {
  readonly #observers: Observers<ReaderObserver, ReaderChange>;

  /** Creates a `ReaderMonitor`; nothing is watched before the first observer. */
  constructor(/** @ignore */ pcsc: NativePcsc = SYSTEM_PCSC) {
    this.#observers = new Observers({
      track: () => new ReaderChanges((name) => new Reader(name, pcsc)),
      update: (observer, { added, removed }) => observer.update(this, [added, removed]),
      service: (observer, available) => observer.serviceChanged?.(this, available),
    }, feedOf(pcsc));
  }

  /**
   * Adds an observer and calls its `update` with the readers there: at once when known, else
   * as soon as they are. Adding one twice does nothing.
   */
  addObserver(observer: ReaderObserver): void {
    this.#observers.add(observer);
  }

  /** Removes an observer; the last one's removal ends the wait. */
  deleteObserver(observer: ReaderObserver): void {
    this.#observers.delete(observer);
  }

  /** Removes every observer. */
  deleteObservers(): void {
    this.#observers.clear();
  }

  /** How many observers there are. */
  countObservers(): number {
    return this.#observers.size;
  }
}
