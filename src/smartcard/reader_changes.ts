/**
 * From pictures of the readers to what changed since the last one, for one listener: the
 * bookkeeping every monitor and iterator keeps for itself.
 *
 * @module
 */

import type { ReaderReport } from "../pcsc/reader_watch.ts";
import { Card } from "./card.ts";
import { diffPresence, type Presence, presenceOf } from "./card_presence.ts";
import type { Reader } from "./reader.ts";

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
  readonly #reader: (name: string) => Reader;
  #before: Map<string, Presence> | null = null;

  /**
   * Creates a `CardChanges`.
   * @param filter the reader names to watch, or null for every reader
   * @param reader the Reader a card of that reader name is in
   */
  constructor(filter: readonly string[] | null, reader: (name: string) => Reader) {
    this.#filter = filter === null ? null : new Set(filter);
    this.#reader = reader;
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
      inserted: inserted.map((c) => new Card(this.#reader(c.reader), [...c.atr])),
      removed: removed.map((c) => new Card(this.#reader(c.reader), [...c.atr])),
    };
  }
}

/** The readers plugged in and out between pictures; the first reports every reader. */
export class ReaderChanges {
  readonly #reader: (name: string) => Reader;
  #before: Set<string> | null = null;

  /**
   * Creates a `ReaderChanges`.
   * @param reader the Reader of a reader name
   */
  constructor(reader: (name: string) => Reader) {
    this.#reader = reader;
  }

  /** What changed since the last picture; null when nothing did (never for the first). */
  next(readers: readonly ReaderReport[]): ReaderChange | null {
    const now = new Set(readers.map((r) => r.reader));
    const before = this.#before ?? new Set<string>();
    const first = this.#before === null;
    this.#before = now;
    const added = [...now].filter((name) => !before.has(name)).map((n) => this.#reader(n));
    const removed = [...before].filter((name) => !now.has(name)).map((n) => this.#reader(n));
    if (!first && added.length === 0 && removed.length === 0) return null;
    return { added, removed };
  }
}
