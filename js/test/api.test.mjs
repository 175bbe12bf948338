// The npm package's own promises: error classes, argument checking, secrets,
// numbers, time zones, module formats, and surviving hostile input.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import util from 'node:util';
import * as topwire from 'topwire';

const require = createRequire(import.meta.url);
const { TopClient, TopError, ValidationError, ApiError, DecodeError, SignatureError, sign, verifySpi } = topwire;
const VERIFY = 'taobao.travel.ticket.order.verify';
const SECRET = 'do-not-print-0123456789abcdef';
const client = new TopClient({ appKey: '12345678', appSecret: SECRET, signMethod: 'md5' });
const OK_BODY = '{"travel_ticket_order_verify_response":{"is_success":true,"request_id":"abc"}}';

test('require and import give the same classes (no dual-package hazard)', () => {
  const cjs = require('topwire');
  assert.equal(cjs.TopClient, TopClient);
  assert.equal(cjs.ApiError, ApiError);
  for (const name of ['TopClient', 'sign', 'stringToSign', 'verifySpi', 'init', 'initSync', 'TopError', 'ValidationError', 'ApiError', 'DecodeError', 'SignatureError']) {
    assert.equal(typeof cjs[name], 'function', name);
  }
});

test('error classes are real Error subclasses with names', () => {
  for (const [Cls, name] of [[TopError, 'TopError'], [ValidationError, 'ValidationError'], [ApiError, 'ApiError'], [DecodeError, 'DecodeError'], [SignatureError, 'SignatureError']]) {
    const e = new Cls('m');
    assert.ok(e instanceof Error && e instanceof TopError && e instanceof Cls);
    assert.equal(e.name, name);
    assert.match(String(e), new RegExp(`^${name}: m`));
    assert.ok(e.stack.includes(name));
  }
});

test('ApiError carries the gateway fields and retry guidance', () => {
  const body = '{"error_response":{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count","sub_msg":"This ban will last for 23 more seconds","request_id":"r1"}}';
  const e = assert.throws(() => client.parse(VERIFY, body), ApiError) ?? catchIt(() => client.parse(VERIFY, body));
  assert.ok(e instanceof TopError);
  assert.equal(e.code, 7);
  assert.equal(e.msg, 'App Call Limited');
  assert.equal(e.subCode, 'accesscontrol.limited-by-app-access-count');
  assert.equal(e.subMsg, 'This ban will last for 23 more seconds');
  assert.equal(e.requestId, 'r1');
  assert.equal(e.retryable, true);
  assert.equal(e.retryAfter, 23);
  assert.match(e.stack, /api\.test\.mjs/, 'the stack points at the caller');
});

