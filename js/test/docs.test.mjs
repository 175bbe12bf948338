// The docs' figures and commands agree with the build and with each other.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const js = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(js, '..');
const DOCS = ['README.md', 'js/README.md', 'py/README.md'].map((d) => [d, readFileSync(join(root, d), 'utf8')]);

test('both READMEs state the browser wasm size of this build', () => {
  const sizes = JSON.parse(readFileSync(join(js, 'dist', 'sizes.json'), 'utf8'));
  const web = sizes.find((s) => s.target === 'web').gz.toLocaleString('en-US');
  for (const [name, text] of DOCS.slice(0, 2)) {
    const found = [...text.matchAll(/<!-- browser-wasm-gzip -->([^<]*)<!-- \/browser-wasm-gzip -->/g)].map((m) => m[1]);
    assert.deepEqual(found, [web], name);
  }
});

test('no doc runs a registry package by a bare npx name', () => {
  for (const [name, text] of DOCS) {
    assert.deepEqual(text.match(/npx (?!--no-install )\S+/g), null, name);
  }
});
