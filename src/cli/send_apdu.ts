/**
 * What `send` and `script` share: one APDU to the card, and the status word's meaning from
 * ISO 7816-4's tables.
 *
 * @module
 */

import {
  type CardConnection,
  ISO7816_4_SW1ErrorChecker,
  ISO7816_4ErrorChecker,
} from "../../mod.ts";
import { openConnection } from "./connection.ts";
import { hex } from "./output.ts";

const BY_SW = new ISO7816_4ErrorChecker();
const BY_SW1 = new ISO7816_4_SW1ErrorChecker();

/** What ISO 7816-4 says a status word means. */
export function swMeaning(sw1: number, sw2: number): string {
  if (sw1 === 0x90 && sw2 === 0x00) return "normal processing";
  if (sw1 === 0x61) return `normal processing: ${sw2 || 256} bytes still available`;
  if (sw1 === 0x6C) return `wrong Le: ${sw2 || 256} expected`;
  for (const checker of [BY_SW, BY_SW1]) {
    try {
      checker.check([], sw1, sw2);
    } catch (error) {
      // "Status word exception: checking error - File not found!" → "checking error: file not found"
      const text = (error as Error).message.replace(/^Status word exception: /, "")
        .replace(/!$/, "").replace(/ - $/, "").replace(/ - /, ": ");
      if (text) return text;
    }
  }
  return "not in ISO 7816-4's tables";
}

/** One exchange, as `send` and `script` report it. */
export interface Exchanged {
  readonly command: string;
  readonly response: string;
  readonly sw: string;
  readonly meaning: string;
}

/** Sends `apdu` and describes the answer. */
export async function exchange(
  connection: CardConnection,
  apdu: readonly number[],
): Promise<Exchanged> {
  const [data, sw1, sw2] = await connection.transmit([...apdu]);
  return {
    command: hex(apdu),
    response: hex(data),
    sw: hex([sw1, sw2]),
    meaning: swMeaning(sw1, sw2),
  };
}

export { openConnection };
