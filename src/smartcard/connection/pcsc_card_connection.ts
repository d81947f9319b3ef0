/**
 * The PC/SC implementation of {@link CardConnection} (pyscard's `PCSCCardConnection`).
 *
 * @module
 */

import {
  andThen,
  CardHandle,
  CardHandleRefusal,
  type CardStatus,
  guarded,
  type SyncOrAsync,
} from "../../pcsc/card_handle.ts";
import { PcscError, SCARD_E_NO_SMARTCARD, SCARD_W_REMOVED_CARD } from "../../pcsc/pcsc_error.ts";
import {
  SCARD_LEAVE_CARD,
  SCARD_RESET_CARD,
  SCARD_SHARE_SHARED,
  SCARD_UNPOWER_CARD,
} from "../../pcsc/share_and_disposition.ts";
import { platformConstants } from "../../pcsc/platform_constants.ts";
import type { Bytes } from "../bytes.ts";
import { CardConnection, type OpenArguments } from "./card_connection.ts";
import { CardConnectionException, NoCardException } from "../errors/exceptions.ts";
import { asSmartcardError } from "../errors/pcsc_failure.ts";
import { fromPcscProtocol, isTransmitProtocol, protocolName, toPcscMask } from "./protocol.ts";
import type { Reader } from "../readers/reader.ts";

/**
 * A connection through the PC/SC service, over a card handle with a PC/SC context of its own
 * (pcsc-lite runs the calls of one context one at a time, so connections never wait on one
 * another).
 *
 * Promise calls run one at a time, in the order they were made. A `*Sync` call while a
 * promise call of the same connection is pending is refused: it would freeze the event
 * loop until the pending call ends.
 */
export class PCSCCardConnection extends CardConnection {
  readonly #handle: CardHandle;
  // the platform's SCARD_PROTOCOL_RAW, which pyscard's RAW_protocol stands for
  readonly #raw: number;
  #negotiated: number | null = null;

  /** Establishes the connection's context (SCardEstablishContext); connects nothing yet. */
  constructor(reader: Reader) {
    super(reader);
    this.#raw = platformConstants(reader.pcsc).protocolRaw;
    try {
      this.#handle = CardHandle.establish(reader.pcsc);
    } catch (error) {
      throw asSmartcardError(error, "Failed to establish context", CardConnectionException);
    }
  }

  /** Whether `connect` succeeded and no disconnect followed. */
  get connected(): boolean {
    return this.#handle.connected;
  }

  /**
   * Refuses at once what the card handle would refuse (see `CardHandle.refusal`, the one
   * check of its state), before observers hear of the call. A disconnect is not refused for
   * another handle's transaction: it lets the card go and disconnects later.
   */
  protected assertUsable(what: string, needsCard: boolean, blocking: boolean): void {
    const refusal = this.#handle.refusal(blocking, needsCard, undefined, what === "disconnect");
    if (refusal !== null) throw refused(refusal, what);
  }

  /** Resolves once every queued promise call has ended. */
  protected override settle(): Promise<void> {
    return this.#handle.settled();
  }

