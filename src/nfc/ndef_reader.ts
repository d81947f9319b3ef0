/**
 * Web NFC's `NDEFReader` over PC/SC: tags are seen as contactless cards coming to any reader
 * (or the one named), told from contact cards by their ATR in PC/SC Part 3's forms.
 *
 * @module
 */

import {
  type Card,
  type CardConnection,
  PcscLibraryError,
  readers,
  SCARD_LEAVE_CARD,
  SCARD_SHARE_SHARED,
  watchCards,
} from "../../mod.ts";
import { messageOf, type NDEFMessage } from "./ndef_message.ts";
import { decodeRecords, NdefFormatError } from "./ndef_bytes.ts";
import { NDEFReadingEvent } from "./ndef_reading_event.ts";
import type { NDEFMessageSource } from "./ndef_record.ts";
import {
  isContactlessAtr,
  makeNdefReadOnly,
  messageBytes,
  readNdefContent,
  serialNumberOf,
  writeNdefBytes,
} from "./ndef_tag.ts";
import { NdefTagError } from "./ndef_tag_error.ts";

/** What `new NDEFReader()` takes (beyond Web NFC, which takes nothing). */
export interface NDEFReaderOptions {
  /** Only tags on this reader (its PC/SC name); default every reader, later ones too. */
  readonly reader?: string;
}

/** The options of `scan()`. */
export interface NDEFScanOptions {
  /** Ends the scan. */
  readonly signal?: AbortSignal;
}

/** The options of `write()`. */
export interface NDEFWriteOptions {
  /** false: refuse ("NotAllowedError") to write over a tag that holds records. Default true. */
  readonly overwrite?: boolean;
  /** Gives up waiting for a tag ("AbortError"); a write under way is not stopped. */
  readonly signal?: AbortSignal | null;
}

/** The options of `makeReadOnly()`. */
export interface NDEFMakeReadOnlyOptions {
  /** Gives up waiting for a tag ("AbortError"); a lock under way is not stopped. */
  readonly signal?: AbortSignal | null;
}

type Settle = { resolve: () => void; reject: (e: unknown) => void };

interface PendingOperation extends Settle {
  readonly owner: NDEFReader;
  readonly run: (connection: CardConnection) => Promise<void>;
  started: boolean;
}

/**
 * Web NFC's "NFC state": the activated readers and the one pending write and make-read-only of
 * the process, over one watch of the PC/SC readers that runs while any of them needs it.
 */
class Adapter {
  readonly scanning = new Set<NDEFReader>();
  write: PendingOperation | null = null;
  lock: PendingOperation | null = null;
  readonly #present = new Map<string, Card>();
  readonly #queues = new Map<string, Promise<void>>();
  #watch: AbortController | null = null;
  #ready: Promise<void> | null = null;
  /** Settles when the watch loop has ended (its native wait done). */
  stopped: Promise<void> = Promise.resolve();

