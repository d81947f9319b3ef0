/**
 * A virtual smart card for a vpcd reader, served from its own Worker.
 *
 * @module
 */

import {
  hexBytes,
  NO_DIAGNOSIS,
  type ScriptedExchange,
  type TraceEntry,
} from "./card_behaviour.ts";
import { cardPresent } from "./presence.ts";
import type { CardSource, WorkerMessage, WorkerRequest } from "./virtual_card_worker.ts";

/**
 * The largest payload vpcd carries in one message (16-bit length). A longer
 * command APDU makes vpcd drop the card; a longer response is replaced by the
 * card with SW 6F 00.
 */
export const MAX_VPCD_MESSAGE = 0xffff;

/**
 * What a virtual card is, and what it does: exactly one of {@link behaviour} and
 * {@link script}.
 */
export interface CardOptions {
  /** Answered to the reader's GET ATR: the card's ATR, which pcscd checks. */
  readonly atr: readonly number[];
  /**
   * A module exporting `handle(apdu)` and optionally `reset()` (see `CardBehaviour`), as a
   * URL (`new URL("./my_card.ts", import.meta.url)`), an absolute URL string, or a path
   * relative to the current directory. It is loaded in the card's Worker, so its state lives
   * there and survives {@link VirtualCard.remove} and {@link VirtualCard.insert}.
   */
  readonly behaviour?: URL | string;
  /**
   * The exchanges the card expects, in order. A command that is not the next one expected
   * (or comes after the last) is answered {@link mismatchResponse}, recorded with a
   * `mismatch` in {@link VirtualCard.trace}, and does not move the script on. Power on and
   * reset do not rewind it.
   */
  readonly script?: readonly ScriptedExchange[];
  /** What a scripted card answers to a command it did not expect; default SW 6F 00. */
  readonly mismatchResponse?: readonly number[];
  /**
   * Given to the behaviour module's `configure` before the first APDU (structured-cloned
   * into the card's Worker).
   */
  readonly behaviourOptions?: unknown;
}

/** Where a {@link VirtualCard} connects, and what it is. */
export interface VirtualCardOptions extends CardOptions {
  /** The vpcd reader's address. */
  readonly host: string;
  /** The vpcd reader's TCP port. */
  readonly port: number;
  /**
   * The name PC/SC gives the reader, for {@link VirtualCard.waitPresent} and
   * {@link VirtualCard.waitAbsent}; set by {@link VirtualStack.card}.
   */
  readonly readerName?: string;
}

/**
 * A card that is inserted by connecting to a vpcd reader's port and removed by
 * closing the connection. pcscd notices either by polling, up to ~0.4 s later:
 * {@link waitPresent} and {@link waitAbsent} wait for that.
 *
 * Use with `await using`: disposing removes the card and ends its worker.
 */
export class VirtualCard implements AsyncDisposable {
  /** The card's ATR. */
  readonly atr: number[];
  /** The vpcd reader's address. */
  readonly host: string;
  /** The vpcd reader's TCP port. */
  readonly port: number;
  /** The name PC/SC gives the card's reader, when known. */
  readonly readerName: string | undefined;
  readonly #source: CardSource;
  #worker: Worker | undefined;
  #inserted = false;
  #disposed = false;
  #nextId = 1;
  readonly #pending = new Map<number, PromiseWithResolvers<WorkerMessage>>();

  /**
   * Makes the card; it is not inserted yet and no worker runs until {@link insert}.
   * @throws TypeError without exactly one of `behaviour` and `script`, or on bytes that are not bytes
   */
  constructor(options: VirtualCardOptions) {
    this.atr = hexBytes(options.atr, "atr");
    this.host = options.host;
    this.port = options.port;
    this.readerName = options.readerName;
    this.#source = cardSource(options);
  }

  /** Whether the card is connected to its reader (false once the reader drops it). */
  get inserted(): boolean {
    return this.#inserted;
  }

  /**
   * Inserts the card: resolves once it is connected to the reader's port. The PC/SC service
   * reports it a little later ({@link waitPresent}).
   * @throws Error when the card is disposed or already in, or the reader does not accept it
   */
  async insert(): Promise<void> {
    if (this.#disposed) throw new Error("the virtual card is disposed");
    if (this.#inserted) throw new Error("the virtual card is already inserted");
    await this.#request({
      type: "insert",
      host: this.host,
      port: this.port,
      atr: this.atr,
      source: this.#source,
    });
    this.#inserted = true;
  }

