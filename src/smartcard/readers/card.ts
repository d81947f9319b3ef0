/**
 * A card in a reader (pyscard's `smartcard.Card`).
 *
 * @module
 */

import { type Bytes, toByteList } from "../bytes.ts";
import type { CardConnection } from "../connection/card_connection.ts";
import { Reader } from "./reader.ts";
import { toHexString } from "../util.ts";

/**
 * A card: its reader and its ATR. Two cards are equal when both match.
 *
 * @example
 * ```ts
 * import { Card } from "@pcsc/smartcard";
 * const card = new Card("Virtual PCD 00 00", [0x3B, 0x02, 0x14, 0x50]);
 * card.toString(); // "3B 02 14 50 / Virtual PCD 00 00"
 * ```
 */
export class Card {
  /** The reader the card is in. */
  readonly reader: Reader;
  /** The card's Answer To Reset. */
  readonly atr: number[];

  /**
   * Creates a `Card`.
   * @param reader a Reader or a reader name
   * @param atr the card's ATR
   */
  constructor(reader: Reader | string, atr: Bytes) {
    this.reader = reader instanceof Reader ? reader : new Reader(reader);
    this.atr = toByteList(atr, "atr");
  }

  /** A new, not yet connected connection to this card's reader. */
  createConnection(): CardConnection {
    return this.reader.createConnection();
  }

  /** Same ATR and same reader name (pyscard's `__eq__`). */
  equals(other: Card): boolean {
    return other instanceof Card && other.reader.name === this.reader.name &&
      other.atr.length === this.atr.length && other.atr.every((b, i) => b === this.atr[i]);
  }

  /** `"3B 02 14 50 / Reader name"`. */
  toString(): string {
    return `${toHexString(this.atr)} / ${this.reader.name}`;
  }

  /** `console.log(card)` prints what pyscard's `print(card)` does: `3B 02 14 50 / Reader name`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}