  /** SCardConnect, after earlier promise calls. */
  protected doConnect(
    ...[blocking, protocol, mode, disposition]: OpenArguments
  ): SyncOrAsync<void> {
    return this.#open("connect", blocking, protocol, (share, mask) =>
      this.#handle.connect(
        blocking,
        this.reader.name,
        share,
        mask,
        disposition ?? SCARD_UNPOWER_CARD,
      ), mode);
  }

  /** SCardReconnect (default: a warm reset), after earlier promise calls. */
  protected doReconnect(
    ...[blocking, protocol, mode, disposition]: OpenArguments
  ): SyncOrAsync<void> {
    return this.#open(
      "reconnect",
      blocking,
      protocol,
      (share, mask) =>
        this.#handle.reconnect(blocking, share, mask, disposition ?? SCARD_RESET_CARD),
      mode,
    );
  }

  /**
   * What connect and reconnect share: the protocol mask and share mode asked for, the
   * negotiated protocol recorded, a failure worded as pyscard's.
   */
  #open(
    kind: "connect" | "reconnect",
    blocking: boolean,
    protocol: number | undefined,
    open: (share: number, mask: number) => SyncOrAsync<number>,
    mode?: number,
  ): SyncOrAsync<void> {
    const mask = toPcscMask(protocol ?? this.getProtocol(), this.#raw);
    return this.#call(
      blocking ? `${kind}Sync` : kind,
      () => andThen(open(mode ?? SCARD_SHARE_SHARED, mask), () => this.#followNegotiation(true)),
      (error) => connectFailure(error, `Unable to ${kind}`),
    );
  }

  /**
   * Records the protocol the handle's last connect or reconnect negotiated: always when that
   * call settles (`settled`), and from a transmit queued behind it, which may run first, when
   * the handle negotiated another protocol than the one recorded last.
   */
  #followNegotiation(settled = false): void {
    const active = this.#handle.protocol;
    if (active === null || (!settled && active === this.#negotiated)) return;
    this.#negotiated = active;
    this.setActiveProtocol(fromPcscProtocol(active, this.#raw));
  }

  /**
   * SCardDisconnect with the disposition given at connect. Where another connection of this
   * process holds a transaction on the reader, the card is let go at once and disconnected
   * once that transaction has ended (PC/SC would make the disconnect wait for it).
   */
  protected doDisconnect(): void {
    this.#call("disconnect", () => this.#handle.disconnect(true), failedTo("disconnect"));
  }

  /**
   * Refuses every later call at once; disconnects and releases the context once the calls
   * already running have ended. A failed disconnect is not reported: the card may be gone.
   */
  protected doRelease(): void {
    this.#handle.release();
  }

  /**
   * The card's ATR, from one SCardStatus. Refused while another connection of this process
   * holds a transaction on the reader: PC/SC would make it wait for that one to end.
   */
  getATR(): number[] {
    this.assertUsable("getATR", true, true);
    return this.#call(
      "getATR",
      () => (this.#handle.status(true) as CardStatus).atr,
      failedTo("get status"),
    ) as number[];
  }

  /** The card's ATR from SCardStatus on the blocking pool, after earlier promise calls. */
  override readATR(): Promise<number[]> {
    this.assertUsable("readATR", true, false);
    return this.#call(
      "readATR",
      () => andThen(this.#handle.status(false), (status) => status.atr),
      failedTo("get status"),
    ) as Promise<number[]>;
  }

  // ----- exchanges -----

  /** SCardTransmit, through the connection's preallocated buffers. */
  protected doTransmit(
    blocking: boolean,
    command: Bytes,
    protocol: number | undefined,
  ): SyncOrAsync<number[]> {
    // the default protocol is the one active when the call's turn comes, so that a transmit
    // queued behind connect() uses what connect negotiates
    let p = protocol ?? this.getProtocol();
    const pci = (): number => {
      this.#followNegotiation();
      p = protocol ?? this.getProtocol();
      if (!isTransmitProtocol(p)) {
        throw new CardConnectionException(
          "Invalid protocol in transmit: must be CardConnection.T0_protocol, " +
            "CardConnection.T1_protocol, or CardConnection.RAW_protocol",
        );
      }
      return toPcscMask(p, this.#raw);
    };
    return this.#call(
      blocking ? "transmitSync" : "transmit",
      () =>
        andThen(this.#handle.transmit(blocking, pci, command), (response) => {
          if (response.length < 2) {
            throw new CardConnectionException("Card returned no valid response");
          }
          return response;
        }),
      (error) => failedTo(`transmit with protocol ${protocolName(p)}`)(error),
    );
  }

  /** SCardControl. */
  protected doControl(
    blocking: boolean,
    controlCode: number,
    command: Bytes,
  ): SyncOrAsync<number[]> {
    const code = `0x${controlCode.toString(16).toUpperCase()}`;
    return this.#call(
      blocking ? "controlSync" : "control",
      () => this.#handle.control(blocking, controlCode, command),
      failedTo(`control ${code}`),
    );
  }

  /** SCardGetAttrib. */
  protected doGetAttrib(blocking: boolean, attribId: number): SyncOrAsync<number[]> {
    const id = `0x${attribId.toString(16).toUpperCase().padStart(8, "0")}`;
    return this.#call(
      blocking ? "getAttribSync" : "getAttrib",
      () => this.#handle.getAttrib(blocking, attribId),
      failedTo(`getAttrib ${id}`),
    );
  }

  // ----- transactions, for the exclusive connections -----

  /**
   * SCardBeginTransaction on the blocking pool, after earlier promise calls. Waits while
   * another handle holds a transaction; neither a signal nor SCardCancel can end that wait.
   */
  beginTransaction(): Promise<void> {
    return this.#beginTransaction(false) as Promise<void>;
  }

  /** Synchronous {@link beginTransaction}: blocks the event loop while another holds one. */
  beginTransactionSync(): void {
    this.#beginTransaction(true);
  }

  #beginTransaction(blocking: boolean): SyncOrAsync<void> {
    this.assertUsable(blocking ? "beginTransactionSync" : "beginTransaction", true, blocking);
    return this.#call(
      blocking ? "beginTransactionSync" : "beginTransaction",
      () => this.#handle.beginTransaction(blocking),
      failedTo("begin transaction"),
    );
  }

  /** SCardEndTransaction with `disposition` (default SCARD_LEAVE_CARD), after earlier calls. */
  endTransaction(disposition: number = SCARD_LEAVE_CARD): Promise<void> {
    return this.#endTransaction(false, disposition) as Promise<void>;
  }

  /** Synchronous {@link endTransaction}; refused while a promise call is pending. */
  endTransactionSync(disposition: number = SCARD_LEAVE_CARD): void {
    this.#endTransaction(true, disposition);
  }

  #endTransaction(blocking: boolean, disposition: number): SyncOrAsync<void> {
    this.assertUsable(blocking ? "endTransactionSync" : "endTransaction", true, blocking);
    return this.#call(
      blocking ? "endTransactionSync" : "endTransaction",
      () => this.#handle.endTransaction(blocking, disposition),
      failedTo("end transaction"),
    );
  }

  /**
   * Runs a call of the handle, turning its refusals and PC/SC failures into the framework's
   * exceptions (`what` names the call in a refusal; `fail` words a PC/SC failure).
   */
  #call<T>(
    what: string,
    run: () => SyncOrAsync<T>,
    fail: (error: unknown) => unknown,
  ): SyncOrAsync<T> {
    return guarded(
      run,
      (error) => error instanceof CardHandleRefusal ? refused(error, what) : fail(error),
    );
  }
}

