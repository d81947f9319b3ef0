/**
 * A failed PC/SC call: the error every call of this layer throws, and the one check that
 * throws it.
 *
 * @module
 */

import { type Abi, CURRENT_ABI, returnCodeHint } from "./abi.ts";
import { normaliseReturnCode } from "./return_codes.ts";

/** A PC/SC call returned something other than SCARD_S_SUCCESS. */
export class PcscError extends Error {
  /** The return code, unsigned (`0x8010000B`). */
  readonly code: number;
  /** The PC/SC function that returned it. */
  readonly call: string;
  /** What this platform's service means by that code from that call, when it is not obvious. */
  readonly hint: string | null;

  /**
   * Creates a `PcscError`.
   * @param call the PC/SC function
   * @param code its return code
   * @param abi the platform whose hints apply
   */
  constructor(call: string, code: number, abi: Abi = CURRENT_ABI) {
    super(`${call} returned 0x${code.toString(16).toUpperCase().padStart(8, "0")}`);
    this.name = "PcscError";
    this.call = call;
    this.code = code;
    this.hint = returnCodeHint(call, code, abi);
  }
}

/** Throws unless `rv` is SCARD_S_SUCCESS; `rv == 0` is compared before any conversion. */
export function check(call: string, rv: number | bigint): void {
  if (rv === 0 || rv === 0n) return;
  throw new PcscError(call, normaliseReturnCode(rv));
}
