/**
 * What every integration test file starts with: its own stack, and tests that
 * are ignored, not failed, where the stack cannot run. Kept in one place so
 * that every file skips for the same reason and says it the same way: once
 * per test run, since each test file runs in an isolate of its own and only
 * the environment is shared between them.
 *
 * The stack is stopped after the file's last test, whichever tests `--filter` left to run.
 *
 * ```ts
 * const { stack, skipped, onStack } = await stackFixture();
 * onStack("a card goes in", async () => {
 *   await using card = stack.card({ atr: ATR_T1 });
 *   await card.insert();
 * });
 * ```
 *
 * @module
 */

import { type PcscStack, startStack } from "./stack.ts";

/** How the file's tests use the stack. */
export interface FixtureOptions {
  /** Run after each {@link StackFixture.onStack} test that passed: the state the next expects. */
  readonly after?: (stack: PcscStack) => Promise<void>;
}

/** A test file's stack, or the fact that its stack tests are ignored here. */
export interface StackFixture {
  /**
   * The running stack. Where it cannot run, a stand-in that has nothing but
   * `skipped`: touch it only in tests that {@link skipped} ignores, or behind
   * a check of {@link skipped}.
   */
  readonly stack: PcscStack;
  /** Whether the stack cannot run here, so that the tests that need it are ignored. */
  readonly skipped: boolean;
  /** Why the stack cannot run here; undefined when it runs. */
  readonly unavailable: string | undefined;
  /** A test that needs the stack: ignored where it cannot run. */
  onStack(name: string, fn: () => PromiseLike<void> | void): void;
}

/**
 * Starts the file's stack, to be stopped once the file's tests have run, and prints why it
 * cannot run here unless `tests/run.ts`, or an earlier test file of the run, has said so
 * already.
 */
export async function stackFixture(options: FixtureOptions = {}): Promise<StackFixture> {
  const started = await startStack();
  const skipped = "skipped" in started;
  // One line per test run: tests/run.ts, or else the first file that skips, says why.
  if (skipped && !Deno.env.get("PCSC_TEST_SKIP_NOTED")) {
    Deno.env.set("PCSC_TEST_SKIP_NOTED", "1");
    console.log(`integration tests skipped: ${started.skipped}`);
  }
  // Only used by tests that are ignored when the stack is unavailable.
  const stack = started as PcscStack;
  // A hook, not a last test: it runs even when --filter picks none of the file's tests.
  if (!skipped) Deno.test.afterAll(async () => await stack[Symbol.asyncDispose]());
  const { after } = options;
  return {
    stack,
    skipped,
    unavailable: skipped ? started.skipped : undefined,
    onStack(name, fn) {
      Deno.test({
        name,
        ignore: skipped,
        async fn() {
          if (skipped) return;
          await fn();
          await after?.(stack);
        },
      });
    },
  };
}
