/**
 * pyscard's `smartcard.CardMonitoring`: observers told of cards inserted and removed.
 *
 * @module
 */

import { type NativePcsc, SYSTEM_PCSC } from "../pcsc/context.ts";
import { feedOf } from "../pcsc/reader_feed.ts";
import type { Card } from "./card.ts";
import { Observers } from "./monitor.ts";
import { Reader } from "./reader.ts";
import { type CardChange, CardChanges } from "./reader_changes.ts";

/** Told of cards coming and going (pyscard's `CardObserver`). */
export interface CardObserver {
  /** The cards inserted and removed: first the cards present, then every change. */
  update(monitor: CardMonitor, changes: [addedCards: Card[], removedCards: Card[]]): void;
  /**
   * Told when the PC/SC service is lost (false) and back (true). Cards that went meanwhile
   * are then reported removed; cards still there are not reported again.
   */
  serviceChanged?(monitor: CardMonitor, available: boolean): void;
}

/**
 * Watches every reader, those plugged in later too, and tells its observers of each card
 * inserted or removed. A card taken out and put back between two looks is a removal and an
 * insertion.
 *
 * pyscard's CardMonitor is a singleton. This one is not, and need not be: every CardMonitor,
 * ReaderMonitor, `watchCards` and `watchReaders` of a process shares one SCardGetStatusChange
 * wait on one context. The first observer starts it, the last one's removal ends it, so a
 * process whose observers are all gone has nothing pending and exits. An observer that
 * throws is reported on the console; the others are told all the same.
 *
 * @example
 * ```ts
 * import { type Card, CardMonitor, type CardObserver } from "@pcsc/smartcard";
 * const observer: CardObserver = {
 *   update(_monitor, [added, removed]) {
 *     for (const card of added) console.log("+", String(card));
 *     for (const card of removed) console.log("-", String(card));
 *   },
 * };
 * const monitor = new CardMonitor();
 * monitor.addObserver(observer);
 * // later
 * monitor.deleteObserver(observer);
 * ```
 */
export class CardMonitor {
  readonly #observers: Observers<CardObserver, CardChange>;

  /** Creates a `CardMonitor`; nothing is watched before the first observer. */
  constructor(/** @ignore */ pcsc: NativePcsc = SYSTEM_PCSC) {
    this.#observers = new Observers({
      track: () => new CardChanges(null, (name) => new Reader(name, pcsc)),
      update: (observer, { inserted, removed }) => observer.update(this, [inserted, removed]),
      service: (observer, available) => observer.serviceChanged?.(this, available),
    }, feedOf(pcsc));
  }

  /**
   * Adds an observer and calls its `update` with the cards present: at once when known, else
   * as soon as they are. Adding one twice does nothing.
   */
  addObserver(observer: CardObserver): void {
    this.#observers.add(observer);
  }

  /** Removes an observer; the last one's removal ends the wait. */
  deleteObserver(observer: CardObserver): void {
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
