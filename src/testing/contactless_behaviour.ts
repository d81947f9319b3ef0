/**
 * The behaviour module of the kit's virtual contactless cards, loaded in each card's
 * Worker: `configure` makes the chip the card options name, and every APDU goes to it.
 *
 * @module
 */

import { VirtualNtagChip, type VirtualNtagInit } from "./virtual_ntag.ts";

/** Which chip, and how it starts (what `behaviourOptions` carries). */
export type ContactlessChipOptions = { readonly kind: "ntag"; readonly init: VirtualNtagInit };

/** What every virtual chip does. */
interface Chip {
  handle(apdu: Uint8Array): Uint8Array;
  reset(): void;
  inspect(): unknown;
}

let chip: Chip | undefined;

/** Makes the chip; called once, before the first APDU. */
export function configure(options: unknown): void {
  const { kind, init } = options as ContactlessChipOptions;
  switch (kind) {
    case "ntag":
      chip = new VirtualNtagChip(init);
      return;
    default:
      throw new TypeError(`no virtual contactless chip of kind ${String(kind)}`);
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
