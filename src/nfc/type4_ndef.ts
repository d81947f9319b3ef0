/**
 * The NFC Forum Type 4 Tag NDEF mapping (2.0 and 3.0): the NDEF Tag Application
 * (D2 76 00 00 85 01 01), the capability container file E1 03 (MLe, MLc, the NDEF File Control
 * TLV), and the NDEF file: NLEN (2 bytes), then the message, read and written in pieces of at
 * most MLe and MLc bytes.
 *
 * @module
 */

import { describeProgress, NdefTagError, type WriteProgress } from "./ndef_tag_error.ts";

/** One APDU to the tag: the response data and SW1 SW2 as one number. */
export type Type4Transmit = (apdu: number[]) => Promise<{ data: number[]; sw: number }>;

/** A Type 4 tag's NDEF state, as read. */
export interface Type4State {
  /** The mapping version (0x20: 2.0). */
  readonly version: number;
  /** The most bytes one READ BINARY returns (MLe, at most 256 here: short APDUs). */
  readonly maxRead: number;
  /** The most bytes one UPDATE BINARY takes (MLc, at most 255 here: short APDUs). */
  readonly maxWrite: number;
  /** The NDEF file's identifier. */
  readonly fileId: number;
  /** The NDEF file's size, NLEN included. */
  readonly fileSize: number;
  /** Whether the NDEF file's write access is 00 (free). */
  readonly writable: boolean;
  /** The message (empty when NLEN is 0). */
  readonly message: Uint8Array;
  /** The largest message that fits. */
  readonly capacity: number;
}

/** The NDEF Tag Application's name (mapping 2.0 and later). */
export const NDEF_APPLICATION: readonly number[] = Object.freeze([
  0xd2,
  0x76,
  0x00,
  0x00,
  0x85,
  0x01,
  0x01,
]);
const CC_FILE = 0xe103;
const OK = 0x9000;
const MAX_OFFSET = 0x7fff;

const hex = (n: number, digits = 2) => n.toString(16).toUpperCase().padStart(digits, "0");

async function select(transmit: Type4Transmit, fileId: number): Promise<number> {
  return (await transmit([0x00, 0xa4, 0x00, 0x0c, 0x02, fileId >> 8, fileId & 0xff])).sw;
}

async function readBinary(
  transmit: Type4Transmit,
  offset: number,
  length: number,
  what: string,
): Promise<number[]> {
  const { data, sw } = await transmit([0x00, 0xb0, offset >> 8, offset & 0xff, length & 0xff]);
  if (sw !== OK) {
    throw new NdefTagError(
      `READ BINARY of ${what} at offset ${offset} was answered SW ${hex(sw, 4)}`,
      "NotReadableError",
    );
  }
  return data;
}

/**
 * Selects the NDEF application, reads the capability container and the NDEF file.
 * @throws NdefTagError "NotSupportedError" when the card has no NDEF application or capability
 * container (or forbids reading), "NotReadableError" when what it holds breaks the mapping
 */
