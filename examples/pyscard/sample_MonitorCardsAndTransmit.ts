/**
 * pyscard's `sample_MonitorCardsAndTransmit.py`, ported: an observer that connects to each
 * card inserted and SELECTs DF_TELECOM, for sixty seconds (or as many as the first argument
 * says).
 *
 * `deno run --allow-ffi examples/pyscard/sample_MonitorCardsAndTransmit.ts [seconds]`
 *
 * @module
 */

import {
  type Card,
  CardMonitor,
  CardObserver,
  ConsoleCardConnectionObserver,
  toHexString,
} from "../../mod.ts";

const GET_RESPONSE = [0xA0, 0xC0, 0o0, 0o0];
const SELECT = [0xA0, 0xA4, 0x00, 0x00, 0x02];
const DF_TELECOM = [0x7F, 0x10];

/** Connects to each card inserted, SELECTs DF_TELECOM, traced on the console. */
class selectDFTELECOMObserver extends CardObserver {
  observer = new ConsoleCardConnectionObserver();

  override async update(_observable: CardMonitor, handlers: [Card[], Card[]]): Promise<void> {
    const [addedcards, removedcards] = handlers;
    for (const card of addedcards) {
      console.log("+Inserted: ", toHexString(card.atr));
      using connection = card.createConnection();
      await connection.connect();
      connection.addObserver(this.observer);
      let apdu = [...SELECT, ...DF_TELECOM];
      let [_response, sw1, sw2] = await connection.transmit(apdu);
      if (sw1 === 0x9F) {
        apdu = [...GET_RESPONSE, sw2];
        [_response, sw1, sw2] = await connection.transmit(apdu);
      }
      connection.disconnect();
      connection.release();
    }

    for (const card of removedcards) console.log("-Removed: ", toHexString(card.atr));
  }
}

const seconds = Number(Deno.args[0] ?? 60);
console.log("Insert or remove a SIM card in the system.");
console.log(`This program will exit in ${seconds} seconds`);
console.log("");
const cardmonitor = new CardMonitor();
const selectobserver = new selectDFTELECOMObserver();
cardmonitor.addObserver(selectobserver);

await new Promise((resolve) => setTimeout(resolve, seconds * 1000));

// don't forget to remove observer, or the
// monitor will wait forever...
cardmonitor.deleteObserver(selectobserver);
