/**
 * The behaviour module of the kit's virtual contactless cards, loaded in each card's
 * Worker: `configure` makes the chip the card options name, and every APDU goes to it.
 *
 * @module
 */

import {
  VirtualMifareClassicChip,
  type VirtualMifareClassicInit,
} from "./virtual_mifare_classic.ts";
import { VirtualNtagChip, type VirtualNtagInit } from "./virtual_ntag.ts";
import { VirtualType4TagChip, type VirtualType4TagInit } from "./virtual_type4_tag.ts";

/** Which chip, and how it starts (what `behaviourOptions` carries). */
export type ContactlessChipOptions =
  | { readonly kind: "ntag"; readonly init: VirtualNtagInit }
  | { readonly kind: "mifare-classic"; readonly init: VirtualMifareClassicInit }
  | { readonly kind: "type4"; readonly init: VirtualType4TagInit };

/** What every virtual chip does. */
interface Chip {
  handle(apdu: Uint8Array): Uint8Array;
  reset(): void;
  inspect(): unknown;
}

let chip: Chip | undefined;

/** Makes the chip; called once, before the first APDU. */
export function configure(options: unknown): void {
  const chosen = options as ContactlessChipOptions;
  switch (chosen.kind) {
    case "ntag":
      chip = new VirtualNtagChip(chosen.init);
      return;
    case "mifare-classic":
      chip = new VirtualMifareClassicChip(chosen.init);
      return;
    case "type4":
      chip = new VirtualType4TagChip(chosen.init);
      return;
    default:
      throw new TypeError(`no virtual contactless chip of kind ${String(chosen)}`);
  }
}

/** Answers one APDU. */
export function handle(apdu: Uint8Array): Uint8Array {
  if (chip === undefined) throw new Error("the contactless card was not configured");
  return chip.handle(apdu);
}

/** Power on or reset: the chip forgets its session (an authentication, a selection). */
export function reset(): void {
  chip?.reset();
}

/** The chip's memory, for assertions. */
export function inspect(): unknown {
  return chip?.inspect();
}
