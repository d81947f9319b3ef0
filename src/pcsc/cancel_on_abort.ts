/**
 * Ending a native call that is running on the blocking pool: the one way to do it is the
 * library's own cancel, sent until the call has settled.
 *
 * @module
 */

// Sent again at this interval until the call settles: a cancel that reaches the service
// before the call has started waiting is lost (pcsc-lite, 39 of 40 times measured).
const CANCEL_REPEAT_MS = 10;

/** Calls `cancel` at once and every 10 ms until `running` settles. */
export function cancelUntilSettled(running: Promise<unknown>, cancel: () => void): void {
  cancel();
  const timer = setInterval(cancel, CANCEL_REPEAT_MS);
  running.finally(() => clearInterval(timer)).catch(() => {});
}

/**
 * Waits for `running`; once `signal` aborts (or if it already has), cancels it with
 * {@link cancelUntilSettled}. Resolves or rejects as `running` does: what a cancelled call
 * returns is the caller's to read.
 */
export async function cancelOnAbort<T>(
  running: Promise<T>,
  signal: AbortSignal | undefined,
  cancel: () => void,
): Promise<T> {
  if (signal === undefined) return await running;
  let cancelling = false;
  const onAbort = (): void => {
    if (cancelling) return;
    cancelling = true;
    cancelUntilSettled(running, cancel);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await running;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
