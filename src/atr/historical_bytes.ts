/**
 * The historical bytes of an ATR decoded as ISO/IEC 7816-4 (8.1.1) lays them out: the category
 * indicator, then COMPACT-TLV data objects (country and issuer, AID, card service data,
 * initial access data, card issuer's data, pre-issuing data, card capabilities, status
 * indicator).
 *
 * @module
 */

import { type Bytes, toByteList } from "../smartcard/bytes.ts";
import { toHexString } from "../smartcard/util.ts";

/** One COMPACT-TLV data object: tag and length in one byte (`SL`), then the value. */
export interface CompactTlvObject {
  /** The tag number, the high nibble of the first byte: 1 to 15 (`0x73` is tag 7 with 3 bytes). */
  readonly tag: number;
  /** What ISO/IEC 7816-4 calls the object, e.g. "card capabilities". */
  readonly name: string;
  /** The value (the low nibble of the first byte gave its length). */
  readonly value: Uint8Array;
  /** Where the object's first byte is, counted from the category indicator (0). */
  readonly offset: number;
  /** The value decoded, one line per fact; the hex value when there is nothing to decode. */
  readonly details: readonly string[];
}

/** Card capabilities (COMPACT-TLV tag 7): ISO/IEC 7816-4's three software function tables. */
export interface CardCapabilities {
  /** First table: the selection methods the card supports. */
  readonly selectionMethods: readonly string[];
  /** Second table, the data coding byte, or null when the object has only the first table. */
  readonly dataCoding: {
    /** Whether EFs of TLV structure are supported. */
    readonly tlvEFs: boolean;
    /** Behaviour of write functions: one-time write, proprietary, write OR, write AND. */
    readonly writeBehaviour: string;
    /** Whether `FF` is a valid first byte of a BER-TLV tag (else it is padding). */
    readonly ffValidTagByte: boolean;
    /** The data unit size in quartets (2 quartets: a unit is a byte). */
    readonly dataUnitQuartets: number;
  } | null;
  /** Third table: whether the card supports command chaining; null without the table. */
  readonly commandChaining: boolean | null;
  /** Third table: whether the card supports extended Lc and Le fields; null without it. */
  readonly extendedLengths: boolean | null;
  /** Third table: who assigns logical channel numbers; null without the table. */
  readonly logicalChannelAssignment: string | null;
  /** Third table: the most logical channels (8 means "8 or more"); null without the table. */
  readonly maxLogicalChannels: number | null;
}

/** The status indicator: life cycle status (LCS) and/or a status word. */
export interface StatusIndicator {
  /** The life cycle status byte, or null. */
  readonly lcs: number | null;
  /** What the LCS means (ISO/IEC 7816-4 table "life cycle status byte"), or null. */
  readonly lifeCycle: string | null;
  /** The status word SW1 SW2 as one number, or null. */
  readonly sw: number | null;
}

/** The historical bytes, decoded. */
export interface HistoricalBytes {
  /** The historical bytes as given. */
  readonly bytes: Uint8Array;
  /** The category indicator (the first byte), or null when there are no historical bytes. */
  readonly category: number | null;
  /** What the category indicator says the bytes are. */
  readonly categoryName: string;
  /** The COMPACT-TLV objects, for categories `00` and `80`; empty otherwise. */
  readonly objects: readonly CompactTlvObject[];
  /** Category `10`'s DIR data reference, or null. */
  readonly dirDataReference: number | null;
  /** The status indicator (category `00`'s last 3 bytes, or tag 8), or null. */
  readonly statusIndicator: StatusIndicator | null;
  /** The card capabilities (tag 7), or null. */
  readonly cardCapabilities: CardCapabilities | null;
  /** The application identifier (tag F), or null. */
  readonly applicationIdentifier: Uint8Array | null;
}

const NAMES: Record<number, string> = {
  0x1: "country code and national data",
  0x2: "issuer identification number",
  0x3: "card service data",
  0x4: "initial access data",
  0x5: "card issuer's data",
  0x6: "pre-issuing data",
  0x7: "card capabilities",
  0x8: "status indicator",
  0xf: "application identifier",
};

