/**
 * `navigator.smartCard` in Deno: the system's resource manager, and the one way it is put on
 * a navigator.
 *
 * @module
 */

import {
  createResourceManager,
  type SmartCardResourceManager,
} from "./smart_card_resource_manager.ts";

/** The system's PC/SC, as `navigator.smartCard` is in a browser: one instance per realm. */
export const smartCard: SmartCardResourceManager = createResourceManager();

/**
 * Puts {@link smartCard} on `target` (Deno's `navigator` unless told) as a read-only
 * `smartCard` property, so that code written for the browser runs as written; does nothing
 * where one is there already. Gives what `target.smartCard` is then.
 */
export function install(target: object = globalThis.navigator): SmartCardResourceManager {
  if (!("smartCard" in target)) {
    Object.defineProperty(target, "smartCard", {
      value: smartCard,
      enumerable: true,
      configurable: true,
      writable: false,
    });
  }
  return (target as { smartCard: SmartCardResourceManager }).smartCard;
}
