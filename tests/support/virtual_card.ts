/**
 * A virtual smart card for a vpcd reader, served from its own Worker.
 *
 * @module
 */

import type { WorkerMessage, WorkerRequest } from "./virtual_card_worker.ts";

/**
 * The largest payload vpcd carries in one message (16-bit length). A longer
 * command APDU makes vpcd drop the card; a longer response is replaced by the
 * worker with SW 6F 00.
 */
export const MAX_VPCD_MESSAGE = 0xffff;

/** The behaviour used when none is given: `tests/cards/test_card.ts`. */
export const DEFAULT_BEHAVIOUR: URL = new URL("../cards/test_card.ts", import.meta.url);

/** Where and what a {@link VirtualCard} is. */
export interface VirtualCardOptions {
  /** Answered to vpcd's GET ATR. */
  readonly atr: readonly number[];
  /** The vpcd reader's address. */
  readonly host: string;
  /** The vpcd reader's TCP port. */
  readonly port: number;
  /**
   * A module exporting `handle(apdu: Uint8Array): Uint8Array` and optionally
   * `reset(): void` (see `CardBehaviour`); default {@link DEFAULT_BEHAVIOUR}.
   * Its state lives in the worker, so it survives remove/insert.
   */
  readonly behaviour?: URL | string;
}

/**
 * A card that is inserted by connecting to a vpcd reader's port and removed by
 * closing the connection. pcscd notices either by polling, up to ~0.4 s later.
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
  readonly #behaviour: string;
  #worker: Worker | undefined;
  #inserted = false;
  #disposed = false;
  #nextId = 1;
  readonly #pending = new Map<number, PromiseWithResolvers<WorkerMessage>>();

  /** Makes the card; it is not inserted yet and no worker runs until {@link insert}. */
  constructor(options: VirtualCardOptions) {
    this.atr = [...options.atr];
    this.host = options.host;
    this.port = options.port;
    this.#behaviour = String(options.behaviour ?? DEFAULT_BEHAVIOUR);
  }

  /** Whether the card is connected to its reader (false once the reader drops it). */
  get inserted(): boolean {
    return this.#inserted;
  }

  /** Inserts the card: resolves once it is connected to the reader's port. */
  async insert(): Promise<void> {
    if (this.#disposed) throw new Error("the virtual card is disposed");
    if (this.#inserted) throw new Error("the virtual card is already inserted");
    await this.#request({
      type: "insert",
      host: this.host,
      port: this.port,
      atr: this.atr,
      behaviour: this.#behaviour,
    });
    this.#inserted = true;
  }

  /** Removes the card: resolves once its connection is closed. Idempotent. */
  async remove(): Promise<void> {
    if (this.#worker === undefined) return;
    await this.#request({ type: "remove" });
    this.#inserted = false;
  }

  /** The command APDUs the card received, oldest first. */
  async apduLog(): Promise<number[][]> {
    if (this.#worker === undefined) return [];
    const answer = await this.#request({ type: "log" });
    return answer.type === "log" ? answer.apdus : [];
  }

  /** The vpcd control codes the card received (01 power on, 04 get ATR...), oldest first. */
  async controlLog(): Promise<number[]> {
    if (this.#worker === undefined) return [];
    const answer = await this.#request({ type: "log" });
    return answer.type === "log" ? answer.controls : [];
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