  /** Removes the card: resolves once its connection is closed. Idempotent. */
  async remove(): Promise<void> {
    if (this.#worker === undefined) return;
    await this.#request({ type: "remove" });
    this.#inserted = false;
  }

  /**
   * Resolves once the PC/SC service reports a card in this card's reader (up to ~0.4 s after
   * {@link insert}). Makes a `CardRequest` of its own, so it needs `--allow-ffi`.
   * @throws Error when the reader's name is unknown, or after 10 s without a card
   */
  async waitPresent(): Promise<void> {
    await cardPresent(this.#reader(), true);
  }

  /** Resolves once the PC/SC service reports no card in this card's reader; as {@link waitPresent}. */
  async waitAbsent(): Promise<void> {
    await cardPresent(this.#reader(), false);
  }

  /** Every command APDU the card got, with its response, oldest first. */
  async trace(): Promise<TraceEntry[]> {
    return (await this.#log())?.trace ?? [];
  }

  /** The command APDUs of {@link trace}, oldest first. */
  async apduLog(): Promise<number[][]> {
    return (await this.trace()).map((entry) => entry.command);
  }

  /** A scripted card's exchanges not made yet, in order; empty once the script is done. */
  async pendingExchanges(): Promise<ScriptedExchange[]> {
    if (!("script" in this.#source)) return [];
    // Before the first insert the worker has not started: the whole script is pending.
    return (await this.#log())?.pending ?? this.#source.script.map((step) => ({ ...step }));
  }

  /**
   * The behaviour module's `inspect()`: the card's state (its memory...), a structured clone
   * taken between two APDUs; undefined when the module has no `inspect` or the card is
   * scripted. Works before the first insert too.
   */
  async inspect(): Promise<unknown> {
    const answer = await this.#request({ type: "inspect", source: this.#source });
    return answer.type === "inspected" ? answer.state : undefined;
  }

  /** The vpcd control codes the card got (01 power on, 02 reset, 04 get ATR...), oldest first. */
  async controlLog(): Promise<number[]> {
    return (await this.#log())?.controls ?? [];
  }

  /** Removes the card and terminates its worker. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      if (this.#inserted) await this.remove();
    } finally {
      this.#stopWorker(new Error("the virtual card was disposed"));
    }
  }

  #reader(): string {
    if (this.readerName === undefined) {
      throw new Error("the card's reader name is unknown: give VirtualCardOptions.readerName");
    }
    return this.readerName;
  }

  async #log(): Promise<Extract<WorkerMessage, { type: "log" }> | undefined> {
    if (this.#worker === undefined) return undefined;
    const answer = await this.#request({ type: "log" });
    return answer.type === "log" ? answer : undefined;
  }

  #startWorker(): Worker {
    const worker = new Worker(new URL("./virtual_card_worker.ts", import.meta.url), {
      type: "module",
    });
    worker.onmessage = ({ data }: MessageEvent<WorkerMessage>) => {
      if (data.type === "dropped") {
        this.#inserted = false;
        return;
      }
      const pending = this.#pending.get(data.id);
      this.#pending.delete(data.id);
      if (data.type === "failed") pending?.reject(new Error(`virtual card: ${data.message}`));
      else pending?.resolve(data);
    };
    worker.onerror = (event: ErrorEvent) => {
      // Keep a crashed worker from taking the whole test run down with it:
      // the pending request fails instead.
      event.preventDefault();
      this.#inserted = false;
      this.#stopWorker(new Error(`virtual card worker crashed: ${event.message}`));
    };
    return worker;
  }

  #stopWorker(reason: Error): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    for (const pending of this.#pending.values()) pending.reject(reason);
    this.#pending.clear();
  }

  #request(request: DistributiveOmit<WorkerRequest, "id">): Promise<WorkerMessage> {
    this.#worker ??= this.#startWorker();
    const id = this.#nextId++;
    const pending = Promise.withResolvers<WorkerMessage>();
    this.#pending.set(id, pending);
    this.#worker.postMessage({ ...request, id } as WorkerRequest);
    return pending.promise;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The worker's half of the options, checked here so that a mistake throws at the caller. */
function cardSource(options: CardOptions): CardSource {
  const { behaviour, script } = options;
  if ((behaviour === undefined) === (script === undefined)) {
    throw new TypeError("a virtual card needs exactly one of behaviour and script");
  }
  if (script !== undefined) {
    return {
      script: script.map((step, i) => ({
        command: hexBytes(step.command, `script[${i}].command`),
        response: hexBytes(step.response, `script[${i}].response`),
      })),
      mismatchResponse: hexBytes(options.mismatchResponse ?? NO_DIAGNOSIS, "mismatchResponse"),
    };
  }
  return { behaviour: behaviourUrl(behaviour!), options: options.behaviourOptions };
}

/** A URL, an absolute URL string, or a path taken from the current directory. */
function behaviourUrl(behaviour: URL | string): string {
  if (behaviour instanceof URL) return behaviour.href;
  if (URL.canParse(behaviour) && !/^[a-zA-Z]:[\\/]/.test(behaviour)) return behaviour;
  const cwd = Deno.cwd().replaceAll("\\", "/");
  return new URL(behaviour.replaceAll("\\", "/"), `file://${cwd.startsWith("/") ? "" : "/"}${cwd}/`)
    .href;
}
