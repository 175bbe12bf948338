// The web build's runtime for the facade: the module loads asynchronously,
// once, through `init()` (or `initSync(bytes)`); the gateway is left out.
import __wbg_init, { initSync as wbgInitSync } from './topwire_wasm.js';

let ready = false;
let loading;

export function ensureReady() {
  if (!ready) throw new Error('topwire: call `await init()` (or initSync) before using the web build');
}

export function gatewayGlue() {
  return undefined;
}

/** Loads the WebAssembly module (default: topwire_wasm_bg.wasm next to this file). */
export function init(input) {
  loading ??= __wbg_init(input === undefined ? undefined : { module_or_path: input }).then(() => {
    ready = true;
  });
  return loading;
}

/** Synchronous init from the wasm bytes or a compiled WebAssembly.Module. */
export function initSync(module) {
  wbgInitSync({ module });
  ready = true;
}
