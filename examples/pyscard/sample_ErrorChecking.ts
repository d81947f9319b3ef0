/**
 * pyscard's `sample_ErrorChecking.py`, ported: ISO 7816-4, -8 and -9 error checkers in a
 * chain, warnings filtered out.
 *
 * `deno run --allow-ffi examples/pyscard/sample_ErrorChecking.ts`
 *
 * @module
 */

import {
  AnyCardType,
  CardRequest,
  ConsoleCardConnectionObserver,
  ErrorCheckingChain,
  ISO7816_4ErrorChecker,
  ISO7816_8ErrorChecker,
  ISO7816_9ErrorChecker,
  SWException,
  WarningProcessingException,
} from "../../mod.ts";

const GET_RESPONSE = [0xA0, 0xC0, 0o0, 0o0];
const SELECT = [0xA0, 0xA4, 0x00, 0x00, 0x02];
const DF_TELECOM = [0x7F, 0x10];

console.log("Insert a card within 10 seconds");
console.log("Cards without a DF_TELECOM will except");

// request any card type
const cardtype = new AnyCardType();
using cardrequest = new CardRequest({ timeout: 10, cardType: cardtype });
const cardservice = await cardrequest.waitforcard();

// use ISO7816-4 and ISO7816-8 error checking strategy
// first check iso7816_8 errors, then iso7816_4 errors
let errorchain: ErrorCheckingChain[] = [];
errorchain = [new ErrorCheckingChain(errorchain, new ISO7816_9ErrorChecker())];
errorchain = [new ErrorCheckingChain(errorchain, new ISO7816_8ErrorChecker())];
errorchain = [new ErrorCheckingChain(errorchain, new ISO7816_4ErrorChecker())];
cardservice.connection.setErrorCheckingChain(errorchain);

// filter Warning Processing Exceptions (sw1 = 0x62 or 0x63)
cardservice.connection.addSWExceptionToFilter(WarningProcessingException);

// attach the console tracer
const observer = new ConsoleCardConnectionObserver();
cardservice.connection.addObserver(observer);

// connect to the card and perform a few transmits
await cardservice.connection.connect();

try {
  let apdu = [...SELECT, ...DF_TELECOM];
  let [_response, sw1, sw2] = await cardservice.connection.transmit(apdu);

  if (sw1 === 0x9F) {
    apdu = [...GET_RESPONSE, sw2];
    [_response, sw1, sw2] = await cardservice.connection.transmit(apdu);
  }
} catch (e) {
  if (!(e instanceof SWException)) throw e;
  console.log(e);
}

cardservice.connection.disconnect();
cardservice.connection.release();
