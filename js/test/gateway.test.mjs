// The local gateway (the core's Gateway, topwire/gateway's http server around
// it) driven over real HTTP on 127.0.0.1 port 0: with TopClient and the global
// fetch, with requests signed by hand (node:crypto, no topwire signing), and as
// the `topwire-gateway` CLI in a child process. No sleeps: every wait is on an
// event (a printed line, a response, an exit).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import util from 'node:util';
import { ApiError, Gateway, TopClient, ValidationError } from 'topwire';
import { DEFAULT_APP_KEY, DEFAULT_APP_SECRET, DEFAULT_PORT, requestListener, serveGateway } from 'topwire/gateway';

const require = createRequire(import.meta.url);
const js = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(js, 'bin', 'topwire-gateway.js');

const RESEND = 'taobao.eticket.merchant.ma.resend';
const RESERVE = 'alibaba.alsc.daodian.ticket.reserve';
const VERIFY = 'taobao.travel.ticket.order.verify';

// The seed calls (the documentation's example parameters) and the sample
// responses the documentation shows for them.
const SEED_PARAMS = {
  [RESEND]: {
    biz_type: 3001,
    isv_ma_list: [{ code: 'abc124', num: 1, qr_image: '111.png' }],
    outer_id: '1753340805138544',
    token: '31231231231',
  },
  [RESERVE]: {
    ticket_reverse_top_request: {
      ticket_use_trans_id: '2106027287988611313',
      biz_date: '2022-08-11 11:11:11',
      request_id: '20190729111040030200660600011777',
      ticket_id: '2208191159703216457',
    },
  },
  [VERIFY]: {
    check_num: 1,
    order_id: 12345678,
    return_num: 0,
    total_num: 1,
    out_order_id: '12345',
    confirm_code: '2516352',
    voucher_infos: [{ confirm_code: '2516352', used_quantity: 1, used_date: '2020-01-11 14:00:00' }],
    write_off_type: 0,
  },
};
const SAMPLES = {
  [RESEND]: { resp_body: { attribute_map: '{}' }, ret_code: 'isv.success-all', ret_msg: '操作成功' },
  [RESERVE]: { result: { success: true, retry: false } },
  [VERIFY]: { is_success: true },
};
const RESPONSE_KEYS = {
  [RESEND]: 'eticket_merchant_ma_resend_response',
  [RESERVE]: 'alibaba_alsc_daodian_ticket_reserve_response',
  [VERIFY]: 'travel_ticket_order_verify_response',
};
const FORM = 'application/x-www-form-urlencoded;charset=utf-8';

const CONFIG = {
  apps: { 11112222: 'first-secret', 33334444: 'second-secret' },
  sessions: ['good-session'],
  max_skew_seconds: 60,
  responses: { 'taobao.time.get': { time: '2024-01-02 03:04:05' } },
  errors: { 'taobao.trade.get': { code: 15, msg: 'Remote service error', sub_code: 'isp.remote-service-timeout', sub_msg: 'try again' } },
};

let gw;
before(async () => {
  gw = await serveGateway();
});
after(() => gw.close());

const defaultClient = (url, options = {}) => new TopClient({ appKey: DEFAULT_APP_KEY, appSecret: DEFAULT_APP_SECRET, gateway: url, ...options });

async function send(client, method, params, options) {
  const req = client.prepare(method, params, options);
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  assert.equal(res.status, 200);
  return { res, text: await res.text() };
}

async function call(client, method, params, options) {
  return client.parse(method, (await send(client, method, params, options)).text);
}

async function apiError(promise) {
  const err = await promise.then(() => assert.fail('expected an ApiError'), (e) => e);
  assert.ok(err instanceof ApiError, String(err));
  return err;
}

// ---------------------------------------------------------------- by hand, without topwire

const gmt8 = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 19).replace('T', ' ');

function md5Sign(params, secret) {
  const text = Object.entries(params)
    .filter(([k, v]) => k !== 'sign' && v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => k + v)
    .join('');
  return createHash('md5').update(secret + text + secret, 'utf8').digest('hex').toUpperCase();
}

