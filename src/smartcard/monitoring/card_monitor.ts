/**
 * pyscard's `smartcard.CardMonitoring`: observers told of cards inserted and removed.
 *
 * @module
 */

import type { Card } from "../readers/card.ts";
import { type NativePcsc, SYSTEM_PCSC } from "../../pcsc/native_pcsc.ts";
import { Monitor, told } from "./monitor.ts";
import { Observer } from "../observer.ts";
import { CardChanges } from "./reader_changes.ts";

/** What a {@link CardMonitor} tells its observers: the cards inserted, the cards removed. */
export type CardUpdate = [addedCards: Card[], removedCards: Card[]];

/**
 * Told of cards coming and going (pyscard's `CardObserver`). Extend it as in pyscard, or pass
 * any object with an `update`.
 */
export class CardObserver extends Observer<CardUpdate> {
  /**
   * The cards inserted and removed: first the cards present, then every change. Does
   * nothing until a subclass says what to do.
   */
  override update(_monitor: CardMonitor, _changes: CardUpdate): void {}
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
export class CardMonitor extends Monitor<CardUpdate, CardObserver> {
  /** Creates a `CardMonitor`; nothing is watched before the first observer. */
  constructor(/** @ignore */ pcsc: NativePcsc = SYSTEM_PCSC) {
    super(
      pcsc,
      () => told(new CardChanges(null, pcsc), ({ inserted, removed }) => [inserted, removed]),
    );
  }
}
