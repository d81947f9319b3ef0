/**
 * The calls the library under test makes to the real PC/SC library, for integration tests that
 * must know a call has been made before they act: a wait has gone to pcscd, a context was tried
 * while the service was down, an APDU waits in the PC/SC client behind a transaction.
 *
 * The system's native interface is shared by every layer, so it is wrapped in place (each
 * function, and those of the card I/O objects it hands out) while the spy lives, and put back
 * on dispose. Calls are counted by function name (`getStatusChange`, `establishContext`,
 * `transmit`...).
 *
 * @module
 */

import { type NativePcsc, SYSTEM_PCSC } from "../../src/ffi/native.ts";

type AnyFunction = (...args: unknown[]) => unknown;

/** See the module comment. */
export class NativeCalls implements Disposable {
  readonly #native: NativePcsc;
  readonly #originals = new Map<string, unknown>();
  readonly #made = new Map<string, number>();
  readonly #failed = new Map<string, number>();
  readonly #pending = new Map<string, number>();
  #waits = 0;
  #pendingWaits = 0;

  /** Starts counting the calls made to `native` (default: the system's PC/SC). */
  constructor(native: NativePcsc = SYSTEM_PCSC) {
    this.#native = native;
    const target = native as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(native)) {
      if (typeof value !== "function") continue;
      this.#originals.set(name, value);
      target[name] = this.#wrap(name, value as AnyFunction, native);
    }
  }

  /** How many calls of `name` were made. */
  count(name: string): number {
    return this.#made.get(name) ?? 0;
  }

  /** How many calls of `name` threw or rejected. */
  failed(name: string): number {
    return this.#failed.get(name) ?? 0;
  }

  /** How many calls of `name` made on the blocking pool have not settled. */
  pending(name: string): number {
    return this.#pending.get(name) ?? 0;
  }

  /** SCardGetStatusChange calls that wait (a time-out other than 0) made so far. */
  get waits(): number {
    return this.#waits;
  }

  /** SCardGetStatusChange calls that wait and have not returned: each is in the service. */
  get pendingWaits(): number {
    return this.#pendingWaits;
  }

  /** Puts the native interface back as it was. */
  [Symbol.dispose](): void {
    const target = this.#native as unknown as Record<string, unknown>;
    for (const [name, original] of this.#originals) target[name] = original;
  }

  #wrap(name: string, original: AnyFunction, self: object): AnyFunction {
    const bump = (counts: Map<string, number>, by: number) =>
      counts.set(name, (counts.get(name) ?? 0) + by);
    return (...args: unknown[]): unknown => {
      bump(this.#made, 1);
      // getStatusChange(context, timeoutMs, states): a wait unless the time-out is 0
      const wait = name === "getStatusChange" && args[1] !== 0;
      if (wait) this.#waits++;
      let result: unknown;
      try {
        result = original.apply(self, args);
      } catch (error) {
        bump(this.#failed, 1);
        throw error;
      }
      if (name === "cardIo") return this.#wrapMethods(result as object);
      if (!(result instanceof Promise)) return result;
      bump(this.#pending, 1);
      if (wait) this.#pendingWaits++;
      return result.then(
        (value) => value,
        (error) => {
          bump(this.#failed, 1);
          throw error;
        },
      ).finally(() => {
        bump(this.#pending, -1);
        if (wait) this.#pendingWaits--;
      });
    };
  }

  /** The card I/O object's calls (transmit, control, getAttrib), counted too. */
  #wrapMethods(object: object): object {
    const target = object as Record<string, unknown>;
    for (let proto = Object.getPrototypeOf(object); proto && proto !== Object.prototype;) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        const value = target[name];
        if (name === "constructor" || typeof value !== "function") continue;
        if (Object.hasOwn(target, name)) continue;
        target[name] = this.#wrap(name, value as AnyFunction, object);
      }
      proto = Object.getPrototypeOf(proto);
    }
    return object;
  }
}
