/**
 * Which cards are where, and what changed: the bookkeeping behind `CardRequest`, kept free
 * of native calls so that it can be tested on its own.
 *
 * @module
 */

import type { ReaderReport } from "../../pcsc/reader_watch.ts";

export type { ReaderReport };

/** A reader's card, as far as requests care. */
export interface Presence {
  /** a card answers in the reader (present and not mute) */
  readonly present: boolean;
  readonly atr: readonly number[];
  /** the service's count of insertions and removals in that reader; null when not comparable */
  readonly events: number | null;
}

/** A card that came or went, as a reader name and an ATR (before it is a `Card`). */
export interface CardInReader {
  readonly reader: string;
  readonly atr: readonly number[];
}

/** Presence from a reader's state: a mute card is no card to a request. */
export function presenceOf(report: ReaderReport): Presence {
  const present = report.present && !report.mute;
  return {
    present,
    atr: present ? report.atr : [],
    events: report.restarted ? null : report.eventCount,
  };
}

/**
 * The cards inserted and removed between two pictures of the readers.
 *
 * A reader missing from a picture has no card. A card present in both pictures was still
 * taken out and put back (perhaps another card) when its ATR or the reader's event count
 * changed: that is one removal and one insertion, so no event between two looks is lost.
 */
export function diffPresence(
  before: ReadonlyMap<string, Presence>,
  after: ReadonlyMap<string, Presence>,
): { inserted: CardInReader[]; removed: CardInReader[] } {
  const inserted: CardInReader[] = [];
  const removed: CardInReader[] = [];
  for (const [reader, was] of before) {
    if (!was.present) continue;
    const now = after.get(reader);
    if (!now || !now.present || replaced(was, now)) removed.push({ reader, atr: was.atr });
  }
  for (const [reader, now] of after) {
    if (arrived(before.get(reader), now)) inserted.push({ reader, atr: now.atr });
  }
  return { inserted, removed };
}

/**
 * Whether `now` shows a card that was not there in `was`: the reader had none, was unknown
 * (plugged in since), or its card was replaced (see {@link diffPresence}).
 */
export function arrived(was: Presence | undefined, now: Presence): boolean {
  return now.present && (!was || !was.present || replaced(was, now));
}

function replaced(was: Presence, now: Presence): boolean {
  const counted = was.events !== null && now.events !== null && was.events !== now.events;
  return counted || was.atr.length !== now.atr.length ||
    was.atr.some((b, i) => b !== now.atr[i]);
}
