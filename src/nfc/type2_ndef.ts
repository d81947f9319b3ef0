/**
 * The NFC Forum Type 2 Tag NDEF mapping (MIFARE Ultralight, NTAG213/215/216): the capability
 * container in page 3, the data area from page 4 as TLVs (NULL 00, Lock Control 01, Memory
 * Control 02, NDEF Message 03, proprietary FD, Terminator FE; lengths of 1 byte, or FF and 2
 * bytes), the areas Lock and Memory Control TLVs reserve skipped, static and dynamic lock bits.
 *
 * The tag is reached through {@link Type2Io} (4-page reads, 1-page writes), so the mapping
 * knows nothing of readers.
 *
 * @module
 */

import { describeProgress, NdefTagError, type WriteProgress } from "./ndef_tag_error.ts";
import { toHexString } from "../smartcard/util.ts";

/** Page access to a Type 2 tag. */
export interface Type2Io {
  /** 16 bytes from `page` on (4 pages). */
  read(page: number): Promise<Uint8Array>;
  /**
   * Writes one page. `what` says which kind of page, so that the guard under it lets through
   * exactly what the caller asked for: data, the capability container, or lock bytes.
   */
  write(
    page: number,
    bytes: Uint8Array,
    what: "data" | "capability-container" | "lock",
  ): Promise<void>;
}

/** Where the dynamic lock bits are, as the tag's model has them, when no Lock Control TLV says. */
export interface DynamicLockHint {
  /** The page of the dynamic lock bytes. */
  readonly page: number;
  /** How many bytes of the data area one lock bit locks. */
  readonly bytesPerBit: number;
}

/** A Type 2 tag's NDEF state, as read. */
export interface Type2State {
  /** The capability container (page 3). */
  readonly cc: Uint8Array;
  /** The data area's size in bytes (CC byte 2 × 8). */
  readonly dataAreaSize: number;
  /** Whether CC's write access (byte 3, low nibble) is 0: writing allowed. */
  readonly writable: boolean;
  /** The NDEF message's bytes (empty: an NDEF TLV of length 0 or none). */
  readonly message: Uint8Array;
  /** Whether there is an NDEF Message TLV. */
  readonly hasNdefTlv: boolean;
  /** The largest message that fits, in bytes. */
  readonly capacity: number;
  /** The tag's memory from byte 0 to the end of the data area, as read. */
  readonly memory: Uint8Array;
  /** The byte address where the NDEF TLV starts (or would). */
  readonly ndefStart: number;
  /** Addresses of the data area that TLVs reserve (lock and memory areas). */
  readonly reserved: ReadonlySet<number>;
  /** The dynamic lock bits, where known. */
  readonly dynamicLock: {
    readonly address: number;
    readonly bits: number;
    readonly bytesPerBit: number;
  } | null;
}

const DATA_START = 16;
const NDEF_TLV = 0x03;
const TERMINATOR = 0xfe;
const NULL_TLV = 0x00;
/** The largest NDEF TLV length a Type 2 tag takes (FF FF is reserved). */
export const MAX_TYPE2_MESSAGE = 0xfffe;

/**
 * Reads the capability container and the data area, and finds the NDEF message.
 * @throws NdefTagError "NotSupportedError" for a tag not formatted for NDEF (no E1 magic, a
 * mapping version above 1.x, no read access), "NotReadableError" for TLVs that break the rules
 */
