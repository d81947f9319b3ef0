/**
 * What a virtual card does with the APDUs it gets: a behaviour module's handler, or a script
 * of expected exchanges; and the trace of what it saw.
 *
 * @module
 */

import { toByteList } from "../smartcard/bytes.ts";
import { toBytes, toHexString } from "../smartcard/util.ts";

/** A response APDU: data, then SW1 SW2. */
export type CardResponse = Uint8Array | readonly number[];

/**
 * What a behaviour module exports: the module is loaded in the card's Worker (see
 * {@link VirtualCardOptions.behaviour}), so its state lives there, for as long as the card.
 *
 * ```ts
 * // my_card.ts
 * export function handle(apdu: Uint8Array): Uint8Array {
 *   return apdu[1] === 0xa4 ? Uint8Array.of(0x90, 0x00) : Uint8Array.of(0x6d, 0x00);
 * }
 * export function reset(): void {}
 * ```
 */
export interface CardBehaviour {
  /**
   * Answers one command APDU with the response APDU. A handler that throws, or a response
   * over {@link MAX_VPCD_MESSAGE} bytes, is answered SW 6F 00 and reported on the console.
   */
  handle(apdu: Uint8Array): CardResponse | Promise<CardResponse>;
  /** Called on power on and warm reset, to drop volatile state (a PIN verified...). */
  reset?(): void;
  /**
   * Called once, before the first APDU, with the card's `behaviourOptions` (a structured
   * clone): what this card is (a tag model, its UID, its initial memory...).
   */
  configure?(options: unknown): void | Promise<void>;
  /**
   * The card's state for assertions (its memory...), which `VirtualCard.inspect()` resolves
   * to: a structured clone, taken between two APDUs.
   */
  inspect?(): unknown;
}

/** Bytes as an array, a `Uint8Array`, or hex pairs such as `"00 A4 04 00"`. */
export type HexBytes = readonly number[] | Uint8Array | string;

/** One exchange a scripted card expects: this command, answered with this response. */
export interface ScriptedExchange {
  /** The command APDU expected, byte for byte. */
  readonly command: HexBytes;
  /** The response APDU answered to it: data, then SW1 SW2. */
  readonly response: HexBytes;
}

/** One APDU the card got, as the card saw it. */
export interface TraceEntry {
  /** The command APDU. */
  readonly command: number[];
  /** The response APDU the card answered. */
  readonly response: number[];
  /**
   * Set only on a scripted card, when the command was not the one the script expected
   * next (or the script had ended): what was expected and what came instead.
   */
  readonly mismatch?: string;
}

/** SW 6F 00, "no precise diagnosis": the default answer to a command the script did not expect. */
export const NO_DIAGNOSIS: readonly number[] = Object.freeze([0x6f, 0x00]);

/** Bytes from any {@link HexBytes}; `name` says which in a TypeError. */
export function hexBytes(value: HexBytes, name: string): number[] {
  return typeof value === "string" ? toBytes(value) : toByteList(value, name);
}

/** A script's exchanges, as plain bytes. */
export interface ScriptStep {
  readonly command: readonly number[];
  readonly response: readonly number[];
}

/**
 * Plays a script: each command must be the next one expected. One that is not is answered
 * `mismatchResponse` and reported, and the script does not move on: the expected exchange is
 * still the next one.
 */
export class Script {
  readonly #steps: readonly ScriptStep[];
  readonly #mismatchResponse: Uint8Array;
  #next = 0;

  constructor(steps: readonly ScriptStep[], mismatchResponse: readonly number[]) {
    this.#steps = steps;
    this.#mismatchResponse = Uint8Array.from(mismatchResponse);
  }

  /** The exchanges not yet made, in order. */
  get pending(): ScriptStep[] {
    return this.#steps.slice(this.#next);
  }

  /** The response to `command`, and what was wrong with it if it was not the next expected. */
  answer(command: Uint8Array): { response: Uint8Array; mismatch?: string } {
    const step = this.#steps[this.#next];
    if (step === undefined) {
      return {
        response: this.#mismatchResponse,
        mismatch: `the script has ended (${this.#steps.length} exchanges); got ${
          toHexString(command)
        }`,
      };
    }
    const matches = step.command.length === command.length &&
      step.command.every((byte, i) => byte === command[i]);
    if (!matches) {
      return {
        response: this.#mismatchResponse,
        mismatch: `exchange ${this.#next + 1} of ${this.#steps.length}: expected ${
          toHexString(step.command)
        }, got ${toHexString(command)}`,
      };
    }
    this.#next++;
    return { response: Uint8Array.from(step.response) };
  }
}
