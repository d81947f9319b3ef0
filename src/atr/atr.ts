/**
 * pyscard's `smartcard.ATR`: an Answer To Reset parsed as ISO 7816-3 section 8 lays it out.
 *
 * @module
 */

import { SmartcardException } from "../smartcard/errors/exceptions.ts";
import { type Bytes as ByteInput, toByteList } from "../smartcard/bytes.ts";
import { toHexString } from "../smartcard/util.ts";
import { decodeHistoricalBytes, type HistoricalBytes } from "./historical_bytes.ts";

/** A table entry ISO 7816-3 reserves for future use. */
export type RFU = "RFU";

const INTERFACE_BYTE_NAMES = ["TA", "TB", "TC", "TD"] as const;

/**
 * A parsed ATR: TS, T0, the interface bytes TAi TBi TCi TDi of every level, the historical
 * bytes and TCK.
 *
 * Arrays are indexed from 0 as in pyscard: `TA[0]` is ISO's TA1. The check character reads
 * as pyscard 2.3 reads it, so that values and `render()` match it: exactly one byte after
 * the historical bytes is TCK, checked whatever protocols the ATR indicates (ISO 7816-3
 * 8.2.5 has none for T=0 alone; the CLI's `atr` explanation says so); none, or more than
 * one, is no TCK (`checksumOK` null) and the bytes are kept in `extraBytes`.
 *
 * @example
 * ```ts
 * import { ATR, toBytes } from "@pcsc/smartcard";
 * const atr = new ATR(toBytes("3B E3 00 FF 81 31 52 45 A1 A2 A3 1B"));
 * atr.getSupportedProtocols(); // { "T=1": true }
 * atr.getHistoricalBytes(); // [0xa1, 0xa2, 0xa3]
 * atr.checksumOK; // true
 * atr.toString(); // "3B E3 00 FF 81 31 52 45 A1 A2 A3 1B"
 * ```
 */
export class ATR {
  /** Fi by FI, the high nibble of TA1 (ISO 7816-3 table 7). */
  static readonly clockrateconversion: readonly (number | RFU)[] = Object.freeze(
    [
      372,
      372,
      558,
      744,
      1116,
      1488,
      1860,
      "RFU",
      "RFU",
      512,
      768,
      1024,
      1536,
      2048,
      "RFU",
      "RFU",
    ] as const,
  );
  /** Di by DI, the low nibble of TA1 (ISO 7816-3 table 8). */
  static readonly bitratefactor: readonly (number | RFU)[] = Object.freeze(
    [
      "RFU",
      1,
      2,
      4,
      8,
      16,
      32,
      64,
      12,
      20,
      "RFU",
      "RFU",
      "RFU",
      "RFU",
      "RFU",
      "RFU",
    ] as const,
  );
  /** Maximum programming current in mA by II, bits 6-7 of TB1 (ISO 7816-3:1997). */
  static readonly currenttable: readonly (number | RFU)[] = Object.freeze(
    [25, 50, 100, "RFU"] as const,
  );

