/**
 * A call the test makes fail ({@link CallControl.failNext}) or keep pending until it lets go
 * ({@link CallControl.hold}), and the way a call settles: at once when blocking, on a later turn
 * of the event loop when made on the blocking pool, as a real nonblocking FFI call does.
 *
 * @module
 */

import type { SyncOrAsync } from "../../../src/ffi/sync_or_async.ts";
import type { PcscError } from "../../../src/ffi/pcsc_error.ts";

/** See the module comment. */
export class CallControl {
  readonly #failures = new Map<string, number[]>();
  readonly #holds = new Map<string, Promise<void>[]>();
  readonly #held = new Map<string, number>();
  readonly #error: (call: string, code: number) => PcscError;

  /** `error` makes the failure a call is told to have. */
  constructor(error: (call: string, code: number) => PcscError) {
    this.#error = error;
  }

  /** The next call of `call` (e.g. "SCardTransmit") fails with `code`, once. */
  failNext(call: string, code: number): void {
    const list = this.#failures.get(call) ?? [];
    list.push(code);
    this.#failures.set(call, list);
  }

  /**
   * The next call of `call` made on the blocking pool stays pending until the returned
   * function is called: for tests of what happens meanwhile.
   */
  hold(call: string): () => void {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => release = resolve);
    const list = this.#holds.get(call) ?? [];
    list.push(gate);
    this.#holds.set(call, list);
    return release;
  }

  /** How many calls of `call` wait at a hold now. */
  held(call: string): number {
    return this.#held.get(call) ?? 0;
  }

  /** Throws the failure the test asked of the next `call`, if any. */
  failIfTold(call: string): void {
    const code = this.#failures.get(call)?.shift();
    if (code !== undefined) throw this.#error(call, code);
  }

  /**
   * Runs a call now (blocking) or as a nonblocking call would: on a later turn of the
   * event loop, after any hold the test placed on it.
   */
  settle<T>(blocking: boolean, call: string, run: () => T): SyncOrAsync<T> {
    if (blocking) {
      this.failIfTold(call);
      return run();
    }
    return (async () => {
      await this.turn(call);
      this.failIfTold(call);
      return run();
    })();
  }

  /** A later turn of the event loop, and the end of the test's hold on `call`, if any. */
  async turn(call: string): Promise<void> {
    const gate = this.#holds.get(call)?.shift();
    // the turn a nonblocking FFI call takes to come back, not a wait for time
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (!gate) return;
    this.#held.set(call, this.held(call) + 1);
    await gate;
    this.#held.set(call, this.held(call) - 1);
  }
}
