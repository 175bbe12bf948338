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

// The facade reads prepared requests straight from wasm memory. ASCII
// text decodes the same as latin1 (windows-1252 in the Encoding standard),
// a decoder with no multi-byte sequences to look for.
const LATIN1 = new TextDecoder('latin1');

export function memoryBytes(buffer) {
  return new Uint8Array(buffer);
}

export function asciiText(bytes, start, end) {
  return LATIN1.decode(bytes.subarray(start, end));
}
