/**
 * Installs `navigator.smartCard` (the system's PC/SC) for code written for the browser:
 *
 * ```ts
 * import "jsr:@pcsc/smartcard/web/global";
 *
 * const context = await navigator.smartCard.establishContext();
 * console.log(await context.listReaders());
 * ```
 *
 * Also in a Worker that imports it. JSR allows no global type augmentation, so TypeScript
 * learns of `navigator.smartCard` from the program, as in a browser project (see
 * `examples/web_smart_card.ts`): `declare global { interface Navigator { readonly smartCard:
 * SmartCardResourceManager } }`.
 *
 * @module
 */

import { install } from "./install.ts";

install();
