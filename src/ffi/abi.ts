/**
 * One description per platform of everything in which the PC/SC ABIs differ.
 *
 * Struct encoding, symbol tables and constants are all driven by an {@link Abi}, so that a
 * test on Linux can encode with the macOS or Windows description and check its offsets.
 *
 * @module
 */

import {
  formatReturnCode,
  RETURN_CODES,
  type ReturnCode,
  WINDOWS_RETURN_CODES,
} from "./return_codes.ts";

/** A native integer type as Deno's FFI names it. */
export type NativeIntType = "u32" | "i32" | "u64" | "i64";

/** Field offsets and sizes of SCARD_READERSTATE, and the stride of an array of them. */
export interface ReaderStateLayout {
  readonly szReader: number;
  readonly pvUserData: number;
  readonly dwCurrentState: number;
  readonly dwEventState: number;
  readonly cbAtr: number;
  readonly rgbAtr: number;
  /** bytes in the rgbAtr array */
  readonly atrCapacity: number;
  /** sizeof(SCARD_READERSTATE), which is also the stride of an array */
  readonly size: number;
}

/** The PC/SC entry points whose exported name differs between platforms. */
export interface SymbolNames {
  readonly SCardListReaders: string;
  readonly SCardListReaderGroups: string;
  readonly SCardConnect: string;
  readonly SCardStatus: string;
  readonly SCardGetStatusChange: string;
  readonly SCardControl: string;
  readonly SCardIntroduceReaderGroup: string;
  readonly SCardAddReaderToGroup: string;
  readonly SCardRemoveReaderFromGroup: string;
}

/** Everything in which one platform's PC/SC ABI differs from the others. */
export interface Abi {
  /** DWORD: `unsigned long` on pcsc-lite (8 bytes on LP64), `uint32_t` elsewhere */
  readonly dword: { readonly size: 4 | 8; readonly type: NativeIntType };
  /** LONG, the return type of every call */
  readonly long: { readonly size: 4 | 8; readonly type: NativeIntType };
  /** SCARDCONTEXT and SCARDHANDLE: `int32_t` on macOS, pointer-sized elsewhere */
  readonly handle: { readonly size: 4 | 8; readonly type: NativeIntType };
  readonly readerState: ReaderStateLayout;
  /** sizeof(SCARD_IO_REQUEST): two DWORDs */
  readonly ioRequestSize: number;
  readonly symbols: SymbolNames;
  readonly protocolRaw: number;
  /** SCARD_CTL_CODE(code) */
  ctlCode(code: number): number;
  /** SCardStatus reports the card state as an ordinal 0..6 (Windows) rather than a bit mask */
  readonly cardStateOrdinal: boolean;
  readonly returnCodes: ReadonlyMap<number, ReturnCode>;
  /** the code for "feature not supported" (it moved on Windows) */
  readonly unsupportedFeature: number;
  /** the largest attribute buffer SCardGetAttrib accepts (pcsc-lite's MAX_BUFFER_SIZE) */
  readonly attributeCapacity: number;
  /** how many SCARD_READERSTATE one SCardGetStatusChange takes */
  readonly maxWaitStates: number;
  /**
   * the service stops (SCARD_E_NO_SERVICE) while no reader is attached, so "no service"
   * means "no readers" rather than a broken installation
   */
  readonly serviceStopsWithoutReaders: boolean;
  /**
   * What to tell the user when a call fails with a code that has a cause particular to this
   * platform's service, by call and return code (pcsc-lite 2.x's polkit refusal)
   */
  readonly hints: Readonly<Record<string, Readonly<Record<number, string>>>>;
  /** where the library is looked for, absolute paths before sonames */
  readonly libraryCandidates: readonly string[];
  /** what to install when none of them loads */
  readonly installHint: string;
}

const PLAIN_NAMES: SymbolNames = {
  SCardListReaders: "SCardListReaders",
  SCardListReaderGroups: "SCardListReaderGroups",
  SCardConnect: "SCardConnect",
  SCardStatus: "SCardStatus",
  SCardGetStatusChange: "SCardGetStatusChange",
  SCardControl: "SCardControl",
  SCardIntroduceReaderGroup: "SCardIntroduceReaderGroup",
  SCardAddReaderToGroup: "SCardAddReaderToGroup",
  SCardRemoveReaderFromGroup: "SCardRemoveReaderFromGroup",
};

