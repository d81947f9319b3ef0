/**
 * The TCP ports of the virtual readers. vpcd listens on the port its reader.conf entry names,
 * and a fixed port would clash with a second run on the same machine or a port some service
 * holds, so each stack takes a pair that is free when it starts.
 *
 * @module
 */

/**
 * Two consecutive TCP ports that nothing listens on now, below Linux's
 * ephemeral range (32768+) so that no outgoing connection holds one later.
 */
export function freePortPair(): number[] {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 6_000);
    const listeners: Deno.Listener[] = [];
    try {
      for (const port of [base, base + 1]) {
        listeners.push(Deno.listen({ hostname: "0.0.0.0", port }));
      }
      return [base, base + 1];
    } catch {
      // taken: try another pair
    } finally {
      for (const listener of listeners) listener.close();
    }
  }
  throw new Error("no free pair of TCP ports");
}