function catchIt(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

test('wrong argument types are TypeErrors, never traps', () => {
  const cases = [
    () => new TopClient({ appKey: '1', appSecret: 5 }),
    () => new TopClient({ appKey: undefined, appSecret: 's' }),
    () => new TopClient('key'),
    () => new TopClient({ appKey: 'k', appSecret: 's', simplify: 'yes' }),
    () => client.prepare(undefined, {}),
    () => client.prepare(42, {}),
    () => client.prepare(VERIFY, {}, 'session'),
    () => client.prepare(VERIFY, {}, { session: 5 }),
    () => client.prepare(VERIFY, {}, { timestamp: '2024-01-01' }),
    () => client.prepare(VERIFY, {}, { allowUnknown: 1 }),
    () => client.parse(VERIFY, 42),
    () => client.parse(VERIFY, { body: 'x' }),
    () => client.parse(undefined, OK_BODY),
    () => sign('a=b', 's', 'md5'),
    () => sign([['a', 'b']], 42, 'md5'),
    () => sign([['a']], 's', 'md5'),
    () => verifySpi({ query: 5, secret: 's' }),
    () => verifySpi(),
  ];
  for (const fn of cases) {
    const e = catchIt(fn);
    assert.ok(e instanceof TypeError || e instanceof ValidationError, `${fn}: ${e}`);
    assert.ok(!(e instanceof WebAssembly.RuntimeError), String(fn));
    assert.ok(e.message.length > 10, e.message);
  }
  assert.match(catchIt(() => client.prepare(undefined, {})).message, /method must be a string, got undefined/);
  assert.match(catchIt(() => new TopClient({ appKey: '1', appSecret: 5 })).message, /^appSecret: expected a string, got a number$/);
});

test('bad values are ValidationErrors naming the field', () => {
  const cases = [
    [() => client.prepare(VERIFY, [1, 2]), 'params'],
    [() => client.prepare(VERIFY, { order_id: 2106027287988611313 }), 'order_id'], // eslint-disable-line no-loss-of-precision
    [() => client.prepare(VERIFY, { voucher_infos: [{ used_quantity: 2 ** 60 }] }), 'voucher_infos[0].used_quantity'],
    [() => client.prepare('taobao.user.seller.get', { a: { b: [1, Number.MAX_SAFE_INTEGER + 2] } }), 'a.b[1]'],
    [() => client.prepare(VERIFY, { check_num: NaN }), 'check_num'],
    [() => client.prepare('taobao.user.seller.get', { x: Infinity }), 'x'],
    [() => client.prepare('taobao.user.seller.get', { x: { y: -Infinity } }), 'x.y'],
    [() => client.prepare('taobao.user.seller.get', { x: 2n ** 64n }), 'x'],
    [() => client.prepare('taobao.user.seller.get', { x: new Date() }), 'x'],
    [() => client.prepare('taobao.user.seller.get', { x: () => 1 }), 'x'],
    [() => client.prepare('taobao.user.seller.get', { x: new Map() }), 'x'],
    [() => client.prepare(VERIFY, {}, { timestamp: new Date(NaN) }), 'timestamp'],
    [() => client.prepare(VERIFY, {}, { timestamp: 1e300 }), 'timestamp'],
    [() => new TopClient({ appKey: 'k', appSecret: 's', signMethod: 'sha1' }), 'signMethod'],
    [() => new TopClient({ appKey: '', appSecret: 's' }), 'appKey'],
    [() => new TopClient({ appSecret: 's' }), 'appKey'],
    [() => new TopClient({ appKey: 'k', appSecret: 's', partnerId: 'ok', gateway: 'ftp://x/y' }), 'gateway'],
  ];
  for (const [fn, field] of cases) {
    const e = catchIt(fn);
    assert.ok(e instanceof ValidationError, `${fn}: ${e}`);
    assert.equal(e.field, field, `${fn}: ${e.message}`);
    assert.ok(e.message.startsWith(`${field}: expected `), e.message);
    assert.ok(!e.message.includes(SECRET));
  }
  const cyclic = { a: 1 };
  cyclic.self = cyclic;
  assert.ok(catchIt(() => client.prepare('taobao.user.seller.get', { x: cyclic })) instanceof ValidationError);
});

test('numbers: safe number, bigint and decimal text send the same; big response ints are bigint', () => {
  const at = { timestamp: 1700000000000 };
  const a = client.prepare(VERIFY, { order_id: 2106027287988611313n, check_num: 1 }, at);
  const b = client.prepare(VERIFY, { order_id: '2106027287988611313', check_num: 1n }, at);
  assert.deepEqual(a, b);
  assert.match(a.body, /order_id=2106027287988611313&check_num=1/);
  const small = client.prepare(VERIFY, { order_id: 12345678 }, at);
  assert.deepEqual(small, client.prepare(VERIFY, { order_id: 12345678n }, at));
  const data = client.parse('taobao.user.seller.get',
    '{"user_seller_get_response":{"id":2106027287988611313,"neg":-9007199254740993,"max":18446744073709551615,"safe":9007199254740991,"f":4.5}}');
  assert.deepEqual(data, { id: 2106027287988611313n, neg: -9007199254740993n, max: 18446744073709551615n, safe: 9007199254740991, f: 4.5 });
  assert.equal(typeof data.safe, 'number');
});

test('parse: big integers come back as bigints on every path (a span, marked text, built data)', () => {
  const UNTYPED = 'taobao.user.seller.get';
  const inner = '{"a":[12345678901234567890,1,"\\u0000x"],"dup":12345678901234567890,"dup":1,"中":{"n":-9007199254740993,"s":"\\u0000"}}';
  const want = { a: [12345678901234567890n, 1, '\u0000x'], dup: 1, 中: { n: -9007199254740993n, s: '\u0000' } };
  const body = `{"user_seller_get_response":${inner}}`;
  // Checked without building: the text, its bigints marked for the reviver.
  assert.deepEqual(client.parse(UNTYPED, body), want);
  assert.deepEqual(client.parse(UNTYPED, new TextEncoder().encode(body)), want);
  assert.deepEqual(client.parse(UNTYPED, inner), want);
  // A raw control character: the core builds the data, bigints marked alike.
  const raw = `{"user_seller_get_response":{"m":"a\nb","n":18446744073709551615,"s":"\\u0000"}}`;
  assert.deepEqual(client.parse(UNTYPED, raw), { m: 'a\nb', n: 18446744073709551615n, s: '\u0000' });
  // Typing changes the reply: built, and the bigint of an unknown field kept.
  const typed = '{"travel_ticket_order_verify_response":{"is_success":"true","x":-9223372036854775808}}';
  assert.deepEqual(client.parse(VERIFY, typed), { is_success: true, x: -9223372036854775808n });
  // A non-ASCII body read as a span: UTF-16 offsets.
  assert.deepEqual(client.parse(UNTYPED, '{"user_seller_get_response":{"名":"é😀","n":1}}'), { 名: 'é😀', n: 1 });
});

test('a client never shows its secret', () => {
  const texts = [
    util.inspect(client), util.inspect(client, { showHidden: true, depth: Infinity, getters: true }),
    JSON.stringify(client), String(client), `${client}`, JSON.stringify({ client }), util.format('%o %O %j', client, client, client),
    Object.keys(client).join(), Object.getOwnPropertyNames(client).join(),
  ];
  for (const t of texts) assert.ok(!t.includes(SECRET), t);
  assert.match(util.inspect(client), /appKey: '12345678'/);
  assert.deepEqual(JSON.parse(JSON.stringify(client)).appKey, '12345678');
  const e = catchIt(() => client.prepare(VERIFY, { order_idd: 1 }));
  assert.ok(!util.inspect(e).includes(SECRET));
});

test('the module keeps working after 10,000 garbage bodies and errors in a row', () => {
  const before = client.prepare(VERIFY, { order_id: 1 }, { timestamp: 1700000000000 });
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const shapes = ['', '{', '<', '{"a":', '<html>', '{"error_response":', '[1,2]', 'null', '\u0000\uffff', '{"x_response":{}}', '<?xml version="1.0"?><a><b>', '{"travel_ticket_order_verify_response":[', '{'.repeat(10000), '['.repeat(5000)];
  for (let i = 0; i < 10000; i++) {
    let body;
    if (i % 3 === 0) {
      const bytes = new Uint8Array(1 + Math.floor(rnd() * 64));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rnd() * 256);
      body = bytes;
    } else {
      body = shapes[i % shapes.length] + String.fromCharCode(...Array.from({ length: Math.floor(rnd() * 20) }, () => Math.floor(rnd() * 0xd7ff)));
    }
    try {
      client.parse(VERIFY, body);
    } catch (e) {
      assert.ok(e instanceof DecodeError || e instanceof ApiError, `${e}`);
    }
    if (i % 1000 === 0) catchIt(() => client.prepare(VERIFY, { order_id: NaN }));
  }
  assert.deepEqual(client.prepare(VERIFY, { order_id: 1 }, { timestamp: 1700000000000 }), before);
  assert.deepEqual(client.parse(VERIFY, OK_BODY), { is_success: true, request_id: 'abc' });
});

