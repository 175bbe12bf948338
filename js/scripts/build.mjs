// Builds the npm package's dist/: the wasm crate (cargo, --profile wasm),
// wasm-bindgen for three targets (Node: opt-level 3 + gateway; browsers: opt-level z), wasm-opt (npm binaryen) and the thin
// wrappers around src/facade.js. Skips the work when nothing changed.
//   node scripts/build.mjs [--force]
// CARGO_TARGET_DIR is honoured (the root Makefile exports it).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const js = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(js, '..');
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, 'target');
const dist = join(js, 'dist');
const force = process.argv.includes('--force');

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });

// Node: speed and the gateway; browsers and bundlers: the smallest build.
// Node's also uses WebAssembly SIMD (every Node since 16.4 has it), which
// makes SHA-256, and so the default hmac-sha256 signature, about 1 µs faster
// per call; browser builds leave it out for the browsers that still lack it.
const SIMD = '-C target-feature=+simd128';
const BUILDS = { node: ['wasm-node', ['--features', 'gateway'], SIMD], browser: ['wasm', [], ''] };
const rawWasm = {};
for (const [name, [profile, extra, rustflags]] of Object.entries(BUILDS)) {
  run('cargo', ['build', '-p', 'topwire-wasm', '--target', 'wasm32-unknown-unknown', '--profile', profile, ...extra], {
    env: { ...process.env, CARGO_TARGET_DIR: targetDir, RUSTFLAGS: `${process.env.RUSTFLAGS ?? ''} ${rustflags}`.trim() },
  });
  rawWasm[name] = join(targetDir, 'wasm32-unknown-unknown', profile, 'topwire_wasm.wasm');
}

const facade = readFileSync(join(js, 'src', 'facade.js'), 'utf8');
const stamp = createHash('sha256')
  .update(readFileSync(rawWasm.node))
  .update(readFileSync(rawWasm.browser))
  .update(facade)
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .digest('hex');
const stampFile = join(dist, '.stamp');
if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.log('js-build: dist/ is up to date');
  process.exit(0);
}

const wasmOpt = join(js, 'node_modules', '.bin', 'wasm-opt');
// The features rustc 1.95 emits for wasm32-unknown-unknown.
const FEATURES = [
  '--enable-bulk-memory', '--enable-bulk-memory-opt', '--enable-reference-types', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-nontrapping-float-to-int', '--enable-multivalue',
];
const EXPORTS = 'TopError, ValidationError, ApiError, DecodeError, SignatureError, TopClient, Gateway, sign, stringToSign, verifySpi';

rmSync(dist, { recursive: true, force: true });
const sizes = [];
for (const [target, dir, build] of [['nodejs', 'node', 'node'], ['web', 'web', 'browser'], ['bundler', 'bundler', 'browser']]) {
  const out = join(dist, dir);
  mkdirSync(out, { recursive: true });
  run('wasm-bindgen', ['--target', target, '--out-dir', out, '--out-name', 'topwire_wasm', '--no-typescript', rawWasm[build]]);
  const bg = join(out, 'topwire_wasm_bg.wasm');
  const before = readFileSync(bg).length;
  const features = build === 'node' ? [...FEATURES, '--enable-simd'] : FEATURES;
  run(wasmOpt, [build === 'node' ? '-O3' : '-Oz', '--strip-debug', '--strip-producers', ...features, bg, '-o', bg]);
  const opt = readFileSync(bg);
  sizes.push({ target, raw: before, opt: opt.length, gz: gzipSync(opt, { level: 9 }).length });
}

// Node: CommonJS around the nodejs glue; ESM re-exports the same objects, so
// `instanceof` holds whichever way a program loads the package.
writeFileSync(join(dist, 'node', 'index.cjs'), `'use strict';
const wasm = require('./topwire_wasm.js');
const GATEWAY_GLUE = wasm;
function ensureReady() {}
${facade}
module.exports = { ${EXPORTS}, init: async () => {}, initSync: () => {} };
`);
writeFileSync(join(dist, 'node', 'index.mjs'), `import cjs from './index.cjs';
export const { ${EXPORTS}, init, initSync } = cjs;
export default cjs;
`);
// Every JS file in dist/node is CommonJS except index.mjs.
writeFileSync(join(dist, 'node', 'package.json'), '{ "type": "commonjs" }\n');

// Web: ESM; call `await init()` (or initSync(bytes)) once before use.
writeFileSync(join(dist, 'web', 'index.js'), `import __wbg_init, * as wasm from './topwire_wasm.js';
const GATEWAY_GLUE = undefined;
let ready = false;
let loading;
function ensureReady() {
  if (!ready) throw new Error('topwire: call \`await init()\` (or initSync) before using the web build');
}
${facade}
/** Loads the WebAssembly module (default: topwire_wasm_bg.wasm next to this file). */
export function init(input) {
  loading ??= __wbg_init(input === undefined ? undefined : { module_or_path: input }).then(() => { ready = true; });
  return loading;
}
/** Synchronous init from the wasm bytes or a compiled WebAssembly.Module. */
export function initSync(module) {
  wasm.initSync({ module });
  ready = true;
}
export { ${EXPORTS} };
`);
writeFileSync(join(dist, 'web', 'package.json'), '{ "type": "module" }\n');

// Bundler: ESM importing the .wasm directly (webpack 5 asyncWebAssembly and the like).
writeFileSync(join(dist, 'bundler', 'index.js'), `import * as wasm from './topwire_wasm.js';
const GATEWAY_GLUE = undefined;
function ensureReady() {}
${facade}
export async function init() {}
export function initSync() {}
export { ${EXPORTS} };
`);
writeFileSync(join(dist, 'bundler', 'package.json'), '{ "type": "module", "sideEffects": ["./topwire_wasm.js"] }\n');

writeFileSync(join(dist, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
for (const s of sizes) {
  console.log(`js-build: ${s.target.padEnd(8)} wasm ${s.raw} B raw, ${s.opt} B after wasm-opt, ${s.gz} B gzipped`);
}
writeFileSync(stampFile, stamp);
