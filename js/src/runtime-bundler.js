// The bundler build's runtime for the facade: the bundler instantiates the
// .wasm before the module runs (webpack 5 asyncWebAssembly and the like),
// so init is a no-op; the gateway is left out.
export function ensureReady() {}

export function gatewayGlue() {
  return undefined;
}

export async function init() {}

export function initSync() {}

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
