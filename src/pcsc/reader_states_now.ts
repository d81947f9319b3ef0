/**
 * Every reader's state now, decoded: one look of the status-change loop, for a caller that
 * wants what monitors and card requests do not say (a mute card, a card held by another
 * application, the event count).
 *
 * @module
 */

import { type NativePcsc, SYSTEM_PCSC } from "../ffi/native.ts";
import type { ReaderState } from "./reader_state.ts";
import { ReaderWatch } from "./reader_watch.ts";

/** One reader's state, as SCardGetStatusChange reported it. */
export interface ReaderStatus extends ReaderState {
  /** The reader's name. */
  readonly reader: string;
}

/** Options of {@link readerStates}. */
export interface ReaderStatesOptions {
  /** How long to wait for a PC/SC service that is away (restarting), in ms; 5000 by default. */
  readonly timeoutMs?: number;
  /**
   * The PC/SC implementation: the system's unless a test hands a scripted one.
   * @ignore
   */
  readonly pcsc?: NativePcsc;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Every reader's state now, in the order the service lists the readers: whether a card is
 * in (`present`, `empty`), whether it answers (`mute`), whether another application holds
 * it (`exclusive`, `inUse`), whether the reader is `unavailable`, the service's event count
 * and the card's ATR. One SCardGetStatusChange that does not wait, on a context of its own.
 *
 * pyscard has no such call: its monitors and `CardRequest` tell of cards that answer, and
 * leave a mute card out.
 *
 * Resolves to `null` when the service stays away (restarting) longer than `timeoutMs`;
 * rejects with the `PcscError` of a failed call, such as SCARD_E_NO_SERVICE when no service
 * runs.
 *
 * @example
 * ```ts
 * import { readerStates } from "@pcsc/smartcard";
 * for (const state of await readerStates() ?? []) {
 *   console.log(state.reader, state.present ? (state.mute ? "mute" : "card") : "empty");
 * }
 * ```
 */
export async function readerStates(
  options: ReaderStatesOptions = {},
): Promise<ReaderStatus[] | null> {
  using watch = new ReaderWatch(options.pcsc ?? SYSTEM_PCSC);
  const deadline = performance.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const outcome = await watch.look(null, deadline);
  if (outcome.kind !== "changed") return null;
  return outcome.readers.map(({ restarted: _restarted, ...state }) => state);
}
