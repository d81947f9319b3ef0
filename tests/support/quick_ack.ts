/**
 * Adding and removing the quick-ACK route that the testing kit looks for
 * (`src/testing/quick_ack.ts` says why it matters). Adding a route changes the
 * host, so the runner, the demo and the bench add it for their run and remove
 * it after, only when they were the ones to add it.
 *
 * @module
 */

import { run } from "../../src/testing/command.ts";
import { hasQuickAckRoute, QUICKACK_HOST } from "../../src/testing/quick_ack.ts";

/**
 * Adds the quick-ACK route when it is missing and this process may (root,
 * iproute2). Returns the host cards should use, whether this call added the
 * route (then call {@link removeQuickAckRoute} when done) and, when the host is
 * the slow 127.0.0.1, why.
 */
export async function ensureQuickAckRoute(): Promise<
  { host: string; added: boolean; why?: string }
> {
  if (await hasQuickAckRoute()) return { host: QUICKACK_HOST, added: false };
  const added = await run("ip", [
    ...["route", "add", "local", QUICKACK_HOST, "dev", "lo", "table", "local", "quickack", "1"],
  ]);
  if (added.ok && await hasQuickAckRoute()) return { host: QUICKACK_HOST, added: true };
  return {
    host: "127.0.0.1",
    added: false,
    why: `no quick-ACK route (${added.stderr.trim() || "ip failed"})`,
  };
}

/**
 * Removes the route {@link ensureQuickAckRoute} added, leaving the host as it
 * was. Call it only when that call said `added: true` (a route that was there
 * before belongs to someone else). Never throws: a failure is printed.
 */
export async function removeQuickAckRoute(): Promise<void> {
  if (!await hasQuickAckRoute()) return;
  const removed = await run("ip", [
    ...["route", "del", "local", QUICKACK_HOST, "dev", "lo", "table", "local"],
  ]);
  if (!removed.ok) {
    console.error(
      `could not remove the quick-ACK route to ${QUICKACK_HOST}: ` +
        `${removed.stderr.trim() || "ip failed"}`,
    );
  }
}
