/**
 * The floor of any promise-returning binding: a nonblocking SCardTransmit loop with nothing
 * around it, straight over the symbol table, on a card handle of its own. What
 * `transmit` costs beyond this is the library's.
 *
 * @module
 */

import { CURRENT_ABI } from "../src/ffi/abi.ts";
import { MAX_BUFFER_SIZE_EXTENDED } from "../src/ffi/constants.ts";
import { SCARD_SHARE_SHARED } from "../src/pcsc/share_and_disposition.ts";
import { encodeIoRequest } from "../src/ffi/io_request.ts";
import { library } from "../src/ffi/library.ts";
import { UintCell } from "../src/ffi/native_struct.ts";
import {
  connect,
  type Connected,
  disconnect,
  establishContext,
  releaseContext,
} from "../src/ffi/pcsc.ts";
import type { ScardContext, ScardHandle } from "../src/ffi/native_handles.ts";

const T1 = 0x2;

/** A T=1 connection and the buffers of one APDU, set up once. */
export class BareTransmit implements Disposable {
  readonly #context: ScardContext;
  readonly #card: ScardHandle;
  readonly #pci = encodeIoRequest(CURRENT_ABI, T1);
  readonly #receive = new Uint8Array(MAX_BUFFER_SIZE_EXTENDED);
  readonly #length = new UintCell(CURRENT_ABI.dword.size);

  /** Connects to the card in `reader`, shared, with T=1. */
  constructor(reader: string) {
    this.#context = establishContext(true, 0) as ScardContext;
    const connected = connect(true, this.#context, reader, SCARD_SHARE_SHARED, T1) as Connected;
    this.#card = connected.handle;
  }

  /** µs per APDU over `count` awaited nonblocking SCardTransmit calls of `apdu`. */
  async loop(apdu: readonly number[], count: number): Promise<number> {
    const transmit = library().symbols.SCardTransmitAsync;
    const command = Uint8Array.from(apdu);
    // deno-lint-ignore no-explicit-any
    const card = this.#card as any;
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      this.#length.value = this.#receive.length;
      const rv = await transmit(
        card,
        this.#pci,
        command,
        command.length,
        null,
        this.#receive,
        this.#length.bytes,
      );
      // the same cheap check as the other loops make
      if ((rv !== 0 && rv !== 0n) || this.#receive[this.#length.value - 2] !== 0x90) {
        throw new Error("bare SCardTransmit failed");
      }
    }
    return (performance.now() - start) * 1000 / count;
  }

  /** Disconnects (leaving the card) and releases the context. */
  [Symbol.dispose](): void {
    disconnect(true, this.#card, 0);
    releaseContext(this.#context);
  }
}