  /** The whole ATR. */
  readonly atr: readonly number[];
  /** The initial character: 0x3B (direct convention) or 0x3F (inverse convention). */
  readonly TS: number;
  /** The format character: Y1 in its high nibble, K in its low nibble. */
  readonly T0: number;
  /** The number of historical bytes, T0's low nibble. */
  readonly K: number;
  /** TAi by level (TA[0] is TA1), null where absent. */
  readonly TA: readonly (number | null)[];
  /** TBi by level, null where absent. */
  readonly TB: readonly (number | null)[];
  /** TCi by level, null where absent. */
  readonly TC: readonly (number | null)[];
  /** TDi by level, null where absent (the last level's always is). */
  readonly TD: readonly (number | null)[];
  /** Yi by level: the high nibble of T0 then of each TDi, saying which of TA TB TC TD follow. */
  readonly Y: readonly number[];
  /** The historical bytes T1..TK. */
  readonly historicalBytes: readonly number[];
  /** The check character, or null when absent. */
  readonly TCK: number | null;
  /** Whether TCK is present. */
  readonly hasChecksum: boolean;
  /** Whether T0 xor ... xor TCK is 0 (pyscard's `checksumOK`); null when there is no TCK. */
  readonly checksumOK: boolean | null;
  /** Bytes after the historical bytes that are not TCK; an ISO-conforming ATR has none. */
  readonly extraBytes: readonly number[];
  /** The clock-rate conversion integer, TA1's high nibble, or null without TA1. */
  readonly FI: number | null;
  /** The bit-rate adjustment integer, TA1's low nibble, or null without TA1. */
  readonly DI: number | null;
  /** The maximum programming current integer, bits 6-7 of TB1, or null without TB1. */
  readonly II: number | null;
  /** The programming voltage integer, bits 1-5 of TB1, or null without TB1. */
  readonly PI1: number | null;
  /** The extra guard time integer, TC1, or null without TC1. */
  readonly N: number | null;
  /** The number of interface bytes (TAi, TBi, TCi, TDi of every level). */
  readonly interfaceBytesCount: number;

  /**
   * Parses an ATR.
   *
   * @param atr the ATR's bytes, TS first
   * @throws TypeError/RangeError when `atr` is not a byte sequence
   * @throws SmartcardException when it is shorter than TS T0, TS is neither 3B nor 3F, or
   * it ends before the interface or historical bytes T0 and the TDi announce
   */
  constructor(atr: ByteInput) {
    const bytes = toByteList(atr, "atr");
    if (bytes.length < 2) {
      throw new SmartcardException(
        `ATR sequences must be at least 2 bytes long (TS and T0), got ${bytes.length}`,
      );
    }
    if (bytes[0] !== 0x3b && bytes[0] !== 0x3f) {
      throw new SmartcardException(
        `invalid TS 0x${hex(bytes[0])}: expected 0x3b (direct) or 0x3f (inverse convention)`,
      );
    }
    this.atr = Object.freeze(bytes);
    this.TS = bytes[0];
    this.T0 = bytes[1];
    this.K = this.T0 & 0x0f;

    const TA: (number | null)[] = [];
    const TB: (number | null)[] = [];
    const TC: (number | null)[] = [];
    const TD: (number | null)[] = [];
    const Y: number[] = [];
    const levels = [TA, TB, TC, TD];
    // offset: index of the last byte read (T0, then each interface byte).
    let offset = 1;
    let indicator: number | null = this.T0;
    while (indicator !== null) {
      const y = indicator >> 4;
      const level = Y.length + 1;
      const announced = INTERFACE_BYTE_NAMES.filter((_, bit) => y & (1 << bit));
      if (offset + announced.length >= bytes.length) {
        const announcer = level === 1 ? "T0" : `TD${level - 1}`;
        throw new SmartcardException(
          `ATR truncated: ${announcer} announces ${
            announced.map((name) => name + level).join(", ")
          } but the ATR ends after ${bytes.length} bytes`,
        );
      }
      Y.push(y);
      for (let bit = 0; bit < 4; bit++) {
        levels[bit].push(y & (1 << bit) ? bytes[++offset] : null);
      }
      indicator = TD[TD.length - 1];
    }
    this.TA = Object.freeze(TA);
    this.TB = Object.freeze(TB);
    this.TC = Object.freeze(TC);
    this.TD = Object.freeze(TD);
    this.Y = Object.freeze(Y);
    this.interfaceBytesCount = offset - 1;

    const historicalEnd = offset + 1 + this.K;
    if (historicalEnd > bytes.length) {
      throw new SmartcardException(
        `ATR truncated: T0 announces ${this.K} historical bytes but only ${
          bytes.length - offset - 1
        } follow ${offset === 1 ? "T0" : "the interface bytes"}`,
      );
    }
    this.historicalBytes = Object.freeze(bytes.slice(offset + 1, historicalEnd));

    // pyscard 2.3: TCK is the one byte after the historical bytes, for any protocol
    this.hasChecksum = bytes.length === historicalEnd + 1;
    this.TCK = this.hasChecksum ? bytes[historicalEnd] : null;
    this.checksumOK = this.hasChecksum ? bytes.slice(1).reduce((a, b) => a ^ b, 0) === 0 : null;
    this.extraBytes = Object.freeze(this.hasChecksum ? [] : bytes.slice(historicalEnd));

    const ta1 = TA[0];
    const tb1 = TB[0];
    this.FI = ta1 === null ? null : ta1 >> 4;
    this.DI = ta1 === null ? null : ta1 & 0x0f;
    this.II = tb1 === null ? null : (tb1 >> 5) & 0x03;
    this.PI1 = tb1 === null ? null : tb1 & 0x1f;
    this.N = TC[0];
  }