/**
 * Decodes historical bytes (ISO/IEC 7816-4 8.1.1). Category `00`: COMPACT-TLV objects then a
 * mandatory 3-byte status indicator; `80`: COMPACT-TLV objects; `10`: a DIR data reference;
 * `81`-`8F`: reserved; any other: proprietary (not decoded).
 *
 * @example
 * ```ts
 * import { decodeHistoricalBytes, toBytes } from "@pcsc/smartcard";
 *
 * const h = decodeHistoricalBytes(toBytes("80 73 C8 21 13 66 01 06 11 59 00 01"));
 * h.categoryName; // "COMPACT-TLV data objects"
 * h.cardCapabilities?.extendedLengths; // false
 * ```
 *
 * @throws TypeError/RangeError when `bytes` is not a byte sequence
 * @throws RangeError naming the offset when a COMPACT-TLV object runs past the end, or when
 * category `00` leaves fewer than 3 bytes for its status indicator
 */
export function decodeHistoricalBytes(bytes: Bytes): HistoricalBytes {
  const b = Uint8Array.from(toByteList(bytes, "historical bytes"));
  const result = {
    bytes: b,
    category: b.length ? b[0] : null,
    categoryName: "",
    objects: [] as CompactTlvObject[],
    dirDataReference: null as number | null,
    statusIndicator: null as StatusIndicator | null,
    cardCapabilities: null as CardCapabilities | null,
    applicationIdentifier: null as Uint8Array | null,
  };
  const category = result.category;
  if (category === null) {
    result.categoryName = "no historical bytes";
  } else if (category === 0x00) {
    result.categoryName = "COMPACT-TLV data objects, then a status indicator (LCS SW1 SW2)";
    if (b.length < 4) {
      throw new RangeError(
        `historical bytes of category 00 end with a 3-byte status indicator, but only ` +
          `${b.length - 1} byte${b.length === 2 ? "" : "s"} follow the category indicator`,
      );
    }
    compactTlv(b, 1, b.length - 3, result);
    result.statusIndicator = statusIndicator(b.subarray(b.length - 3));
  } else if (category === 0x80 && b[1] === 0x4f && b.length >= 3 && 3 + b[2] === b.length) {
    // What PC/SC Part 3 readers build: a BER-TLV AID (tag 4F, then a length byte), which read
    // as COMPACT-TLV would be "tag 4, 15 bytes" and run past the end.
    result.categoryName = "an application identifier, BER-TLV coded (the PC/SC Part 3 form)";
    const value = b.slice(3);
    result.applicationIdentifier = value;
    const details = [`AID ${toHexString(value)}`];
    if (value.length >= 8 && toHexString(value.subarray(0, 5)) === "A0 00 00 03 06") {
      details.push(
        `RID A0 00 00 03 06 (PC/SC workgroup), standard ${hex(value[5])}, card name ` +
          `${hex(value[6])} ${hex(value[7])}`,
      );
    }
    result.objects.push(
      Object.freeze({
        tag: 0xf,
        name: "application identifier",
        value,
        offset: 1,
        details: Object.freeze(details),
      }),
    );
  } else if (category === 0x80) {
    result.categoryName = "COMPACT-TLV data objects";
    compactTlv(b, 1, b.length, result);
  } else if (category === 0x10) {
    result.categoryName = "DIR data reference";
    result.dirDataReference = b.length > 1 ? b[1] : null;
  } else if (category >= 0x81 && category <= 0x8f) {
    result.categoryName = "reserved for future use (RFU)";
  } else {
    result.categoryName = "proprietary format";
  }
  return Object.freeze({ ...result, objects: Object.freeze(result.objects) });
}

interface Collected {
  objects: CompactTlvObject[];
  statusIndicator: StatusIndicator | null;
  cardCapabilities: CardCapabilities | null;
  applicationIdentifier: Uint8Array | null;
}

