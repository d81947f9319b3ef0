/**
 * pyscard's `sample_ExclusiveCardConnection.py`, ported: an exclusive connection, and a
 * transaction (lock, unlock) around the exchange.
 *
 * `deno run --allow-ffi examples/pyscard/sample_ExclusiveCardConnection.ts`
 *
 * @module
 */

import {
  AnyCardType,
  CardRequest,
  ConsoleCardConnectionObserver,
  ExclusiveConnectCardConnection,
  ExclusiveTransmitCardConnection,
  toHexString,
} from "../../mod.ts";

const GET_RESPONSE = [0xA0, 0xC0, 0o0, 0o0];
const SELECT = [0xA0, 0xA4, 0x00, 0x00, 0x02];
const DF_TELECOM = [0x7F, 0x10];

const cardtype = new AnyCardType();
using cardrequest = new CardRequest({ timeout: 5, cardType: cardtype });
const cardservice = await cardrequest.waitforcard();

const observer = new ConsoleCardConnectionObserver();
cardservice.connection.addObserver(observer);

const connection = new ExclusiveTransmitCardConnection(
  new ExclusiveConnectCardConnection(cardservice.connection),
);
cardservice.connection = connection;

await cardservice.connection.connect();

console.log("ATR", toHexString(cardservice.connection.getATR()));

try {
  // lock for initiating transaction
  await connection.lock();

  let apdu = [...SELECT, ...DF_TELECOM];
  let [_response, sw1, sw2] = await cardservice.connection.transmit(apdu);

  if (sw1 === 0x9F) {
    apdu = [...GET_RESPONSE, sw2];
    [_response, sw1, sw2] = await cardservice.connection.transmit(apdu);
  }
} finally {
  // unlock connection at the end of the transaction
  connection.unlock();

  cardservice.connection.disconnect();
  cardservice.connection.release();
}
