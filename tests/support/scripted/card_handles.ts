/**
 * Card handles as pcsc-lite plays them: SCardConnect with share modes (direct without a card)
 * and the protocol chosen (T=1 first, then T=0, then raw), SCardReconnect, SCardDisconnect
 * with its disposition, SCardStatus and reader attributes. A handle to a card taken out since
 * its connect answers SCARD_W_REMOVED_CARD; one whose card was reset by another handle (or by
 * itself) answers SCARD_W_RESET_CARD until it reconnects.
 *
 * @module
 */

import {
  SCARD_ABSENT,
  SCARD_NEGOTIABLE,
  SCARD_POWERED,
  SCARD_PRESENT,
} from "../../../src/pcsc/card_state.ts";
import {
  SCARD_EJECT_CARD,
  SCARD_LEAVE_CARD,
  SCARD_SHARE_DIRECT,
  SCARD_SHARE_SHARED,
} from "../../../src/pcsc/share_and_disposition.ts";
import { SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1 } from "../../../src/pcsc/protocols.ts";
import {
  SCARD_E_INVALID_HANDLE,
  SCARD_E_NO_SMARTCARD,
  SCARD_E_PROTO_MISMATCH,
  SCARD_E_SHARING_VIOLATION,
  SCARD_E_UNKNOWN_READER,
  SCARD_W_REMOVED_CARD,
  SCARD_W_RESET_CARD,
} from "../../../src/ffi/error_codes.ts";
import type { CardStatus, Connected } from "../../../src/ffi/pcsc.ts";
import type { ScardContext, ScardHandle } from "../../../src/ffi/native_handles.ts";
import type { SyncOrAsync } from "../../../src/ffi/sync_or_async.ts";
import type { CallControl } from "./call_control.ts";
import type { ScriptedReader, ScriptedService } from "./service.ts";

/** A card handle connected and not yet disconnected. */
export interface ScriptedCard {
  readonly handle: number;
  readonly context: number;
  readonly reader: string;
  share: number;
  protocol: number;
  /** the reader's event count at connect: a card taken out since is another card */
  readonly events: number;
  /**
   * The card was reset or unpowered since: every call that needs the card says
   * SCARD_W_RESET_CARD until SCardReconnect, as pcsc-lite's do (to the handle that asked for
   * the reset too).
   */
  resetPending: boolean;
}

/** See the module comment. */
export class ScriptedCardHandles {
  readonly #service: ScriptedService;
  readonly #control: CallControl;
  readonly #cards = new Map<number, ScriptedCard>();
  #nextCard = 1001;

  constructor(service: ScriptedService, control: CallControl) {
    this.#service = service;
    this.#control = control;
  }

  /** Card handles connected and not yet disconnected. */
  get live(): number {
    return this.#cards.size;
  }

