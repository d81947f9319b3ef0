/**
 * pyscard's `sample_CardConnectionDecorator.py`, ported: decorators that change what a
 * connection does (a mock secure channel, an ATR rewritten), nested, and put in place of the
 * service's connection.
 *
 * `deno run --allow-ffi examples/pyscard/sample_CardConnectionDecorator.ts`
 *
 * @module
 */

import {
  AnyCardType,
  type CardConnection,
  CardConnectionDecorator,
  CardRequest,
  ConsoleCardConnectionObserver,
  toHexString,
} from "../../mod.ts";

/** A mock-up of a secure channel: it merely pretends to cypher and uncypher APDUs. */
class SecureChannelConnection extends CardConnectionDecorator {
  constructor(cardconnection: CardConnection) {
    super(cardconnection);
  }

  /** Cypher mock-up; you would include the secure channel logics here. */
  cypher(data: number[]): number[] {
    console.log("cyphering", toHexString(data));
    return data;
  }

  /** Uncypher mock-up; you would include the secure channel logics here. */
  uncypher(data: number[]): number[] {
    console.log("uncyphering", toHexString(data));
    return data;
  }

  /** Cypher and uncypher APDUs around the transmission. */
  override async transmit(
    command: number[],
    protocol?: number,
  ): Promise<[number[], number, number]> {
    const cypheredbytes = this.cypher(command);
    let [data, sw1, sw2] = await super.transmit(cypheredbytes, protocol);
    if (data.length !== 0) data = this.uncypher(data);
    return [data, sw1, sw2];
  }
}

/** Changes the first byte of the ATR: decorators can be nested. */
class FakeATRConnection extends CardConnectionDecorator {
  constructor(cardconnection: CardConnection) {
    super(cardconnection);
  }

  /** Replaces the first byte of the ATR by 3F. */
  override getATR(): number[] {
    const atr = super.getATR();
    return [0x3F, ...atr.slice(1)];
  }
}

const GET_RESPONSE = [0xA0, 0xC0, 0o0, 0o0];
const SELECT = [0xA0, 0xA4, 0x00, 0x00, 0x02];
const DF_TELECOM = [0x7F, 0x10];

async function main(): Promise<void> {
  // request any card type
  const cardtype = new AnyCardType();
  using cardrequest = new CardRequest({ timeout: 1.5, cardType: cardtype });
  using cardservice = await cardrequest.waitforcard();

  // attach the console tracer
  const observer = new ConsoleCardConnectionObserver();
  cardservice.connection.addObserver(observer);

  // attach our decorator
  cardservice.connection = new FakeATRConnection(
    new SecureChannelConnection(cardservice.connection),
  );

  // connect to the card and perform a few transmits
  await cardservice.connection.connect();

  console.log("ATR", toHexString(cardservice.connection.getATR()));

  let apdu = [...SELECT, ...DF_TELECOM];
  let [_response, sw1, sw2] = await cardservice.connection.transmit(apdu);

  if (sw1 === 0x9F) {
    apdu = [...GET_RESPONSE, sw2];
    [_response, sw1, sw2] = await cardservice.connection.transmit(apdu);
  }

  cardservice.connection.disconnect();
  cardservice.connection.release();
}

await main();