  /** Starts watching (once); resolves when the first look at the readers is done. */
  start(): Promise<void> {
    if (this.#ready !== null) return this.#ready;
    const controller = new AbortController();
    this.#watch = controller;
    let ended = () => {};
    this.stopped = new Promise<void>((resolve) => ended = resolve);
    this.#ready = new Promise<void>((resolve, reject) => {
      (async () => {
        const cards = watchCards({ signal: controller.signal });
        try {
          for await (const { inserted, removed } of cards) {
            for (const card of removed) {
              if (this.#present.get(card.reader.name)?.equals(card)) {
                this.#present.delete(card.reader.name);
              }
            }
            for (const card of inserted) {
              if (!isContactlessAtr(card.atr)) continue;
              this.#present.set(card.reader.name, card);
              this.#enqueue(card, true);
            }
            resolve();
          }
        } catch (error) {
          if (!controller.signal.aborted) reject(error);
        } finally {
          // an abort ends the loop before the shared native wait has: `stopped` waits for it
          await cards.return?.();
          ended();
        }
      })();
    });
    this.#ready.catch(() => {});
    return this.#ready;
  }

  /** Stops watching when no reader scans and nothing is pending. */
  settle(): void {
    if (this.scanning.size > 0 || this.write !== null || this.lock !== null) return;
    this.#watch?.abort();
    this.#watch = null;
    this.#ready = null;
    this.#present.clear();
  }

  /** Runs what is pending on the tags present (a write or lock asked for with a tag there). */
  kick(): void {
    for (const card of this.#present.values()) this.#enqueue(card, false);
  }

  #enqueue(card: Card, arrived: boolean): void {
    const name = card.reader.name;
    const previous = this.#queues.get(name) ?? Promise.resolve();
    const next = previous.then(() => this.#visit(card, arrived)).catch((error) =>
      console.error("NDEFReader: a tag visit failed:", error)
    );
    this.#queues.set(name, next);
  }

  /** What a tag's arrival does, in Chrome's order: reading events, then the write, then the lock. */
  async #visit(card: Card, arrived: boolean): Promise<void> {
    const readersHere = arrived ? [...this.scanning].filter((r) => wants(r, card)) : [];
    const write = this.write !== null && !this.write.started && wants(this.write.owner, card)
      ? this.write
      : null;
    const lock = this.lock !== null && !this.lock.started && wants(this.lock.owner, card)
      ? this.lock
      : null;
    if (readersHere.length === 0 && write === null && lock === null) return;
    if (this.#present.get(card.reader.name) !== card) return;
    await using connection = card.createConnection();
    try {
      // shared, and left as it is: other connections to the tag go on working
      await connection.connect(undefined, SCARD_SHARE_SHARED, SCARD_LEAVE_CARD);
    } catch (error) {
      for (const reader of readersHere) reader.dispatchEvent(new Event("readingerror"));
      for (const op of [write, lock]) {
        if (op !== null && !op.started && this[op === write ? "write" : "lock"] === op) {
          this.#finish(
            op,
            new NdefTagError(
              `connecting to the tag failed: ${(error as Error).message}`,
              "NetworkError",
              { cause: error },
            ),
          );
        }
      }
      return;
    }
    if (readersHere.length > 0) {
      const serialNumber = await serialNumberOf(connection);
      let message: NDEFMessage | null = null;
      try {
        const { bytes } = await readNdefContent(connection);
        message = messageOf(bytes.length === 0 ? [] : decodeRecords(bytes));
      } catch (error) {
        if (
          !(error instanceof NdefTagError || error instanceof NdefFormatError ||
            error instanceof TypeError)
        ) {
          console.error("NDEFReader: reading a tag failed:", error);
        }
      }
      for (const reader of readersHere) {
        if (!this.scanning.has(reader)) continue;
        reader.dispatchEvent(
          message === null
            ? new Event("readingerror")
            : new NDEFReadingEvent("reading", { serialNumber, message }),
        );
      }
    }
    for (const [op, slot] of [[write, "write"], [lock, "lock"]] as const) {
      if (op === null || this[slot] !== op || op.started) continue;
      op.started = true;
      try {
        await op.run(connection);
        this.#finish(op);
      } catch (error) {
        this.#finish(op, error);
      }
    }
  }

  #finish(op: PendingOperation, error?: unknown): void {
    if (this.write === op) this.write = null;
    if (this.lock === op) this.lock = null;
    if (error === undefined) op.resolve();
    else op.reject(error);
    this.settle();
  }

  /** Sets the pending write or lock, aborting the one before it (unless under way). */
  pend(slot: "write" | "lock", op: PendingOperation, signal: AbortSignal | null | undefined): void {
    const before = this[slot];
    if (before !== null && !before.started) {
      this[slot] = null;
      before.reject(new DOMException("Replaced by a later operation", "AbortError"));
    }
    this[slot] = op;
    signal?.addEventListener("abort", () => {
      if (this[slot] === op && !op.started) {
        this[slot] = null;
        op.reject(new DOMException("The NFC operation was aborted", "AbortError"));
        this.settle();
      }
    }, { once: true });
  }
}

const adapter = new Adapter();

/**
 * Resolves once no PC/SC watch runs for NFC any more (after the last scan's signal and the last
 * pending operation): for tests, whose sanitizers want the native wait ended.
 */
export function nfcWatchStopped(): Promise<void> {
  return adapter.stopped;
}
const readerNames = new WeakMap<NDEFReader, string | undefined>();

/** Whether `reader` takes `card` (its reader, when one was named). */
function wants(reader: NDEFReader, card: Card): boolean {
  const name = readerNames.get(reader);
  return name === undefined || card.reader.name === name;
}

/**
 * The PC/SC service as Web NFC's "NFC adapter": no permission to call native code is
 * "NotAllowedError", no PC/SC library or service "NotSupportedError".
 */
function checkAdapter(): void {
  try {
    readers();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new DOMException(
        `NFC needs --allow-ffi: ${(error as Error).message}`,
        "NotAllowedError",
      );
    }
    const reason = error instanceof PcscLibraryError ? "no PC/SC library" : "no PC/SC service";
    throw new DOMException(`${reason}: ${(error as Error).message}`, "NotSupportedError");
  }
}

function checkSignal(signal: unknown, where: string): AbortSignal | null {
  if (signal === undefined || signal === null) return null;
  if (!(signal instanceof AbortSignal)) {
    throw new TypeError(`${where}.signal must be an AbortSignal`);
  }
  return signal;
}

/**
 * Web NFC's `NDEFReader` for PC/SC contactless readers: `scan()` fires "reading" for every NDEF
 * tag that comes to a reader (and "readingerror" for a tag without NDEF or with a broken
 * message), `write()` writes to the next tag (or the one present), `makeReadOnly()` locks it.
 *
 * @example
 * ```ts
 * import { NDEFReader } from "@pcsc/smartcard/nfc";
 * const ndef = new NDEFReader();
 * ndef.onreading = ({ serialNumber, message }) => console.log(serialNumber, message.records);
 * await ndef.scan({ signal: AbortSignal.timeout(30_000) });
 * ```
 */
