/**
 * From pictures of the readers to what changed since the last one, for one listener: the
 * bookkeeping every monitor and iterator keeps for itself.
 *
 * @module
 */

import { type NativePcsc, SYSTEM_PCSC } from "../../pcsc/native_pcsc.ts";
import type { ReaderReport } from "../../pcsc/reader_watch.ts";
import type { Card } from "../readers/card.ts";
import { diffPresence, type Presence, presenceOf } from "./card_presence.ts";
import { cardIn, readerNamed } from "../readers/identity.ts";
import type { Reader } from "../readers/reader.ts";

/** Cards that came and went. */
export interface CardChange {
  readonly inserted: Card[];
  readonly removed: Card[];
}

/** Readers that came and went. */
export interface ReaderChange {
  readonly added: Reader[];
  readonly removed: Reader[];
}

/**
 * The cards inserted and removed between pictures, in the readers of `filter` (null: all).
 * The first picture reports every card present, even none. A reader gone takes its card with
 * it; a card taken out and put back between pictures (the reader's event count moved) is one
 * removal and one insertion; after a restart of the service, a card still there is not new.
 */
export class CardChanges {
  readonly #filter: ReadonlySet<string> | null;
  readonly #pcsc: NativePcsc;
  #before: Map<string, Presence> | null = null;

  /**
   * Creates a `CardChanges`.
   * @param filter the reader names to watch, or null for every reader
   * @param pcsc the PC/SC implementation whose readers and cards these are
   */
  constructor(filter: readonly string[] | null = null, pcsc: NativePcsc = SYSTEM_PCSC) {
    this.#filter = filter === null ? null : new Set(filter);
    this.#pcsc = pcsc;
  }

  /** What changed since the last picture; null when nothing did (never for the first). */
  next(readers: readonly ReaderReport[]): CardChange | null {
    const now = new Map<string, Presence>();
    for (const report of readers) {
      if (this.#filter === null || this.#filter.has(report.reader)) {
        now.set(report.reader, presenceOf(report));
      }
    }
    const first = this.#before === null;
    const { inserted, removed } = diffPresence(this.#before ?? new Map(), now);
    this.#before = now;
    if (!first && inserted.length === 0 && removed.length === 0) return null;
    return {
      inserted: inserted.map((c) => cardIn(c.reader, c.atr, this.#pcsc)),
      removed: removed.map((c) => cardIn(c.reader, c.atr, this.#pcsc)),
    };
  }
}

/** The readers plugged in and out between pictures; the first reports every reader. */
export class ReaderChanges {
  readonly #pcsc: NativePcsc;
  #before: Set<string> | null = null;

  /**
   * Creates a `ReaderChanges`.
   * @param pcsc the PC/SC implementation whose readers these are
   */
  constructor(pcsc: NativePcsc = SYSTEM_PCSC) {
    this.#pcsc = pcsc;
  }

  /** What changed since the last picture; null when nothing did (never for the first). */
  next(readers: readonly ReaderReport[]): ReaderChange | null {
    const now = new Set(readers.map((r) => r.reader));
    const before = this.#before ?? new Set<string>();
    const first = this.#before === null;
    this.#before = now;
    const reader = (name: string) => readerNamed(name, this.#pcsc);
    const added = [...now].filter((name) => !before.has(name)).map(reader);
    const removed = [...before].filter((name) => !now.has(name)).map(reader);
    if (!first && added.length === 0 && removed.length === 0) return null;
    return { added, removed };
  }
}
