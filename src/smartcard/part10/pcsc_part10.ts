/**
 * PC/SC v2 Part 10, the reader's own features over SCardControl (pyscard's
 * `smartcard.pcsc.PCSCPart10`): which features a reader has, its PIN pad's properties, and the
 * structures a PIN-pad verification or modification is sent with.
 *
 * @module
 */

import { MAX_APDU_SIZE } from "../../pcsc/card_handle.ts";
import type { CardConnection } from "../connection/card_connection.ts";
import { checkBytes, checkInteger } from "../bytes.ts";
import { SCARD_CTL_CODE } from "../scard_constants.ts";

/** CM_IOCTL_GET_FEATURE_REQUEST: SCARD_CTL_CODE(3400), this platform's encoding of it. */
export const CM_IOCTL_GET_FEATURE_REQUEST: number = SCARD_CTL_CODE(3400);

/** The feature tags of PC/SC v2 Part 10, by name. */
export const FEATURES: Readonly<Record<string, number>> = Object.freeze({
  FEATURE_VERIFY_PIN_START: 0x01,
  FEATURE_VERIFY_PIN_FINISH: 0x02,
  FEATURE_MODIFY_PIN_START: 0x03,
  FEATURE_MODIFY_PIN_FINISH: 0x04,
  FEATURE_GET_KEY_PRESSED: 0x05,
  FEATURE_VERIFY_PIN_DIRECT: 0x06,
  FEATURE_MODIFY_PIN_DIRECT: 0x07,
  FEATURE_MCT_READER_DIRECT: 0x08,
  FEATURE_MCT_UNIVERSAL: 0x09,
  FEATURE_IFD_PIN_PROPERTIES: 0x0A,
  FEATURE_ABORT: 0x0B,
  FEATURE_SET_SPE_MESSAGE: 0x0C,
  FEATURE_VERIFY_PIN_DIRECT_APP_ID: 0x0D,
  FEATURE_MODIFY_PIN_DIRECT_APP_ID: 0x0E,
  FEATURE_WRITE_DISPLAY: 0x0F,
  FEATURE_GET_KEY: 0x10,
  FEATURE_IFD_DISPLAY_PROPERTIES: 0x11,
  FEATURE_GET_TLV_PROPERTIES: 0x12,
  FEATURE_CCID_ESC_COMMAND: 0x13,
  FEATURE_EXECUTE_PACE: 0x20,
});

/** The TLV properties FEATURE_GET_TLV_PROPERTIES may report, by tag. */
const PROPERTIES: Readonly<Record<number, string>> = Object.freeze({
  0x01: "wLcdLayout",
  0x02: "bEntryValidationCondition",
  0x03: "bTimeOut2",
  0x04: "wLcdMaxCharacters",
  0x05: "wLcdMaxLines",
  0x06: "bMinPINSize",
  0x07: "bMaxPINSize",
  0x08: "sFirmwareID",
  0x09: "bPPDUSupport",
  0x0A: "dwMaxAPDUDataSize",
  0x0B: "wIdVendor",
  0x0C: "wIdProduct",
});

/** A reader feature: its name (`FEATURE_...`, or `FEATURE_0xNN` for a tag this has no name for) and control code. */
export type Feature = [name: string, controlCode: number];

/** What FEATURE_IFD_PIN_PROPERTIES reports (PIN_PROPERTIES_STRUCTURE), as pyscard names it. */
export interface PinProperties {
  /** The answer as it came. */
  readonly raw: number[];
  /** wLcdLayout's first byte. */
  readonly LcdLayoutX?: number;
  /** wLcdLayout's second byte. */
  readonly LcdLayoutY?: number;
  /** bEntryValidationCondition. */
  readonly EntryValidationCondition?: number;
  /** bTimeOut2. */
  readonly TimeOut2?: number;
}

/** What FEATURE_GET_TLV_PROPERTIES reports: each known property by name, the rest by tag. */
export interface TlvProperties {
  /** The answer as it came. */
  readonly raw: number[];
  /** Known properties (`wLcdLayout`, `sFirmwareID`...): numbers, and the firmware ID a string. */
  readonly [name: string]: number | string | number[] | Record<number, number[]> | undefined;
  /** Properties of a tag this does not know, their value bytes as they came. */
  readonly unknown?: Record<number, number[]>;
}

const FEATURE_NAMES = new Map(Object.entries(FEATURES).map(([name, tag]) => [tag, name]));

/**
 * The features in a CM_IOCTL_GET_FEATURE_REQUEST answer: `tag, 4, control code` each, the
 * control code big-endian. A tag without a name is kept, named `FEATURE_0xNN`.
 */