export async function readType2(io: Type2Io, hint?: DynamicLockHint): Promise<Type2State> {
  const head = await io.read(0);
  if (head.length < 16) {
    throw new NdefTagError(
      `READ of pages 0-3 gave ${head.length} bytes, not 16`,
      "NotReadableError",
    );
  }
  const cc = head.slice(12, 16);
  if (cc[0] !== 0xe1) {
    throw new NdefTagError(
      `the tag is not formatted for NDEF (capability container ${toHexString(cc)})`,
      "NotSupportedError",
    );
  }
  if (cc[1] >> 4 !== 1) {
    throw new NdefTagError(
      `the tag's NDEF mapping version ${cc[1] >> 4}.${cc[1] & 0xf} is not 1.x`,
      "NotSupportedError",
    );
  }
  if (cc[3] >> 4 !== 0) {
    throw new NdefTagError(
      `the tag's capability container forbids reading (access ${toHexString([cc[3]])})`,
      "NotSupportedError",
    );
  }
  const dataAreaSize = cc[2] * 8;
  const end = DATA_START + dataAreaSize;
  const memory = new Uint8Array(Math.ceil(end / 16) * 16);
  memory.set(head.subarray(0, 16));
  for (let page = 4; page * 4 < end; page += 4) {
    const got = await io.read(page);
    if (got.length < 16 && page * 4 + got.length < end) {
      throw new NdefTagError(
        `READ of page ${page} gave ${got.length} bytes, not 16`,
        "NotReadableError",
      );
    }
    memory.set(got.subarray(0, Math.min(16, memory.length - page * 4)), page * 4);
  }

  const reserved = new Set<number>();
  let dynamicLock: Type2State["dynamicLock"] = null;
  let at = DATA_START;
  const next = (a: number) => {
    let b = a + 1;
    while (reserved.has(b)) b++;
    return b;
  };
  const byteAt = (a: number, what: string) => {
    if (a >= end) {
      throw new NdefTagError(
        `the ${what} runs past the data area (${dataAreaSize} bytes)`,
        "NotReadableError",
      );
    }
    return memory[a];
  };
  let message = new Uint8Array();
  let hasNdefTlv = false;
  let ndefStart = -1;
  let afterControl = DATA_START;
  while (at < end) {
    const tlvStart = at;
    const t = memory[at];
    if (t === NULL_TLV) {
      at = next(at);
      continue;
    }
    if (t === TERMINATOR) {
      ndefStart = tlvStart;
      break;
    }
    at = next(at);
    let length = byteAt(at, "TLV length");
    at = next(at);
    if (length === 0xff) {
      length = byteAt(at, "TLV length") << 8;
      at = next(at);
      length |= byteAt(at, "TLV length");
      at = next(at);
    }
    const value: number[] = [];
    for (let i = 0; i < length; i++) {
      value.push(byteAt(at, `TLV ${toHexString([t])}`));
      at = next(at);
    }
    if (t === 0x01 || t === 0x02) {
      if (length !== 3) {
        throw new NdefTagError(
          `a ${t === 1 ? "Lock" : "Memory"} Control TLV of ${length} bytes, not 3`,
          "NotReadableError",
        );
      }
      const address = (value[0] >> 4) * (1 << (value[2] & 0xf)) + (value[0] & 0xf);
      const size = t === 0x01 ? Math.ceil((value[1] || 256) / 8) : value[1] || 256;
      for (let i = 0; i < size; i++) reserved.add(address + i);
      if (t === 0x01) {
        dynamicLock = { address, bits: value[1] || 256, bytesPerBit: 1 << (value[2] >> 4) };
      }
      afterControl = at;
    } else if (t === NDEF_TLV) {
      hasNdefTlv = true;
      ndefStart = tlvStart;
      message = Uint8Array.from(value);
      break;
    } else afterControl = at;
  }
  if (ndefStart < 0) ndefStart = afterControl;
  while (reserved.has(ndefStart)) ndefStart++;
  if (dynamicLock === null && dataAreaSize > 48) {
    const bytesPerBit = hint?.bytesPerBit ?? 8;
    dynamicLock = {
      address: hint ? hint.page * 4 : end,
      bits: Math.ceil((dataAreaSize - 48) / bytesPerBit),
      bytesPerBit,
    };
  }
  let slots = 0;
  for (let a = ndefStart; a < end; a++) if (!reserved.has(a)) slots++;
  const capacity = Math.min(
    MAX_TYPE2_MESSAGE,
    slots >= 256 + 3 ? slots - 4 : Math.max(0, Math.min(slots - 2, 254)),
  );
  return {
    cc,
    dataAreaSize,
    writable: (cc[3] & 0xf) === 0,
    message,
    hasNdefTlv,
    capacity,
    memory,
    ndefStart,
    reserved,
    dynamicLock,
  };
}

