/**
 * pyscard's `sample_toHexString.py`, ported: `toHexString`'s formats.
 *
 * `deno run examples/pyscard/sample_toHexString.ts`
 *
 * @module
 */

import { COMMA, HEX, PACK, toHexString, UPPERCASE } from "../../mod.ts";

console.log("-".repeat(40));
let data = [59, 101, 0, 0, 156, 17, 1, 1, 3];
console.log("data = [59, 101, 0, 0, 156, 17, 1, 1, 3]");
console.log("toHexString(data) =", toHexString(data));
console.log("toHexString(data, COMMA) =", toHexString(data, COMMA));
console.log("toHexString(data, PACK) =", toHexString(data, PACK));
console.log("toHexString(data, HEX) =", toHexString(data, HEX));
console.log("toHexString(data, HEX | COMMA) =", toHexString(data, HEX | COMMA));
console.log("toHexString(data, HEX | UPPERCASE) =", toHexString(data, HEX | UPPERCASE));
console.log(
  "toHexString(data, HEX | UPPERCASE | COMMA) =",
  toHexString(data, HEX | UPPERCASE | COMMA),
);

console.log("-".repeat(40));
data = [0x3B, 0x65, 0x00, 0x00, 0x9C, 0x11, 0x01, 0x01, 0x03];
console.log("data = [ 0x3B, 0x65, 0x00, 0x00, 0x9C, 0x11, 0x01, 0x01, 0x03 ]");
console.log("toHexString(data, COMMA) =", toHexString(data, COMMA));
console.log("toHexString(data) =", toHexString(data));
console.log("toHexString(data, PACK) =", toHexString(data, PACK));
console.log("toHexString(data, HEX) =", toHexString(data, HEX));
console.log("toHexString(data, HEX | COMMA) =", toHexString(data, HEX | COMMA));
console.log("toHexString(data, HEX | UPPERCASE) =", toHexString(data, HEX | UPPERCASE));
console.log(
  "toHexString(data, HEX | UPPERCASE | COMMA) =",
  toHexString(data, HEX | UPPERCASE | COMMA),
);
