/**
 * T=0's response handling (ISO/IEC 7816-3 and -4): the follow-up commands a card asks for
 * with 61xx ("xx more bytes: GET RESPONSE") and 6Cxx ("wrong length: send again with Le=xx").
 *
 * @module
 */

import { andThen, type SyncOrAsync } from "../../pcsc/card_handle.ts";
import { CardConnectionException } from "../errors/exceptions.ts";
import { toHexString } from "../util.ts";
import { checkInteger } from "../bytes.ts";

/** One exchange as a connection's `transmit` gives it: response data, SW1, SW2. */
export type Exchanged = [response: number[], sw1: number, sw2: number];

/** What a connection does by itself about 61xx and 6Cxx; see `setT0ResponseHandling`. */
export interface T0ResponseHandling {
  /** 61xx: send GET RESPONSE (`CLA C0 00 00 xx`) until the card has given everything. */
  readonly getResponse: boolean;
  /** 6Cxx: send the same command again with Le = xx. */
  readonly resendWithLe: boolean;
  /** Follow-ups after the first command, at most; past it the transmit fails. */
  readonly maxRounds: number;
}

/** The handling `setT0ResponseHandling(true)` turns on: both, up to 64 KiB in 256-byte steps. */
export const T0_DEFAULT: T0ResponseHandling = Object.freeze({
  getResponse: true,
  resendWithLe: true,
  maxRounds: 256,
});

/**
 * The handling `setT0ResponseHandling` was given, checked: `false` is none (null), `true` the
 * default, an object the default with its parts replaced.
 */
export function t0Handling(
  handling: boolean | Partial<T0ResponseHandling>,
): T0ResponseHandling | null {
  if (handling === false) return null;
  const chosen = handling === true ? T0_DEFAULT : { ...T0_DEFAULT, ...handling };
  if (typeof handling === "object" && handling !== null) {
    checkInteger(chosen.maxRounds, "maxRounds", 1, 65536);
  } else if (handling !== true) {
    throw new TypeError("handling must be true, false or { getResponse, resendWithLe, maxRounds }");
  }
  return Object.freeze({
    getResponse: Boolean(chosen.getResponse),
    resendWithLe: Boolean(chosen.resendWithLe),
    maxRounds: chosen.maxRounds,
  });
}

/**
 * GET RESPONSE for a command of class `cla`. Interindustry classes keep their logical
 * channel and drop secure messaging (ISO 7816-4 5.4.1: the first interindustry form has the
 * SM bits in b4-b3, the further form in b6); a proprietary class (80-FE) has no GET RESPONSE
 * of its own, so the interindustry one is sent on the same channel (b2-b1), as
 * GlobalPlatform cards expect.
 */
export function getResponse(cla: number, length: number): number[] {
  let getCla: number;
  if (cla < 0x40) getCla = cla & ~0x0C;
  else if (cla < 0x80) getCla = cla & ~0x20;
  else getCla = cla & 0x03;
  return [getCla, 0xC0, 0x00, 0x00, length];
}

/**
 * `command` again with Le = `le`: the last byte replaced where the command ends in a short Le
 * (case 2, or case 4 whose Lc leaves one byte over), appended to a case 1 or case 3 command.
 */
export function withLe(command: readonly number[], le: number): number[] {
  const body = [...command];
  const lc = body.length > 5 ? body[4] : -1;
  const hasLe = body.length === 5 || (lc > 0 && body.length === 5 + lc + 1);
  if (hasLe) body[body.length - 1] = le;
  else body.push(le);
  return body;
}

/**
 * The whole of `command`'s exchange under `handling`: the first response, then each follow-up
 * the card asks for, sent by `exchange` (so that observers see every one), blocking or not as
 * `exchange` is. The data of the 61xx rounds is concatenated; a 6Cxx answer's is dropped.
 * Past `maxRounds` follow-ups it fails, naming the status word the card still gives.
 */
export function withT0Responses(
  command: readonly number[],
  first: SyncOrAsync<Exchanged>,
  handling: T0ResponseHandling,
  exchange: (command: number[]) => SyncOrAsync<Exchanged>,
): SyncOrAsync<Exchanged> {
  const cla = command[0];
  const follow = (
    [response, sw1, sw2]: Exchanged,
    sent: readonly number[],
    data: number[],
    round: number,
  ): SyncOrAsync<Exchanged> => {
    const next = sw1 === 0x61 && handling.getResponse
      ? getResponse(cla, sw2)
      : sw1 === 0x6C && handling.resendWithLe
      ? withLe(sent, sw2)
      : null;
    const kept = sw1 === 0x6C ? data : [...data, ...response];
    if (next === null) return [kept, sw1, sw2];
    if (round >= handling.maxRounds) {
      throw new CardConnectionException(
        `T=0 response handling: the card still answers ${toHexString([sw1, sw2])} after ` +
          `${handling.maxRounds} follow-up commands`,
      );
    }
    return andThen(
      exchange(next),
      (result) => follow(result, next, kept, round + 1),
    ) as SyncOrAsync<
      Exchanged
    >;
  };
  return andThen(first, (result) => follow(result, command, [], 0)) as SyncOrAsync<Exchanged>;
}
