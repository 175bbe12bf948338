// The bundler build's runtime for the facade: the bundler instantiates the
// .wasm before the module runs (webpack 5 asyncWebAssembly and the like),
// so init is a no-op; the gateway is left out.
export function ensureReady() {}

export function gatewayGlue() {
  return undefined;
}

export async function init() {}

export function initSync() {}