export async function readType4(transmit: Type4Transmit): Promise<Type4State> {
  let sw = (await transmit([0x00, 0xa4, 0x04, 0x00, 0x07, ...NDEF_APPLICATION, 0x00])).sw;
  // some tags take the application only with P2 0C (no FCI)
  if (sw !== OK) sw = (await transmit([0x00, 0xa4, 0x04, 0x0c, 0x07, ...NDEF_APPLICATION])).sw;
  if (sw !== OK) {
    throw new NdefTagError(
      `the card has no NDEF application (SELECT answered SW ${hex(sw, 4)})`,
      "NotSupportedError",
    );
  }
  sw = await select(transmit, CC_FILE);
  if (sw !== OK) {
    throw new NdefTagError(
      `the NDEF application has no capability container (SELECT E1 03 answered SW ${hex(sw, 4)})`,
      "NotSupportedError",
    );
  }
  const cc = await readBinary(transmit, 0, 15, "the capability container");
  if (cc.length < 15) {
    throw new NdefTagError(
      `the capability container is ${cc.length} bytes, not at least 15`,
      "NotReadableError",
    );
  }
  const version = cc[2];
  if (version >> 4 !== 2 && version >> 4 !== 3) {
    throw new NdefTagError(
      `the mapping version ${version >> 4}.${version & 0xf} is not 2.x or 3.x`,
      "NotSupportedError",
    );
  }
  const mle = (cc[3] << 8) | cc[4];
  const mlc = (cc[5] << 8) | cc[6];
  if (mle < 0x0f || mlc < 0x01) {
    throw new NdefTagError(
      `MLe ${mle} or MLc ${mlc} is below the mapping's minimum`,
      "NotReadableError",
    );
  }
  let fileId: number;
  let fileSize: number;
  let read: number;
  let write: number;
  if (cc[7] === 0x04 && cc[8] === 0x06) {
    [fileId, fileSize, read, write] = [
      (cc[9] << 8) | cc[10],
      (cc[11] << 8) | cc[12],
      cc[13],
      cc[14],
    ];
  } else if (cc[7] === 0x06 && cc[8] === 0x08) {
    // mapping 3.0's Extended NDEF File Control TLV: a 4-byte size
    const more = cc.length >= 17
      ? cc
      : [...cc, ...await readBinary(transmit, 15, 2, "the capability container")];
    fileId = (more[9] << 8) | more[10];
    fileSize = ((more[11] << 24) >>> 0) + (more[12] << 16) + (more[13] << 8) + more[14];
    [read, write] = [more[15], more[16]];
  } else {
    throw new NdefTagError(
      `the capability container has no NDEF File Control TLV (found ${hex(cc[7])} ${hex(cc[8])})`,
      "NotReadableError",
    );
  }
  if (read !== 0x00) {
    throw new NdefTagError(
      `the NDEF file's read access is ${hex(read)}, not free`,
      "NotSupportedError",
    );
  }
  // READ BINARY with a 15-bit offset reaches 32 KiB; the rest of a larger file stays unused
  fileSize = Math.min(fileSize, MAX_OFFSET + 1);
  sw = await select(transmit, fileId);
  if (sw !== OK) {
    throw new NdefTagError(
      `SELECT of the NDEF file ${hex(fileId, 4)} was answered SW ${hex(sw, 4)}`,
      "NotReadableError",
    );
  }
  const maxRead = Math.min(mle, 256);
  const maxWrite = Math.min(mlc, 255);
  const nlenBytes = await readBinary(transmit, 0, 2, "NLEN");
  const nlen = (nlenBytes[0] << 8) | nlenBytes[1];
  if (nlen > fileSize - 2) {
    throw new NdefTagError(
      `NLEN ${nlen} is beyond the NDEF file (${fileSize} bytes)`,
      "NotReadableError",
    );
  }
  const message = new Uint8Array(nlen);
  for (let at = 0; at < nlen;) {
    const piece = await readBinary(transmit, 2 + at, Math.min(maxRead, nlen - at), "the NDEF file");
    if (piece.length === 0) {
      throw new NdefTagError(
        `READ BINARY at offset ${2 + at} returned nothing`,
        "NotReadableError",
      );
    }
    message.set(piece.slice(0, nlen - at), at);
    at += piece.length;
  }
  return {
    version,
    maxRead,
    maxWrite,
    fileId,
    fileSize,
    writable: write === 0x00,
    message,
    capacity: Math.min(fileSize - 2, 0xffff),
  };
}

/**
 * Writes `message` to the NDEF file selected by {@link readType4}: NLEN 0 first, the message in
 * pieces of at most MLc, then the real NLEN, so that the tag never holds a broken message.
 * @throws NdefTagError "NotAllowedError" for a read-only file, "NotSupportedError" for a
 * message larger than the file (both before anything is written), "NetworkError" with
 * `progress` when an UPDATE BINARY fails
 */
export async function writeType4(
  transmit: Type4Transmit,
  state: Type4State,
  message: Uint8Array,
): Promise<void> {
  if (!state.writable) {
    throw new NdefTagError("the tag's NDEF file is read-only", "NotAllowedError");
  }
  if (message.length > state.capacity) {
    throw new NdefTagError(
      `the message is ${message.length} bytes; this tag holds at most ${state.capacity}`,
      "NotSupportedError",
    );
  }
  const steps: { offset: number; bytes: number[] }[] = [{ offset: 0, bytes: [0, 0] }];
  for (let at = 0; at < message.length; at += state.maxWrite) {
    steps.push({ offset: 2 + at, bytes: [...message.subarray(at, at + state.maxWrite)] });
  }
  if (message.length > 0) {
    steps.push({ offset: 0, bytes: [message.length >> 8, message.length & 0xff] });
  }
  for (let i = 0; i < steps.length; i++) {
    const { offset, bytes } = steps[i];
    let failure: unknown;
    try {
      const { sw } = await transmit([
        0x00,
        0xd6,
        offset >> 8,
        offset & 0xff,
        bytes.length,
        ...bytes,
      ]);
      if (sw !== OK) {
        failure = new Error(`UPDATE BINARY at offset ${offset} was answered SW ${hex(sw, 4)}`);
      }
    } catch (error) {
      failure = error;
    }
    if (failure !== undefined) {
      const progress: WriteProgress = {
        written: i,
        total: steps.length,
        tagHolds: i === 0 ? "unchanged" : i === steps.length - 1 ? "unknown" : "empty",
      };
      throw new NdefTagError(
        `${(failure as Error)?.message ?? failure}; ${
          describeProgress(progress, "UPDATE BINARY commands")
        }`,
        "NetworkError",
        { cause: failure, progress },
      );
    }
  }
}
