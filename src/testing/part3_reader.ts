/**
 * The reader's half of a virtual contactless card: what a PC/SC Part 3 reader answers to its
 * pseudo-APDUs (class FF) before the card is involved (GET DATA, LOAD KEYS), with the
 * conventions of an ACS ACR122U/ACR1252U: two volatile key slots (00, 01), no non-volatile
 * ones, 63 00 when the card refuses (a NAK, a failed authentication).
 *
 * @module
 */

/** Status words the virtual readers answer. */
export const SW = Object.freeze({
  OK: 0x9000,
  END_OF_DATA: 0x6282,
  FAILED: 0x6300,
  MEMORY_FAILURE: 0x6581,
  WRONG_LENGTH: 0x6700,
  INCOMPATIBLE: 0x6981,
  SECURITY: 0x6982,
  AUTH_BLOCKED: 0x6983,
  KEY_NOT_USABLE: 0x6984,
  NOT_ALLOWED: 0x6986,
  NO_NON_VOLATILE: 0x6987,
  BAD_KEY_NUMBER: 0x6988,
  BAD_KEY_LENGTH: 0x6989,
  FILE_FULL: 0x6a84,
  NOT_SUPPORTED: 0x6a81,
  NOT_FOUND: 0x6a82,
  WRONG_P1P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
});

/** A response APDU: `data` then the status word. */
export function respond(sw: number, data: ArrayLike<number> = []): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(Array.from(data));
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}

/** The volatile key slots of an ACS reader. */
export const KEY_SLOTS = 2;

/** A command APDU's parts, for the short cases a Part 3 reader gets. */
export interface Command {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** The data field (empty for cases 1 and 2). */
  readonly data: Uint8Array;
  /** Le (0 stands for 256 in a case 2 command), or undefined when absent. */
  readonly le: number | undefined;
}

/** A short command APDU taken apart, or undefined when its length fields do not add up. */
export function parseCommand(apdu: Uint8Array): Command | undefined {
  if (apdu.length < 4) return undefined;
  const [cla, ins, p1, p2] = apdu;
  if (apdu.length === 4) return { cla, ins, p1, p2, data: new Uint8Array(), le: undefined };
  if (apdu.length === 5) return { cla, ins, p1, p2, data: new Uint8Array(), le: apdu[4] };
  const lc = apdu[4];
  if (lc === 0) return undefined;
  if (apdu.length === 5 + lc) {
    return { cla, ins, p1, p2, data: apdu.slice(5), le: undefined };
  }
  if (apdu.length === 6 + lc) {
    return { cla, ins, p1, p2, data: apdu.slice(5, 5 + lc), le: apdu[5 + lc] };
  }
  return undefined;
}

/** GET DATA: `value`, shortened or flagged as Part 3 says for the Le asked. */
export function answerGetData(command: Command, value: readonly number[] | undefined): Uint8Array {
  if (command.p2 !== 0 || command.data.length > 0) return respond(SW.WRONG_P1P2);
  if (value === undefined) return respond(SW.NOT_SUPPORTED);
  const le = command.le ?? 0;
  if (le === 0) return respond(SW.OK, value);
  if (le < value.length) return respond(0x6c00 | value.length);
  if (le > value.length) return respond(SW.END_OF_DATA, value);
  return respond(SW.OK, value);
}

/**
 * What the reader answers itself for a storage card (NTAG, MIFARE Classic): a command whose
 * lengths do not add up, a class other than FF, GET DATA (of the UID; the historical bytes
 * it has not), LOAD KEYS into `keys`. Gives the response, or the command for the card.
 */
export function answerAsReader(
  apdu: Uint8Array,
  uid: readonly number[],
  keys: KeySlots,
): Uint8Array | Command {
  const command = parseCommand(apdu);
  if (command === undefined) return respond(SW.WRONG_LENGTH);
  if (command.cla !== 0xff) return respond(SW.CLA_NOT_SUPPORTED);
  if (command.ins === 0xca) {
    if (command.p1 > 1) return respond(SW.WRONG_P1P2);
    return answerGetData(command, command.p1 === 0 ? uid : undefined);
  }
  if (command.ins === 0x82) return keys.load(command);
  return command;
}

/** The reader's key memory, as an ACR122U has it: two volatile slots. */
export class KeySlots {
  readonly #keys: (number[] | undefined)[] = new Array(KEY_SLOTS).fill(undefined);

  /** LOAD KEYS `FF 82 P1 P2 06 key`. */
  load(command: Command): Uint8Array {
    if (command.p1 & 0x80) return respond(0x6983); // reader keys
    if (command.p1 & 0x40) return respond(0x6985); // secured transmission
    if (command.p1 === 0x20) return respond(SW.NO_NON_VOLATILE);
    if (command.p1 !== 0x00) return respond(SW.WRONG_P1P2);
    if (command.data.length !== 6) return respond(SW.BAD_KEY_LENGTH);
    if (command.p2 >= KEY_SLOTS) return respond(SW.BAD_KEY_NUMBER);
    this.#keys[command.p2] = Array.from(command.data);
    return respond(SW.OK);
  }

  /** The key in `slot`, undefined when empty or no such slot. */
  get(slot: number): number[] | undefined {
    return this.#keys[slot];
  }
}

/** The ATR a Part 3 reader builds for a storage card: standard SS, card name NN NN. */
export function storageCardAtr(standard: number, cardName: number): number[] {
  // TS T0 TD1 TD2, category 80, the AID (4F 0C) of the PC/SC workgroup's RID A0 00 00 03 06
  const head = [0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00, 0x03, 0x06];
  return withTck([...head, standard, cardName >> 8, cardName & 0xff, 0x00, 0x00, 0x00, 0x00]);
}

/** The ATR a Part 3 reader builds for an ISO 14443-4 card with these historical bytes. */
export function iso14443_4Atr(historicalBytes: readonly number[]): number[] {
  if (historicalBytes.length > 15) throw new RangeError("at most 15 historical bytes");
  return withTck([0x3b, 0x80 | historicalBytes.length, 0x80, 0x01, ...historicalBytes]);
}

function withTck(bytes: number[]): number[] {
  return [...bytes, bytes.slice(1).reduce((x, b) => x ^ b, 0)];
}

/** 7-byte UIDs are NXP's (manufacturer byte 04) unless given. */
export function defaultUid(length: 4 | 7, seed: number): number[] {
  const uid = Array.from({ length }, (_, i) => (seed * 37 + i * 91 + 0x11) & 0xff);
  if (length === 7) uid[0] = 0x04;
  return uid;
}

/**
 * Runs the handler of `command`'s INS; one the chip lacks is "INS not supported" (6D 00).
 * Every virtual chip answers its instructions through here.
 */
export function dispatch(
  command: Command,
  handlers: Readonly<Record<number, (command: Command) => Uint8Array>>,
): Uint8Array {
  const handler = handlers[command.ins];
  return handler === undefined ? respond(SW.INS_NOT_SUPPORTED) : handler(command);
}
