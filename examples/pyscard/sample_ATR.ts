/**
 * pyscard's `sample_ATR.py`, ported: parse an ATR and print what it says.
 *
 * `deno run examples/pyscard/sample_ATR.ts`
 *
 * @module
 */

import { ATR, toHexString } from "../../mod.ts";

// deno-fmt-ignore
const atr = new ATR([
  0x3B, 0x9E, 0x95, 0x80, 0x1F, 0xC3, 0x80, 0x31, 0xA0, 0x73, 0xBE, 0x21, 0x13, 0x67, 0x29,
  0x02, 0x01, 0x01, 0x81, 0xCD, 0xB9,
]);

console.log(atr);
console.log("historical bytes: ", toHexString(atr.getHistoricalBytes()));
console.log(`checksum: 0x${atr.getChecksum()!.toString(16).toUpperCase().padStart(2, "0")}`);
console.log("checksum OK: ", atr.checksumOK);
console.log("T0  supported: ", atr.isT0Supported());
console.log("T1  supported: ", atr.isT1Supported());
console.log("T15 supported: ", atr.isT15Supported());
