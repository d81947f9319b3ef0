/**
 * SCardTransmit, SCardControl and SCardGetAttrib over the buffers the layers above fill: the
 * card answers with what the test scripts ({@link ExchangeScript}), the PCI protocol must be
 * the connection's, and an answer longer than the receive buffer is
 * SCARD_E_INSUFFICIENT_BUFFER.
 *
 * @module
 */

import {
  SCARD_E_INSUFFICIENT_BUFFER,
  SCARD_E_PROTO_MISMATCH,
} from "../../../src/ffi/error_codes.ts";
import { MAX_BUFFER_SIZE_EXTENDED } from "../../../src/ffi/constants.ts";
import type { CardIo } from "../../../src/ffi/native.ts";
import type { ScardHandle } from "../../../src/ffi/native_handles.ts";
import type { SyncOrAsync } from "../../../src/ffi/sync_or_async.ts";
import type { CallControl } from "./call_control.ts";
import type { ScriptedCardHandles } from "./card_handles.ts";
import type { ScriptedService } from "./service.ts";

/** How the card and the reader answer: the test may change these at any time. */
export interface ExchangeScript {
  /** How the card answers a command APDU (SW1 SW2 included); may throw a `PcscError`. */
  answer(apdu: Uint8Array, reader: string, protocol: number): ArrayLike<number>;
  /** How the reader answers SCardControl. */
  controlAnswer(code: number, data: Uint8Array, reader: string): ArrayLike<number>;
}

/** What a scripted exchange reaches of the service. */
export interface ExchangeParts {
  readonly service: ScriptedService;
  readonly control: CallControl;
  readonly cards: ScriptedCardHandles;
  readonly script: ExchangeScript;
}

/** See the module comment. */
export class ScriptedCardIo implements CardIo {
  /** The answer of the last call, as the real buffers hold it. */
  readonly receive: Uint8Array = new Uint8Array(MAX_BUFFER_SIZE_EXTENDED);
  /** Scratch space for the command. */
  readonly send: Uint8Array;
  readonly #parts: ExchangeParts;

  /** Buffers of the real sizes, answering from `parts`. */
  constructor(sendCapacity: number, parts: ExchangeParts) {
    this.send = new Uint8Array(sendCapacity);
    this.#parts = parts;
  }

  transmit(
    blocking: boolean,
    handle: ScardHandle,
    protocol: number,
    command: Uint8Array,
    length: number,
  ): SyncOrAsync<number> {
    const { service, control, cards, script } = this.#parts;
    const bytes = command.slice(0, length);
    service.calls.push({
      call: "SCardTransmit",
      card: handle as unknown as number,
      protocols: protocol,
      bytes: [...bytes],
    });
    return control.settle(blocking, "SCardTransmit", () => {
      const c = cards.card("SCardTransmit", handle);
      if (protocol !== c.protocol) throw service.error("SCardTransmit", SCARD_E_PROTO_MISMATCH);
      return this.#receive("SCardTransmit", script.answer(bytes, c.reader, protocol));
    });
  }

  control(
    blocking: boolean,
    handle: ScardHandle,
    code: number,
    command: Uint8Array,
    length: number,
  ): SyncOrAsync<number> {
    const { service, control, cards, script } = this.#parts;
    const bytes = command.slice(0, length);
    service.calls.push({
      call: "SCardControl",
      card: handle as unknown as number,
      code,
      bytes: [...bytes],
    });
    return control.settle(blocking, "SCardControl", () => {
      const c = cards.card("SCardControl", handle, false);
      return this.#receive("SCardControl", script.controlAnswer(code, bytes, c.reader));
    });
  }

  getAttrib(
    blocking: boolean,
    handle: ScardHandle,
    attribute: number,
  ): SyncOrAsync<number> {
    const { service, control, cards } = this.#parts;
    service.calls.push({
      call: "SCardGetAttrib",
      card: handle as unknown as number,
      code: attribute,
    });
    return control.settle(blocking, "SCardGetAttrib", () => {
      const c = cards.card("SCardGetAttrib", handle, false);
      const value = service.reader(c.reader).attributes.get(attribute);
      if (!value) throw service.error("SCardGetAttrib", service.abi.unsupportedFeature);
      return this.#receive("SCardGetAttrib", value);
    });
  }

  /** Writes an answer into the receive buffer; gives its length. */
  #receive(call: string, answer: ArrayLike<number>): number {
    if (answer.length > this.receive.length) {
      throw this.#parts.service.error(call, SCARD_E_INSUFFICIENT_BUFFER);
    }
    this.receive.set(answer);
    return answer.length;
  }
}
