/**
 * SCardEndTransaction as a Web API transaction ends, with what pcsc-lite needs besides: an
 * end it refuses is followed by one that leaves the card, and a reset or unpower is followed
 * by the reconnect the API has no method for.
 *
 * @module
 */

import type { CardHandle } from "../pcsc/card_handle.ts";
import { SCARD_LEAVE_CARD } from "../pcsc/share_and_disposition.ts";
import { dispositionCode, type SmartCardDisposition } from "./enums.ts";

/**
 * SCardEndTransaction with `disposition`; gives what it failed with, or null.
 *
 * Two things pcsc-lite needs besides: an end it refuses (it refuses "eject" with
 * SCARD_E_UNSUPPORTED_FEATURE) is followed by one with "leave", so that no transaction
 * outlives its promise; and after a reset or unpower, it answers every later call of the
 * very handle that asked for it with SCARD_W_RESET_CARD until SCardReconnect, which the
 * API has not, so `reconnect` (the connection's SCardReconnect with "leave") runs: nothing
 * more is done to the card, and the other connections to the card still hear of the reset.
 */
export async function endTransactionOnCard(
  handle: CardHandle,
  disposition: SmartCardDisposition,
  reconnect: (handle: CardHandle) => Promise<void>,
): Promise<{ readonly error: unknown } | null> {
  try {
    await handle.endTransaction(false, dispositionCode(disposition));
  } catch (error) {
    await Promise.resolve(handle.endTransaction(false, SCARD_LEAVE_CARD)).catch(() => {});
    return { error };
  }
  if (disposition === "reset" || disposition === "unpower") {
    try {
      await reconnect(handle);
    } catch {
      // the card or the service is gone: the next call says so
    }
  }
  return null;
}
