/**
 * MIFARE Classic value blocks (NXP MF1S50yyX/V1 data sheet, section 8.6.2.1): a signed
 * 32-bit value stored three times (as is, inverted, as is; least significant byte first),
 * then an address byte four times (as is, inverted, as is, inverted).
 *
 * @module
 */

import { checkBytes, checkInteger } from "../smartcard/bytes.ts";

/** A value block's content. */
export interface ValueBlock {
  /** The signed 32-bit value. */
  readonly value: number;
  /** The address byte, free for the application (often the block's own number, for backup). */
  readonly address: number;
}

/**
 * The 16 bytes of a value block.
 * @throws TypeError or RangeError unless `value` is a 32-bit signed integer and `address` a byte
 */
export function encodeValueBlock(block: ValueBlock): Uint8Array {
  const value = checkInteger(block.value, "value", -0x80000000, 0x7fffffff);
  const address = checkInteger(block.address, "address", 0, 255);
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, value, true);
  view.setInt32(4, ~value, true);
  view.setInt32(8, value, true);
  bytes.set([address, ~address & 0xff, address, ~address & 0xff], 12);
  return bytes;
}

/**
 * The value and address a value block holds.
 * @throws TypeError or RangeError unless 16 bytes in the value-block format (its copies
 * agree)
 */
export function decodeValueBlock(block: readonly number[] | Uint8Array): ValueBlock {
  const decoded = tryDecode(block);
  if (decoded === undefined) {
    throw new RangeError(
      "not a value block: the value must be stored as is, inverted and as is, and the " +
        "address byte as is, inverted, as is, inverted",
    );
  }
  return decoded;
}

/**
 * Whether `block` is in the value-block format.
 * @throws TypeError or RangeError unless 16 bytes
 */
export function isValueBlock(block: readonly number[] | Uint8Array): boolean {
  return tryDecode(block) !== undefined;
}

function tryDecode(block: readonly number[] | Uint8Array): ValueBlock | undefined {
  checkBytes(block, "value block", 16);
  if (block.length !== 16) throw new RangeError(`a block is 16 bytes, not ${block.length}`);
  const view = new DataView(Uint8Array.from(block).buffer);
  const value = view.getInt32(0, true);
  if (view.getInt32(4, true) !== ~value || view.getInt32(8, true) !== value) return undefined;
  const [a, na, a2, na2] = [block[12], block[13], block[14], block[15]];
  if (a !== a2 || na !== na2 || (~a & 0xff) !== na) return undefined;
  return { value, address: a };
}