/** pcsc-lite on 64-bit Linux (and the BSDs): DWORD and LONG are C `long`, 8 bytes. */
export const LINUX_ABI: Abi = {
  dword: { size: 8, type: "u64" },
  long: { size: 8, type: "i64" },
  handle: { size: 8, type: "u64" },
  readerState: {
    szReader: 0,
    pvUserData: 8,
    dwCurrentState: 16,
    dwEventState: 24,
    cbAtr: 32,
    rgbAtr: 40,
    // MAX_ATR_SIZE; the struct is padded to a multiple of 8
    atrCapacity: 33,
    size: 80,
  },
  ioRequestSize: 16,
  symbols: PLAIN_NAMES,
  protocolRaw: 0x4,
  ctlCode: (code) => 0x42000000 + code,
  cardStateOrdinal: false,
  returnCodes: RETURN_CODES,
  unsupportedFeature: 0x8010001F,
  // a larger buffer is refused with SCARD_E_INSUFFICIENT_BUFFER before the driver is asked
  attributeCapacity: 264,
  // PCSCLITE_MAX_READERS_CONTEXTS
  maxWaitStates: 16,
  serviceStopsWithoutReaders: false,
  hints: {
    // SCARD_W_SECURITY_VIOLATION: pcscd 2.x built with polkit (Debian 13, Fedora) asks it
    // about every client, and refuses all of them where no D-Bus system bus answers
    SCardEstablishContext: {
      0x8010006A: "The PC/SC service (pcscd) refused this client: pcscd 2.x lets in only " +
        "clients that polkit allows the action org.debian.pcsc-lite.access_pcsc (by default " +
        "a local active session; root in a container or on a server is not one). Grant it " +
        "with a polkit rule, or, where no D-Bus system bus runs, start pcscd with " +
        "--disable-polkit.",
      // SCARD_E_NO_SERVICE: pcscd is not running, nor socket-activated
      0x8010001D: "No PC/SC service (pcscd) answers. Start it (systemd: systemctl start " +
        "pcscd.socket; else pcscd as root), or point PCSCLITE_CSOCK_NAME at the socket of " +
        "the one that runs.",
    },
  },
  libraryCandidates: [
    "/usr/lib/x86_64-linux-gnu/libpcsclite.so.1",
    "/usr/lib/aarch64-linux-gnu/libpcsclite.so.1",
    "/usr/lib64/libpcsclite.so.1",
    "/usr/lib/libpcsclite.so.1",
    "/usr/local/lib/libpcsclite.so.1",
    "libpcsclite.so.1",
  ],
  installHint: "install pcsc-lite (Debian/Ubuntu: apt install pcscd libpcsclite1; " +
    "Fedora: dnf install pcsc-lite pcsc-lite-libs)",
};

/** Apple's PCSC.framework: 32-bit DWORD and handles, `#pragma pack(1)` structs. */
export const MACOS_ABI: Abi = {
  dword: { size: 4, type: "u32" },
  long: { size: 4, type: "i32" },
  handle: { size: 4, type: "i32" },
  readerState: {
    szReader: 0,
    pvUserData: 8,
    dwCurrentState: 16,
    dwEventState: 20,
    cbAtr: 24,
    rgbAtr: 28,
    atrCapacity: 33,
    // packed: no tail padding, so an array's elements are 61 bytes apart
    size: 61,
  },
  ioRequestSize: 8,
  // the plain SCardControl export keeps the pre-1.3.2 five-argument signature
  symbols: { ...PLAIN_NAMES, SCardControl: "SCardControl132" },
  protocolRaw: 0x4,
  ctlCode: (code) => 0x42000000 + code,
  cardStateOrdinal: false,
  returnCodes: RETURN_CODES,
  unsupportedFeature: 0x8010001F,
  // the framework descends from pcsc-lite and keeps its MAX_BUFFER_SIZE
  attributeCapacity: 264,
  maxWaitStates: 16,
  serviceStopsWithoutReaders: true,
  hints: {},
  libraryCandidates: ["/System/Library/Frameworks/PCSC.framework/PCSC"],
  installHint: "PCSC.framework ships with macOS",
};

