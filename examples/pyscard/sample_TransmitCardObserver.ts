/**
 * pyscard's `sample_TransmitCardObserver.py`, ported: an observer that remembers the cards
 * it saw (`includes` finds them: the monitor hands out the same `Card` for as long as it
 * stays inserted), connects to each new one and SELECTs DF_TELECOM, for a hundred seconds
 * (or as many as the first argument says).
 *
 * `deno run --allow-ffi examples/pyscard/sample_TransmitCardObserver.ts [seconds]`
 *
 * @module
 */

import { type Card, CardMonitor, CardObserver, toHexString } from "../../mod.ts";

const SELECT_DF_TELECOM = [0xA0, 0xA4, 0x00, 0x00, 0x02, 0x7F, 0x10];

/** Connects to each card inserted and SELECTs DF_TELECOM. */
class transmitobserver extends CardObserver {
  cards: Card[] = [];

  override async update(_observable: CardMonitor, handlers: [Card[], Card[]]): Promise<void> {
    const [addedcards, removedcards] = handlers;
    for (const card of addedcards) {
      if (!this.cards.includes(card)) {
        this.cards.push(card);
        console.log("+Inserted: ", toHexString(card.atr));
        using connection = card.createConnection();
        await connection.connect();
        const [_response, sw1, sw2] = await connection.transmit(SELECT_DF_TELECOM);
        const hex = (b: number) => b.toString(16).padStart(2, "0");
        console.log(`${hex(sw1)} ${hex(sw2)}`);
        connection.disconnect();
        connection.release();
      }
    }

    for (const card of removedcards) {
      console.log("-Removed: ", toHexString(card.atr));
      if (this.cards.includes(card)) this.cards.splice(this.cards.indexOf(card), 1);
    }
  }
}

const seconds = Number(Deno.args[0] ?? 100);
console.log("Insert or remove a smartcard in the system.");
console.log(`This program will exit in ${seconds} seconds`);
console.log("");
using cardmonitor = new CardMonitor();
const cardobserver = new transmitobserver();
cardmonitor.addObserver(cardobserver);

await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
