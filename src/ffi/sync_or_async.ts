/**
 * One definition per operation, blocking or not: a call made with a blocking native function
 * gives its value, the same call on Deno's blocking pool gives a promise of it, and the code
 * around it is written once for both.
 *
 * @module
 */

/** What a call gives: the value itself when it blocked, a promise of it otherwise. */
export type SyncOrAsync<T> = T | Promise<T>;

/** `then` applied to the value now, or once the promise has resolved. */
export function andThen<T, U>(value: SyncOrAsync<T>, then: (value: T) => U): SyncOrAsync<U> {
  return value instanceof Promise ? value.then(then) : then(value);
}

/**
 * Runs `run`; whatever it throws, now or as a rejection, goes to `handle`, whose value (or
 * throw) stands instead.
 */
export function recovered<T>(
  run: () => SyncOrAsync<T>,
  handle: (error: unknown) => T,
): SyncOrAsync<T> {
  let value: SyncOrAsync<T>;
  try {
    value = run();
  } catch (error) {
    return handle(error);
  }
  return value instanceof Promise ? value.catch(handle) : value;
}

/** Runs `run`; whatever it throws, now or as a rejection, is replaced by `fail(error)`. */
export function guarded<T>(
  run: () => SyncOrAsync<T>,
  fail: (error: unknown) => unknown,
): SyncOrAsync<T> {
  return recovered(run, (error) => {
    throw fail(error);
  });
}