/** A refusal of the card handle, as the framework words it for the call `what`. */
function refused(refusal: CardHandleRefusal, what: string): CardConnectionException {
  switch (refusal.reason) {
    case "released":
      return new CardConnectionException(`Cannot ${what}: the connection has been released`);
    case "busy":
      return new CardConnectionException(
        `Cannot ${what} while a promise call on this connection is pending: await it first`,
      );
    case "not connected":
      return new CardConnectionException(`Cannot ${what}: card not connected`);
    case "connected":
      return new CardConnectionException(
        `Cannot ${what}: already connected; disconnect or reconnect first`,
      );
    case "transaction elsewhere":
      return heldElsewhere(what, refusal.reader!);
  }
}

function heldElsewhere(what: string, reader: string): CardConnectionException {
  const promiseForm = what.endsWith("Sync") ? `, or use ${what.slice(0, -4)}() instead` : "";
  return new CardConnectionException(
    `Cannot ${what}: another connection of this process holds (or is beginning) a ` +
      `transaction on ${reader}, and PC/SC would make this call wait until it ends, which ` +
      `this thread could never let happen. End that transaction first${promiseForm}.`,
  );
}

/** "Failed to <what>: <reason> (<code>)" for a PC/SC failure; anything else as it is. */
function failedTo(what: string): (error: unknown) => unknown {
  return (error) => asSmartcardError(error, `Failed to ${what}`, CardConnectionException);
}

function connectFailure(error: unknown, message: string): unknown {
  if (
    error instanceof PcscError &&
    (error.code === SCARD_E_NO_SMARTCARD || error.code === SCARD_W_REMOVED_CARD)
  ) {
    return new NoCardException(message, error.code, { cause: error });
  }
  return asSmartcardError(error, message, CardConnectionException);
}
