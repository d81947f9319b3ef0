/**
 * SCardBeginTransaction and SCardEndTransaction as pcsc-lite plays them: a transaction locks
 * the reader for one handle; a nonblocking begin from another handle waits until it ends (a
 * blocking one is refused); ending with eject is refused (pcsc-lite 1.9), and ending with a
 * reset resets every handle to the card, the ending one too.
 *
 * @module
 */

import { SCARD_EJECT_CARD, SCARD_LEAVE_CARD } from "../../../src/pcsc/share_and_disposition.ts";
import { SCARD_E_NOT_TRANSACTED, SCARD_E_SHARING_VIOLATION } from "../../../src/ffi/error_codes.ts";
import type { ScardHandle } from "../../../src/ffi/native_handles.ts";
import type { SyncOrAsync } from "../../../src/ffi/sync_or_async.ts";
import type { CallControl } from "./call_control.ts";
import type { ScriptedCardHandles } from "./card_handles.ts";
import type { ScriptedReader, ScriptedService } from "./service.ts";

/** See the module comment. */
export class ScriptedTransactions {
  readonly #service: ScriptedService;
  readonly #control: CallControl;
  readonly #cards: ScriptedCardHandles;

  constructor(service: ScriptedService, control: CallControl, cards: ScriptedCardHandles) {
    this.#service = service;
    this.#control = control;
    this.#cards = cards;
  }

  /** The card handle holding a transaction on reader `name`, or null. */
  holder(name: string): number | null {
    return this.#service.reader(name).lock;
  }

  /** How many begins wait for the transaction on reader `name` to end. */
  waiting(name: string): number {
    return this.#service.reader(name).lockWaiters.length;
  }

  begin(blocking: boolean, handle: ScardHandle): SyncOrAsync<void> {
    const card = handle as unknown as number;
    this.#service.calls.push({ call: "SCardBeginTransaction", card });
    const take = (): boolean => {
      const c = this.#cards.card("SCardBeginTransaction", handle);
      const r = this.#service.reader(c.reader);
      if (r.lock !== null && r.lock !== card) return false;
      r.lock = card;
      return true;
    };
    if (blocking) {
      this.#control.failIfTold("SCardBeginTransaction");
      if (!take()) throw this.#service.error("SCardBeginTransaction", SCARD_E_SHARING_VIOLATION);
      return;
    }
    return (async () => {
      await this.#control.turn("SCardBeginTransaction");
      this.#control.failIfTold("SCardBeginTransaction");
      // as pcsc-lite's client library: wait until the other handle's transaction has ended
      while (!take()) {
        const c = this.#cards.card("SCardBeginTransaction", handle);
        const r = this.#service.reader(c.reader);
        await new Promise<void>((resolve) => r.lockWaiters.push(resolve));
      }
    })();
  }

  end(handle: ScardHandle, disposition: number): void {
    const card = handle as unknown as number;
    this.#service.calls.push({ call: "SCardEndTransaction", card, disposition });
    const c = this.#cards.card("SCardEndTransaction", handle);
    this.#control.failIfTold("SCardEndTransaction");
    const r = this.#service.reader(c.reader);
    if (r.lock !== card) throw this.#service.error("SCardEndTransaction", SCARD_E_NOT_TRANSACTED);
    // pcsc-lite 1.9 refuses to eject here, and the transaction may outlive the refusal
    if (disposition === SCARD_EJECT_CARD) {
      throw this.#service.error("SCardEndTransaction", this.#service.abi.unsupportedFeature);
    }
    // the handle that asked for a reset hears of it too, as pcsc-lite's does
    if (disposition !== SCARD_LEAVE_CARD) this.#cards.resetOthers(c.reader, null);
    unlock(r);
  }

  /** Ends the transaction `card` holds on `reader`, if it holds one (it disconnected). */
  endHeldBy(reader: ScriptedReader | undefined, card: number): void {
    if (reader?.lock === card) unlock(reader);
  }
}

function unlock(reader: ScriptedReader): void {
  reader.lock = null;
  for (const wake of reader.lockWaiters.splice(0)) wake();
}