test('parse reads bodies as text or bytes, checks every method name, and takes any number of names', () => {
  // Non-ASCII inside the data and a BOM before it: offsets differ between
  // UTF-8 bytes and UTF-16 units, and both must land on the inner object.
  const body = '\ufeff {"x_y_response":{"msg":"系统繁忙 😀","n":1}} ';
  const want = { msg: '系统繁忙 😀', n: 1 };
  assert.deepEqual(client.parse('taobao.x.y', body), want);
  assert.deepEqual(client.parse('taobao.x.y', new TextEncoder().encode(body)), want);
  assert.deepEqual(client.parse('taobao.x.y', new TextEncoder().encode(body).buffer), want);
  // Typing changed the data (text "true" to a boolean): not the body's text.
  assert.deepEqual(client.parse(VERIFY, '{"travel_ticket_order_verify_response":{"is_success":"true"}}'), { is_success: true });
  // A bad name is refused every time, not remembered.
  for (let i = 0; i < 2; i++) {
    assert.throws(() => client.parse('bad..name', OK_BODY), (e) => e instanceof ValidationError && e.field === 'method');
  }
  // More names than the facade keeps checked: each still parses its own reply.
  for (let i = 0; i < 600; i++) {
    assert.deepEqual(client.parse(`vendor.m${i}`, `{"vendor_m${i}_response":{"i":${i}}}`), { i });
  }
  assert.deepEqual(client.parse(VERIFY, OK_BODY), { is_success: true, request_id: 'abc' });
});

