/**
 * pyscard's `sample_MonitorCards.py`, ported: print the cards inserted and removed for ten
 * seconds (or as many as the first argument says).
 *
 * `deno run --allow-ffi examples/pyscard/sample_MonitorCards.ts [seconds]`
 *
 * @module
 */

import { type Card, CardMonitor, CardObserver, toHexString } from "../../mod.ts";

/** A simple card observer that prints the cards inserted and removed. */
class PrintObserver extends CardObserver {
  override update(_observable: CardMonitor, handlers: [Card[], Card[]]): void {
    const [addedcards, removedcards] = handlers;
    for (const card of addedcards) console.log("+Inserted: ", toHexString(card.atr));
    for (const card of removedcards) console.log("-Removed: ", toHexString(card.atr));
  }
}

const seconds = Number(Deno.args[0] ?? 10);
console.log("Insert or remove a smartcard in the system.");
console.log(`This program will exit in ${seconds} seconds`);
console.log("");
const cardmonitor = new CardMonitor();
const cardobserver = new PrintObserver();
cardmonitor.addObserver(cardobserver);

await new Promise((resolve) => setTimeout(resolve, seconds * 1000));

// don't forget to remove observer, or the
// monitor will wait forever...
cardmonitor.deleteObserver(cardobserver);
