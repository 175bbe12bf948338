// Packs the npm package from a staging directory, so the tarball holds what
// a user installs and nothing else: dist/ as built (without the build's
// stamp and size report), the declarations, the gateway CLI, the README and
// both license texts, and a package.json without the scripts and dev
// dependencies that point at files the tarball does not contain.
//   node scripts/pack.mjs            -> $CARGO_TARGET_DIR/npm/topwire-<version>.tgz (prints its path)
//   node scripts/pack.mjs --refuse   (js/package.json's prepack) refuses `npm pack` in js/
// `make js-pack` builds dist/ first; a missing build file is refused here.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const js = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(js, '..');

if (process.argv.includes('--refuse')) {
  console.error('npm pack: run `make js-pack` from the repository root instead: it builds dist/ and packs a clean '
    + 'package (no build stamps, scripts or dev dependencies) into target/npm/.');
  process.exit(1);
}

const targetDir = process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, 'target');
const pkg = JSON.parse(readFileSync(join(js, 'package.json'), 'utf8'));

// Every file the package's entry points load: without them it installs and then fails.
const BUILT = ['node/index.cjs', 'node/index.mjs', 'node/runtime.js', 'node/package.json'];
for (const dir of ['node', 'web', 'bundler']) BUILT.push(`${dir}/topwire_wasm.js`, `${dir}/topwire_wasm_bg.wasm`);
for (const dir of ['web', 'bundler']) BUILT.push(`${dir}/index.js`, `${dir}/facade.js`, `${dir}/runtime.js`, `${dir}/package.json`);
const missing = BUILT.filter((f) => !existsSync(join(js, 'dist', f)));
if (missing.length > 0) {
  console.error(`npm pack: dist/ is not built (missing ${missing.join(', ')}); run \`make js-pack\`.`);
  process.exit(1);
}

const BUILD_ONLY = new Set(['.stamp', 'sizes.json']);
const stage = join(targetDir, 'npm', 'package');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const entry of pkg.files) {
  const from = join(js, entry);
  if (!existsSync(from)) throw new Error(`npm pack: "files" names ${entry}, which does not exist`);
  cpSync(from, join(stage, entry), {
    recursive: true,
    filter: (src) => !(dirname(src) === join(js, 'dist') && BUILD_ONLY.has(src.slice(join(js, 'dist').length + 1))),
  });
}
for (const license of ['LICENSE-MIT', 'LICENSE-APACHE']) cpSync(join(root, license), join(stage, license));

const { scripts, devDependencies, ...published } = pkg;
published.files = [...pkg.files, 'LICENSE-MIT', 'LICENSE-APACHE'];
writeFileSync(join(stage, 'package.json'), JSON.stringify(published, null, 2) + '\n');

const out = join(targetDir, 'npm');
const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: stage, encoding: 'utf8' }).trim();
console.log(join(out, name.split('\n').pop()));