test('a prepared request is read whole after the wasm memory grows under it', () => {
  // The facade reads a prepared request from wasm memory; a call large
  // enough to grow that memory detaches the buffer it read the last one from.
  const params = { check_num: 1, order_id: 12345678, return_num: 0, total_num: 1, out_order_id: '12345', confirm_code: '2516352',
    voucher_infos: [{ confirm_code: '2516352', used_quantity: 1, used_date: '2020-01-11 14:00:00' }], write_off_type: 0 };
  const small = () => client.prepare(VERIFY, params, { timestamp: 1700000000000 });
  const before = small();
  const image = new Uint8Array(48 * 1024 * 1024).fill(0x5a);
  image[0] = 0x89;
  image[image.length - 1] = 0x4e;
  const upload = client.prepare('taobao.eticket.merchant.img.upload', { img_bytes: { data: image, filename: 'qr.png', contentType: 'image/png' } },
    { session: 'upload-session', timestamp: 1700000000000 });
  assert.ok(upload.body instanceof Uint8Array);
  const head = new TextDecoder().decode(upload.body.subarray(0, 200));
  assert.match(head, /^--topwire-boundary-\d{16}\r\nContent-Disposition: form-data; name="img_bytes"; filename="qr.png"\r\nContent-Type: image\/png\r\n\r\n/);
  const at = head.indexOf('\r\n\r\n') + 4;
  assert.ok(upload.body.subarray(at, at + image.length).every((b, i) => b === image[i]));
  assert.equal(upload.headers['Content-Type'], `multipart/form-data; charset=UTF-8; boundary=${head.slice(2, head.indexOf('\r'))}`);
  assert.match(upload.url, /&sign=[0-9A-F]{32}$/);
  assert.deepEqual(small().toJSON(), before.toJSON());
});

test('timestamps are GMT+8 whatever TZ the process has; default is now', () => {
  const script = `
    const { TopClient } = require(${JSON.stringify(require.resolve('topwire'))});
    const c = new TopClient({ appKey: 'k', appSecret: 's' });
    const before = Date.now();
    const p = new Map(c.prepare('taobao.time.get', {}).params);
    const fixed = new Map(c.prepare('taobao.time.get', {}, { timestamp: new Date(Date.UTC(2024, 0, 31, 20, 30, 5)) }).params);
    console.log(JSON.stringify({ now: p.get('timestamp'), fixed: fixed.get('timestamp'), before, offset: new Date().getTimezoneOffset() }));`;
  for (const tz of ['America/New_York', 'UTC', 'Asia/Kolkata', 'Pacific/Kiritimati']) {
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, TZ: tz } }).toString());
    assert.equal(out.fixed, '2024-02-01 04:30:05', tz);
    const gmt8 = (ms) => new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ');
    assert.ok([gmt8(out.before), gmt8(out.before + 1000), gmt8(out.before + 2000)].includes(out.now), `${tz}: ${out.now}`);
    if (tz === 'America/New_York') assert.notEqual(out.offset, -480);
  }
});

test('verifySpi accepts headers as pairs, an object or a Headers, and Uint8Array bodies', () => {
  const { createHash } = require('node:crypto');
  const secret = 'spi-secret';
  const body = '{"order_id":"1"}';
  const query = { timestamp: '2024-01-01 12:00:00', app_key: 'k', method: 'taobao.x' };
  const headers = { 'top-sign-list': 'x-a', 'x-a': 'v' };
  const base = Object.entries({ ...query, 'x-a': 'v' }).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => k + v).join('');
  const sig = createHash('md5').update(secret + base + body + secret).digest('hex').toUpperCase();
  const qs = new URLSearchParams({ ...query, sign: sig }).toString();
  const now = Date.UTC(2024, 0, 1, 4, 0, 30);
  for (const h of [headers, Object.entries(headers), new Headers(headers)]) {
    verifySpi({ query: qs, headers: h, body, contentType: 'application/json', secret, now });
    verifySpi({ query: `?${qs}`, headers: h, body: new TextEncoder().encode(body), contentType: 'application/json', secret, now: new Date(now) });
  }
  const e = catchIt(() => verifySpi({ query: qs, headers, body: body + ' ', contentType: 'application/json', secret, now }));
  assert.ok(e instanceof SignatureError && e instanceof TopError);
  assert.equal(e.reason, 'mismatch');
  const stale = catchIt(() => verifySpi({ query: qs, headers, body, contentType: 'application/json', secret, now: now + 3600e3, maxSkewMs: 60e3 }));
  assert.equal(stale.reason, 'stale_timestamp');
});

test('sign accepts pairs or an object', () => {
  const pairs = [['method', 'taobao.user.seller.get'], ['timestamp', '2013-05-06 13:52:03'], ['format', 'xml'], ['app_key', 'test'], ['v', '2.0'], ['fields', 'nick'], ['sign_method', 'md5'], ['session', 'test']];
  assert.equal(sign(pairs, 'test', 'md5'), '72CB4D809B375A54502C09360D879C64');
  assert.equal(sign(Object.fromEntries(pairs), 'test', 'md5'), '72CB4D809B375A54502C09360D879C64');
});
