/**
 * One wait, many listeners: the readers' states as a feed that every monitor and iterator of
 * a process shares.
 *
 * @module
 */

import type { NativePcsc } from "../ffi/native.ts";
import { type ReaderReport, ReaderWatch } from "./reader_watch.ts";

/** What a feed tells its listeners. */
export interface FeedListener {
  /** Every reader's state: the first picture, then each one that differs. */
  readers(readers: readonly ReaderReport[]): void;
  /** The service lost (false) or back (true). */
  service(available: boolean): void;
  /** The watch failed for a reason it cannot ride out; the feed starts again after a pause. */
  failed(error: unknown): void;
}

// after a failure the watch could not ride out, before a new one is started
const RESTART_MS = 1000;

/**
 * Runs one {@link ReaderWatch} while it has listeners, and none without: its first listener
 * starts the wait, its last one's leaving ends it (the native wait is cancelled and the
 * context freed), so a process with no listener left has nothing pending.
 */
export class ReaderFeed {
  readonly #native: NativePcsc;
  readonly #listeners = new Set<FeedListener>();
  #latest: readonly ReaderReport[] | null = null;
  #watch: ReaderWatch | null = null;
  #running: Promise<void> | null = null;

  /** A feed over `native`, idle until its first listener; {@link feedOf} gives the shared one. */
  constructor(native: NativePcsc) {
    this.#native = native;
  }

  /** How many listen. */
  get listeners(): number {
    return this.#listeners.size;
  }

  /** The last picture of the readers, or null before the first. */
  get latest(): readonly ReaderReport[] | null {
    return this.#latest;
  }

  /**
   * Adds a listener, which gets the latest picture at once when there is one. Returns what
   * removes it again, which resolves once the wait has ended when it was the last listener.
   */
  listen(listener: FeedListener): () => Promise<void> {
    this.#listeners.add(listener);
    if (this.#latest !== null) listener.readers(this.#latest);
    this.#running ??= this.#run();
    return () => {
      if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return Promise.resolve();
      this.#latest = null;
      this.#watch?.close(new Error("no listener left"));
      return this.idle();
    };
  }

  /** Resolves once no wait runs (at once when none does): after the last listener left. */
  idle(): Promise<void> {
    return this.#running?.then(() => this.idle()) ?? Promise.resolve();
  }

  async #run(): Promise<void> {
    try {
      while (this.#listeners.size > 0) {
        const watch = new ReaderWatch(this.#native, {
          waitForService: true,
          onService: (available) => this.#each((l) => l.service(available)),
        });
        this.#watch = watch;
        try {
          let outcome = await watch.look(null, Infinity);
          while (outcome.kind === "changed") {
            this.#latest = outcome.readers;
            this.#each((l) => l.readers(outcome.kind === "changed" ? outcome.readers : []));
            if (this.#listeners.size === 0) break;
            outcome = await watch.wait(null, Infinity);
          }
        } catch (error) {
          if (this.#listeners.size === 0) break;
          this.#each((l) => l.failed(error));
          await pause(RESTART_MS, () => this.#listeners.size === 0);
        } finally {
          watch.close();
        }
      }
    } finally {
      this.#watch = null;
      this.#running = null;
      this.#latest = null;
      // a listener added while the last run was ending
      if (this.#listeners.size > 0) this.#running = this.#run();
    }
  }

  #each(tell: (listener: FeedListener) => void): void {
    for (const listener of [...this.#listeners]) {
      if (!this.#listeners.has(listener)) continue;
      try {
        tell(listener);
      } catch (error) {
        // one listener's failure must neither stop the feed nor keep news from the others
        console.error("reader feed listener threw:", error);
      }
    }
  }
}

/** Sleeps `ms`, or less once `stop` says so (checked every 50 ms). */
async function pause(ms: number, stop: () => boolean): Promise<void> {
  for (let left = ms; left > 0 && !stop(); left -= 50) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, left)));
  }
}

// one feed per PC/SC implementation: the system's, or a scripted one a test hands over
const feeds = new WeakMap<NativePcsc, ReaderFeed>();

/** The feed of `native` that every monitor and iterator on it shares. */
export function feedOf(native: NativePcsc): ReaderFeed {
  let feed = feeds.get(native);
  if (feed === undefined) feeds.set(native, feed = new ReaderFeed(native));
  return feed;
}
