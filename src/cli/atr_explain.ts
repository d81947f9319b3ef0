/**
 * An ATR explained byte by byte (ISO/IEC 7816-3, 8.2): what TS, T0 and each interface byte
 * say, which protocols the card offers, its historical bytes and its check character.
 *
 * @module
 */

import { ATR, explainHistoricalBytes } from "../../mod.ts";
import { hex } from "./output.ts";

/** One byte of the ATR and its meaning. */
export interface ExplainedByte {
  readonly name: string;
  readonly value: number;
  readonly meaning: string;
}

/** The whole explanation, as `atr --json` prints it. */
export interface Explanation {
  readonly atr: string;
  readonly bytes: ExplainedByte[];
  readonly protocols: string[];
  readonly historicalBytes: string;
  /** The historical bytes decoded (ISO 7816-4 8.1.1), one line each, or why they cannot be. */
  readonly historical: string[];
  readonly TCK: { readonly value: number; readonly ok: boolean } | null;
  readonly checksumOK: boolean;
  readonly extraBytes: string;
}

/** Explains `bytes` as an ATR; throws the ATR parser's error for a malformed one. */
export function explainAtr(bytes: readonly number[]): Explanation {
  const atr = new ATR([...bytes]);
  const out: ExplainedByte[] = [
    {
      name: "TS",
      value: atr.TS,
      meaning: atr.TS === 0x3B ? "direct convention" : "inverse convention",
    },
    {
      name: "T0",
      value: atr.T0,
      meaning: `${follows(atr.Y[0], 1)}; ${atr.K} historical byte${atr.K === 1 ? "" : "s"}`,
    },
  ];
  // the protocol each level's bytes belong to: T=0 for level 1 and 2's globals, else what
  // the TD before them indicated
  let protocol = 0;
  for (let i = 0; i < atr.Y.length; i++) {
    const level = i + 1;
    const ta = atr.TA[i], tb = atr.TB[i], tc = atr.TC[i], td = atr.TD[i];
    if (ta !== null && ta !== undefined) {
      out.push(byteOf("TA", level, ta, taMeaning(level, protocol, ta)));
    }
    if (tb !== null && tb !== undefined) {
      out.push(byteOf("TB", level, tb, tbMeaning(level, protocol, tb)));
    }
    if (tc !== null && tc !== undefined) {
      out.push(byteOf("TC", level, tc, tcMeaning(level, protocol, tc)));
    }
    if (td !== null && td !== undefined) {
      out.push(byteOf("TD", level, td, `${follows(td >> 4, level + 1)}; protocol T=${td & 0x0F}`));
      protocol = td & 0x0F;
    }
  }
  const historical = atr.historicalBytes;
  const tck = isoCheckCharacter(atr);
  const printable = historical.every((b) => b >= 0x20 && b < 0x7F);
  return {
    atr: hex(atr.atr),
    bytes: out,
    protocols: Object.keys(atr.getSupportedProtocols()),
    historicalBytes: hex([...historical]) +
      (printable && historical.length ? ` "${String.fromCharCode(...historical)}"` : ""),
    historical: historicalLines(atr),
    TCK: tck.TCK,
    checksumOK: tck.checksumOK,
    extraBytes: hex(tck.extraBytes),
  };
}

/**
 * TCK as ISO 7816-3 8.2.5 has it: present exactly when a TDi indicates a protocol other than
 * T=0, right after the historical bytes. The ATR class reads it as pyscard does (any single
 * trailing byte is TCK), which is what ported code expects of its values; an explanation is
 * the place for the standard's reading.
 */
function isoCheckCharacter(atr: ATR): Pick<Explanation, "TCK" | "checksumOK"> & {
  extraBytes: number[];
} {
  const end = 2 + atr.interfaceBytesCount + atr.K;
  const expected = atr.TD.some((td) => td !== null && (td & 0x0F) !== 0);
  if (!expected || end >= atr.atr.length) {
    return { TCK: null, checksumOK: !expected, extraBytes: atr.atr.slice(end) };
  }
  const ok = atr.atr.slice(1, end + 1).reduce((a, b) => a ^ b, 0) === 0;
  return {
    TCK: { value: atr.atr[end], ok },
    checksumOK: ok,
    extraBytes: atr.atr.slice(end + 1),
  };
}

