/**
 * Waiting for a state the test cannot be told of by an event of its own (an observer's list
 * growing, the scripted service's pending waits, a virtual card's log): the one helper the
 * tests use for it. The condition is looked at again every {@link POLL_MS}; how long that takes
 * decides nothing but the time-out's message.
 *
 * @module
 */

/** How often the condition is looked at. */
const POLL_MS = 10;

/**
 * Resolves once `check` holds; rejects naming `what` after `timeoutMs` (a bug, not a
 * slow machine: the default is far above anything the tests wait for).
 */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number = 10_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!await check()) {
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
