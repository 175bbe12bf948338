// examples/node/spi_server.mjs (the README's node:http SPI endpoint) over real
// HTTP: calls signed by hand as TOP signs them. Forged or stale calls get 401,
// calls that cannot be checked 400, never a 500.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { test } from 'node:test';
import { linkExamplePackage } from './link_example.mjs';

const example = linkExamplePackage('spi_server.mjs');
const { spiHandler } = await import(example);
const SECRET = 'merchant-secret';
const BODY = JSON.stringify({ order_id: 1, buyer_nick: '买家' });

function gmt8(ms) {
  return new Date(ms + 8 * 3600e3).toISOString().slice(0, 19).replace('T', ' ');
}

async function call(url, { secret = SECRET, ageMs = 0, body = BODY, contentType = 'application/json;charset=utf-8' } = {}) {
  const query = { method: 'taobao.eticket.merchant.ma.send', app_key: '12345678', sign_method: 'md5', timestamp: gmt8(Date.now() - ageMs) };
  const text = Object.keys(query).sort().map((k) => k + query[k]).join('');
  query.sign = createHash('md5').update(secret + text + body + secret).digest('hex').toUpperCase();
  const res = await fetch(`${url}?${new URLSearchParams(query)}`, { method: 'POST', body, headers: { 'content-type': contentType } });
  return [res.status, await res.text()];
}

test('the SPI example answers 200, 401 and 400, never 500', async () => {
  const server = http.createServer(spiHandler(SECRET));
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${server.address().port}/spi`;
  try {
    assert.deepEqual(await call(url), [200, '{"result":{"success":true}}']);
    assert.deepEqual(await call(url, { secret: 'guess' }), [401, 'mismatch']);
    assert.deepEqual(await call(url, { ageMs: 30 * 60e3 }), [401, 'stale_timestamp']);
    assert.deepEqual(await call(url, { body: '--x--', contentType: 'multipart/form-data; boundary=x' }), [400, 'ValidationError']);
    assert.deepEqual(await call(url, { contentType: 'application/json; charset=GBK' }), [400, 'ValidationError']);
    assert.deepEqual(await call(url, { body: 'a=%zz', contentType: 'application/x-www-form-urlencoded' }), [400, 'ValidationError']);
  } finally {
    server.close();
  }
});
