/**
 * Cards coming and going as an async iterable: `for await`, ended by a signal.
 *
 * `deno run --allow-ffi --allow-env examples/watch_cards.ts [SECONDS]` (default: 60)
 *
 * @module
 */

import { watchCards } from "../mod.ts";

const seconds = Number(Deno.args[0] ?? 60);
const signal = AbortSignal.timeout(seconds * 1000);
try {
  for await (const { inserted, removed, service } of watchCards({ signal })) {
    if (service) console.log(`service ${service}`);
    for (const card of removed) console.log(`removed  ${card}`);
    for (const card of inserted) console.log(`inserted ${card}`);
  }
} catch (error) {
  // the time-out is how this example ends
  if (!(error instanceof DOMException && error.name === "TimeoutError")) throw error;
}
console.log("done");