  /** The check character TCK, or null when the ATR has none. */
  getChecksum(): number | null {
    return this.TCK;
  }

  /**
   * Which levels have TAi, from TA1 on (pyscard's `hasTA`).
   * @deprecated as in pyscard 2.3: use `atr.TA[i] !== null`
   */
  get hasTA(): boolean[] {
    return this.TA.map((ta) => ta !== null);
  }

  /**
   * Which levels have TBi (pyscard's `hasTB`).
   * @deprecated as in pyscard 2.3: use `atr.TB[i] !== null`
   */
  get hasTB(): boolean[] {
    return this.TB.map((tb) => tb !== null);
  }

  /**
   * Which levels have TCi (pyscard's `hasTC`).
   * @deprecated as in pyscard 2.3: use `atr.TC[i] !== null`
   */
  get hasTC(): boolean[] {
    return this.TC.map((tc) => tc !== null);
  }

  /**
   * Which levels have TDi (pyscard's `hasTD`).
   * @deprecated as in pyscard 2.3: use `atr.TD[i] !== null`
   */
  get hasTD(): boolean[] {
    return this.TD.map((td) => td !== null);
  }

  /** The historical bytes T1..TK (a copy). */
  getHistoricalBytes(): number[] {
    return [...this.historicalBytes];
  }

  /**
   * The historical bytes decoded as ISO/IEC 7816-4 8.1.1 lays them out: category indicator,
   * COMPACT-TLV objects (card capabilities, status indicator, AID...).
   *
   * @throws RangeError naming the offset when the historical bytes are malformed
   */
  decodeHistoricalBytes(): HistoricalBytes {
    return decodeHistoricalBytes(this.historicalBytes);
  }

  /** The number of historical bytes. */
  getHistoricalBytesCount(): number {
    return this.historicalBytes.length;
  }

  /** The number of interface bytes (TAi, TBi, TCi and TDi of every level). */
  getInterfaceBytesCount(): number {
    return this.interfaceBytesCount;
  }

  /** TA1 (FI and DI), or null when absent. */
  getTA1(): number | null {
    return this.TA[0];
  }

  /** TB1 (II and PI1, deprecated since ISO 7816-3:2006), or null when absent. */
  getTB1(): number | null {
    return this.TB[0];
  }

  /** TC1 (the extra guard time N), or null when absent. */
  getTC1(): number | null {
    return this.TC[0];
  }

  /** TD1 (Y2 and the first protocol), or null when absent. */
  getTD1(): number | null {
    return this.TD[0];
  }

  /** The bit-rate adjustment factor Di from TA1, 1 without TA1, "RFU" for a reserved DI. */
  getBitRateFactor(): number | RFU {
    return this.DI === null ? 1 : ATR.bitratefactor[this.DI];
  }

  /** The clock-rate conversion factor Fi from TA1, 372 without TA1, "RFU" for a reserved FI. */
  getClockRateConversion(): number | RFU {
    return this.FI === null ? 372 : ATR.clockrateconversion[this.FI];
  }

