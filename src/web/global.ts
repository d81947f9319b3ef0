/// <reference types="./global_types.d.ts" />
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
 * Also in a Worker that imports it. The import also gives `navigator.smartCard` its type
 * (`SmartCardResourceManager`), in a Worker's `WorkerNavigator` too.
 *
 * @module
 */

import { install } from "./install.ts";

install();