/** The pages a static or dynamic lock bit protects, among `pages`; [] when none is locked. */
async function lockedPages(
  io: Type2Io,
  state: Type2State,
  pages: readonly number[],
): Promise<number[]> {
  const lock0 = state.memory[10];
  const lock1 = state.memory[11];
  let dynamic: Uint8Array | null = null;
  const locked: number[] = [];
  for (const page of pages) {
    if (page >= 3 && page <= 7 && lock0 & (1 << (page === 3 ? 3 : page))) locked.push(page);
    else if (page >= 8 && page <= 15 && lock1 & (1 << (page - 8))) locked.push(page);
    else if (page >= 16 && state.dynamicLock !== null) {
      const d = state.dynamicLock;
      if (dynamic === null) {
        const first = Math.floor(d.address / 4);
        const bytes = d.address + Math.ceil(d.bits / 8) <= state.memory.length
          ? state.memory.subarray(d.address)
          : (await io.read(first)).subarray(d.address - first * 4);
        dynamic = bytes.slice(0, Math.ceil(d.bits / 8));
      }
      const bit = Math.floor((page * 4 - 64) / d.bytesPerBit);
      if (bit < d.bits && dynamic[bit >> 3] & (1 << (bit & 7))) locked.push(page);
    }
  }
  return locked;
}

/**
 * Writes `message` (NDEF bytes; empty for an empty message) as the tag's NDEF TLV, so that the
 * tag never holds a broken message: the TLV's first length byte is set to 0 first, the other
 * bytes written, and that length byte written last, in a page of its own write.
 * @throws NdefTagError "NotAllowedError" for a read-only tag or locked pages,
 * "NotSupportedError" for a message larger than the tag (both before anything is written),
 * "NetworkError" with `progress` when a page write fails
 */
export async function writeType2(
  io: Type2Io,
  state: Type2State,
  message: Uint8Array,
): Promise<void> {
  if (!state.writable) {
    throw new NdefTagError(
      `the tag is read-only (capability container access ${toHexString([state.cc[3]])})`,
      "NotAllowedError",
    );
  }
  if (message.length > state.capacity) {
    throw new NdefTagError(
      `the message is ${message.length} bytes; this tag holds at most ${state.capacity}`,
      "NotSupportedError",
    );
  }
  const end = DATA_START + state.dataAreaSize;
  const slots: number[] = [];
  for (let a = state.ndefStart; a < end; a++) if (!state.reserved.has(a)) slots.push(a);
  const length = message.length < 0xff
    ? [message.length]
    : [0xff, message.length >> 8, message.length & 0xff];
  const tlv = [NDEF_TLV, ...length, ...message];
  if (tlv.length < slots.length) tlv.push(TERMINATOR);

  const image = state.memory.slice();
  tlv.forEach((b, i) => image[slots[i]] = b);
  const lengthAddress = slots[1];
  const lengthPage = lengthAddress >> 2;
  const typePage = slots[0] >> 2;
  const pageOf = (img: Uint8Array, p: number) => img.slice(p * 4, p * 4 + 4);
  const changed = new Set<number>();
  for (let i = 0; i < tlv.length; i++) {
    const p = slots[i] >> 2;
    if (image[slots[i]] !== state.memory[slots[i]] || p === lengthPage) changed.add(p);
  }
  const locked = await lockedPages(io, state, [...changed]);
  if (locked.length > 0) {
    throw new NdefTagError(`pages ${locked.join(", ")} of the tag are locked`, "NotAllowedError");
  }
  const interim = image.slice();
  interim[lengthAddress] = 0;
  const plan: { page: number; bytes: Uint8Array }[] = [{
    page: lengthPage,
    bytes: pageOf(interim, lengthPage),
  }];
  if (typePage !== lengthPage) plan.push({ page: typePage, bytes: pageOf(interim, typePage) });
  for (const p of [...changed].sort((a, b) => a - b)) {
    if (p !== lengthPage && p !== typePage) plan.push({ page: p, bytes: pageOf(interim, p) });
  }
  if (image[lengthAddress] !== 0) plan.push({ page: lengthPage, bytes: pageOf(image, lengthPage) });

  for (let i = 0; i < plan.length; i++) {
    try {
      await io.write(plan[i].page, plan[i].bytes, "data");
    } catch (cause) {
      const progress: WriteProgress = {
        written: i,
        total: plan.length,
        tagHolds: i === 0
          ? "unchanged"
          : i === plan.length - 1 && image[lengthAddress] !== 0
          ? "unknown"
          : "empty",
      };
      throw new NdefTagError(
        `writing page ${plan[i].page} failed: ${(cause as Error)?.message ?? cause}; ${
          describeProgress(progress, "pages")
        }`,
        "NetworkError",
        { cause, progress },
      );
    }
  }
}