/** The explanation as lines of text. */
export function explanationLines(e: Explanation): string[] {
  const lines = [`ATR: ${e.atr}`];
  for (const b of e.bytes) {
    lines.push(`  ${b.name.padEnd(4)} = ${hex([b.value])}  ${b.meaning}`);
  }
  lines.push(`protocols: ${e.protocols.join(", ")}`);
  lines.push(`historical bytes: ${e.historicalBytes || "(none)"}`);
  if (e.historicalBytes) { for (const line of e.historical) lines.push(`  ${line}`); }
  if (e.TCK) lines.push(`TCK = ${hex([e.TCK.value])}  ${e.TCK.ok ? "checks" : "does NOT check"}`);
  else lines.push(`TCK: none (${e.checksumOK ? "none needed: T=0 only" : "missing"})`);
  if (e.extraBytes) lines.push(`extra bytes after the ATR: ${e.extraBytes}`);
  return lines;
}

function historicalLines(atr: ATR): string[] {
  try {
    return explainHistoricalBytes(atr.decodeHistoricalBytes());
  } catch (error) {
    if (error instanceof RangeError) return [`cannot be decoded: ${error.message}`];
    throw error;
  }
}

function byteOf(kind: string, level: number, value: number, meaning: string): ExplainedByte {
  return { name: `${kind}${level}`, value, meaning };
}

function follows(y: number, level: number): string {
  const next = ["TA", "TB", "TC", "TD"].filter((_, i) => y & (1 << i)).map((n) => `${n}${level}`);
  return next.length
    ? `${next.join(" ")} follow${next.length === 1 ? "s" : ""}`
    : "no interface byte follows";
}

const FI = [372, 372, 558, 744, 1116, 1488, 1860, "RFU", "RFU", 512, 768, 1024, 1536, 2048];
const DI = ["RFU", 1, 2, 4, 8, 16, 32, 64, 12, 20];

function taMeaning(level: number, protocol: number, ta: number): string {
  if (level === 1) {
    return `Fi = ${FI[ta >> 4] ?? "RFU"}, Di = ${DI[ta & 0x0F] ?? "RFU"}`;
  }
  if (level === 2) {
    return `specific mode, T=${ta & 0x0F}${ta & 0x10 ? ", implicit parameters" : ""}` +
      `${ta & 0x80 ? ", cannot change mode" : ""}`;
  }
  if (protocol === 1) return `IFSC = ${ta} bytes`;
  if (protocol === 15) {
    const clock = ["not supported", "state L", "state H", "no preference"][ta >> 6];
    const classes = ["A (5 V)", "B (3 V)", "C (1.8 V)"].filter((_, i) => ta & (1 << i));
    return `clock stop ${clock}; class ${classes.join(", ") || "none"}`;
  }
  return `protocol T=${protocol} parameter`;
}

function tbMeaning(level: number, protocol: number, tb: number): string {
  if (level === 1) {
    return `programming voltage and current (deprecated): ${tb === 0 ? "none" : hex([tb])}`;
  }
  if (level === 2) return `programming voltage PI2 = ${tb} (deprecated)`;
  if (protocol === 1) return `BWI = ${tb >> 4}, CWI = ${tb & 0x0F}`;
  if (protocol === 15) return `SPU (standard or proprietary use) ${hex([tb])}`;
  return `protocol T=${protocol} parameter`;
}

function tcMeaning(level: number, protocol: number, tc: number): string {
  if (level === 1) {
    return tc === 0xFF ? "extra guard time N = 255 (minimum)" : `extra guard time N = ${tc}`;
  }
  if (level === 2 && protocol === 0) return `work waiting time WI = ${tc}`;
  if (protocol === 1) return `error detection: ${tc & 1 ? "CRC" : "LRC"}`;
  return `protocol T=${protocol} parameter`;
}
