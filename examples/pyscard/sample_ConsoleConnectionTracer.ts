/**
 * pyscard's `sample_ConsoleConnectionTracer.py`, ported: trace the APDUs of a connection on
 * the console.
 *
 * `deno run --allow-ffi examples/pyscard/sample_ConsoleConnectionTracer.ts`
 *
 * @module
 */

import { AnyCardType, CardRequest, ConsoleCardConnectionObserver } from "../../mod.ts";

const GET_RESPONSE = [0xA0, 0xC0, 0o0, 0o0];
const SELECT = [0xA0, 0xA4, 0x00, 0x00, 0x02];
const DF_TELECOM = [0x7F, 0x10];

const cardtype = new AnyCardType();
using cardrequest = new CardRequest({ timeout: 1.5, cardType: cardtype });
const cardservice = await cardrequest.waitforcard();

const observer = new ConsoleCardConnectionObserver();
cardservice.connection.addObserver(observer);

await cardservice.connection.connect();

let apdu = [...SELECT, ...DF_TELECOM];
let [_response, sw1, sw2] = await cardservice.connection.transmit(apdu);

if (sw1 === 0x9F) {
  apdu = [...GET_RESPONSE, sw2];
  [_response, sw1, sw2] = await cardservice.connection.transmit(apdu);
}

cardservice.connection.disconnect();
cardservice.connection.release();
