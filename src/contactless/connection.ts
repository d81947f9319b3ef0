/**
 * One pseudo-APDU exchange over either facade's connection: pyscard's `CardConnection`
 * (transmit resolves `[data, sw1, sw2]`) or the Web API's `SmartCardConnection` (transmit
 * resolves an `ArrayBuffer` that ends with SW1 SW2).
 *
 * @module
 */

import type { CardConnection } from "../../mod.ts";
import type { SmartCardConnection } from "../web/mod.ts";

/**
 * A connected connection from either facade: `CardConnection` (pyscard's) or
 * `SmartCardConnection` (the Web Smart Card API's). Every function of `./contactless` takes
 * one; none connects, disconnects or begins a transaction itself.
 */
export type ContactlessConnection = CardConnection | SmartCardConnection;

/** A response APDU taken apart. */
export interface Response {
  /** The response data, without the status word. */
  readonly data: number[];
  /** SW1 SW2 as one number (0x9000). */
  readonly sw: number;
}

/**
 * Sends `command` and normalises the answer. Both facades take a `Uint8Array`; which one
 * answered is told by the shape of the result, so subclasses and decorators of either work.
 */
export async function exchange(
  connection: ContactlessConnection,
  command: readonly number[],
): Promise<Response> {
  const result: unknown = await (connection.transmit as (c: Uint8Array) => Promise<unknown>)
    .call(connection, Uint8Array.from(command));
  if (Array.isArray(result)) {
    const [data, sw1, sw2] = result as [number[], number, number];
    return { data: Array.from(data), sw: (sw1 << 8) | sw2 };
  }
  if (result instanceof ArrayBuffer) {
    const bytes = new Uint8Array(result);
    if (bytes.length < 2) {
      throw new RangeError(`the reader answered ${bytes.length} bytes: no status word`);
    }
    const n = bytes.length - 2;
    return { data: Array.from(bytes.subarray(0, n)), sw: (bytes[n] << 8) | bytes[n + 1] };
  }
  throw new TypeError(
    "connection.transmit resolved neither [data, sw1, sw2] nor an ArrayBuffer: " +
      "pass a CardConnection or a SmartCardConnection",
  );
}

/**
 * The card's ATR, asked of either kind of connection without blocking the event loop
 * (`readATR`, or the Web API's `status()`); a failure is the connection's own.
 */
export async function readAtr(connection: ContactlessConnection): Promise<number[]> {
  if ("readATR" in connection && typeof connection.readATR === "function") {
    return Array.from(await connection.readATR());
  }
  if ("status" in connection && typeof connection.status === "function") {
    const { answerToReset } = await connection.status();
    if (answerToReset !== undefined) return Array.from(new Uint8Array(answerToReset));
  }
  throw new TypeError("connection must be a connected CardConnection or SmartCardConnection");
}