export function parseFeatureRequest(response: readonly number[]): Feature[] {
  checkBytes(response, "response", MAX_APDU_SIZE);
  const features: Feature[] = [];
  for (let i = 0; i + 6 <= response.length; i += 2 + response[i + 1]) {
    const tag = response[i];
    if (response[i + 1] !== 4) throw new RangeError(`feature 0x${hex(tag)}: length is not 4`);
    const code = ((response[i + 2] << 24) | (response[i + 3] << 16) | (response[i + 4] << 8) |
      response[i + 5]) >>> 0;
    features.push([FEATURE_NAMES.get(tag) ?? `FEATURE_0x${hex(tag)}`, code]);
  }
  return features;
}

/** The reader's features (SCardControl with CM_IOCTL_GET_FEATURE_REQUEST). */
export async function getFeatureRequest(connection: CardConnection): Promise<Feature[]> {
  return parseFeatureRequest(await connection.control(CM_IOCTL_GET_FEATURE_REQUEST, []));
}

/** The control code of `feature` (its name or tag) in `features`, or null when it is not there. */
export function hasFeature(features: readonly Feature[], feature: string | number): number | null {
  const name = typeof feature === "number" ? FEATURE_NAMES.get(feature) : feature;
  return features.find(([n]) => n === name)?.[1] ?? null;
}

/** PIN_PROPERTIES_STRUCTURE as pyscard reads it. */
export function parsePinProperties(response: readonly number[]): PinProperties {
  checkBytes(response, "response", MAX_APDU_SIZE);
  if (response.length < 4) return { raw: [...response] };
  return {
    raw: [...response],
    LcdLayoutX: response[0],
    LcdLayoutY: response[1],
    EntryValidationCondition: response[2],
    TimeOut2: response[3],
  };
}

/**
 * The reader's PIN properties (FEATURE_IFD_PIN_PROPERTIES); `{ raw: [] }` when it has none.
 * The features are asked for unless given, and the control code found in them unless given.
 */
export async function getPinProperties(
  connection: CardConnection,
  features?: readonly Feature[],
  controlCode?: number,
): Promise<PinProperties> {
  const code = controlCode ??
    hasFeature(features ?? await getFeatureRequest(connection), "FEATURE_IFD_PIN_PROPERTIES");
  if (code === null) return { raw: [] };
  return parsePinProperties(await connection.control(code, []));
}

/**
 * The TLV properties in a FEATURE_GET_TLV_PROPERTIES answer: `tag, length, value`, values
 * little-endian (1, 2 or 4 bytes), sFirmwareID as a string; unknown tags kept by number.
 */
export function parseTlvProperties(response: readonly number[]): TlvProperties {
  checkBytes(response, "response", MAX_APDU_SIZE);
  const properties: Record<string, number | string | number[] | Record<number, number[]>> = {
    raw: [...response],
  };
  const unknown: Record<number, number[]> = {};
  for (let i = 0; i + 2 <= response.length;) {
    const tag = response[i];
    const value = response.slice(i + 2, i + 2 + response[i + 1]);
    if (value.length !== response[i + 1]) {
      throw new RangeError(
        `property 0x${hex(tag)}: ${response[i + 1]} bytes announced, fewer given`,
      );
    }
    i += 2 + value.length;
    const name = PROPERTIES[tag];
    if (name === undefined) unknown[tag] = value;
    else if (name === "sFirmwareID") properties[name] = String.fromCharCode(...value);
    else properties[name] = value.reduceRight((n, byte) => n * 256 + byte, 0);
  }
  if (Object.keys(unknown).length > 0) properties.unknown = unknown;
  return properties as TlvProperties;
}

/** The reader's TLV properties (FEATURE_GET_TLV_PROPERTIES); `{ raw: [] }` when it has none. */
export async function getTlvProperties(
  connection: CardConnection,
  features?: readonly Feature[],
  controlCode?: number,
): Promise<TlvProperties> {
  const code = controlCode ??
    hasFeature(features ?? await getFeatureRequest(connection), "FEATURE_GET_TLV_PROPERTIES");
  if (code === null) return { raw: [] };
  return parseTlvProperties(await connection.control(code, []));
}

/** The fields of PIN_VERIFY_STRUCTURE before its APDU (PC/SC v2 Part 10, 2.5.2). */
export interface PinVerifyOptions {
  /** Seconds for the first key (0: the reader's default). */
  readonly timeOut?: number;
  /** Seconds after each key (0: the reader's default). */
  readonly timeOut2?: number;
  /** bmFormatString: the PIN's position and format in the APDU. */
  readonly formatString: number;
  /** bmPINBlockString: the PIN block's length and the PIN length's size. */
  readonly pinBlockString: number;
  /** bmPINLengthFormat: where the PIN length goes. */
  readonly pinLengthFormat: number;
  /** The shortest PIN, in digits (wPINMaxExtraDigit's high byte). */
  readonly minPinLength: number;
  /** The longest PIN, in digits (its low byte). */
  readonly maxPinLength: number;
  /** bEntryValidationCondition: 1 max size reached, 2 validation key, 4 time-out. */
  readonly entryValidationCondition: number;
  /** bNumberMessage: how many messages the reader shows (default 1). */
  readonly numberMessage?: number;
  /** wLangId (default 0x0409, English). */
  readonly langId?: number;
  /** bMsgIndex (default 0). */
  readonly msgIndex?: number;
}