function compactTlv(b: Uint8Array, start: number, end: number, into: Collected): void {
  let i = start;
  while (i < end) {
    const offset = i;
    const tag = b[i] >> 4;
    const length = b[i] & 0x0f;
    i++;
    if (i + length > end) {
      throw new RangeError(
        `COMPACT-TLV object ${hex(b[offset])} at offset ${offset} of the historical bytes ` +
          `announces ${length} byte${length === 1 ? "" : "s"}, but only ${end - i} remain`,
      );
    }
    const value = b.slice(i, i + length);
    i += length;
    const details: string[] = [];
    switch (tag) {
      case 0x1:
        if (length >= 2) {
          // three BCD quartets of ISO 3166-1's numeric code, then national data
          const digits = toHexString(value, 1).slice(0, 3);
          details.push(`country code (ISO 3166-1 numeric) ${digits}`);
          if (length > 2 || (value[1] & 0x0f) !== 0x0f) {
            details.push(`national data ${toHexString(value)}`);
          }
        } else details.push(toHexString(value));
        break;
      case 0x2:
        details.push(`issuer identification number (ISO/IEC 7812-1) ${toHexString(value, 1)}`);
        break;
      case 0x3:
        if (length >= 1) details.push(...cardServiceData(value[0]));
        break;
      case 0x4:
        details.push(...initialAccessData(value));
        break;
      case 0x7: {
        const capabilities = cardCapabilities(value);
        into.cardCapabilities = capabilities;
        details.push(...capabilitiesLines(capabilities));
        if (length > 3) details.push(`${length - 3} more bytes ISO/IEC 7816-4 does not define`);
        break;
      }
      case 0x8:
        if (length >= 1 && length <= 3) {
          const indicator = statusIndicator(value);
          into.statusIndicator = indicator;
          details.push(...statusLines(indicator));
        } else details.push(`a status indicator of ${length} bytes is not one ISO defines`);
        break;
      case 0xf:
        into.applicationIdentifier = value;
        details.push(`AID ${toHexString(value)}`);
        break;
      default:
        if (length) details.push(toHexString(value));
    }
    into.objects.push(
      Object.freeze({
        tag,
        name: NAMES[tag] ?? `unknown tag ${tag.toString(16).toUpperCase()}`,
        value,
        offset,
        details: Object.freeze(details.length ? details : [toHexString(value) || "(empty)"]),
      }),
    );
  }
}

function cardServiceData(cs: number): string[] {
  const lines: string[] = [];
  if (cs & 0x80) lines.push("application selection by full DF name");
  if (cs & 0x40) lines.push("application selection by partial DF name");
  if (cs & 0x20) lines.push("BER-TLV data objects available in EF.DIR");
  if (cs & 0x10) lines.push("BER-TLV data objects available in EF.ATR/INFO");
  const access = (cs >> 1) & 0x07;
  lines.push(
    "EF.DIR and EF.ATR/INFO access services: " +
      (access === 4
        ? "by READ BINARY"
        : access === 0
        ? "by READ RECORD(S)"
        : access === 2
        ? "by GET DATA"
        : "RFU"),
  );
  lines.push(cs & 0x01 ? "card without MF" : "card with MF");
  return lines;
}

function initialAccessData(value: Uint8Array): string[] {
  if (value.length === 1) {
    return [`READ BINARY of the current EF with Le ${hex(value[0])}`];
  }
  if (value.length >= 4) return [`command APDU to read the initial data: ${toHexString(value)}`];
  return [toHexString(value)];
}

const SELECTION_METHODS = [
  "DF selection by full DF name",
  "DF selection by partial DF name",
  "DF selection by path",
  "DF selection by file identifier",
  "implicit DF selection",
  "short EF identifier supported",
  "record number supported",
  "record identifier supported",
];

function cardCapabilities(value: Uint8Array): CardCapabilities {
  const [first = 0, second, third] = value;
  return {
    selectionMethods: SELECTION_METHODS.filter((_, bit) => first & (0x80 >> bit)),
    dataCoding: second === undefined ? null : {
      tlvEFs: (second & 0x80) !== 0,
      writeBehaviour: ["one-time write", "proprietary", "write OR", "write AND"][
        (second >> 5) & 0x03
      ],
      ffValidTagByte: (second & 0x10) !== 0,
      dataUnitQuartets: 2 ** (second & 0x0f),
    },
    commandChaining: third === undefined ? null : (third & 0x80) !== 0,
    extendedLengths: third === undefined ? null : (third & 0x40) !== 0,
    logicalChannelAssignment: third === undefined ? null : [
      "no logical channel",
      "by the interface device",
      "by the card",
      "by the interface device and the card",
    ][
      (third >> 3) & 0x03
    ],
    maxLogicalChannels: third === undefined ? null : (third & 0x07) + 1,
  };
}

