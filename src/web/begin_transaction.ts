/**
 * SCardBeginTransaction as `startTransaction`'s first operation: a signal's abort cancels the
 * wait for it, and a begin that comes through after the abort is ended again at once.
 *
 * @module
 */

import type { CardHandle } from "../pcsc/card_handle.ts";
import { cancelOnAbort } from "../pcsc/cancel_on_abort.ts";
import { PcscError, SCARD_E_CANCELLED } from "../pcsc/pcsc_error.ts";
import { SCARD_LEAVE_CARD } from "../pcsc/share_and_disposition.ts";
import type { ContextSlots } from "./context_slots.ts";

/**
 * Begins a transaction on `handle` as an operation of the context (the spec's "process the
 * result of a BeginTransaction" included). Rejects with the signal's reason once `signal`
 * has aborted, whether the begin was cancelled or came through anyway (then it is ended
 * with "leave": the caller gave up, and the callback must not run); with the Web API's
 * exception for any other failure.
 */
export async function beginTransaction(
  slots: ContextSlots,
  handle: CardHandle,
  signal: AbortSignal | undefined,
): Promise<void> {
  let cancelled = false;
  await slots.run(async () => {
    try {
      await cancelOnAbort(handle.beginTransaction(false) as Promise<void>, signal, () => {
        handle.cancel();
      });
    } catch (error) {
      // the abort's reason is not a PC/SC failure: it passes outside the operation unchanged
      if (signal?.aborted && error instanceof PcscError && error.code === SCARD_E_CANCELLED) {
        cancelled = true;
        return;
      }
      throw error;
    }
  });
  if (cancelled) throw signal!.reason;
  if (signal?.aborted) {
    // The begin came through after the abort: pcsc-lite's SCardCancel cannot interrupt
    // SCardBeginTransaction.
    await abandonTransaction(slots, handle);
    throw signal.reason;
  }
}

/** Ends a transaction nobody wants any more, as an operation of the context. */
async function abandonTransaction(slots: ContextSlots, handle: CardHandle): Promise<void> {
  await slots.run(async () => {
    try {
      await handle.endTransaction(false, SCARD_LEAVE_CARD);
    } catch {
      // the card or the service is gone: so is the transaction
    }
  });
}