/**
 * PIN_VERIFY_STRUCTURE: its 19-byte header (multi-byte fields little-endian), then the APDU
 * the reader completes with the PIN. Send it with FEATURE_VERIFY_PIN_DIRECT's control code.
 */
export function pinVerifyStructure(options: PinVerifyOptions, apdu: readonly number[]): number[] {
  const o = options;
  return withApdu([
    ...pinFormat(o),
    ...pinLengths(o),
    byte(o.entryValidationCondition, "entryValidationCondition"),
    byte(o.numberMessage ?? 1, "numberMessage"),
    ...le(o.langId ?? 0x0409, 2, "langId"),
    byte(o.msgIndex ?? 0, "msgIndex"),
  ], apdu);
}

/** The fields of PIN_MODIFY_STRUCTURE before its APDU (PC/SC v2 Part 10, 2.5.3). */
export interface PinModifyOptions extends Omit<PinVerifyOptions, "msgIndex"> {
  /** Where, in the APDU's data, the old PIN goes (bytes). */
  readonly insertionOffsetOld: number;
  /** Where, in the APDU's data, the new PIN goes (bytes). */
  readonly insertionOffsetNew: number;
  /** bConfirmPIN: 1 the new PIN is entered twice, 2 the old PIN is asked for too. */
  readonly confirmPin: number;
  /** bMsgIndex1 (default 0). */
  readonly msgIndex1?: number;
  /** bMsgIndex2 (default 1). */
  readonly msgIndex2?: number;
  /** bMsgIndex3 (default 2). */
  readonly msgIndex3?: number;
}

/**
 * PIN_MODIFY_STRUCTURE: its 24-byte header (the verify header's fields plus the insertion
 * offsets, the confirmation and three message indexes), then the APDU. Send it with
 * FEATURE_MODIFY_PIN_DIRECT's control code.
 */
export function pinModifyStructure(options: PinModifyOptions, apdu: readonly number[]): number[] {
  const o = options;
  return withApdu([
    ...pinFormat(o),
    byte(o.insertionOffsetOld, "insertionOffsetOld"),
    byte(o.insertionOffsetNew, "insertionOffsetNew"),
    ...pinLengths(o),
    byte(o.confirmPin, "confirmPin"),
    byte(o.entryValidationCondition, "entryValidationCondition"),
    byte(o.numberMessage ?? 2, "numberMessage"),
    ...le(o.langId ?? 0x0409, 2, "langId"),
    byte(o.msgIndex1 ?? 0, "msgIndex1"),
    byte(o.msgIndex2 ?? 1, "msgIndex2"),
    byte(o.msgIndex3 ?? 2, "msgIndex3"),
  ], apdu);
}

/** The fields both PIN structures start with: the time-outs and how the PIN is formatted. */
function pinFormat(o: PinVerifyOptions | PinModifyOptions): number[] {
  return [
    byte(o.timeOut ?? 0, "timeOut"),
    byte(o.timeOut2 ?? 0, "timeOut2"),
    byte(o.formatString, "formatString"),
    byte(o.pinBlockString, "pinBlockString"),
    byte(o.pinLengthFormat, "pinLengthFormat"),
  ];
}

/** wPINMaxExtraDigit: the shortest and the longest PIN, little-endian. */
function pinLengths(o: PinVerifyOptions | PinModifyOptions): number[] {
  return le((byte(o.minPinLength, "minPinLength") << 8) | byte(o.maxPinLength, "maxPinLength"), 2);
}

/** A PIN structure's header, bTeoPrologue (three zero bytes), ulDataLength, the APDU. */
function withApdu(header: number[], apdu: readonly number[]): number[] {
  checkBytes(apdu, "apdu", MAX_APDU_SIZE);
  return [...header, 0, 0, 0, ...le(apdu.length, 4), ...apdu];
}

function byte(value: number, name: string): number {
  return checkInteger(value, name, 0, 0xFF);
}

function le(value: number, size: number, name = "value"): number[] {
  checkInteger(value, name, 0, 2 ** (8 * size) - 1);
  return Array.from({ length: size }, (_, i) => Math.floor(value / 2 ** (8 * i)) & 0xFF);
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}
