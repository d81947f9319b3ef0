/**
 * A virtual T=0 card that makes the reader ask: it answers in pieces (61xx), asks for
 * another Le (6Cxx), and one of its commands never ends. Checks the class of every GET
 * RESPONSE (6E 00 where it is not what ISO 7816-4 gives for the command before).
 *
 * | command             | response                                                     |
 * | ------------------- | ------------------------------------------------------------ |
 * | `xx CA 00 00 00`    | 61 28: 40 bytes `i`, 16 at a time through GET RESPONSE         |
 * | `xx B0 00 00 Le`    | 6C 08 unless Le is 8; then 8 bytes `0x80 + i`, 90 00          |
 * | `xx EE 00 00 00`    | 61 10, and every GET RESPONSE after it 16 bytes and 61 10 again |
 * | `xx C0 00 00 Le`    | GET RESPONSE: the next piece, at most Le and 16 bytes          |
 * | anything else       | 6D 00                                                        |
 *
 * @module
 */

/** The data GET DATA (CA) gives in all, piece by piece. */
export const PIECES_DATA: readonly number[] = Object.freeze(
  Array.from({ length: 40 }, (_, i) => i),
);
/** What READ BINARY (B0) gives once asked with the Le it wants. */
export const READ_BINARY_DATA: readonly number[] = Object.freeze(
  Array.from({ length: 8 }, (_, i) => 0x80 + i),
);

let pending: number[] = [];
let looping = false;
let expectedCla = -1;

/** Power on or reset: nothing is pending. */
export function reset(): void {
  pending = [];
  looping = false;
  expectedCla = -1;
}

function sw(data: readonly number[], sw1: number, sw2: number): Uint8Array {
  return Uint8Array.from([...data, sw1, sw2]);
}

/** GET RESPONSE's class for a command of class `cla` (the library's rule, restated). */
function getResponseCla(cla: number): number {
  return cla < 0x40 ? cla & ~0x0C : cla < 0x80 ? cla & ~0x20 : cla & 0x03;
}

function more(cla: number): Uint8Array {
  expectedCla = getResponseCla(cla);
  return sw([], 0x61, looping ? 0x10 : pending.length);
}

/** Answers one command APDU. */
export function handle(apdu: Uint8Array): Uint8Array {
  const [cla, ins] = apdu;
  if (ins === 0xC0) {
    if (cla !== expectedCla) return sw([], 0x6E, 0x00);
    const le = apdu[4] === 0 ? 256 : apdu[4];
    if (looping) return sw(Array.from({ length: 16 }, (_, i) => i), 0x61, 0x10);
    const piece = pending.splice(0, Math.min(le, 16));
    return pending.length ? sw(piece, 0x61, Math.min(pending.length, 0xFF)) : sw(piece, 0x90, 0);
  }
  looping = false;
  if (ins === 0xCA) {
    pending = [...PIECES_DATA];
    return more(cla);
  }
  if (ins === 0xB0) {
    return apdu.length === 5 && apdu[4] === 8 ? sw(READ_BINARY_DATA, 0x90, 0) : sw([], 0x6C, 8);
  }
  if (ins === 0xEE) {
    looping = true;
    return more(cla);
  }
  return sw([], 0x6D, 0x00);
}
