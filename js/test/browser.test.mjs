// The browser builds in headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core), served from 127.0.0.1: the web build loaded by a plain
// <script type="module"> page; the same page bundled by Vite (which resolves
// the package's `browser` condition and emits the .wasm as an asset); and
// `topwire/bundler` bundled by webpack 5 (asyncWebAssembly). Each signs a
// shared vector and prepares/parses a shared case.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const { loadCaseFiles } = require('./vectors.js');
const js = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

/** The page's script: `from` is where it imports topwire from. */
const script = (from) => `
  import { init, sign, TopClient, Gateway, ApiError, TopError } from '${from}';
  window.run = async (signCase, prepareCase) => {
    await init();
    const out = { sign: sign(signCase.params, signCase.secret, signCase.sign_method) };
    const c = prepareCase.client;
    const client = new TopClient({ appKey: c.app_key, appSecret: c.app_secret, signMethod: c.sign_method, format: c.format, gateway: c.gateway });
    const req = client.prepare(prepareCase.method, prepareCase.params, { session: prepareCase.session, timestamp: prepareCase.timestamp_ms });
    out.url = req.url;
    out.body = req.body;
    try {
      client.parse('taobao.travel.ticket.order.verify', '{"error_response":{"code":50,"msg":"Remote service error","sub_code":"isp.unknown-error"}}');
    } catch (e) {
      out.error = { api: e instanceof ApiError, top: e instanceof TopError, name: e.name, code: e.code, retryable: e.retryable };
    }
    out.big = String(client.parse('taobao.user.seller.get', '{"user_seller_get_response":{"id":2106027287988611313}}').id);
    out.text = client.parse('taobao.x.y', '{"x_y_response":{"msg":"系统繁忙"}}').msg;
    out.secretHidden = !JSON.stringify(client).includes(c.app_secret);
    try {
      new Gateway();
    } catch (e) {
      out.gateway = e instanceof TopError && /Node build only/.test(e.message);
    }
    try {
      client.prepareBatch([{ method: 'taobao.time.get' }]);
    } catch (e) {
      out.batch = e instanceof TopError && /batch calls are part of the Node build only/.test(e.message);
    }
    return out;
  };
  window.ready = true;
`;
const html = (body) => `<!doctype html><meta charset="utf-8"><title>topwire</title>${body}`;

/** Serves `dir` on 127.0.0.1 (`pages` maps extra paths to contents). */
async function serve(dir, pages = {}) {
  const server = http.createServer(async (req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1)) || 'index.html';
    const file = resolve(dir, name);
    try {
      if (!(name in pages) && !file.startsWith(dir + sep)) throw new Error('outside');
      const body = pages[name] ?? (await readFile(file));
      res.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

/** Opens the served page in Chromium and checks what its `run` computes. */
async function checkPage(server) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.ready === true);
    const signCase = loadCaseFiles('vectors').find((f) => f.name === 'sign').cases.find((c) => c.sign_method === 'hmac-sha256');
    const prepareCase = loadCaseFiles('vectors').find((f) => f.name === 'prepare').cases
      .find((c) => c.expect && !JSON.stringify(c.params, (_, v) => (typeof v === 'bigint' ? 0 : v)).includes('null') && c.client.sign_method);
    // Vectors may hold bigints, which page.evaluate cannot carry: send those cases as JSON text.
    const plain = (v) => JSON.parse(JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x)));
    const out = await page.evaluate(([s, p]) => window.run(s, p), [plain(signCase), plain(prepareCase)]);
    assert.deepEqual(errors, []);
    assert.equal(out.sign, signCase.sign);
    assert.equal(out.url, prepareCase.expect.url);
    assert.equal(out.body, prepareCase.expect.body);
    assert.deepEqual(out.error, { api: true, top: true, name: 'ApiError', code: 50, retryable: true });
    assert.equal(out.big, '2106027287988611313');
    assert.equal(out.text, '系统繁忙');
    assert.equal(out.secretHidden, true);
    assert.equal(out.gateway, true, 'the browser build has no Gateway and says so');
    assert.equal(out.batch, true, 'the browser build has no batch calls and says so');
  } finally {
    await browser.close();
  }
}

test('web build signs a vector in headless Chromium, from a plain module script', async () => {
  const server = await serve(join(js, 'dist', 'web'), { 'index.html': html(`<script type="module">${script('./index.js')}</script>`) });
  try {
    await checkPage(server);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

/** A throwaway app directory that depends on the package as an installed one would. */
async function withApp(fn) {
  const root = await mkdtemp(join(tmpdir(), 'topwire-app-'));
  try {
    await mkdir(join(root, 'node_modules'));
    await symlink(js, join(root, 'node_modules', 'topwire'), 'dir');
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function checkServed(dir, pages) {
  const server = await serve(dir, pages);
  try {
    await checkPage(server);
  } finally {
    await new Promise((r) => server.close(r));
  }
}

test('a Vite build of `import ... from "topwire"` signs the same vector in headless Chromium', async () => {
  const { build } = await import('vite');
  await withApp(async (root) => {
    await writeFile(join(root, 'index.html'), html('<script type="module" src="./main.js"></script>'));
    await writeFile(join(root, 'main.js'), script('topwire'));
    await build({ root, configFile: false, logLevel: 'warn', build: { outDir: join(root, 'dist') } });
    await checkServed(join(root, 'dist'));
  });
});

test('an esbuild bundle with `topwire/wasm` (file loader) handed to init signs the same vector in headless Chromium', async () => {
  const { build } = await import('esbuild');
  await withApp(async (root) => {
    // esbuild leaves `new URL('topwire_wasm_bg.wasm', import.meta.url)` alone and copies
    // nothing: the recipe imports the file through the package's `./wasm` export.
    await writeFile(join(root, 'main.js'), `import wasmUrl from 'topwire/wasm';\n${script('topwire').replace('await init();', 'await init(wasmUrl);')}`);
    await build({
      absWorkingDir: root, entryPoints: ['main.js'], bundle: true, format: 'esm', platform: 'browser',
      outdir: join(root, 'dist'), loader: { '.wasm': 'file' }, publicPath: '/', logLevel: 'warning',
    });
    await checkServed(join(root, 'dist'), { 'index.html': html('<script type="module" src="/main.js"></script>') });
  });
});

test('a webpack 5 build of `topwire/bundler` (asyncWebAssembly) signs the same vector in headless Chromium', async () => {
  const { default: webpack } = await import('webpack');
  await withApp(async (root) => {
    await writeFile(join(root, 'main.js'), script('topwire/bundler'));
    const stats = await new Promise((ok, fail) => {
      webpack({
        mode: 'production',
        context: root,
        entry: './main.js',
        output: { path: join(root, 'dist'), filename: 'main.js', publicPath: '/' },
        experiments: { asyncWebAssembly: true },
        performance: { hints: false },
      }, (err, result) => (err ? fail(err) : ok(result)));
    });
    assert.deepEqual(stats.toJson({ all: false, errors: true }).errors, []);
    await checkServed(join(root, 'dist'), { 'index.html': html('<script src="/main.js"></script>') });
  });
});
