// The JS/wasm boundary: strict options, the caller's values read exactly
// once and never while wasm frames are on the stack, lone surrogates and
// oversized inputs refused by name, the number rules shared by sign and
// prepare, and the facade a real ES module.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Gateway, SignatureError, TopClient, ValidationError, sign, stringToSign, verifySpi } from 'topwire';

const VERIFY = 'taobao.travel.ticket.order.verify';
const TS = 1700000000000;
const PARAMS = { order_id: 12345678, check_num: 1, voucher_infos: [{ confirm_code: '2516352', used_quantity: 1 }] };
const SPI = { query: 'a=1', secret: 's', now: 0 };

function caught(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

function assertField(fn, field, pattern) {
  const e = caught(fn);
  assert.ok(e instanceof ValidationError, `${fn}: ${e}`);
  assert.equal(e.field, field, e.message);
  if (pattern) assert.match(e.message, pattern);
  return e;
}

test('unknown option keys are refused with the right spelling', () => {
  const e = assertField(() => new TopClient({ appKey: 'k', appSecret: 's', sign_method: 'md5' }), 'sign_method');
  assert.equal(e.message, 'sign_method: expected a known option (did you mean signMethod?), got an unknown option');
  const client = new TopClient({ appKey: 'k', appSecret: 's' });
  assertField(() => client.prepare(VERIFY, PARAMS, { sesion: 'x' }), 'sesion', /did you mean session\?/);
  assertField(() => verifySpi({ ...SPI, maxSkew: 1 }), 'maxSkew', /did you mean maxSkewMs\?/);
  assertField(() => new Gateway(null, { app_key: 'k', app_secret: 's' }), 'app_key', /did you mean appKey\?/);
  assertField(() => new Gateway().handle({ method: 'GET', url: '/', header: {} }), 'header', /did you mean headers\?/);
  assertField(() => new TopClient({ appKey: 'k', appSecret: 's', colour: 1 }), 'colour', /one of appKey, appSecret, signMethod/);
  assertField(() => client.prepare(VERIFY, PARAMS, { allowUnknown: 'yes' }), 'allowUnknown', /expected a boolean, got a string/);
});

/** Hostile values: each throws its own error when topwire reads it. */
function hostile(i) {
  const boom = new Error(`boom ${i}`);
  const kind = i % 4;
  if (kind === 0) {
    return { value: Object.defineProperty({ a: 1 }, 'b', { enumerable: true, get: () => { throw boom; } }), boom };
  }
  if (kind === 1) return { value: new Proxy({ a: 1 }, { ownKeys: () => { throw boom; } }), boom };
  if (kind === 2) {
    const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    return { value: proxy, boom: TypeError };
  }
  return { value: { a: 1, toJSON: () => { throw boom; } }, boom: ValidationError };
}

test('10,000 throwing getters, Proxies and toJSON leave the module working', () => {
  const client = new TopClient({ appKey: 'k', appSecret: 's', signMethod: 'md5' });
  const gateway = new Gateway();
  const before = client.prepare(VERIFY, PARAMS, { timestamp: TS });
  const signed = sign({ a: '1', b: 2 }, 's', 'md5');
  const request = { method: 'POST', url: '/router/rest', headers: { 'content-type': 'text/plain' }, body: 'x' };
  const reply = gateway.handle(request, TS);
  for (let i = 0; i < 10000; i++) {
    const { value, boom } = hostile(i);
    const calls = [
      () => client.prepare(VERIFY, value, { timestamp: TS }),
      () => client.prepare(VERIFY, { voucher_infos: [value] }, { timestamp: TS }),
      () => client.prepare(VERIFY, PARAMS, value),
      () => sign(value, 's', 'md5'),
      () => verifySpi(value),
      () => verifySpi({ ...SPI, headers: value }),
      () => gateway.handle(value, TS),
      () => new TopClient(value),
    ];
    const fn = calls[i % calls.length];
    const e = caught(fn);
    assert.ok(!(e instanceof WebAssembly.RuntimeError), `${i}: ${e}`);
    if (typeof boom === 'function') assert.ok(e instanceof boom || e instanceof ValidationError || e instanceof TypeError, `${i}: ${e}`);
    else assert.ok(e === boom || e instanceof ValidationError || e instanceof TypeError, `${i}: ${e}`);
  }
  assert.deepEqual(client.prepare(VERIFY, PARAMS, { timestamp: TS }), before);
  assert.equal(sign({ a: '1', b: 2 }, 's', 'md5'), signed);
  assert.deepEqual(gateway.handle(request, TS), reply);
  assert.equal(caught(() => verifySpi(SPI)).reason, 'missing_sign');
  client.free();
  gateway.free();
});

test("a throwing getter's own exception reaches the caller", () => {
  const client = new TopClient({ appKey: 'k', appSecret: 's' });
  const boom = new Error('mine');
  const params = Object.defineProperty({}, 'order_id', { enumerable: true, get: () => { throw boom; } });
  assert.equal(caught(() => client.prepare(VERIFY, params)), boom);
  assert.equal(caught(() => sign(params, 's', 'md5')), boom);
  client.free();
});

test('every value is read exactly once', () => {
  const client = new TopClient({ appKey: 'k', appSecret: 's', signMethod: 'md5' });
  let reads = 0;
  // A value that changes between reads: a second read would see NaN.
  const params = Object.defineProperty({ check_num: 1 }, 'order_id', {
    enumerable: true,
    get: () => (reads++ === 0 ? 12345678 : NaN),
  });
  const req = client.prepare(VERIFY, params, { timestamp: TS });
  assert.equal(reads, 1);
  assert.equal(req.body, 'check_num=1&order_id=12345678');
  let optionReads = 0;
  const options = Object.defineProperty({}, 'timestamp', { enumerable: true, get: () => (optionReads++ === 0 ? TS : 0) });
  assert.deepEqual(client.prepare(VERIFY, { order_id: 12345678, check_num: 1 }, options).url, client.prepare(VERIFY, { order_id: 12345678, check_num: 1 }, { timestamp: TS }).url);
  assert.equal(optionReads, 1);
});

test('lone surrogates are refused by field, never replaced', () => {
  const lone = 'a\ud800b';
  const client = new TopClient({ appKey: 'k', appSecret: 's' });
  assertField(() => client.prepare(VERIFY, { order_id: lone }), 'order_id', /well-formed text/);
  assertField(() => client.prepare('taobao.x.y', { a: { [lone]: 1 } }), `a.${lone}`);
  assertField(() => client.prepare('taobao.x.y', { a: ['ok', '\udc00'] }), 'a[1]');
  assertField(() => client.prepare(VERIFY, {}, { session: lone }), 'session');
  assertField(() => client.prepare(`taobao.x${'\udfff'}`, {}), 'method');
  assertField(() => new TopClient({ appKey: 'k', appSecret: lone }), 'appSecret');
  assertField(() => sign({ a: lone }, 's', 'md5'), 'a');
  assertField(() => sign({ a: '1' }, lone, 'md5'), 'secret');
  assertField(() => verifySpi({ ...SPI, query: `a=${lone}` }), 'query');
  assertField(() => verifySpi({ ...SPI, secret: lone }), 'secret');
  assertField(() => verifySpi({ ...SPI, headers: { 'x-a': lone } }), 'headers.x-a');
  assertField(() => verifySpi({ ...SPI, body: lone }), 'body');
  // A well-formed pair passes.
  assert.match(client.prepare('taobao.x.y', { a: '😀' }, { timestamp: TS }).body, /^a=%F0%9F%98%80$/);
});

test('option errors name the key as written, and say what came', () => {
  assert.equal(caught(() => new TopClient({ appKey: 'k' })).message, 'appSecret: expected a non-empty app secret, got none');
  assert.equal(caught(() => new TopClient({ appKey: 'k', appSecret: '' })).message, 'appSecret: expected a non-empty app secret, got an empty string');
  assertField(() => new TopClient({ appKey: 'k', appSecret: 's', signMethod: 'SHA1' }), 'signMethod', /one of "md5"/);
  // Integers beyond 64 bits are worded as in every language.
  const client = new TopClient({ appKey: 'k', appSecret: 's' });
  assert.equal(caught(() => client.prepare('taobao.x.y', { x: 2n ** 64n })).message, 'x: expected an integer within 64 bits, got the number 18446744073709551616');
  // No Rust type names in messages.
  const e = caught(() => client.prepare(VERIFY, {}, { timestamp: 1.5 }));
  assert.doesNotMatch(e.message, /i64|struct /, e.message);
});

test('a raw lone surrogate in a reply reads as U+FFFD on every path', () => {
  const client = new TopClient({ appKey: 'k', appSecret: 's' });
  const M = 'taobao.user.seller.get';
  const want = 'a\uFFFDb';
  // The native JSON.parse path (nothing typed), the path with an integer beyond
  // 2^53 (values made by the core), simplified, and an escaped one: one answer.
  assert.equal(client.parse(M, '{"user_seller_get_response":{"n":"a\ud800b"}}').n, want);
  assert.equal(client.parse(M, '{"user_seller_get_response":{"n":"a\ud800b","id":2106027287988611313}}').n, want);
  assert.equal(client.parse(M, '{"n":"a\udc00b"}').n, want);
  assert.equal(client.parse(M, '{"n":"a\\ud800b"}').n, want);
  // A pair is kept.
  assert.equal(client.parse(M, '{"n":"\ud83d\ude00"}').n, '😀');
});

test('sign and prepare apply the same number rules', () => {
  const client = new TopClient({ appKey: 'k', appSecret: 's' });
  for (const [value, expected] of [[NaN, /a finite number/], [Infinity, /a finite number/], [2 ** 53, /a safe integer/], [2n ** 64n, /within 64 bits/]]) {
    assertField(() => sign({ x: value }, 's', 'md5'), 'x', expected);
    assertField(() => client.prepare('taobao.x.y', { x: value }), 'x', expected);
  }
  assertField(() => sign({ x: { y: 1 } }, 's', 'md5'), 'x', /a string, number or boolean/);
  assert.equal(sign({ x: 1.5, y: 2n ** 63n, z: true }, 's', 'md5'), sign({ x: '1.5', y: '9223372036854775808', z: 'true' }, 's', 'md5'));
  assert.equal(stringToSign([['b', 1], ['a', 'x']]), 'axb1');
  assertField(() => sign([['a', '1'], ['a', '2']], 's', 'md5'), 'a', /each parameter once/);
});

test('inputs too large for wasm memory are a ValidationError, not a trap', () => {
  const client = new TopClient({ appKey: 'k', appSecret: 's' });
  const big = 'x'.repeat(2 ** 24);
  const params = {};
  for (let i = 0; i < 17; i++) params[`p${i}`] = big;
  assertField(() => client.prepare('taobao.x.y', params), 'p15', /at most 268435456 characters or bytes/);
  let body = big;
  for (let i = 0; i < 4; i++) body += body; // a rope: no memory beyond `big`
  body += 'x';
  assertField(() => client.parse('taobao.x.y', body), 'body', /at most 268435456 characters/);
  assert.equal(client.prepare('taobao.x.y', { a: 1 }, { timestamp: TS }).body, 'a=1');
});

test('SPI and gateway rules live in the core: query with or without ?, app key with its secret', () => {
  const e = caught(() => verifySpi({ query: '?timestamp=2024-01-01%2000:00:00&sign=X', secret: 's', now: Date.UTC(2023, 11, 31, 16) }));
  assert.ok(e instanceof SignatureError);
  assert.equal(e.reason, 'mismatch');
  assertField(() => new Gateway(null, { appSecret: 's' }), 'app_key', /go together/);
  assert.equal(Gateway.PATH, '/router/rest');
});

test('the facade is a real ES module, shipped as is to browsers and bundlers', () => {
  const src = readFileSync(new URL('../src/facade.js', import.meta.url), 'utf8');
  assert.match(src, /^import \* as wasm from '\.\/topwire_wasm\.js';$/m);
  assert.match(src, /^export \{ [^}]+ \};$/m);
  for (const dir of ['web', 'bundler']) {
    assert.equal(readFileSync(new URL(`../dist/${dir}/facade.js`, import.meta.url), 'utf8'), src);
  }
});
