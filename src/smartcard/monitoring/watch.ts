/**
 * Cards and readers coming and going as async iterables: `for await` over the same shared
 * wait the monitors use.
 *
 * @module
 */

import { type NativePcsc, SYSTEM_PCSC } from "../../pcsc/native_pcsc.ts";
import { feedOf } from "../../pcsc/reader_feed.ts";
import type { Card } from "../readers/card.ts";
import { EventQueue } from "./event_queue.ts";
import type { ChangeTracker } from "./monitor.ts";
import { checkOptions, readerFilter } from "../waiting/option_checks.ts";
import type { Reader } from "../readers/reader.ts";
import { CardChanges, ReaderChanges } from "./reader_changes.ts";

/**
 * What the PC/SC service did, on a value of its own: "lost" when it went away, "restored"
 * when it came back. What changed meanwhile comes in the values after "restored".
 */
export type ServiceEvent = "lost" | "restored";

/** Cards inserted and removed, as `watchCards` yields them. */
export interface CardEvent {
  /** The cards put in (the first value: every card present). */
  readonly inserted: Card[];
  /** The cards taken out, or gone with their reader. */
  readonly removed: Card[];
  /** Set, with both lists empty, on a value that reports the service lost or restored. */
  readonly service?: ServiceEvent;
}

/** Readers plugged in and out, as `watchReaders` yields them. */
export interface ReaderEvent {
  /** The readers plugged in (the first value: every reader there). */
  readonly added: Reader[];
  /** The readers unplugged. */
  readonly removed: Reader[];
  /** Set, with both lists empty, on a value that reports the service lost or restored. */
  readonly service?: ServiceEvent;
}

/** What `watchCards` takes. */
export interface WatchCardsOptions {
  /** Only these readers (Reader objects or names); default every reader, later ones too. */
  readonly readers?: readonly (Reader | string)[];
  /** Ends the iteration: the pending `next()` rejects with its reason. */
  readonly signal?: AbortSignal;
  /**
   * The PC/SC implementation: the system's unless a test hands a scripted one.
   * @ignore
   */
  readonly pcsc?: NativePcsc;
}

/** What `watchReaders` takes. */
export interface WatchReadersOptions {
  /** Ends the iteration: the pending `next()` rejects with its reason. */
  readonly signal?: AbortSignal;
  /**
   * The PC/SC implementation: the system's unless a test hands a scripted one.
   * @ignore
   */
  readonly pcsc?: NativePcsc;
}

/**
 * The cards inserted and removed, as they come: first the cards present, then every change.
 * A consumer slower than the cards loses nothing: changes wait for it, merged where they
 * concern different readers, never reordered. `break`, `return()` or the signal end it; the
 * last iterator or observer to end stops the native wait.
 *
 * @example
 * ```ts
 * import { watchCards } from "@pcsc/smartcard";
 * for await (const { inserted, removed } of watchCards({ signal: AbortSignal.timeout(60_000) })) {
 *   for (const card of inserted) console.log("in ", String(card));
 *   for (const card of removed) console.log("out", String(card));
 * }
 * ```
 */
export function watchCards(options: WatchCardsOptions = {}): AsyncIterableIterator<CardEvent> {
  checkOptions(options);
  const filter = readerFilter(options.readers);
  const pcsc = options.pcsc ?? SYSTEM_PCSC;
  const merge = (last: CardEvent, next: CardEvent): CardEvent | null => {
    if (last.service || next.service) return null;
    const readers = (e: CardEvent) => [...e.inserted, ...e.removed].map((c) => c.reader);
    if (sameNames(readers(last), readers(next))) return null;
    return {
      inserted: [...last.inserted, ...next.inserted],
      removed: [...last.removed, ...next.removed],
    };
  };
  return events<CardEvent>(
    pcsc,
    new CardChanges(filter, pcsc),
    (service) => ({ inserted: [], removed: [], service }),
    merge,
    options.signal,
  );
}

/**
 * The readers plugged in and out, as they come: first the readers there, then every change.
 * No polling: PnP notification where the platform has it, a look a second where it does not.
 * Ends as {@link watchCards} does.
 */
export function watchReaders(
  options: WatchReadersOptions = {},
): AsyncIterableIterator<ReaderEvent> {
  checkOptions(options);
  const pcsc = options.pcsc ?? SYSTEM_PCSC;
  const merge = (last: ReaderEvent, next: ReaderEvent): ReaderEvent | null => {
    if (last.service || next.service) return null;
    if (sameNames([...last.added, ...last.removed], [...next.added, ...next.removed])) return null;
    return { added: [...last.added, ...next.added], removed: [...last.removed, ...next.removed] };
  };
  return events<ReaderEvent>(
    pcsc,
    new ReaderChanges(pcsc),
    (service) => ({ added: [], removed: [], service }),
    merge,
    options.signal,
  );
}

function events<E extends { readonly service?: ServiceEvent }>(
  pcsc: NativePcsc,
  tracker: ChangeTracker<E>,
  serviceEvent: (service: ServiceEvent) => E,
  merge: (last: E, next: E) => E | null,
  signal: AbortSignal | undefined,
): EventQueue<E> {
  let stop: (() => Promise<void>) | null = null;
  const queue = new EventQueue<E>(merge, () => stop?.(), signal);
  if (signal?.aborted) return queue;
  const unlisten = feedOf(pcsc).listen({
    readers: (readers) => {
      const change = tracker.next(readers);
      if (change !== null) queue.push(change);
    },
    service: (available) => queue.push(serviceEvent(available ? "restored" : "lost")),
    failed: (error) => console.error("watch: the PC/SC watch failed; retrying:", error),
  });
  stop = unlisten;
  return queue;
}

function sameNames(a: readonly Reader[], b: readonly Reader[]): boolean {
  const names = new Set(a.map((r) => r.name));
  return b.some((r) => names.has(r.name));
}
