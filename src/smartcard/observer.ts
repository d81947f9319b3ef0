/**
 * pyscard's `smartcard.Observer`: the observer pattern the monitors and connections are built
 * on, with the same methods and the same rules.
 *
 * @module
 */

/** What an {@link Observable} can tell: anything with pyscard's `update(observable, handlers)`. */
export interface ObserverLike<A> {
  /** Called with the observable and what it passed to `notifyObservers`. */
  update(observable: never, handlers: A): void;
}

/**
 * The base of observers (pyscard's `Observer`): `update` does nothing until a subclass says
 * what to do.
 *
 * @example
 * ```ts
 * import { Observable, Observer } from "@pcsc/smartcard";
 * class Printer extends Observer<string> {
 *   override update(_observable: Observable<string>, handlers: string): void {
 *     console.log(handlers);
 *   }
 * }
 * const observable = new Observable<string>();
 * observable.addObserver(new Printer());
 * observable.setChanged();
 * observable.notifyObservers("hello");
 * ```
 */
export class Observer<A = unknown> {
  /**
   * Called when the observed object has changed and calls `notifyObservers`.
   * @param _observable the object observed
   * @param _handlers what it passed to `notifyObservers`
   */
  update(_observable: Observable<A>, _handlers: A): void {}
}

/**
 * The base of observable objects (pyscard's `Observable`): a list of observers, each added
 * once, and a "changed" flag; `notifyObservers` tells them only when the flag is set, then
 * clears it.
 *
 * Every observer registered when `notifyObservers` starts is told, even one another observer
 * removes meanwhile, as pyscard's copy of the list guarantees. What an observer throws goes
 * to the caller, as in pyscard; the monitors and connections of this module log it instead
 * (see {@link Observable.updateObserver}), so that one observer cannot silence the others.
 */
export class Observable<A = unknown, O extends ObserverLike<A> = Observer<A>> {
  #observers: O[] = [];
  #changed = false;

  /** Adds an observer; adding one already there does nothing. */
  addObserver(observer: O): void {
    if (!observer || typeof observer.update !== "function") {
      throw new TypeError("observer must have an update(observable, handlers) method");
    }
    if (!this.#observers.includes(observer)) this.#observers = [...this.#observers, observer];
  }

  /**
   * Removes an observer.
   * @throws {RangeError} when it is not there (pyscard's `ValueError`, "x not in list")
   */
  deleteObserver(observer: O): void {
    const at = this.#observers.indexOf(observer);
    if (at < 0) throw new RangeError("deleteObserver: x not in list");
    this.#observers = this.#observers.toSpliced(at, 1);
  }

  /** Removes every observer. */
  deleteObservers(): void {
    this.#observers = [];
  }

  /**
   * When {@link hasChanged}, clears the flag and calls every observer's
   * `update(this, handlers)`, in the order they were added; otherwise does nothing.
   */
  notifyObservers(handlers?: A): void {
    if (!this.#changed) return;
    const observers = this.#observers;
    this.#changed = false;
    for (const observer of observers) this.updateObserver(observer, handlers as A);
  }

  /** Sets the "changed" flag. */
  setChanged(): void {
    this.#changed = true;
  }

  /** Clears the "changed" flag. */
  clearChanged(): void {
    this.#changed = false;
  }

  /** Whether the "changed" flag is set. */
  hasChanged(): boolean {
    return this.#changed;
  }

  /** How many observers there are. */
  countObservers(): number {
    return this.#observers.length;
  }

  /** Calls one observer's `update`; a subclass may guard it. */
  protected updateObserver(observer: O, handlers: A): void {
    (observer.update as (observable: unknown, handlers: A) => void).call(observer, this, handlers);
  }
}
