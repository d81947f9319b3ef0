/**
 * One object per reader and per card, wherever the module hands them out.
 *
 * pyscard compares readers by name and cards by reader and ATR (`__eq__`), so `card in
 * cards` works whichever call produced the objects. JavaScript's `includes`, `indexOf`, `Set`
 * and `Map` compare by identity. So every `Reader` and `Card` this module gives out (from
 * `readers()`, monitors, iterators and card requests) comes from here: the same reader name
 * is the same `Reader`, the same ATR in the same reader the same `Card`, for as long as
 * anyone holds it. Objects nobody holds any more are left to the garbage collector.
 *
 * @module
 */

import { type NativePcsc, SYSTEM_PCSC } from "../../pcsc/native_pcsc.ts";
import { Card } from "./card.ts";
import { Reader } from "./reader.ts";

/** Live objects by key; an entry whose object was collected is dropped by the finalizer. */
class Interned<T extends object> {
  readonly #live = new Map<string, WeakRef<T>>();
  readonly #finalizer = new FinalizationRegistry<string>((key) => {
    if (this.#live.get(key)?.deref() === undefined) this.#live.delete(key);
  });

  get(key: string, make: () => T): T {
    const known = this.#live.get(key)?.deref();
    if (known !== undefined) return known;
    const made = make();
    this.#live.set(key, new WeakRef(made));
    this.#finalizer.register(made, key);
    return made;
  }
}

// one set per PC/SC implementation: a scripted one in a test has readers of its own
const READERS = new WeakMap<NativePcsc, Interned<Reader>>();
const CARDS = new WeakMap<NativePcsc, Interned<Card>>();

function interned<T extends object>(
  sets: WeakMap<NativePcsc, Interned<T>>,
  pcsc: NativePcsc,
): Interned<T> {
  let set = sets.get(pcsc);
  if (set === undefined) sets.set(pcsc, set = new Interned());
  return set;
}

/** The one `Reader` object for `name` on `pcsc`. */
export function readerNamed(name: string, pcsc: NativePcsc = SYSTEM_PCSC): Reader {
  return interned(READERS, pcsc).get(name, () => new Reader(name, pcsc));
}

/** The one `Card` object for `atr` in the reader named `reader`; its ATR is frozen. */
export function cardIn(
  reader: string,
  atr: readonly number[],
  pcsc: NativePcsc = SYSTEM_PCSC,
): Card {
  const key = `${reader}\0${atr.join(",")}`;
  return interned(CARDS, pcsc).get(key, () => {
    const card = new Card(readerNamed(reader, pcsc), [...atr]);
    Object.freeze(card.atr);
    return card;
  });
}
