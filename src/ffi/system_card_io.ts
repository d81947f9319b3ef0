/**
 * The system library's buffers and calls for SCardTransmit, SCardControl and SCardGetAttrib.
 * Its signatures repeat `CardIo`'s (native.ts), and its calls have the shape of pcsc.ts's: an
 * interface and its one implementation, each call spelling out its own native arguments.
 *
 * @module
 */

import { CURRENT_ABI, LINUX_ABI } from "./abi.ts";
import { MAX_BUFFER_SIZE_EXTENDED } from "./constants.ts";
import { SCARD_E_INSUFFICIENT_BUFFER } from "./error_codes.ts";
import { encodeIoRequest } from "./io_request.ts";
import { symbols } from "./library.ts";
import type { CardIo } from "./native.ts";
import { type Native, raw, type ScardHandle } from "./native_handles.ts";
import { UintCell } from "./native_struct.ts";
import { check } from "./pcsc_error.ts";
import { normaliseReturnCode } from "./return_codes.ts";
import { andThen, type SyncOrAsync } from "./sync_or_async.ts";

const abi = CURRENT_ABI;

/** The system library's {@link CardIo}. */
export class SystemCardIo implements CardIo {
  /** The response of the last call, valid until the next one. */
  readonly receive: Uint8Array = new Uint8Array(MAX_BUFFER_SIZE_EXTENDED);
  /** Scratch space a caller may fill with the command before calling. */
  readonly send: Uint8Array;
  readonly #pci: Uint8Array = new Uint8Array(abi.ioRequestSize);
  #pciProtocol = -1;
  readonly #length = new UintCell(abi.dword.size);

  /**
   * Creates a `SystemCardIo`.
   * @param sendCapacity the largest command this set will carry
   */
  constructor(sendCapacity: number) {
    this.send = new Uint8Array(sendCapacity);
  }

  #pciFor(protocol: number): Uint8Array {
    if (protocol !== this.#pciProtocol) {
      encodeIoRequest(abi, protocol, this.#pci);
      this.#pciProtocol = protocol;
    }
    return this.#pci;
  }

  /** SCardTransmit, blocking or on the blocking pool; gives the response length in {@link receive}. */
  transmit(
    blocking: boolean,
    card: ScardHandle,
    protocol: number,
    command: Uint8Array,
    length: number,
  ): SyncOrAsync<number> {
    this.#length.value = this.receive.length;
    const s = symbols();
    const rv = (blocking ? s.SCardTransmit : s.SCardTransmitAsync)(
      raw(card),
      this.#pciFor(protocol),
      command,
      length,
      null,
      this.receive,
      this.#length.bytes,
    );
    return andThen(rv, this.#lengthOf("SCardTransmit"));
  }

  /** SCardControl, blocking or on the blocking pool; gives the response length. */
  control(
    blocking: boolean,
    card: ScardHandle,
    code: number,
    command: Uint8Array,
    length: number,
  ): SyncOrAsync<number> {
    const s = symbols();
    const rv = (blocking ? s.SCardControl : s.SCardControlAsync)(
      raw(card),
      code,
      command,
      length,
      this.receive,
      this.receive.length,
      this.#length.bytes,
    );
    return andThen(rv, this.#lengthOf("SCardControl"));
  }

  /**
   * SCardGetAttrib, blocking or on the blocking pool; gives the attribute's length in
   * {@link receive}.
   */
  getAttrib(blocking: boolean, card: ScardHandle, attribute: number): SyncOrAsync<number> {
    const s = symbols();
    const call = blocking ? s.SCardGetAttrib : s.SCardGetAttribAsync;
    const attempt = (capacities: readonly number[]): SyncOrAsync<number> => {
      this.#length.value = capacities[0];
      const rv = call(raw(card), attribute, this.receive, this.#length.bytes);
      // a second attempt of the async form gives a promise, which the first one's adopts
      return andThen(rv, (rv): SyncOrAsync<number> => {
        if (capacities.length > 1 && refusedAsTooLarge(rv, capacities[0])) {
          return attempt(capacities.slice(1));
        }
        check("SCardGetAttrib", rv);
        return this.#length.value;
      }) as SyncOrAsync<number>;
    };
    return attempt(ATTRIBUTE_CAPACITIES);
  }

  #lengthOf(call: string): (rv: Native) => number {
    return (rv) => {
      check(call, rv);
      return this.#length.value;
    };
  }
}

// The platform's attribute buffer, then pcsc-lite's MAX_BUFFER_SIZE: a winscard built over
// pcsc-lite (Wine's) keeps pcsc-lite's refusal of a larger buffer.
const PCSC_LITE_ATTRIBUTE_CAPACITY = LINUX_ABI.attributeCapacity;
const ATTRIBUTE_CAPACITIES = [...new Set([abi.attributeCapacity, PCSC_LITE_ATTRIBUTE_CAPACITY])];

/** SCARD_E_INSUFFICIENT_BUFFER for a buffer larger than pcsc-lite takes: its limit, not ours. */
function refusedAsTooLarge(rv: Native, capacity: number): boolean {
  return capacity > PCSC_LITE_ATTRIBUTE_CAPACITY &&
    normaliseReturnCode(rv) === SCARD_E_INSUFFICIENT_BUFFER;
}
