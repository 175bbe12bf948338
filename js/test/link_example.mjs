// The examples import 'topwire' as a user would; link the package beside them
// (what `npm install topwire` does), in the ignored examples/node/node_modules/.
// Test files run in parallel: an existing link is left as it is.
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const js = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function linkExamplePackage(name) {
  const example = resolve(js, '..', 'examples', 'node', name);
  const modules = join(dirname(example), 'node_modules');
  mkdirSync(modules, { recursive: true });
  link(js, join(modules, 'topwire'));
  // The TMC consumer's WebSocket where Node has no global one (`npm install ws`).
  const ws = join(js, 'node_modules', 'ws');
  if (existsSync(ws)) link(ws, join(modules, 'ws'));
  return example;
}

function link(target, path) {
  if (existsSync(path) && !lstatSync(path).isSymbolicLink()) rmSync(path, { force: true, recursive: true });
  try {
    symlinkSync(target, path, 'dir');
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
  }
}
