/**
 * The specification's "Basic Card Request": wait for any card, then use its service.
 *
 * `deno run --allow-ffi --allow-env examples/basic_card_request.ts`
 *
 * @module
 */

import { AnyCardType, CardRequest } from "../mod.ts";

// Wait for any card insertion
const cardtype = new AnyCardType();
using cardrequest = new CardRequest({ timeout: 10, cardType: cardtype });

try {
  const cardservice = await cardrequest.waitforcard();
  console.log("Card inserted!");

  // Use the card service
  {
    using service = cardservice;
    const connection = service.connection;
    await connection.connect();
    const atr = connection.getATR();
    console.log(`ATR: ${atr.map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ")}`);

    // Send APDU
    const [response, sw1, sw2] = await connection.transmit([0x00, 0xA4, 0x04, 0x00]);
    console.log(`Response: [${response}], SW: ${hex(sw1)} ${hex(sw2)}`);
  }
} catch (e) {
  console.log(`Card request failed: ${e}`);
}

function hex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, "0");
}
