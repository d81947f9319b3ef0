/**
 * The native handles, SCARDCONTEXT and SCARDHANDLE: opaque to the layers above, and how the
 * calls of this layer turn them into native arguments and back.
 *
 * @module
 */

import { CURRENT_ABI } from "./abi.ts";

declare const contextBrand: unique symbol;
declare const cardBrand: unique symbol;

/** A SCARDCONTEXT; what it is underneath (bigint or number) is this layer's business. */
export type ScardContext = { readonly [contextBrand]: true };
/** A SCARDHANDLE (a card connection), opaque like {@link ScardContext}. */
export type ScardHandle = { readonly [cardBrand]: true };

/** What a handle is underneath, as the symbol table passes it. */
export type Native = number | bigint;

const abi = CURRENT_ABI;

/** Reads a handle out-parameter as the native type the symbol table passes back in. */
export function readHandle(cell: Uint8Array): Native {
  const view = new DataView(cell.buffer, cell.byteOffset, cell.byteLength);
  return abi.handle.size === 8 ? view.getBigUint64(0, true) : view.getInt32(0, true);
}

/** A handle out-parameter. */
export function newHandleCell(): Uint8Array {
  return new Uint8Array(abi.handle.size);
}

/** A native handle as a context. */
export const asContext = (h: Native): ScardContext => h as unknown as ScardContext;
/** A native handle as a card handle. */
export const asCard = (h: Native): ScardHandle => h as unknown as ScardHandle;
/** A handle as the symbol table takes it (its parameter types are the platform's). */
// deno-lint-ignore no-explicit-any
export const raw = (h: ScardContext | ScardHandle): any => h;
