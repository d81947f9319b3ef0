/**
 * pyscard's `sample_apduTracerInterpreter.py`, ported: an observer of one's own that
 * prints SELECT and GET RESPONSE by name.
 *
 * `deno run --allow-ffi examples/pyscard/sample_apduTracerInterpreter.ts`
 *
 * @module
 */

import {
  AnyCardType,
  type CardConnection,
  type CardConnectionEvent,
  CardConnectionObserver,
  CardRequest,
  toHexString,
} from "../../mod.ts";

/** Interprets SELECT and GET RESPONSE bytes, replacing them with a human readable string. */
class TracerAndSELECTInterpreter extends CardConnectionObserver {
  override update(observable: CardConnection, handlers: CardConnectionEvent): void {
    if ("connect" === handlers.type) {
      console.log("connecting to " + observable.getReader());
    } else if ("disconnect" === handlers.type) {
      console.log("disconnecting from " + observable.getReader());
    } else if ("release" === handlers.type) {
      console.log("release from " + observable.getReader());
    } else if ("command" === handlers.type) {
      let output_str = toHexString(handlers.args[0] as number[]);
      output_str = output_str.replace("A0 A4 00 00 02", "SELECT");
      output_str = output_str.replace("A0 C0 00 00", "GET RESPONSE");
      console.log(">", output_str);
    } else if ("response" === handlers.type) {
      const [_sw1, _sw2] = handlers.args.slice(-2) as number[];
      const hex = (b: number) => b.toString(16).toUpperCase().padStart(2, "0");
      const SW = `${hex(_sw1)} ${hex(_sw2)}`;
      const data = handlers.args[0] as number[];
      if (data.length === 0) console.log("<  []", SW);
      else console.log("<", toHexString(data), SW);
    } else {
      console.log("Unknown event:", handlers.type);
    }
  }
}

const GET_RESPONSE = [0xA0, 0xC0, 0o0, 0o0];
const SELECT = [0xA0, 0xA4, 0x00, 0x00, 0x02];
const DF_TELECOM = [0x7F, 0x10];

const cardtype = new AnyCardType();
using cardrequest = new CardRequest({ timeout: 10, cardType: cardtype });
const cardservice = await cardrequest.waitforcard();

const observer = new TracerAndSELECTInterpreter();
cardservice.connection.addObserver(observer);

await cardservice.connection.connect();

let apdu = [...SELECT, ...DF_TELECOM];
let [_response, sw1, sw2] = await cardservice.connection.transmit(apdu);
if (sw1 === 0x9F) {
  apdu = [...GET_RESPONSE, sw2];
  [_response, sw1, sw2] = await cardservice.connection.transmit(apdu);
} else {
  console.log("no DF_TELECOM");
}

cardservice.connection.disconnect();
cardservice.connection.release();
