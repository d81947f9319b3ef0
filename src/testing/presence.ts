/**
 * Waiting until the PC/SC service has noticed a card going in or out (pcscd polls the
 * virtual reader, so that takes up to ~0.4 s), through the library's own CardRequest.
 *
 * @module
 */

import { CardRequest } from "../../mod.ts";

/**
 * Resolves once `reader` has a card (true) or none (false), as the service sees it.
 * @throws CardRequestTimeoutException after 10 s
 */
export async function cardPresent(reader: string, present: boolean = true): Promise<void> {
  using request = new CardRequest({ readers: [reader], timeout: 10 });
  if (present) {
    using _service = await request.waitforcard();
    return;
  }
  // the first call reports the cards present; later calls report what changed
  const [inserted] = await request.waitforcardevent();
  let cards = inserted.length;
  while (cards > 0) {
    const [more, removed] = await request.waitforcardevent();
    cards += more.length - removed.length;
  }
}
