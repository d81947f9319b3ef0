/**
 * Which cards a request wants (pyscard's `smartcard.CardType`).
 *
 * @module
 */

import { type Bytes, toByteList } from "../bytes.ts";
import { InvalidATRMaskLengthException } from "../errors/exceptions.ts";
import type { Reader } from "../readers/reader.ts";

/**
 * Decides from a card's ATR (and reader) whether it is of this type. Subclass it to match
 * cards your own way.
 *
 * @example
 * ```ts
 * import { CardType, type Reader } from "@pcsc/smartcard";
 * class JavaCardType extends CardType {
 *   matches(atr: number[], _reader?: Reader): boolean {
 *     return atr[0] === 0x3B;
 *   }
 * }
 * ```
 */
export abstract class CardType {
  /** Whether the card with `atr` in `reader` is of this type. */
  abstract matches(atr: number[], reader?: Reader): boolean;
}

/** Every card. */
export class AnyCardType extends CardType {
  /** Always true. */
  matches(_atr: number[], _reader?: Reader): boolean {
    return true;
  }
}

/**
 * Cards whose ATR equals a pattern, bit by bit where a mask has ones.
 *
 * @example
 * ```ts
 * import { ATRCardType } from "@pcsc/smartcard";
 * // any card whose ATR is 3B 02 14 xx
 * const type = new ATRCardType([0x3B, 0x02, 0x14, 0x00], [0xFF, 0xFF, 0xFF, 0x00]);
 * type.matches([0x3B, 0x02, 0x14, 0x50]); // true
 * ```
 */
export class ATRCardType extends CardType {
  readonly #atr: number[];
  readonly #mask: number[] | null;

  /**
   * Creates an `ATRCardType`.
   * @param atr the ATR pattern
   * @param mask as long as `atr`; 1 bits must match, 0 bits are ignored
   * @throws {InvalidATRMaskLengthException} when the mask has another length
   */
  constructor(atr: Bytes, mask?: Bytes | null) {
    super();
    this.#atr = toByteList(atr, "atr");
    if (mask === undefined || mask === null) {
      this.#mask = null;
    } else {
      const m = toByteList(mask, "mask");
      if (m.length !== this.#atr.length) throw new InvalidATRMaskLengthException(m);
      this.#mask = m;
    }
  }

  /** Same length, and equal under the mask. */
  matches(atr: number[], _reader?: Reader): boolean {
    if (!Array.isArray(atr) && !((atr as unknown) instanceof Uint8Array)) return false;
    if (atr.length !== this.#atr.length) return false;
    const mask = this.#mask;
    for (let i = 0; i < atr.length; i++) {
      const m = mask ? mask[i] : 0xFF;
      if ((atr[i] & m) !== (this.#atr[i] & m)) return false;
    }
    return true;
  }
}
