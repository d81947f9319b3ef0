/**
 * The CPU an idle `waitforcard` (no card, 10 s time-out) costs under Wine, where
 * SCardGetStatusChangeA returns at once instead of blocking: only the request's own back-off
 * keeps such a wait from spinning.
 *
 * `bash tests/windows/run.sh --script tests/windows/idle_wait_cpu.ts [seconds]` (as root: it
 * needs the Wine environment and daemon that run.sh sets up).
 *
 * @module
 */

import process from "node:process";
import { CardRequest, CardRequestTimeoutException } from "../../mod.ts";

const seconds = Number(Deno.args[0] ?? 10);
// the empty reader: run.sh starts its daemon with no card in either reader
using request = new CardRequest({ readers: ["Virtual PCD 00 00"], timeout: seconds });
const before = process.cpuUsage();
const start = performance.now();
try {
  await request.waitforcard();
  console.log("a card was found: take it out and measure again");
  Deno.exit(1);
} catch (error) {
  if (!(error instanceof CardRequestTimeoutException)) throw error;
}
const wall = (performance.now() - start) / 1000;
const { user, system } = process.cpuUsage(before);
const cpu = (user + system) / 1e6;
console.log(
  `idle waitforcard: ${wall.toFixed(1)} s wall, ${cpu.toFixed(2)} s CPU in deno.exe ` +
    `(user ${(user / 1e6).toFixed(2)}, system ${(system / 1e6).toFixed(2)}), ` +
    `${(100 * cpu / wall).toFixed(0)}% of a core`,
);
