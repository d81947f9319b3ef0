/**
 * The integration tests' stack: the testing kit's (`src/testing/stack.ts`), in the folder
 * `tests/run.ts` gives (`PCSC_TEST_DIR`, where it finds the daemons a crash left), with the
 * test card as the cards' default behaviour, and "cannot run here" as a value, not a throw.
 *
 * Integration tests reach it through `tests/support/fixture.ts`, which starts
 * one per test file and turns "cannot run here" into ignored tests.
 *
 * @module
 */

import { startVirtualStack, type VirtualStack } from "../../src/testing/stack.ts";
import { StackUnavailableError } from "../../src/testing/requirements.ts";
import { DEFAULT_BEHAVIOUR } from "./virtual_card.ts";

/** Why the stack cannot run here: one line, printed by the tests that skip. */
export type StackUnavailable = { readonly skipped: string };

/** A private pcscd and its two virtual readers. Disposing stops the daemon. */
export type PcscStack = VirtualStack;

/**
 * Starts a private pcscd with two virtual readers, or says in one line why it
 * cannot run here (not Linux, not root, packages missing). Throws only when
 * everything is there but the daemon fails to start; its log is printed then.
 */
export async function startStack(): Promise<PcscStack | StackUnavailable> {
  try {
    return await startVirtualStack({
      dir: Deno.env.get("PCSC_TEST_DIR") || undefined,
      behaviour: DEFAULT_BEHAVIOUR,
    });
  } catch (error) {
    if (error instanceof StackUnavailableError) return { skipped: error.message };
    throw error;
  }
}