export class NDEFReader extends EventTarget {
  #onreading: ((event: NDEFReadingEvent) => unknown) | null = null;
  #onreadingerror: ((event: Event) => unknown) | null = null;
  #scanPending = false;

  /** A reader for every PC/SC reader's tags, or only `options.reader`'s. */
  constructor(options: NDEFReaderOptions = {}) {
    super();
    if (options === null || typeof options !== "object") {
      throw new TypeError("options must be an object");
    }
    if (
      options.reader !== undefined && (typeof options.reader !== "string" || options.reader === "")
    ) {
      throw new TypeError("options.reader must be a reader name");
    }
    readerNames.set(this, options.reader);
  }

  /** The "reading" event handler. */
  get onreading(): ((event: NDEFReadingEvent) => unknown) | null {
    return this.#onreading;
  }
  set onreading(handler: ((event: NDEFReadingEvent) => unknown) | null) {
    if (this.#onreading) this.removeEventListener("reading", this.#onreading as EventListener);
    this.#onreading = typeof handler === "function" ? handler : null;
    if (this.#onreading) this.addEventListener("reading", this.#onreading as EventListener);
  }

  /** The "readingerror" event handler. */
  get onreadingerror(): ((event: Event) => unknown) | null {
    return this.#onreadingerror;
  }
  set onreadingerror(handler: ((event: Event) => unknown) | null) {
    if (this.#onreadingerror) this.removeEventListener("readingerror", this.#onreadingerror);
    this.#onreadingerror = typeof handler === "function" ? handler : null;
    if (this.#onreadingerror) this.addEventListener("readingerror", this.#onreadingerror);
  }

  /**
   * Starts reading tags: resolves once the readers are watched. Rejects with "InvalidStateError"
   * when this reader already scans, with the signal's reason when it is aborted first.
   */
  async scan(options: NDEFScanOptions = {}): Promise<void> {
    const signal = checkSignal(options?.signal, "options");
    if (signal?.aborted) throw signal.reason;
    checkAdapter();
    if (adapter.scanning.has(this) || this.#scanPending) {
      throw new DOMException("This NDEFReader is already scanning", "InvalidStateError");
    }
    // activated before the first look, so that a tag already there is reported too
    adapter.scanning.add(this);
    this.#scanPending = true;
    try {
      const aborted = new Promise<never>((_, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
      aborted.catch(() => {});
      await Promise.race([adapter.start(), aborted]);
    } catch (error) {
      adapter.scanning.delete(this);
      adapter.settle();
      throw error instanceof DOMException ? error : new DOMException(
        `watching the readers failed: ${(error as Error).message}`,
        "NotReadableError",
      );
    } finally {
      this.#scanPending = false;
    }
    signal?.addEventListener("abort", () => {
      adapter.scanning.delete(this);
      adapter.settle();
    }, { once: true });
  }

  /**
   * Writes `message` to the next tag, or the one present: text (a "text" record), bytes (a
   * "mime" record), an `NDEFMessageInit`, or an `NDEFMessage` as it is. A later `write()`
   * (of any reader) replaces one still waiting, which rejects with "AbortError".
   */
  async write(
    message: NDEFMessageSource | NDEFMessage,
    options: NDEFWriteOptions = {},
  ): Promise<void> {
    const signal = checkSignal(options?.signal, "options");
    if (signal?.aborted) throw signal.reason;
    const bytes = messageBytes(message);
    const overwrite = options?.overwrite === undefined ? true : Boolean(options.overwrite);
    checkAdapter();
    await this.#pend("write", signal, (connection) => writeNdefBytes(connection, bytes, overwrite));
  }

  /** Makes the next tag (or the one present) read-only for ever. */
  async makeReadOnly(options: NDEFMakeReadOnlyOptions = {}): Promise<void> {
    const signal = checkSignal(options?.signal, "options");
    if (signal?.aborted) throw signal.reason;
    checkAdapter();
    await this.#pend("lock", signal, (connection) => makeNdefReadOnly(connection));
  }

  #pend(
    slot: "write" | "lock",
    signal: AbortSignal | null,
    run: (connection: CardConnection) => Promise<void>,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      adapter.pend(slot, { owner: this, run, started: false, resolve, reject }, signal);
      adapter.start().then(() => adapter.kick(), (error) => {
        const op = adapter[slot];
        if (op?.owner === this && !op.started) {
          adapter[slot] = null;
          reject(
            new DOMException(
              `watching the readers failed: ${(error as Error).message}`,
              "NotReadableError",
            ),
          );
        }
      });
    });
  }
}
