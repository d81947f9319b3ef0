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

const READERS = new Interned<Reader>();
const CARDS = new Interned<Card>();

/** The one `Reader` object for `name`. */
export function readerNamed(name: string): Reader {
  return READERS.get(name, () => new Reader(name));
}

/** The one `Card` object for `atr` in the reader named `reader`; its ATR is frozen. */
export function cardIn(reader: string, atr: readonly number[]): Card {
  const key = `${reader}\0${atr.join(",")}`;
  return CARDS.get(key, () => {
    const card = new Card(readerNamed(reader), [...atr]);
    Object.freeze(card.atr);
    return card;
  });
}
