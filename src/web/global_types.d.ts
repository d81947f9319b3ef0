// `navigator.smartCard`'s type, for the programs that import "@pcsc/smartcard/web/global".
//
// This file is a script, not a module (it has no import or export), so its interfaces merge
// with the global ones of the same name: the declarations `declare global { ... }` would make
// in a module, which JSR does not publish. The types it names are reached with `import()`
// type expressions, which keep it a script. `global.ts` references it, so that importing
// that module brings these declarations with it.

interface Navigator {
  /** The Web Smart Card API over the system's PC/SC service (`@pcsc/smartcard/web/global`). */
  readonly smartCard: import("./smart_card_resource_manager.ts").SmartCardResourceManager;
}

interface WorkerNavigator {
  /** The Web Smart Card API over the system's PC/SC service (`@pcsc/smartcard/web/global`). */
  readonly smartCard: import("./smart_card_resource_manager.ts").SmartCardResourceManager;
}
