/**
 * Testing card code without hardware: a real PC/SC stack (a private pcscd with two vpcd
 * virtual readers) and virtual cards that answer from a behaviour module or a script of
 * expected exchanges, with the trace of what they saw.
 *
 * Needs Linux, root (the daemon runs in a private mount namespace) and the Debian packages
 * pcscd, vsmartcard-vpcd and libpcsclite1 (`apt install pcscd vsmartcard-vpcd`); installs
 * nothing. Where the stack cannot run, {@link startVirtualStack} throws a
 * {@link StackUnavailableError} that lists what is missing; {@link missingRequirements}
 * tells beforehand, to skip tests.
 *
 * Start the stack before the first PC/SC call of the process: libpcsclite reads the socket
 * name (`PCSCLITE_CSOCK_NAME`, which the stack sets) once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readers } from "@pcsc/smartcard";
 * import { missingRequirements, startVirtualStack } from "@pcsc/smartcard/testing";
 *
 * Deno.test({
 *   name: "SELECT is answered 90 00",
 *   ignore: (await missingRequirements()).length > 0,
 *   async fn() {
 *     await using stack = await startVirtualStack();
 *     await using card = stack.card({
 *       atr: [0x3b, 0x02, 0x54, 0x30],
 *       script: [{ command: "00 A4 04 00 02 3F 00", response: "90 00" }],
 *     });
 *     await card.insert();
 *     await card.waitPresent();
 *     using connection = readers()[0].createConnection();
 *     await connection.connect();
 *     const [, sw1, sw2] = await connection.transmit([0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00]);
 *     assert.deepEqual([sw1, sw2], [0x90, 0x00]);
 *     assert.deepEqual(await card.pendingExchanges(), []);
 *   },
 * });
 * ```
 *
 * Virtual contactless cards answer PC/SC Part 3 pseudo-APDUs as a contactless reader with
 * the card in its field would (an ACS ACR122U's conventions): {@link virtualNtag}
 * (NTAG213/215/216, locks honoured), {@link virtualMifareClassic} (1K, 4K, Mini, keys and
 * access conditions enforced) and {@link virtualType4Tag} (the NFC Forum Type 4 NDEF
 * application). Each exposes its memory for assertions (`memory()`, `files()`).
 *
 * Importing the kit opens the PC/SC library (with `--allow-ffi`), so that `deno test`'s
 * resource sanitizer does not count it against the first test that uses PC/SC.
 *
 * @module
 */

import "./library.ts";

export {
  READER_NAMES,
  type StackCardOptions,
  type StackStartOptions,
  startVirtualStack,
  type VirtualStack,
  type VirtualStackOptions,
} from "./stack.ts";
export {
  type CardOptions,
  MAX_VPCD_MESSAGE,
  VirtualCard,
  type VirtualCardOptions,
} from "./virtual_card.ts";
export type {
  CardBehaviour,
  CardResponse,
  HexBytes,
  ScriptedExchange,
  TraceEntry,
} from "./card_behaviour.ts";
export {
  MIFARE_CLASSIC_ATRS,
  type MifareClassicSnapshot,
  type MifareClassicType,
  NTAG_ATR,
  type NtagModel,
  type NtagSnapshot,
  type OnReader,
  type Type4Snapshot,
  VirtualMifareClassic,
  virtualMifareClassic,
  type VirtualMifareClassicInit,
  VirtualNtag,
  virtualNtag,
  type VirtualNtagInit,
  type VirtualSectorInit,
  VirtualType4Tag,
  virtualType4Tag,
  type VirtualType4TagInit,
} from "./contactless_cards.ts";
export {
  missingRequirements,
  type Requirement,
  type StackProbes,
  StackUnavailableError,
} from "./requirements.ts";
