/**
 * Reading and writing the C integer types whose width the ABI decides.
 *
 * Every supported platform is little-endian; widths come from the {@link Abi}.
 *
 * @module
 */

/** Writes an unsigned integer of `size` bytes (4 or 8) at `offset`. */
export function writeUint(view: DataView, offset: number, size: 4 | 8, value: number): void {
  if (size === 4) {
    view.setUint32(offset, value >>> 0, true);
  } else {
    view.setUint32(offset, value >>> 0, true);
    view.setUint32(offset + 4, Math.floor(value / 0x1_0000_0000) >>> 0, true);
  }
}

/** Reads an unsigned integer of `size` bytes (4 or 8) at `offset`; exact up to 2^53. */
export function readUint(view: DataView, offset: number, size: 4 | 8): number {
  const low = view.getUint32(offset, true);
  return size === 4 ? low : low + view.getUint32(offset + 4, true) * 0x1_0000_0000;
}

/** Writes a 64-bit pointer value (all supported platforms are 64-bit). */
export function writePointer(view: DataView, offset: number, value: number | bigint): void {
  view.setBigUint64(offset, BigInt(value), true);
}

/** Reads a 64-bit pointer value. */
export function readPointer(view: DataView, offset: number): bigint {
  return view.getBigUint64(offset, true);
}

/**
 * A single DWORD (or handle) out-parameter: the buffer handed to C and its value.
 *
 * Kept per call site so that hot calls allocate nothing.
 */
export class UintCell {
  /** The bytes handed to the native call. */
  readonly bytes: Uint8Array;
  readonly #view: DataView;
  readonly #size: 4 | 8;

  /**
   * Creates a `UintCell`.
   * @param size the C type's width in bytes
   */
  constructor(size: 4 | 8) {
    this.#size = size;
    this.bytes = new Uint8Array(size);
    this.#view = new DataView(this.bytes.buffer);
  }

  /** The value as a number (DWORDs never exceed 2^32 in practice). */
  get value(): number {
    return readUint(this.#view, 0, this.#size);
  }

  set value(v: number) {
    writeUint(this.#view, 0, this.#size, v);
  }
}