function capabilitiesLines(c: CardCapabilities): string[] {
  const lines = [`selection methods: ${c.selectionMethods.join(", ") || "none"}`];
  if (c.dataCoding) {
    const d = c.dataCoding;
    lines.push(
      `data coding: ${d.tlvEFs ? "EFs of TLV structure supported, " : ""}` +
        `write functions ${d.writeBehaviour}, FF ${
          d.ffValidTagByte ? "valid" : "invalid (padding)"
        } as first tag byte, data unit ${d.dataUnitQuartets} quartets`,
    );
  }
  if (c.commandChaining !== null) {
    lines.push(`command chaining ${c.commandChaining ? "supported" : "not supported"}`);
    lines.push(`extended Lc and Le fields ${c.extendedLengths ? "supported" : "not supported"}`);
    lines.push(
      `logical channels: assigned ${c.logicalChannelAssignment}, at most ` +
        `${c.maxLogicalChannels === 8 ? "8 or more" : c.maxLogicalChannels}`,
    );
  }
  return lines;
}

function statusIndicator(value: Uint8Array): StatusIndicator {
  const lcs = value.length === 2 ? null : value[0];
  const sw = value.length >= 2 ? (value[value.length - 2] << 8) | value[value.length - 1] : null;
  return { lcs, lifeCycle: lcs === null ? null : lifeCycle(lcs), sw };
}

/** ISO/IEC 7816-4's life cycle status byte. */
function lifeCycle(lcs: number): string {
  if (lcs > 0x0f) return "proprietary";
  if (lcs === 0x00) return "no information given";
  if (lcs === 0x01) return "creation state";
  if (lcs === 0x03) return "initialisation state";
  if ((lcs & 0x0d) === 0x05) return "operational state (activated)";
  if ((lcs & 0x0d) === 0x04) return "operational state (deactivated)";
  if ((lcs & 0x0c) === 0x0c) return "termination state";
  return "RFU";
}

function statusLines(s: StatusIndicator): string[] {
  const lines: string[] = [];
  if (s.lcs !== null) lines.push(`life cycle status ${hex(s.lcs)}: ${s.lifeCycle}`);
  if (s.sw !== null) lines.push(`status word ${hex(s.sw >> 8)} ${hex(s.sw & 0xff)}`);
  return lines;
}

/**
 * The decoded historical bytes as lines of text, for an ATR's explanation.
 *
 * @example
 * ```ts
 * import { decodeHistoricalBytes, explainHistoricalBytes, toBytes } from "@pcsc/smartcard";
 * console.log(explainHistoricalBytes(decodeHistoricalBytes(toBytes("80 31 80 65 B0"))).join("\n"));
 * ```
 */
export function explainHistoricalBytes(h: HistoricalBytes): string[] {
  if (h.category === null) return ["no historical bytes"];
  const lines = [`category indicator ${hex(h.category)}: ${h.categoryName}`];
  if (h.dirDataReference !== null) lines.push(`  DIR data reference ${hex(h.dirDataReference)}`);
  for (const o of h.objects) {
    const head = h.bytes[o.offset] === 0x4f && h.objects.length === 1 && o.offset === 1
      ? `4F ${hex(o.value.length)} BER-TLV tag 4F`
      : `${hex(h.bytes[o.offset])} tag ${o.tag.toString(16).toUpperCase()}`;
    lines.push(
      `  ${head} (${o.name}), ${o.value.length} byte${o.value.length === 1 ? "" : "s"}`,
    );
    for (const d of o.details) lines.push(`     ${d}`);
  }
  if (h.category === 0x00 && h.statusIndicator) {
    lines.push(`  status indicator (last 3 bytes)`);
    for (const d of statusLines(h.statusIndicator)) lines.push(`     ${d}`);
  }
  if (h.category !== 0x00 && h.category !== 0x80 && h.category !== 0x10) {
    const rest = [...h.bytes];
    const printable = rest.every((b) => b >= 0x20 && b < 0x7f);
    if (printable) lines.push(`  as text: "${String.fromCharCode(...rest)}"`);
  }
  return lines;
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}