/** A raw TOP call: system parameters in the query, application ones in a urlencoded body, md5 by hand. */
async function handSigned(url, method, app, { secret = DEFAULT_APP_SECRET, session, format = 'json' } = {}) {
  const system = { app_key: DEFAULT_APP_KEY, timestamp: gmt8(Date.now()), v: '2.0', sign_method: 'md5', format };
  if (method !== undefined) system.method = method;
  if (session !== undefined) system.session = session;
  system.sign = md5Sign({ ...system, ...app }, secret);
  const res = await fetch(`${url}?${new URLSearchParams(system)}`, {
    method: 'POST', headers: { 'Content-Type': FORM }, body: new URLSearchParams(app).toString(),
  });
  return { status: res.status, text: await res.text() };
}

/** The ApiError topwire's parser makes of a raw reply. */
function parsedError(text, method = VERIFY) {
  try {
    defaultClient('http://unused/router/rest').parse(method, text);
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return e;
  }
  return assert.fail('expected an ApiError');
}

// ---------------------------------------------------------------- the seed calls

for (const [format, simplify] of [['json', false], ['json', true], ['xml', false]]) {
  for (const method of [RESEND, RESERVE, VERIFY]) {
    test(`${method} gets the sample response (${format}${simplify ? ', simplified' : ''})`, async () => {
      const client = defaultClient(gw.url, { format, simplify });
      const { res, text } = await send(client, method, SEED_PARAMS[method], { session: 'any-session' });
      const ctype = res.headers.get('content-type');
      if (format === 'xml') {
        assert.ok(ctype.startsWith('text/xml'), ctype);
        assert.ok(text.startsWith('<?xml') && text.includes(`<${RESPONSE_KEYS[method]}>`), text);
      } else {
        assert.ok(ctype.startsWith('application/json'), ctype);
        assert.equal(RESPONSE_KEYS[method] in JSON.parse(text), !simplify);
      }
      const { request_id: requestId, ...data } = client.parse(method, text);
      assert.ok(typeof requestId === 'string' && requestId.length > 0);
      assert.deepEqual(data, SAMPLES[method]);
    });
  }
}

test('every sign method is accepted', async () => {
  for (const signMethod of ['md5', 'hmac', 'hmac-sha256']) {
    const data = await call(defaultClient(gw.url, { signMethod }), VERIFY, SEED_PARAMS[VERIFY]);
    assert.equal(data.is_success, true, signMethod);
  }
});

test('a raw hand-signed request is accepted', async () => {
  const app = { order_id: '12345678', check_num: '1', voucher_infos: JSON.stringify([{ confirm_code: '2516352', used_quantity: 1 }]) };
  const { status, text } = await handSigned(gw.url, VERIFY, app);
  assert.equal(status, 200);
  assert.equal(JSON.parse(text)[RESPONSE_KEYS[VERIFY]].is_success, true);
  const xml = await handSigned(gw.url, VERIFY, { order_id: '1' }, { format: 'xml' });
  assert.ok(xml.text.startsWith('<?xml'));
  assert.ok(xml.text.includes('<travel_ticket_order_verify_response><is_success>true</is_success>'), xml.text);
});

test('a raw GET with everything in the query is accepted', async () => {
  const params = { method: VERIFY, app_key: DEFAULT_APP_KEY, timestamp: gmt8(Date.now()), v: '2.0', sign_method: 'md5', format: 'json', simplify: 'true', order_id: '1' };
  params.sign = md5Sign(params, DEFAULT_APP_SECRET);
  const res = await fetch(`${gw.url}?${new URLSearchParams(params)}`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).is_success, true);
});

// ---------------------------------------------------------------- TOP's error codes

test('unknown app key is 29', async () => {
  const client = new TopClient({ appKey: '87654321', appSecret: DEFAULT_APP_SECRET, gateway: gw.url });
  assert.equal((await apiError(call(client, VERIFY, SEED_PARAMS[VERIFY]))).code, 29);
});

