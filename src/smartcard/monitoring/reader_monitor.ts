/**
 * pyscard's `smartcard.ReaderMonitoring`: observers told of readers plugged in and out.
 *
 * @module
 */

import { type NativePcsc, SYSTEM_PCSC } from "../../pcsc/native_pcsc.ts";
import { Monitor, told } from "./monitor.ts";
import { Observer } from "../observer.ts";
import type { Reader } from "../readers/reader.ts";
import { ReaderChanges } from "./reader_changes.ts";

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
export class ReaderMonitor extends Monitor<ReaderUpdate, ReaderObserver> {
  /** Creates a `ReaderMonitor`; nothing is watched before the first observer. */
  constructor(/** @ignore */ pcsc: NativePcsc = SYSTEM_PCSC) {
    super(pcsc, () => told(new ReaderChanges(pcsc), ({ added, removed }) => [added, removed]));
  }
}
