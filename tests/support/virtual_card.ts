/**
 * The testing kit's virtual card (`src/testing/virtual_card.ts`), with the test card
 * (`tests/cards/test_card.ts`) as its behaviour when none is given.
 *
 * @module
 */

import {
  MAX_VPCD_MESSAGE,
  VirtualCard as KitVirtualCard,
  type VirtualCardOptions as KitVirtualCardOptions,
} from "../../src/testing/virtual_card.ts";

export { MAX_VPCD_MESSAGE };

/** The behaviour used when none is given: `tests/cards/test_card.ts`. */
export const DEFAULT_BEHAVIOUR: URL = new URL("../cards/test_card.ts", import.meta.url);

/** The kit's options, with {@link DEFAULT_BEHAVIOUR} for a card with no behaviour or script. */
export type VirtualCardOptions = KitVirtualCardOptions;

/** The kit's virtual card, with {@link DEFAULT_BEHAVIOUR} unless told otherwise. */
export class VirtualCard extends KitVirtualCard {
  /** Makes the card; it is not inserted yet. */
  constructor(options: VirtualCardOptions) {
    const { behaviour = options.script === undefined ? DEFAULT_BEHAVIOUR : undefined } = options;
    super({ ...options, behaviour });
  }
}