test('bad signature is 25, and the secret does not show', async () => {
  const client = new TopClient({ appKey: DEFAULT_APP_KEY, appSecret: 'not-the-secret', gateway: gw.url });
  const err = await apiError(call(client, VERIFY, SEED_PARAMS[VERIFY]));
  assert.equal(err.code, 25);
  assert.ok(!String(err).includes('not-the-secret') && !JSON.stringify(err).includes('not-the-secret'));
  // A body changed after signing is caught too.
  const req = defaultClient(gw.url).prepare(VERIFY, { order_id: 1 });
  const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body.replace('=1', '=2') });
  assert.equal(parsedError(await res.text()).code, 25);
  // Hand-signed with the wrong secret.
  assert.equal(parsedError((await handSigned(gw.url, VERIFY, { order_id: '1' }, { secret: 'wrong' })).text).code, 25);
});

test('stale timestamp is 31; within 10 minutes is accepted', async () => {
  const client = defaultClient(gw.url);
  const err = await apiError(call(client, VERIFY, SEED_PARAMS[VERIFY], { timestamp: Date.now() - 11 * 60e3 }));
  assert.equal(err.code, 31);
  const data = await call(client, VERIFY, SEED_PARAMS[VERIFY], { timestamp: new Date(Date.now() - 9 * 60e3) });
  assert.equal(data.is_success, true);
});

test('missing method is 21', async () => {
  const { status, text } = await handSigned(gw.url, undefined, { order_id: '1' });
  assert.equal(status, 200);
  assert.equal(JSON.parse(text).error_response.code, 21);
  assert.equal(parsedError(text).code, 21);
});

test('missing required argument is 40, with sub_code and the field', async () => {
  const app = { isv_ma_list: JSON.stringify([{ code: 'abc124', num: 1 }]), token: 't' };
  const err = parsedError((await handSigned(gw.url, RESEND, app, { session: 's' })).text, RESEND);
  assert.equal(err.code, 40);
  assert.equal(err.subCode, 'isv.missing-parameter');
  assert.match(err.msg, /outer_id/);
  assert.match(err.subMsg, /outer_id/);
});

test('a bad value is 41, with sub_code and the field', async () => {
  let err = parsedError((await handSigned(gw.url, VERIFY, { order_id: '1', write_off_type: '7' })).text);
  assert.equal(err.code, 41);
  assert.equal(err.subCode, 'isv.invalid-parameter');
  assert.match(err.msg, /write_off_type/);
  assert.match(err.subMsg, /write_off_type/);
  err = parsedError((await handSigned(gw.url, VERIFY, { order_id: 'not-a-number' })).text);
  assert.deepEqual([err.code, err.subCode], [41, 'isv.invalid-parameter']);
  assert.match(err.msg, /order_id/);
});

test('missing session is 26; with a session the call goes through', async () => {
  const app = Object.fromEntries(Object.entries(SEED_PARAMS[RESEND]).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  assert.equal(parsedError((await handSigned(gw.url, RESEND, app)).text, RESEND).code, 26);
  const { text } = await handSigned(gw.url, RESEND, app, { session: 's' });
  assert.equal(JSON.parse(text)[RESPONSE_KEYS[RESEND]].ret_code, 'isv.success-all');
  // TopClient refuses to send it at all.
  assert.throws(() => defaultClient(gw.url).prepare(RESEND, SEED_PARAMS[RESEND]), ValidationError);
});

test('errors come back in XML too', async () => {
  const client = new TopClient({ appKey: '87654321', appSecret: 'x', gateway: gw.url, format: 'xml' });
  const { text } = await send(client, VERIFY, { order_id: 1 });
  assert.ok(text.startsWith('<?xml') && text.includes('<error_response><code>29</code>'), text);
  assert.equal(parsedError(text).code, 29);
});

test('other paths and HTTP methods', async () => {
  const base = gw.url.slice(0, -'/router/rest'.length);
  assert.equal((await fetch(`${base}/favicon.ico`)).status, 404);
  assert.equal((await fetch(gw.url, { method: 'PUT', body: '' })).status, 405);
  const head = await fetch(gw.url, { method: 'HEAD' });
  assert.equal(head.status, 405);
  assert.equal(await head.text(), '');
});

test('a chunked body is read', async () => {
  const client = defaultClient(gw.url);
  const req = client.prepare(VERIFY, { order_id: 1 });
  const text = await new Promise((done, fail) => {
    const r = http.request(req.url, { method: 'POST', headers: req.headers }, (res) => {
      let s = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (s += c));
      res.on('end', () => done(s));
    });
    r.on('error', fail);
    r.write(req.body.slice(0, 3));
    r.end(req.body.slice(3));
  });
  assert.equal(client.parse(VERIFY, text).is_success, true);
});

