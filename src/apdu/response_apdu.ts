/**
 * A response APDU as a value: the response data and the status word SW1 SW2.
 *
 * @module
 */

import { type Bytes, checkInteger, toByteList } from "../smartcard/bytes.ts";
import { toHexString } from "../smartcard/util.ts";

/**
 * A response APDU (ISO/IEC 7816-4 5.1): response data, then the two status bytes SW1 SW2.
 *
 * Built from the bytes a card answered (as `javax.smartcardio.ResponseAPDU`), or from what
 * `transmit` resolves to with {@linkcode ResponseAPDU.fromTransmit}. Immutable: `data` and
 * `bytes` return copies.
 *
 * @example
 * ```ts
 * import { ResponseAPDU } from "@pcsc/smartcard";
 *
 * const response = ResponseAPDU.fromTransmit([[0x01, 0x02], 0x90, 0x00]);
 * response.sw; // 0x9000
 * response.toString(); // "01 02 90 00"
 * ```
 */
export class ResponseAPDU {
  /** The first status byte. */
  readonly sw1: number;
  /** The second status byte. */
  readonly sw2: number;
  readonly #bytes: Uint8Array;

  /**
   * Takes apart a response: everything but the last two bytes is data.
   *
   * @param bytes the response, data then SW1 SW2
   * @throws TypeError/RangeError when `bytes` is not a byte sequence of at least 2 bytes
   */
  constructor(bytes: Bytes) {
    const b = toByteList(bytes, "response");
    if (b.length < 2) {
      throw new RangeError(
        `response is ${b.length} byte${b.length === 1 ? "" : "s"} long: a response APDU ends ` +
          `with the 2 status bytes SW1 SW2`,
      );
    }
    this.#bytes = Uint8Array.from(b);
    this.sw1 = b[b.length - 2];
    this.sw2 = b[b.length - 1];
  }

  /** A response from what `transmit` resolves to: `[data, sw1, sw2]`. */
  static fromTransmit(result: readonly [data: Bytes, sw1: number, sw2: number]): ResponseAPDU {
    if (!Array.isArray(result) || result.length !== 3) {
      throw new TypeError("fromTransmit takes what transmit resolves to: [data, sw1, sw2]");
    }
    const [data, sw1, sw2] = result;
    return new ResponseAPDU([
      ...toByteList(data, "data"),
      checkInteger(sw1, "sw1", 0, 0xff),
      checkInteger(sw2, "sw2", 0, 0xff),
    ]);
  }

  /** The status word, SW1 × 256 + SW2: `0x9000` for success. */
  get sw(): number {
    return (this.sw1 << 8) | this.sw2;
  }

  /** Nr, the number of response data bytes. */
  get nr(): number {
    return this.#bytes.length - 2;
  }

  /** The response data, without SW1 SW2 (a copy). */
  get data(): Uint8Array {
    return this.#bytes.slice(0, -2);
  }

  /** The whole response, data then SW1 SW2 (a copy). */
  get bytes(): Uint8Array {
    return this.#bytes.slice();
  }

  /** The whole response as a list of numbers. */
  toBytes(): number[] {
    return Array.from(this.#bytes);
  }

  /** The whole response as uppercase hexadecimal pairs: `"01 02 90 00"`. */
  toString(): string {
    return toHexString(this.#bytes);
  }
}
