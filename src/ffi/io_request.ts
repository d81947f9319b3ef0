/**
 * SCARD_IO_REQUEST: the protocol control information passed to SCardTransmit.
 *
 * Built here rather than taken from the exported `g_rgSCardT0Pci` statics, so that the layout
 * is one more thing the ABI description drives and the tests check.
 *
 * @module
 */

import type { Abi } from "./abi.ts";
import { readUint, writeUint } from "./native_struct.ts";

/** Encodes `{ dwProtocol, cbPciLength = sizeof(SCARD_IO_REQUEST) }` into `out` (or a new buffer). */
export function encodeIoRequest(
  abi: Abi,
  protocol: number,
  out: Uint8Array = new Uint8Array(abi.ioRequestSize),
): Uint8Array {
  const view = new DataView(out.buffer, out.byteOffset, abi.ioRequestSize);
  writeUint(view, 0, abi.dword.size, protocol);
  writeUint(view, abi.dword.size, abi.dword.size, abi.ioRequestSize);
  return out;
}

/** Decodes a SCARD_IO_REQUEST. */
export function decodeIoRequest(
  abi: Abi,
  bytes: Uint8Array,
): { protocol: number; pciLength: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, abi.ioRequestSize);
  return {
    protocol: readUint(view, 0, abi.dword.size),
    pciLength: readUint(view, abi.dword.size, abi.dword.size),
  };
}
