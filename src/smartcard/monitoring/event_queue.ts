/**
 * The async iterator behind `watchCards` and `watchReaders`: values pushed by the feed,
 * taken by a consumer at its own pace.
 *
 * @module
 */

/**
 * A queue read with `for await`. A slow consumer loses nothing: what arrives meanwhile
 * waits, merged into the last waiting value where `merge` allows (never across a change of
 * the same reader, so nothing is reordered). `return()` (a `break`) and the signal end it
 * and call `onEnd` once, which stops what feeds it.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  readonly #waiting: T[] = [];
  #taker: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null;
  #ended = false;
  #failure: { reason: unknown } | null = null;
  readonly #merge: (last: T, next: T) => T | null;
  readonly #onEnd: () => Promise<void> | void;
  #ending: Promise<void> | null = null;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.#end({ reason: this.#signal!.reason });

  /**
   * Creates an `EventQueue`.
   * @param merge the two values as one, or null where they must stay apart
   * @param onEnd called once when the queue ends; `return()` resolves once its promise has
   * @param signal ends the queue: a pending or later `next()` rejects with its reason
   */
  constructor(
    merge: (last: T, next: T) => T | null,
    onEnd: () => Promise<void> | void,
    signal?: AbortSignal,
  ) {
    this.#merge = merge;
    this.#onEnd = onEnd;
    this.#signal = signal;
    if (signal?.aborted) this.#end({ reason: signal.reason });
    else signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** Adds a value (nothing once ended). */
  push(value: T): void {
    if (this.#ended) return;
    if (this.#taker) {
      const { resolve } = this.#taker;
      this.#taker = null;
      resolve({ value, done: false });
      return;
    }
    const last = this.#waiting.at(-1);
    const merged = last === undefined ? null : this.#merge(last, value);
    if (merged === null) this.#waiting.push(value);
    else this.#waiting[this.#waiting.length - 1] = merged;
  }

  /** The next value, once there is one. */
  next(): Promise<IteratorResult<T>> {
    if (this.#waiting.length > 0) {
      return Promise.resolve({ value: this.#waiting.shift()!, done: false });
    }
    if (this.#failure) return Promise.reject(this.#failure.reason);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.#taker = { resolve, reject });
  }

  /** Ends the iteration (what `break` calls); resolves once what fed it has stopped. */
  async return(): Promise<IteratorResult<T>> {
    this.#end(null);
    await this.#ending;
    return { value: undefined, done: true };
  }

  /** Itself: it is its own iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  #end(failure: { reason: unknown } | null): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#waiting.length = 0;
    this.#failure = failure;
    const taker = this.#taker;
    this.#taker = null;
    if (taker && failure) taker.reject(failure.reason);
    else taker?.resolve({ value: undefined, done: true });
    this.#ending = Promise.resolve(this.#onEnd());
  }
}
