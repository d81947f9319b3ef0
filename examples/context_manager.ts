/**
 * The specification's "Context Manager Usage": Python's `with` blocks are `using`
 * declarations; leaving the block disconnects and releases, errors included.
 *
 * `deno run --allow-ffi --allow-env examples/context_manager.ts`
 *
 * @module
 */

import { AnyCardType, CardRequest } from "../mod.ts";

using cardrequest = new CardRequest({ timeout: 10, cardType: new AnyCardType() });

try {
  using cardservice = await cardrequest.waitforcard();
  {
    using connection = cardservice.connection;
    // Connection automatically managed
    await connection.connect();
    const atr = connection.getATR();
    const [response, sw1, sw2] = await connection.transmit([0x00, 0xCA, 0x9F, 0x7F, 0x00]);

    console.log(`ATR: [${atr}]`);
    console.log(`Response: [${response}], Status: ${hex(sw1)} ${hex(sw2)}`);
  }
  // Connection automatically disconnected
  // Service automatically cleaned up
} catch (e) {
  console.log(`Error: ${e}`);
}

function hex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, "0");
}