test('a malformed request is 400', async () => {
  const { port } = gw;
  const net = await import('node:net');
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.end('POST /router/rest HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n');
  let reply = '';
  socket.setEncoding('utf8');
  for await (const chunk of socket) reply += chunk;
  assert.match(reply, /^HTTP\/1\.1 400 /);
});

test('concurrent calls share one gateway', async () => {
  const client = defaultClient(gw.url);
  const results = await Promise.all(Array.from({ length: 64 }, (_, i) => call(client, VERIFY, { order_id: i + 1 })));
  assert.ok(results.every((d) => d.is_success === true));
});

// ---------------------------------------------------------------- configuration

test('a config file: apps, sessions, skew, canned responses and errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'topwire-gw-'));
  try {
    const file = join(dir, 'gateway.json');
    writeFileSync(file, JSON.stringify(CONFIG));
    const local = await serveGateway({ configFile: file });
    try {
      assert.deepEqual(local.appKeys, ['11112222', '33334444']);
      const second = new TopClient({ appKey: '33334444', appSecret: 'second-secret', gateway: local.url });
      assert.equal((await call(second, VERIFY, { order_id: 1 })).is_success, true);
      // The default app is not configured any more.
      assert.equal((await apiError(call(defaultClient(local.url), VERIFY, { order_id: 1 }))).code, 29);
      // Sessions: only the listed ones.
      assert.ok((await call(second, RESEND, SEED_PARAMS[RESEND], { session: 'good-session' })).ret_code);
      assert.equal((await apiError(call(second, RESEND, SEED_PARAMS[RESEND], { session: 'other-session' }))).code, 27);
      // max_skew_seconds: 2 minutes off is too far.
      assert.equal((await apiError(call(second, VERIFY, { order_id: 1 }, { timestamp: Date.now() - 120e3 }))).code, 31);
      // Canned response and error for methods that are not typed.
      const data = await call(second, 'taobao.time.get', {});
      assert.equal(data.time, '2024-01-02 03:04:05');
      assert.ok(data.request_id);
      const err = await apiError(call(second, 'taobao.trade.get', { tid: 1 }));
      assert.deepEqual([err.code, err.subCode, err.subMsg], [15, 'isp.remote-service-timeout', 'try again']);
      assert.equal(err.retryable, true);
      // Any other untyped method is unknown to the gateway.
      assert.equal((await apiError(call(second, 'taobao.user.seller.get', { fields: 'nick' }))).code, 22);
    } finally {
      await local.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config as an object and app options', async () => {
  const local = await serveGateway({ config: { responses: { 'taobao.time.get': { time: 'x' } } }, appKey: '55556666', appSecret: 'flag-secret' });
  try {
    assert.deepEqual(local.appKeys, ['55556666']);
    const client = new TopClient({ appKey: '55556666', appSecret: 'flag-secret', gateway: local.url });
    assert.equal((await call(client, 'taobao.time.get', undefined)).time, 'x');
  } finally {
    await local.close();
  }
});

test('a fixed clock', async () => {
  const fixed = 1_700_000_000_000;
  const local = await serveGateway({ clock: () => fixed });
  try {
    const client = defaultClient(local.url);
    assert.equal((await call(client, VERIFY, { order_id: 1 }, { timestamp: fixed })).is_success, true);
    assert.equal((await apiError(call(client, VERIFY, { order_id: 1 }))).code, 31);
  } finally {
    await local.close();
  }
});

test('bad configs are ValidationErrors; wrong arguments TypeErrors', async () => {
  assert.throws(() => new Gateway('{"apps": {"k": ""}}'), (e) => e instanceof ValidationError && e.field === 'config.apps.k');
  assert.throws(() => new Gateway('not json'), ValidationError);
  assert.throws(() => new Gateway('{"errors": {"m": {"msg": "no code"}}}'), (e) => e instanceof ValidationError && e.field === 'config.errors.m.code');
  assert.throws(() => new Gateway('{"unknown": 1}'), ValidationError);
  assert.throws(() => new Gateway(null, { appKey: '', appSecret: 's' }), ValidationError);
  assert.throws(() => new Gateway(null, { appKey: 'k' }), (e) => e instanceof ValidationError && e.field === 'app_secret');
  assert.throws(() => new Gateway(null, { appkey: 'k', appSecret: 's' }), (e) => e instanceof ValidationError && e.field === 'appkey' && /did you mean appKey\?/.test(e.message));
  assert.throws(() => new Gateway(42), TypeError);
  assert.throws(() => new Gateway().handle({ method: 'POST', url: '/router/rest', body: 12 }), TypeError);
  assert.throws(() => new Gateway().handle({ method: 'POST' }), (e) => e instanceof ValidationError && e.field === 'url');
  assert.throws(() => serveGateway({ config: '{}', configFile: 'x.json' }), TypeError);
  assert.throws(() => serveGateway({ gateway: new Gateway(), appKey: 'k', appSecret: 's' }), TypeError);
  // A port in use is refused.
  await assert.rejects(serveGateway({ port: gw.port }), (e) => e.code === 'EADDRINUSE');
});

// ---------------------------------------------------------------- the core class

test('Gateway without HTTP: handle, app keys, secrets never shown', () => {
  const gateway = new Gateway(undefined, { appKey: 'k1', appSecret: 'super-secret-value' });
  assert.deepEqual(gateway.appKeys, ['k1']);
  const client = new TopClient({ appKey: 'k1', appSecret: 'super-secret-value', gateway: 'http://local/router/rest' });
  const now = 1_700_000_000_000;
  const req = client.prepare(VERIFY, { order_id: 1 }, { timestamp: now });
  const target = req.url.slice('http://local'.length);
  let out = gateway.handle({ method: 'POST', url: target, headers: req.headers, body: new TextEncoder().encode(req.body) }, now);
  assert.equal(out.status, 200);
  assert.deepEqual(out.headers, { 'Content-Type': 'application/json;charset=utf-8' });
  assert.equal(client.parse(VERIFY, out.body).is_success, true);
  // A full URL, headers as pairs or a Headers, a string body and a Date.
  out = gateway.handle({ method: 'POST', url: req.url, headers: Object.entries(req.headers), body: req.body }, new Date(now));
  assert.equal(client.parse(VERIFY, out.body).is_success, true);
  out = gateway.handle({ method: 'POST', url: req.url, headers: new Headers(req.headers), body: req.body }, BigInt(now));
  assert.equal(client.parse(VERIFY, out.body).is_success, true);
  for (const text of [util.inspect(gateway), String(gateway), JSON.stringify(gateway), util.inspect(gateway, { showHidden: true, depth: 9 })]) {
    assert.ok(!text.includes('super-secret-value'), text);
    assert.ok(text.includes('k1'), text);
  }
  assert.deepEqual(Object.keys(gateway), []);
  gateway.free();
});

test('defaults, and the same objects from require and import', () => {
  assert.deepEqual(new Gateway().appKeys, [DEFAULT_APP_KEY]);
  assert.equal(DEFAULT_APP_KEY, '12345678');
  assert.equal(DEFAULT_APP_SECRET, 'topwire-local-secret');
  assert.equal(DEFAULT_PORT, 8080);
  assert.equal(Gateway.DEFAULT_APP_KEY, DEFAULT_APP_KEY);
  const cjs = require('topwire/gateway');
  assert.equal(cjs.serveGateway, serveGateway);
  assert.equal(cjs.Gateway, Gateway);
  assert.equal(require('topwire').Gateway, Gateway);
});

test('requestListener serves inside the user\'s own http server', async () => {
  const server = http.createServer(requestListener(new Gateway()));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const url = `http://127.0.0.1:${server.address().port}/router/rest`;
    assert.equal((await call(defaultClient(url), VERIFY, { order_id: 1 })).is_success, true);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('the request log never shows secrets, sessions or the query', async () => {
  const lines = [];
  const local = await serveGateway({ log: (line) => lines.push(line) });
  try {
    await call(defaultClient(local.url), RESEND, SEED_PARAMS[RESEND], { session: 'session-xyz' });
  } finally {
    await local.close();
  }
  const text = lines.join('');
  assert.equal(lines.length, 1);
  assert.ok(text.includes(`"POST /router/rest" ${RESEND} 200`), text);
  assert.ok(!text.includes('session-xyz') && !text.includes(DEFAULT_APP_SECRET) && !text.includes('sign='), text);
});

test('close() releases the port, with keep-alive connections open', async () => {
  const local = await serveGateway();
  assert.equal((await fetch(local.url)).status, 200);
  await local.close();
  await local.close(); // idempotent
  await assert.rejects(fetch(local.url));
});

// ---------------------------------------------------------------- npx topwire-gateway

const PREFIX = 'topwire gateway listening on ';

/** Starts the CLI on port 0 and resolves with its first stdout line. */
async function startCli(...args) {
  const proc = spawn(process.execPath, [CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (c) => (err += c));
  proc.stdout.setEncoding('utf8');
  let out = '';
  const line = await new Promise((done, fail) => {
    const onData = (c) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        proc.stdout.off('data', onData);
        done(out.slice(0, nl));
      }
    };
    proc.stdout.on('data', onData);
    proc.once('exit', (code) => fail(new Error(`the CLI exited (${code}) before listening: ${err}`)));
  });
  proc.removeAllListeners('exit');
  const exited = once(proc, 'exit');
  return { proc, line, url: line.slice(PREFIX.length).split(' ')[0], stderr: () => err, exited };
}

async function stopCli(cli, signal = 'SIGTERM') {
  cli.proc.kill(signal);
  const [code] = await cli.exited;
  assert.equal(code, 0, cli.stderr());
  return cli.stderr();
}

test('the CLI prints its URL, serves a call and stops on SIGTERM', async () => {
  const cli = await startCli();
  let err;
  try {
    assert.ok(cli.line.startsWith(PREFIX), cli.line);
    assert.ok(cli.line.endsWith(`(app keys: ${DEFAULT_APP_KEY})`), cli.line);
    assert.match(cli.url, /^http:\/\/127\.0\.0\.1:\d+\/router\/rest$/);
    assert.equal((await call(defaultClient(cli.url), VERIFY, SEED_PARAMS[VERIFY])).is_success, true);
  } finally {
    err = await stopCli(cli);
  }
  assert.ok(err.includes(`"POST /router/rest" ${VERIFY} 200`), err);
  assert.ok(err.includes('stopped') && !err.includes(DEFAULT_APP_SECRET), err);
});

test('the CLI with a config file, --quiet, and SIGINT', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'topwire-gw-'));
  try {
    const file = join(dir, 'gateway.json');
    writeFileSync(file, JSON.stringify(CONFIG));
    const cli = await startCli('--config', file, '--quiet');
    let err;
    try {
      assert.ok(cli.line.includes('(app keys: 11112222, 33334444)'), cli.line);
      const client = new TopClient({ appKey: '11112222', appSecret: 'first-secret', gateway: cli.url });
      assert.equal((await call(client, 'taobao.time.get', undefined)).time, '2024-01-02 03:04:05');
    } finally {
      err = await stopCli(cli, 'SIGINT');
    }
    assert.ok(!err.includes('first-secret') && !err.includes('POST'), err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the CLI: app flags; exit 2 on a bad config, a missing file, a lone --app-key, a busy port', async () => {
  const cli = await startCli('--app-key', '99998888', '--app-secret', 'cli-secret');
  try {
    assert.ok(cli.line.endsWith('(app keys: 99998888)') && !cli.line.includes('cli-secret'), cli.line);
  } finally {
    await stopCli(cli);
  }
  const dir = mkdtempSync(join(tmpdir(), 'topwire-gw-'));
  try {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"apps": []}');
    for (const args of [['--config', bad], ['--config', join(dir, 'missing.json')], ['--app-key', 'k'], ['--port', String(gw.port)], ['--bogus']]) {
      const proc = spawn(process.execPath, [CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      proc.stdout.on('data', (c) => (out += c));
      proc.stderr.on('data', (c) => (err += c));
      const [code] = await once(proc, 'exit');
      assert.equal(code, 2, `${args.join(' ')}: ${err}`);
      assert.equal(out, '');
      assert.ok(/topwire.gateway/.test(err), err);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
