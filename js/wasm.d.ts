// `topwire/wasm`: the browser build's WebAssembly file, for bundlers that do
// not copy `new URL('topwire_wasm_bg.wasm', import.meta.url)` assets (esbuild):
// import it with a file loader and hand its URL to `init`.
//   import wasmUrl from 'topwire/wasm';   // esbuild --loader:.wasm=file
//   await init(wasmUrl);
declare const url: string;
export default url;
