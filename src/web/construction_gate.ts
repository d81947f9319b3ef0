/**
 * The Web API's interfaces have no constructor a page can call (`new SmartCardContext()` is
 * a `TypeError` in a browser), yet the module makes them: a gate hands the maker's values to
 * the one constructor call it opens.
 *
 * @module
 */

/** Hands `T` from a factory to the constructor it calls; anyone else's call gets nothing. */
export class ConstructionGate<T> {
  #pending: T | undefined;

  /** Runs `construct` with `init` for the constructor to {@link take}. */
  open<R>(init: T, construct: () => R): R {
    this.#pending = init;
    try {
      return construct();
    } finally {
      this.#pending = undefined;
    }
  }

  /**
   * The constructor's values, once.
   * @throws TypeError "Illegal constructor" when no factory opened the gate
   */
  take(): T {
    const init = this.#pending;
    this.#pending = undefined;
    if (init === undefined) throw new TypeError("Illegal constructor");
    return init;
  }
}
