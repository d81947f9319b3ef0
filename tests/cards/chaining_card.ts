/**
 * A virtual card without extended lengths that takes long data only as a command chain
 * (ISO 7816-4 5.3.3), and checks the chain: every link but the last has CLA bit b5 set, is a
 * short case 3 command (data, no Le) and repeats the first link's INS P1 P2.
 *
 * | command                                   | response                                    |
 * | ----------------------------------------- | ------------------------------------------- |
 * | a link, CLA b5 set, as it should be       | 90 00 (the data kept)                       |
 * | a link that is not short case 3           | 67 00, the chain dropped                    |
 * | a link with another INS P1 P2 than the first | 68 83 (last command of the chain expected), dropped |
 * | any extended command                      | 67 00 (this card has no extended lengths)   |
 * | `xx DA P1 P2 Lc data [Le]`, chain's end    | count (2 bytes), sum mod 65536 (2 bytes) of all the data, at most Ne of them, 90 00 |
 * | `xx DB ...` as a link                      | 90 00 for the first, 6A 80 for every other  |
 * | anything else                             | 6D 00                                       |
 *
 * @module
 */

let chain: { ins: number; p1: number; p2: number; data: number[]; links: number } | null = null;

/** Power on or reset: no chain is pending. */
export function reset(): void {
  chain = null;
}

function sw(data: readonly number[], sw1: number, sw2: number): Uint8Array {
  return Uint8Array.from([...data, sw1, sw2]);
}

/** Answers one command APDU. */
export function handle(apdu: Uint8Array): Uint8Array {
  const [cla, ins, p1, p2] = apdu;
  const lc = apdu.length > 5 ? apdu[4] : 0;
  // short case 3 is header + Lc + data, case 4 adds one Le byte; an extended Lc starts 00
  const case3 = apdu.length > 5 && lc !== 0 && apdu.length === 5 + lc;
  const case4 = apdu.length > 5 && lc !== 0 && apdu.length === 6 + lc;
  if (apdu.length > 5 && apdu[4] === 0) return sw([], 0x67, 0x00);
  if (cla & 0x10) {
    if (!case3) {
      chain = null;
      return sw([], 0x67, 0x00);
    }
    if (chain && (chain.ins !== ins || chain.p1 !== p1 || chain.p2 !== p2)) {
      chain = null;
      return sw([], 0x68, 0x83);
    }
    chain ??= { ins, p1, p2, data: [], links: 0 };
    chain.links++;
    if (ins === 0xdb && chain.links > 1) {
      chain = null;
      return sw([], 0x6a, 0x80);
    }
    chain.data.push(...apdu.subarray(5, 5 + lc));
    return sw([], 0x90, 0x00);
  }
  if (ins !== 0xda) return sw([], 0x6d, 0x00);
  if (chain && (chain.ins !== ins || chain.p1 !== p1 || chain.p2 !== p2)) {
    chain = null;
    return sw([], 0x68, 0x83);
  }
  const data = [...(chain?.data ?? []), ...(case3 || case4 ? apdu.subarray(5, 5 + lc) : [])];
  chain = null;
  const ne = case4 ? apdu[apdu.length - 1] || 256 : apdu.length === 5 ? apdu[4] || 256 : 0;
  const sum = data.reduce((a, b) => (a + b) & 0xffff, 0);
  const answer = [data.length >> 8, data.length & 0xff, sum >> 8, sum & 0xff];
  return sw(answer.slice(0, ne), 0x90, 0x00);
}