/** winscard.dll on 64-bit Windows: 4-byte DWORD, pointer-sized handles, `A` entry points. */
export const WINDOWS_ABI: Abi = {
  dword: { size: 4, type: "u32" },
  long: { size: 4, type: "i32" },
  handle: { size: 8, type: "u64" },
  readerState: {
    szReader: 0,
    pvUserData: 8,
    dwCurrentState: 16,
    dwEventState: 20,
    cbAtr: 24,
    rgbAtr: 28,
    // winscard's rgbAtr is 36 bytes, which makes the struct 64 with no padding
    atrCapacity: 36,
    size: 64,
  },
  ioRequestSize: 8,
  symbols: {
    ...PLAIN_NAMES,
    SCardListReaders: "SCardListReadersA",
    SCardListReaderGroups: "SCardListReaderGroupsA",
    SCardConnect: "SCardConnectA",
    SCardStatus: "SCardStatusA",
    SCardGetStatusChange: "SCardGetStatusChangeA",
    SCardIntroduceReaderGroup: "SCardIntroduceReaderGroupA",
    SCardAddReaderToGroup: "SCardAddReaderToGroupA",
    SCardRemoveReaderFromGroup: "SCardRemoveReaderFromGroupA",
  },
  protocolRaw: 0x10000,
  // CTL_CODE(FILE_DEVICE_SMARTCARD, code, METHOD_BUFFERED, FILE_ANY_ACCESS)
  ctlCode: (code) => (0x310000 | (code << 2)) >>> 0,
  cardStateOrdinal: true,
  // 0x8010001F means SCARD_E_UNEXPECTED there; UNSUPPORTED_FEATURE moved to 0x80100022
  returnCodes: new Map([
    ...RETURN_CODES,
    ...WINDOWS_RETURN_CODES.map((rc) => [rc.code, rc] as const),
  ]),
  unsupportedFeature: 0x80100022,
  attributeCapacity: 65548,
  // MAXIMUM_SMARTCARD_READERS, and the PnP pseudo-reader
  maxWaitStates: 11,
  serviceStopsWithoutReaders: true,
  hints: {},
  libraryCandidates: ["C:\\Windows\\System32\\winscard.dll", "winscard.dll"],
  installHint: "winscard.dll ships with Windows; start the Smart Card service",
};

/** The description for `os`, or null where PC/SC is not known (the BSDs use pcsc-lite). */
function abiFor(os: string): Abi | null {
  switch (os) {
    case "windows":
      return WINDOWS_ABI;
    case "darwin":
      return MACOS_ABI;
    case "linux":
    case "freebsd":
    case "netbsd":
    case "openbsd":
    case "android":
      return LINUX_ABI;
    default:
      return null;
  }
}

/** The description of the platform this process runs on. */
export const CURRENT_ABI: Abi = abiFor(Deno.build.os) ?? LINUX_ABI;

/** The return code's name, e.g. `SCARD_E_SHARING_VIOLATION`, or null when unknown. */
export function returnCodeName(code: number, abi: Abi = CURRENT_ABI): string | null {
  return abi.returnCodes.get(code >>> 0)?.name ?? null;
}

/** What the user should know about `call` failing with `code` here, beyond its reason. */
export function returnCodeHint(call: string, code: number, abi: Abi = CURRENT_ABI): string | null {
  return abi.hints[call]?.[code >>> 0] ?? null;
}

/** `"Sharing violation. (0x8010000B)"`: the reason and the code, as errors render them. */
export function describeReturnCode(code: number, abi: Abi = CURRENT_ABI): string {
  const known = abi.returnCodes.get(code >>> 0);
  // pcsc_stringify_error's words for a code it does not know, as pyscard shows them
  const reason = known?.message ?? `Unknown error: ${formatReturnCode(code)}`;
  return `${reason} (${formatReturnCode(code)})`;
}