/**
 * Makes the tag read-only for ever, as the Type 2 mapping says: the capability container's
 * write access set to F, then the static lock bytes, then the dynamic lock bits of the data
 * area. Each is set by OR on what the tag holds.
 * @throws NdefTagError "NetworkError" when a write fails, saying which were done
 */
export async function lockType2(io: Type2Io, state: Type2State): Promise<void> {
  const steps: {
    what: string;
    page: number;
    bytes: Uint8Array;
    kind: "capability-container" | "lock";
  }[] = [];
  if ((state.cc[3] & 0xf) !== 0xf) {
    steps.push({
      what: "the capability container",
      page: 3,
      bytes: Uint8Array.of(state.cc[0], state.cc[1], state.cc[2], state.cc[3] | 0x0f),
      kind: "capability-container",
    });
  }
  const page2 = state.memory.slice(8, 12);
  if (page2[2] !== 0xff || page2[3] !== 0xff) {
    steps.push({
      what: "the static lock bytes",
      page: 2,
      bytes: Uint8Array.of(page2[0], page2[1], 0xff, 0xff),
      kind: "lock",
    });
  }
  const d = state.dynamicLock;
  if (d !== null) {
    const first = d.address >> 2;
    // every page the lock bits span, however many (a read gives 4 pages at most)
    const span = (d.address & 3) + Math.ceil(d.bits / 8);
    const current = new Uint8Array(Math.ceil(span / 4) * 4);
    for (let at = 0; at < current.length; at += 16) {
      const got = await io.read(first + at / 4);
      current.set(got.subarray(0, Math.min(16, current.length - at)), at);
    }
    const wanted = current.slice();
    for (let bit = 0; bit < d.bits; bit++) wanted[(d.address & 3) + (bit >> 3)] |= 1 << (bit & 7);
    for (let p = 0; p * 4 < span; p++) {
      const was = current.subarray(p * 4, p * 4 + 4);
      const now = wanted.slice(p * 4, p * 4 + 4);
      if (now.some((b, i) => b !== was[i])) {
        steps.push({ what: "the dynamic lock bytes", page: first + p, bytes: now, kind: "lock" });
      }
    }
  }
  for (let i = 0; i < steps.length; i++) {
    try {
      await io.write(steps[i].page, steps[i].bytes, steps[i].kind);
    } catch (cause) {
      const done = steps.slice(0, i).map((s) => s.what);
      throw new NdefTagError(
        `writing ${steps[i].what} (page ${steps[i].page}) failed: ${
          (cause as Error)?.message ?? cause
        }; ${
          done.length ? `done before: ${[...new Set(done)].join(", ")}` : "nothing was written"
        }`,
        "NetworkError",
        { cause },
      );
    }
  }
}
