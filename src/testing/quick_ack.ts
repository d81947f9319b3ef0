/**
 * The quick-ACK route to the virtual cards. vpcd writes length and payload
 * separately with Nagle on, so without quick ACKs on the card's socket every
 * APDU waits ~40 ms for a delayed ACK: where the loopback address
 * {@link QUICKACK_HOST} has a route with `quickack 1`, cards connect there.
 * Adding the route changes the host, so the kit only looks for it; the
 * project's runner, demo and bench add it for their run (`tests/support/quick_ack.ts`).
 *
 * @module
 */

import { run } from "./command.ts";

/** The loopback address given a quick-ACK route. */
export const QUICKACK_HOST = "127.0.0.77";

/** Whether {@link QUICKACK_HOST} has its quick-ACK route. */
export async function hasQuickAckRoute(): Promise<boolean> {
  const shown = await run("ip", ["route", "show", "table", "local", "exact", QUICKACK_HOST]);
  return shown.ok && /\bquickack 1\b/.test(shown.stdout);
}