  connect(
    blocking: boolean,
    handle: ScardContext,
    reader: string,
    share: number,
    protocols: number,
  ): SyncOrAsync<Connected> {
    const service = this.#service;
    const context = handle as unknown as number;
    service.calls.push({ call: "SCardConnect", context, reader, share, protocols });
    return this.#control.settle(blocking, "SCardConnect", () => {
      service.checkContext("SCardConnect", handle);
      const r = service.readers.get(reader);
      if (!r) throw service.error("SCardConnect", SCARD_E_UNKNOWN_READER);
      const direct = share === SCARD_SHARE_DIRECT;
      if (!r.atr && !direct) throw service.error("SCardConnect", SCARD_E_NO_SMARTCARD);
      const others = [...this.#cards.values()].filter((c) => c.reader === reader);
      const held = others.some((c) => c.share !== SCARD_SHARE_SHARED);
      if (held || (share !== SCARD_SHARE_SHARED && others.length > 0)) {
        throw service.error("SCardConnect", SCARD_E_SHARING_VIOLATION);
      }
      let protocol = 0;
      if (r.atr && (protocols !== 0 || !direct)) {
        protocol = this.#choose(r, protocols);
        if (protocol === 0) throw service.error("SCardConnect", SCARD_E_PROTO_MISMATCH);
      }
      const card = this.#nextCard++;
      this.#cards.set(card, {
        handle: card,
        context,
        reader,
        share,
        protocol,
        events: r.events,
        resetPending: false,
      });
      return { handle: card as unknown as ScardHandle, protocol };
    });
  }

  reconnect(
    blocking: boolean,
    handle: ScardHandle,
    share: number,
    protocols: number,
    init: number,
  ): SyncOrAsync<number> {
    const card = handle as unknown as number;
    this.#service.calls.push({
      call: "SCardReconnect",
      card,
      share,
      protocols,
      disposition: init,
    });
    return this.#control.settle(blocking, "SCardReconnect", () => {
      const c = this.card("SCardReconnect", handle, false);
      const r = this.#service.reader(c.reader);
      if (init !== SCARD_LEAVE_CARD) this.resetOthers(c.reader, card);
      const protocol = this.#choose(r, protocols);
      if (protocol === 0 && share !== SCARD_SHARE_DIRECT) {
        throw this.#service.error("SCardReconnect", SCARD_E_PROTO_MISMATCH);
      }
      c.share = share;
      c.protocol = protocol;
      c.resetPending = false;
      return protocol;
    });
  }

  /** SCardDisconnect; gives the reader whose transaction, if this handle held it, ends. */
  disconnect(handle: ScardHandle, disposition: number): ScriptedReader | undefined {
    const card = handle as unknown as number;
    this.#service.calls.push({ call: "SCardDisconnect", card, disposition });
    const c = this.card("SCardDisconnect", handle, false);
    this.#control.failIfTold("SCardDisconnect");
    this.#cards.delete(card);
    if (disposition !== SCARD_LEAVE_CARD && disposition !== SCARD_EJECT_CARD) {
      this.resetOthers(c.reader, card);
    }
    return this.#service.readers.get(c.reader);
  }

  status(handle: ScardHandle): CardStatus {
    this.#service.calls.push({ call: "SCardStatus", card: handle as unknown as number });
    const c = this.card("SCardStatus", handle);
    this.#control.failIfTold("SCardStatus");
    const r = this.#service.reader(c.reader);
    const state = r.atr
      ? r.cardState ?? (SCARD_PRESENT | SCARD_POWERED | SCARD_NEGOTIABLE)
      : SCARD_ABSENT;
    return { reader: c.reader, state, protocol: c.protocol, atr: [...(r.atr ?? [])] };
  }

  setAttrib(
    blocking: boolean,
    handle: ScardHandle,
    attribute: number,
    value: Uint8Array,
  ): SyncOrAsync<void> {
    const card = handle as unknown as number;
    this.#service.calls.push({ call: "SCardSetAttrib", card, code: attribute, bytes: [...value] });
    return this.#control.settle(blocking, "SCardSetAttrib", () => {
      const c = this.card("SCardSetAttrib", handle);
      this.#service.reader(c.reader).attributes.set(attribute, [...value]);
    });
  }

  /**
   * The scripted card of `handle`; a call on a card taken out since the connect (unless the
   * call needs no card: `card` false) fails as pcsc-lite's does.
   */
  card(call: string, handle: ScardHandle, card = true): ScriptedCard {
    const service = this.#service;
    service.checkRunning(call);
    const c = this.#cards.get(handle as unknown as number);
    if (!c) throw service.error(call, SCARD_E_INVALID_HANDLE);
    const r = service.readers.get(c.reader);
    if (card && c.share !== SCARD_SHARE_DIRECT && (!r?.atr || r.events !== c.events)) {
      throw service.error(call, SCARD_W_REMOVED_CARD);
    }
    if (card && c.resetPending) throw service.error(call, SCARD_W_RESET_CARD);
    return c;
  }

  /** Marks every handle on reader `name` but `except` as reset (see ScriptedCard). */
  resetOthers(name: string, except: number | null): void {
    for (const c of this.#cards.values()) {
      if (c.reader === name && c.handle !== except) c.resetPending = true;
    }
  }

  /** The protocol a connect asking for `protocols` gets: T=1, else T=0, else raw; 0 if none. */
  #choose(reader: ScriptedReader, protocols: number): number {
    const raw = this.#service.abi.protocolRaw;
    const usable = protocols & (reader.protocols | raw);
    return usable & SCARD_PROTOCOL_T1 || usable & SCARD_PROTOCOL_T0 || usable & raw;
  }
}
