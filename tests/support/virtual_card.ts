/**
 * The testing kit's virtual card (`src/testing/virtual_card.ts`), with the test card
 * (`tests/cards/test_card.ts`) as its behaviour when none is given.
 *
 * @module
 */

import {
  VirtualCard as KitVirtualCard,
  type VirtualCardOptions,
} from "../../src/testing/virtual_card.ts";

/** The behaviour used when none is given: `tests/cards/test_card.ts`. */
export const DEFAULT_BEHAVIOUR: URL = new URL("../cards/test_card.ts", import.meta.url);

/** The kit's virtual card, with {@link DEFAULT_BEHAVIOUR} unless told otherwise. */
export class VirtualCard extends KitVirtualCard {
  /** Makes the card, not inserted yet: {@link DEFAULT_BEHAVIOUR} if it has no behaviour or script. */
  constructor(options: VirtualCardOptions) {
    const { behaviour = options.script === undefined ? DEFAULT_BEHAVIOUR : undefined } = options;
    super({ ...options, behaviour });
  }
}
