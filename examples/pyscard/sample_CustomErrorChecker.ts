/**
 * pyscard's `sample_CustomErrorChecker.py`, ported: an error checker of one's own in the
 * connection's error-checking chain.
 *
 * `deno run --allow-ffi examples/pyscard/sample_CustomErrorChecker.ts`
 *
 * @module
 */

import {
  AnyCardType,
  CardRequest,
  ConsoleCardConnectionObserver,
  type ErrorChecker,
  ErrorCheckingChain,
  SWException,
} from "../../mod.ts";

/** Our custom error checker that will except if 0x61 < sw1 < 0x70. */
class MyErrorChecker implements ErrorChecker {
  check(data: number[], sw1: number, sw2: number): void {
    console.log(sw1, sw2);
    if (0x61 < sw1 && sw1 < 0x70) throw new SWException(data, sw1, sw2);
  }
}

const GET_RESPONSE = [0xA0, 0xC0, 0o0, 0o0];
const SELECT = [0xA0, 0xA4, 0x00, 0x00, 0x02];
const DF_TELECOM = [0x7F, 0x10];

async function main(): Promise<void> {
  console.log("Insert a card within 10 seconds");
  console.log("Cards without a DF_TELECOM will except");

  // request any card
  const cardtype = new AnyCardType();
  using cardrequest = new CardRequest({ timeout: 10, cardType: cardtype });
  const cardservice = await cardrequest.waitforcard();

  // our error checking chain
  let errorchain: ErrorCheckingChain[] = [];
  errorchain = [new ErrorCheckingChain([], new MyErrorChecker())];
  cardservice.connection.setErrorCheckingChain(errorchain);

  // attach the console tracer
  const observer = new ConsoleCardConnectionObserver();
  cardservice.connection.addObserver(observer);

  // send a few apdus; exceptions will occur upon errors
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
    console.log(e, `${e.sw1.toString(16)} ${e.sw2.toString(16)}`);
  }

  cardservice.connection.disconnect();
  cardservice.connection.release();
}

await main();
