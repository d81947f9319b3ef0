/**
 * The default virtual card: deterministic, one instruction per APDU case so a
 * test can check exactly how the library encodes commands and decodes
 * responses. CLA is ignored. A command whose shape is not the case its
 * instruction expects is answered 67 00, so an encoding bug cannot pass
 * unnoticed.
 *
 * | command                      | case  | response                                   |
 * | ---------------------------- | ----- | ------------------------------------------ |
 * | `00 A4 04 00 Lc AID [Le]`    | 3 / 4 | {@link TEST_FCI} 90 00 (6A 82 unknown AID) |
 * | `00 84 00 00 Le`             | 2     | Ne pseudo-random bytes, 90 00              |
 * | `xx 10 P1 P2`                | 1     | 90 00                                      |
 * | `xx 20 P1 P2 Le`             | 2     | Ne bytes `i & 0xFF`, 90 00                 |
 * | `xx 30 P1 P2 Lc data`        | 3     | 90 00                                      |
 * | `xx 40 P1 P2 Lc data Le`     | 4     | data (at most Ne bytes), 90 00             |
 * | `xx E0 P1 P2 ...`            | any   | SW = P1 P2, no data                        |
 * | anything else                | any   | 6D 00                                      |
 *
 * Short and extended lengths are both accepted; Ne is Le with 00 meaning 256
 * (short) and 00 00 meaning 65536 (extended). vpcd frames a response with a
 * 16-bit length, so at most 65535 response bytes (65533 data + SW) reach the
 * reader: see `MAX_VPCD_MESSAGE` in `src/testing/virtual_card.ts`.
 *
 * GET CHALLENGE bytes come from a fixed-seed generator restarted by
 * {@link reset} (power on, warm reset), so a run is reproducible while two
 * challenges in one session still differ.
 *
 * @module
 */

/** The AID that SELECT knows: the GlobalPlatform card manager's RID and PIX. */
export const TEST_AID: readonly number[] = Object.freeze([0xa0, 0, 0, 0, 0x03, 0, 0, 0]);

/** The FCI answered to SELECT {@link TEST_AID}: `6F { 84 AID, A5 { 9F65 01 FF } }`. */
export const TEST_FCI: readonly number[] = Object.freeze([
  0x6f,
  2 + TEST_AID.length + 6,
  0x84,
  TEST_AID.length,
  ...TEST_AID,
  0xa5,
  0x04,
  0x9f,
  0x65,
  0x01,
  0xff,
]);

/** Instruction bytes of the commands this card knows. */
export const INS = Object.freeze(
  {
    SELECT: 0xa4,
    GET_CHALLENGE: 0x84,
    CASE1: 0x10,
    CASE2: 0x20,
    CASE3: 0x30,
    CASE4: 0x40,
    STATUS: 0xe0,
  } as const,
);

/** A command APDU split by ISO 7816-4 case. */
interface Command {
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly case: 1 | 2 | 3 | 4;
  readonly data: Uint8Array;
  /** Ne: the most response bytes the command allows (0 when no Le). */
  readonly ne: number;
}

let seed = 0;

/** Power on or reset: volatile state, here the challenge generator, starts over. */
export function reset(): void {
  seed = 0x2545f491;
}
reset();

/** Answers one command APDU with a response APDU (data then SW1 SW2). */
export function handle(apdu: Uint8Array): Uint8Array {
  const command = parse(apdu);
  if (command === undefined) return sw(0x6700);
  switch (command.ins) {
    case INS.SELECT:
      return select(command);
    case INS.GET_CHALLENGE:
      return command.case === 2 ? ok(challenge(command.ne)) : sw(0x6700);
    case INS.CASE1:
      return command.case === 1 ? sw(0x9000) : sw(0x6700);
    case INS.CASE2:
      return command.case === 2 ? ok(pattern(command.ne)) : sw(0x6700);
    case INS.CASE3:
      return command.case === 3 ? sw(0x9000) : sw(0x6700);
    case INS.CASE4:
      return command.case === 4 ? ok(command.data.subarray(0, command.ne)) : sw(0x6700);
    case INS.STATUS:
      return new Uint8Array([command.p1, command.p2]);
    default:
      return sw(0x6d00);
  }
}

function select(command: Command): Uint8Array {
  if (command.p1 !== 0x04 || command.p2 !== 0x00) return sw(0x6a86);
  if (command.case !== 3 && command.case !== 4) return sw(0x6700);
  const known = command.data.length === TEST_AID.length &&
    command.data.every((byte, i) => byte === TEST_AID[i]);
  return known ? ok(Uint8Array.from(TEST_FCI)) : sw(0x6a82);
}

/** xorshift32: cheap, deterministic, and not a constant pattern. */
function challenge(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    bytes[i] = seed & 0xff;
  }
  return bytes;
}

function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = i & 0xff;
  return bytes;
}

function ok(data: Uint8Array): Uint8Array {
  const response = new Uint8Array(data.length + 2);
  response.set(data);
  response.set([0x90, 0x00], data.length);
  return response;
}

function sw(word: number): Uint8Array {
  return new Uint8Array([word >> 8, word & 0xff]);
}

/** ISO 7816-3 §12.1.3 decoding; undefined for a malformed command. */
function parse(apdu: Uint8Array): Command | undefined {
  if (apdu.length < 4) return undefined;
  const [, ins, p1, p2] = apdu;
  const body = apdu.subarray(4);
  const make = (kind: Command["case"], data: Uint8Array, ne: number): Command => ({
    ins,
    p1,
    p2,
    case: kind,
    data,
    ne,
  });
  if (body.length === 0) return make(1, body.subarray(0, 0), 0);
  if (body.length === 1) return make(2, body.subarray(0, 0), body[0] || 256);
  if (body[0] !== 0) {
    const lc = body[0];
    if (body.length === 1 + lc) return make(3, body.subarray(1), 0);
    if (body.length === 2 + lc) return make(4, body.subarray(1, 1 + lc), body[1 + lc] || 256);
    return undefined;
  }
  if (body.length < 3) return undefined;
  const extended = (body[1] << 8) | body[2];
  if (body.length === 3) return make(2, body.subarray(0, 0), extended || 65536);
  const lc = extended;
  if (lc === 0) return undefined;
  const data = body.subarray(3, 3 + lc);
  if (body.length === 3 + lc) return make(3, data, 0);
  if (body.length === 5 + lc) {
    return make(4, data, ((body[3 + lc] << 8) | body[4 + lc]) || 65536);
  }
  return undefined;
}
