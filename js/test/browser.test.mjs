// The web build in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core), loaded by a plain <script type="module"> page served from
// 127.0.0.1: it signs a shared vector and prepares/parses a shared case.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, resolve, dirname } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const { loadCaseFiles } = require('./vectors.js');
const web = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'web');
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

const PAGE = `<!doctype html><meta charset="utf-8"><title>topwire</title>
<script type="module">
  import { init, sign, TopClient, ApiError, TopError } from './index.js';
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
    out.secretHidden = !JSON.stringify(client).includes(c.app_secret);
    return out;
  };
  window.ready = true;
</script>`;

test('web build signs a vector in headless Chromium', async () => {
  const server = http.createServer(async (req, res) => {
    const name = new URL(req.url, 'http://x').pathname.slice(1) || 'index.html';
    try {
      const body = name === 'index.html' ? PAGE : await readFile(join(web, name.replace(/\.\.|\//g, '')));
      res.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
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
    assert.equal(out.secretHidden, true);
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
});
