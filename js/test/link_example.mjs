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
  const link = join(modules, 'topwire');
  mkdirSync(modules, { recursive: true });
  if (existsSync(link) && !lstatSync(link).isSymbolicLink()) rmSync(link, { force: true, recursive: true });
  try {
    symlinkSync(js, link, 'dir');
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
  }
  return example;
}
