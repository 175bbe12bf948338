// Builds the npm package's dist/: the wasm crate (cargo, --profile wasm),
// wasm-bindgen for three targets (Node: opt-level 3 + gateway; browsers: opt-level z), wasm-opt (npm binaryen), and
// src/facade.js (a real ES module) copied next to each target's glue with that target's runtime. Skips the work when
// nothing changed.
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

// Node: speed, the gateway and TMC; browsers and bundlers: the smallest build.
// Node's also uses WebAssembly SIMD (every Node since 16.4 has it), which
// makes SHA-256, and so the default hmac-sha256 signature, about 1 µs faster
// per call; browser builds leave it out for the browsers that still lack it.
const SIMD = '-C target-feature=+simd128';
// Browsers also take sha2's compact (rolled) SHA-256 rounds, a documented
// backend option of the crate: about 5 KB less wasm than the unrolled ones.
const COMPACT_SHA256 = '--cfg sha2_backend_soft="compact"';
// Browsers also take the core's `small` feature (its size-saving paths);
// Node keeps the fast ones.
const BUILDS = { node: ['wasm-node', ['--features', 'gateway,batch,tmc'], SIMD], browser: ['wasm', ['--features', 'small'], COMPACT_SHA256] };
const rawWasm = {};
for (const [name, [profile, extra, rustflags]] of Object.entries(BUILDS)) {
  run('cargo', ['build', '-p', 'topwire-wasm', '--target', 'wasm32-unknown-unknown', '--profile', profile, ...extra], {
    env: { ...process.env, CARGO_TARGET_DIR: targetDir, RUSTFLAGS: `${process.env.RUSTFLAGS ?? ''} ${rustflags}`.trim() },
  });
  rawWasm[name] = join(targetDir, 'wasm32-unknown-unknown', profile, 'topwire_wasm.wasm');
}

const src = (name) => readFileSync(join(js, 'src', name), 'utf8');
const SOURCES = ['facade.js', 'runtime-node.cjs', 'runtime-web.js', 'runtime-bundler.js'];
const facade = src('facade.js');
const stamp = createHash('sha256')
  .update(readFileSync(rawWasm.node))
  .update(readFileSync(rawWasm.browser))
  .update(SOURCES.map(src).join('\0'))
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .digest('hex');
const stampFile = join(dist, '.stamp');
if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.log('js-build: dist/ is up to date');
  writeSizeIntoDocs(JSON.parse(readFileSync(join(dist, 'sizes.json'), 'utf8')));
  process.exit(0);
}

/**
 * The docs state one browser wasm size, the build's: the gzipped size of the
 * web build goes between the `browser-wasm-gzip` markers of both READMEs
 * (js/test/docs.test.mjs holds them to dist/sizes.json).
 */
function writeSizeIntoDocs(sizes) {
  const web = sizes.find((s) => s.target === 'web');
  const figure = web.gz.toLocaleString('en-US');
  for (const doc of [join(root, 'README.md'), join(js, 'README.md')]) {
    const text = readFileSync(doc, 'utf8');
    const next = text.replace(/(<!-- browser-wasm-gzip -->)[^<]*(<!-- \/browser-wasm-gzip -->)/g, `$1${figure}$2`);
    if (next !== text) writeFileSync(doc, next);
  }
}

const wasmOpt = join(js, 'node_modules', '.bin', 'wasm-opt');
// The features rustc 1.95 emits for wasm32-unknown-unknown.
const FEATURES = [
  '--enable-bulk-memory', '--enable-bulk-memory-opt', '--enable-reference-types', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-nontrapping-float-to-int', '--enable-multivalue',
];

// Browsers: -Oz until it stops shrinking (--converge), and small constants
// folded into load/store offsets (--low-memory-unused), which differs from
// the plain addition only when a pointer plus under 1 KiB wraps past 2^32:
// never for a pointer Rust may dereference. Together about 1 KB less
// gzipped than a single -Oz.
const BROWSER_OPT = ['-Oz', '--converge', '--low-memory-unused'];

rmSync(dist, { recursive: true, force: true });
const sizes = [];
for (const [target, dir, build] of [['nodejs', 'node', 'node'], ['web', 'web', 'browser'], ['bundler', 'bundler', 'browser']]) {
  const out = join(dist, dir);
  mkdirSync(out, { recursive: true });
  run('wasm-bindgen', ['--target', target, '--out-dir', out, '--out-name', 'topwire_wasm', '--no-typescript', rawWasm[build]]);
  const bg = join(out, 'topwire_wasm_bg.wasm');
  const before = readFileSync(bg).length;
  const features = build === 'node' ? [...FEATURES, '--enable-simd'] : FEATURES;
  run(wasmOpt, [...(build === 'node' ? ['-O3'] : BROWSER_OPT), '--strip-debug', '--strip-producers', ...features, bg, '-o', bg]);
  const opt = readFileSync(bg);
  sizes.push({ target, raw: before, opt: opt.length, gz: gzipSync(opt, { level: 9 }).length });
}

// Node: CommonJS, so `require('topwire')` works in every Node 18+ (the ESM
// entry re-exports the same objects, and `instanceof` holds whichever way a
// program loads the package). The CommonJS text is the facade module with its
// two imports and its export list spelled the CommonJS way; nothing else.
const IMPORTS = "import * as wasm from './topwire_wasm.js';\nimport { asciiText, ensureReady, gatewayGlue, memoryBytes } from './runtime.js';\n";
const EXPORT = /^export \{ ([^}]+) \};\n$/m;
if (!facade.includes(IMPORTS) || !EXPORT.test(facade)) throw new Error('js-build: src/facade.js must keep its import lines and one final export list');
const names = facade.match(EXPORT)[1];
writeFileSync(join(dist, 'node', 'index.cjs'), "'use strict';\n" + facade
  .replace(IMPORTS, "const wasm = require('./topwire_wasm.js');\nconst { asciiText, ensureReady, gatewayGlue, init, initSync, memoryBytes } = require('./runtime.js');\n")
  .replace(EXPORT, `module.exports = { ${names}, init, initSync };\n`));
writeFileSync(join(dist, 'node', 'runtime.js'), src('runtime-node.cjs'));
writeFileSync(join(dist, 'node', 'index.mjs'), `import cjs from './index.cjs';
export const { ${names}, init, initSync } = cjs;
export default cjs;
`);
// Every JS file in dist/node is CommonJS except index.mjs.
writeFileSync(join(dist, 'node', 'package.json'), '{ "type": "commonjs" }\n');

// Web (call `await init()` once) and bundlers: the facade module as is.
for (const [dir, runtime, pkg] of [
  ['web', 'runtime-web.js', '{ "type": "module" }\n'],
  ['bundler', 'runtime-bundler.js', '{ "type": "module", "sideEffects": ["./topwire_wasm.js"] }\n'],
]) {
  writeFileSync(join(dist, dir, 'facade.js'), facade);
  writeFileSync(join(dist, dir, 'runtime.js'), src(runtime));
  writeFileSync(join(dist, dir, 'index.js'), "export * from './facade.js';\nexport { init, initSync } from './runtime.js';\n");
  writeFileSync(join(dist, dir, 'package.json'), pkg);
}

writeFileSync(join(dist, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
for (const s of sizes) {
  console.log(`js-build: ${s.target.padEnd(8)} wasm ${s.raw} B raw, ${s.opt} B after wasm-opt, ${s.gz} B gzipped`);
}
writeSizeIntoDocs(sizes);
writeFileSync(stampFile, stamp);
