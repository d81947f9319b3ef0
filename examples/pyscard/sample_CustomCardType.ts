/**
 * pyscard's `sample_CustomCardType.py`, ported: a card type of one's own (direct-convention
 * cards, whose ATR starts with 3B).
 *
 * `deno run --allow-ffi examples/pyscard/sample_CustomCardType.ts`
 *
 * @module
 */

import { CardRequest, CardType, toHexString } from "../../mod.ts";

// define our custom CardType
// this card type defines direct convention card
// (first atr byte equal to 0x3b)
class DCCardType extends CardType {
  override matches(atr: number[]): boolean {
    return atr[0] === 0x3B;
  }
}

const cardtype = new DCCardType();
using cardrequest = new CardRequest({ timeout: 1, cardType: cardtype });
{
  using cardservice = await cardrequest.waitforcard();

  // connect and print atr and reader
  await cardservice.connection.connect();
  console.log(toHexString(cardservice.connection.getATR()));
  console.log(cardservice.connection.getReader());
}
