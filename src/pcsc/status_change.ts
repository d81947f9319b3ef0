/**
 * One SCardGetStatusChange with the caller's reader states and time-out, cancelled when a
 * signal aborts: the single wait the Web Smart Card API's `getStatusChange` is, where
 * `ReaderWatch` is a loop of them with its own bookkeeping.
 *
 * @module
 */

import { cancelOnAbort } from "./cancel_on_abort.ts";
import type { Context } from "./context.ts";
import { decodeReaderState, type ReaderState } from "./reader_state.ts";

/** One reader as handed in: its name and the state the caller believes it is in. */
export interface StatusChangeIn {
  readonly reader: string;
  /** dwCurrentState: SCARD_STATE_* bits, the event count in the high 16 bits */
  readonly currentState: number;
}

/** One reader as the service handed it back. */
export interface StatusChangeOut extends ReaderState {
  readonly reader: string;
}

/** What one wait gave: the raw return code, and the readers' states when it is success. */
export interface StatusChangeResult {
  /** SCARD_S_SUCCESS, SCARD_E_TIMEOUT, SCARD_E_CANCELLED or a failure's code */
  readonly code: number;
  /** the readers in the order handed in; read only when `code` is 0 */
  readonly readers: StatusChangeOut[];
}

/**
 * SCardGetStatusChange on `context`, on the blocking pool. `timeoutMs` may be Infinity (no
 * time-out) or fractional. Once `signal` aborts, SCardCancel is sent on `context` until the
 * wait has ended; the wait then usually returns SCARD_E_CANCELLED, though a change that came
 * first still wins. Nothing here throws for a code: the result carries it.
 */
export async function statusChange(
  context: Context,
  readers: readonly StatusChangeIn[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<StatusChangeResult> {
  const native = context.native;
  // holds the reader-name strings the array points at: it stays reachable until the wait ends
  const states = native.readerStates(readers.map((r) => r.reader));
  readers.forEach((r, i) => states.setCurrentState(i, r.currentState));
  const code = await cancelOnAbort(
    context.during((handle) => native.getStatusChange(handle, timeoutMs, states)),
    signal,
    () => context.cancel(),
  );
  return {
    code,
    readers: readers.map((r, i) => ({
      reader: r.reader,
      ...decodeReaderState(states.eventState(i), states.atr(i)),
    })),
  };
}