  /** The maximum programming current in mA from TB1, 50 without TB1. */
  getProgrammingCurrent(): number | RFU {
    return this.II === null ? 50 : ATR.currenttable[this.II];
  }

  /** The programming voltage in V from TB1, 5 without TB1. */
  getProgrammingVoltage(): number {
    return this.PI1 === null ? 5 : 5 * (1 + this.PI1);
  }

  /** The extra guard time N (TC1), or null when absent. */
  getGuardTime(): number | null {
    return this.N;
  }

  /**
   * The protocols the TDi indicate, as pyscard: `{"T=0": true, "T=1": true}`; T=0 alone
   * when there is no TD1. T=15 (global interface bytes) appears when a TDi indicates it.
   */
  getSupportedProtocols(): Record<string, boolean> {
    const protocols: Record<string, boolean> = {};
    for (const td of this.TD) {
      if (td !== null) protocols[`T=${td & 0x0f}`] = true;
    }
    if (this.TD[0] === null) protocols["T=0"] = true;
    return protocols;
  }

  /** Whether T=0 is supported. */
  isT0Supported(): boolean {
    return "T=0" in this.getSupportedProtocols();
  }

  /** Whether T=1 is supported. */
  isT1Supported(): boolean {
    return "T=1" in this.getSupportedProtocols();
  }

  /** Whether a TDi indicates T=15. */
  isT15Supported(): boolean {
    return "T=15" in this.getSupportedProtocols();
  }

  /**
   * A readable multi-line dump, character for character pyscard 2.3's `ATR.render()`
   * (Python's `True`/`None` spellings and its decimal checksum included).
   *
   * @example
   * ```ts
   * import { ATR } from "@pcsc/smartcard";
   * console.log(new ATR([0x3b, 0x16, 0x94, 0x7c, 0x03, 0x01, 0x00, 0x00, 0x0d]).render());
   * // TA1: 94
   * // supported protocols T=0
   * // ...
   * ```
   */
  render(): string {
    const lines: string[] = [];
    const levels = [this.TA, this.TB, this.TC, this.TD];
    for (let i = 0; i < this.Y.length; i++) {
      for (let kind = 0; kind < 4; kind++) {
        const value = levels[kind][i];
        if (value !== null) {
          lines.push(`${INTERFACE_BYTE_NAMES[kind]}${i + 1}: ${value.toString(16)}`);
        }
      }
    }
    lines.push(`supported protocols ${Object.keys(this.getSupportedProtocols()).join(",")}`);
    lines.push(`T=0 supported: ${pythonBool(this.isT0Supported())}`);
    lines.push(`T=1 supported: ${pythonBool(this.isT1Supported())}`);
    if (this.TCK !== null) lines.push(`checksum: ${this.TCK}`);
    lines.push(`\tclock rate conversion factor: ${this.getClockRateConversion()}`);
    lines.push(`\tbit rate adjustment factor: ${this.getBitRateFactor()}`);
    lines.push(`\tmaximum programming current: ${this.getProgrammingCurrent()}`);
    lines.push(`\tprogramming voltage: ${this.getProgrammingVoltage()}`);
    lines.push(`\tguard time: ${this.N ?? "None"}`);
    lines.push(`nb of interface bytes: ${this.getInterfaceBytesCount()}`);
    lines.push(`nb of historical bytes: ${this.getHistoricalBytesCount()}`);
    return lines.join("\n");
  }

  /**
   * Prints {@link render} on the console (pyscard's `dump()`).
   * @deprecated as in pyscard 2.3: use `console.log(atr.render())`
   */
  dump(): void {
    console.log(this.render());
  }

  /** The ATR as uppercase hexadecimal pairs separated by blanks: `"3B 02 14 50"`. */
  toString(): string {
    return toHexString(this.atr);
  }

  /** `console.log(atr)` prints what pyscard's `print(atr)` does: `3B 02 14 50`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}

function pythonBool(value: boolean): string {
  return value ? "True" : "False";
}
