/**
 * Command chaining (ISO/IEC 7816-4 5.3.3): data too long for one short command sent as a
 * chain of short commands, for cards or readers without extended lengths.
 *
 * @module
 */

import { checkInteger, describe } from "../smartcard/bytes.ts";
import { CommandAPDU } from "./command_apdu.ts";
import { ResponseAPDU } from "./response_apdu.ts";

/** How to cut a command into a chain. */
export interface ChainingOptions {
  /** The most data bytes in one command of the chain, 1..255; default 255. */
  readonly maxChunk?: number;
}

/** What {@linkcode transmitChained} sends through: a `CardConnection` is one. */
export interface ChainTransmitter {
  /** Sends one command, resolving to `[data, sw1, sw2]`. */
  transmit(command: CommandAPDU): Promise<readonly [number[], number, number]>;
}

/** What {@linkcode transmitChainedSync} sends through: a `CardConnection` is one. */
export interface ChainTransmitterSync {
  /** Sends one command, returning `[data, sw1, sw2]`. */
  transmitSync(command: CommandAPDU): readonly [number[], number, number];
}

/** The chaining bit b5 of an interindustry CLA. */
const CHAINING = 0x10;

/**
 * Cuts `command` into the chain that carries its data in short commands: every command but the
 * last has CLA bit b5 (`0x10`) set and no Le; the last has the original CLA and Ne. A command
 * whose data fits in one chunk comes back alone, unchanged.
 *
 * Classes with b8 set are proprietary, where ISO does not define b5; they are chained the same
 * way, as GlobalPlatform and most Java Card applets expect.
 *
 * @example
 * ```ts
 * import { chainCommands, CommandAPDU } from "@pcsc/smartcard";
 *
 * const put = new CommandAPDU({ cla: 0x00, ins: 0xda, p1: 0x01, p2: 0x00, data: new Uint8Array(600) });
 * chainCommands(put).map((c) => c.toString().slice(0, 14)); // ["10 DA 01 00 FF", "10 DA 01 00 FF", "00 DA 01 00 5A"]
 * ```
 *
 * @throws TypeError when `command` is not a `CommandAPDU`
 * @throws RangeError when `maxChunk` is outside 1..255, Ne is over 256 (which needs the
 * extended Le chaining exists to avoid), CLA is `FF` (not a class) or an interindustry CLA
 * already has b5 set
 */
export function chainCommands(command: CommandAPDU, options: ChainingOptions = {}): CommandAPDU[] {
  if (!(command instanceof CommandAPDU)) {
    throw new TypeError(`command must be a CommandAPDU, not ${describe(command)}`);
  }
  const maxChunk = checkInteger(options.maxChunk ?? 255, "maxChunk", 1, 255);
  const { cla, ins, p1, p2, ne } = command;
  if (ne > 256) {
    throw new RangeError(
      `command expects Ne = ${ne}: over 256 needs an extended Le, which a chain of short ` +
        `commands cannot carry`,
    );
  }
  if (cla === 0xff) throw new RangeError("CLA FF is not a class: it cannot be chained");
  if ((cla & 0x80) === 0 && (cla & CHAINING) !== 0) {
    throw new RangeError(
      `CLA ${hex(cla)} already has the chaining bit b5 set: give the command as it would be ` +
        `sent unchained`,
    );
  }
  if (command.nc <= maxChunk) return [command];
  const data = command.data;
  const chain: CommandAPDU[] = [];
  for (let offset = 0; offset < data.length; offset += maxChunk) {
    const last = offset + maxChunk >= data.length;
    chain.push(
      new CommandAPDU({
        cla: last ? cla : cla | CHAINING,
        ins,
        p1,
        p2,
        data: data.subarray(offset, offset + maxChunk),
        ne: last ? ne : 0,
      }),
    );
  }
  return chain;
}

/**
 * Sends `command` as a chain of short commands ({@linkcode chainCommands}) and resolves to the
 * response of the last command sent: the chain stops at the first status word that is not
 * `90 00`, so a card that refuses a link gets nothing more.
 *
 * @example
 * ```ts ignore
 * import { CommandAPDU, transmitChained } from "@pcsc/smartcard";
 *
 * const response = await transmitChained(connection, new CommandAPDU({
 *   cla: 0x00, ins: 0xda, p1: 0x01, p2: 0x00, data: certificate,
 * }));
 * if (response.sw !== 0x9000) throw new Error(`PUT DATA failed: ${response.sw.toString(16)}`);
 * ```
 */
export async function transmitChained(
  connection: ChainTransmitter,
  command: CommandAPDU,
  options?: ChainingOptions,
): Promise<ResponseAPDU> {
  let response: ResponseAPDU | undefined;
  for (const link of chainCommands(command, options)) {
    response = ResponseAPDU.fromTransmit(await connection.transmit(link));
    if (response.sw !== 0x9000) break;
  }
  return response!;
}

/** Synchronous {@linkcode transmitChained}: blocks the event loop for each answer. */
export function transmitChainedSync(
  connection: ChainTransmitterSync,
  command: CommandAPDU,
  options?: ChainingOptions,
): ResponseAPDU {
  let response: ResponseAPDU | undefined;
  for (const link of chainCommands(command, options)) {
    response = ResponseAPDU.fromTransmit(connection.transmitSync(link));
    if (response.sw !== 0x9000) break;
  }
  return response!;
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}
