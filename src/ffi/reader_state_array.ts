/**
 * Arrays of SCARD_READERSTATE, the in/out parameter of SCardGetStatusChange.
 *
 * @module
 */

import type { Abi } from "./abi.ts";
import { readPointer, readUint, writePointer, writeUint } from "./native_struct.ts";

const encoder = new TextEncoder();

/**
 * A native SCARD_READERSTATE array for a fixed list of reader names.
 *
 * The `szReader` strings are separate buffers whose addresses are written into the array;
 * Deno keeps only the array itself alive during a nonblocking call, so this object holds the
 * strings and must stay reachable until the call settles (the caller keeps it).
 */
export class ReaderStateArray {
  /** The bytes handed to SCardGetStatusChange. */
  readonly buffer: Uint8Array;
  /** The reader names, in order. */
  readonly readers: readonly string[];
  readonly #abi: Abi;
  readonly #view: DataView;
  readonly #names: Uint8Array[];

  /**
   * @param abi the platform's layout
   * @param readers reader names (may include the PnP notification pseudo-reader)
   * @param pointerOf address of a buffer; injectable so layouts can be tested without FFI
   */
  constructor(
    abi: Abi,
    readers: readonly string[],
    pointerOf: (bytes: Uint8Array) => number | bigint = addressOf,
  ) {
    this.#abi = abi;
    this.readers = [...readers];
    this.buffer = new Uint8Array(Math.max(1, readers.length) * abi.readerState.size);
    this.#view = new DataView(this.buffer.buffer);
    this.#names = readers.map((name) => encoder.encode(name + "\0"));
    this.#names.forEach((name, i) => {
      writePointer(this.#view, this.#base(i) + abi.readerState.szReader, pointerOf(name));
    });
  }

  /** Number of elements. */
  get length(): number {
    return this.readers.length;
  }

  #base(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.readers.length) {
      throw new RangeError(`reader state index ${i} is outside 0..${this.readers.length - 1}`);
    }
    return i * this.#abi.readerState.size;
  }

  /** Sets dwCurrentState of element `i`. */
  setCurrentState(i: number, state: number): void {
    const { readerState: l, dword } = this.#abi;
    writeUint(this.#view, this.#base(i) + l.dwCurrentState, dword.size, state);
  }

  /** dwCurrentState of element `i`. */
  currentState(i: number): number {
    const { readerState: l, dword } = this.#abi;
    return readUint(this.#view, this.#base(i) + l.dwCurrentState, dword.size);
  }

  /** dwEventState of element `i`, as the last call left it (high 16 bits: event count). */
  eventState(i: number): number {
    const { readerState: l, dword } = this.#abi;
    return readUint(this.#view, this.#base(i) + l.dwEventState, dword.size);
  }

  /** Sets dwEventState of element `i` (used by tests to stand for a native call). */
  setEventState(i: number, state: number): void {
    const { readerState: l, dword } = this.#abi;
    writeUint(this.#view, this.#base(i) + l.dwEventState, dword.size, state);
  }

  /** The ATR of element `i` (cbAtr bytes of rgbAtr, clamped to the array's capacity). */
  atr(i: number): number[] {
    const { readerState: l, dword } = this.#abi;
    const base = this.#base(i);
    const length = Math.min(readUint(this.#view, base + l.cbAtr, dword.size), l.atrCapacity);
    return Array.from(this.buffer.subarray(base + l.rgbAtr, base + l.rgbAtr + length));
  }

  /** Writes an ATR into element `i` (tests; SCardLocateCards-style matching). */
  setAtr(i: number, atr: ArrayLike<number>): void {
    const { readerState: l, dword } = this.#abi;
    if (atr.length > l.atrCapacity) {
      throw new RangeError(`ATR of ${atr.length} bytes exceeds the ${l.atrCapacity}-byte field`);
    }
    const base = this.#base(i);
    writeUint(this.#view, base + l.cbAtr, dword.size, atr.length);
    this.buffer.set(atr, base + l.rgbAtr);
  }

  /** The address written into szReader of element `i`. */
  readerPointer(i: number): bigint {
    return readPointer(this.#view, this.#base(i) + this.#abi.readerState.szReader);
  }
}

function addressOf(bytes: Uint8Array): number | bigint {
  return Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes as Uint8Array<ArrayBuffer>));
}
