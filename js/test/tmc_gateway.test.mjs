// The local message channel (TmcChannel, and `topwire/gateway` at /tmc) over
// real sockets, and the TMC examples (tmc_consumer.mjs, tmc_polling.mjs,
// tmc_demo.mjs). No sleeping: tests wait on the channel's events, with short
// redelivery and reconnect intervals.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { once } from 'node:events';
import WebSocket from 'ws';
import { Gateway, TmcChannel, TopClient, ValidationError } from 'topwire';
import { DEFAULT_APP_KEY, DEFAULT_APP_SECRET, serveGateway } from 'topwire/gateway';
import { TmcSession } from 'topwire/tmc';
import { linkExamplePackage } from './link_example.mjs';
import tmcEndpoint from '../lib/tmc_endpoint.cjs';
import vectors from './vectors.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIRST = 2n ** 53n + 1n;

/** A raw WebSocket to `url` and a queue of what it receives. */
async function socket(url) {
  const ws = new WebSocket(url);
  const inbox = [];
  const waiting = [];
  ws.on('message', (data, binary) => {
    const item = { data: new Uint8Array(data), binary };
    (waiting.shift() ?? ((x) => inbox.push(x)))(item);
  });
  const closed = new Promise((done) => ws.on('close', (code, reason) => done({ code, reason: reason.toString() })));
  await new Promise((done, fail) => {
    ws.once('open', done);
    ws.once('error', fail);
  });
  const next = () => (inbox.length > 0 ? Promise.resolve(inbox.shift()) : new Promise((done) => waiting.push(done)));
  return { ws, next, closed };
}

test('TmcChannel: ids above 2^53 as bigints, explicit ids, strict options', () => {
  const channel = new TmcChannel(new Gateway(), { redeliverMs: 1000 });
  assert.equal(channel.publish('t', '{}'), FIRST);
  assert.equal(channel.publish('t', '{}', { id: 7104300007405429232n }), 7104300007405429232n);
  assert.equal(channel.publish('t', '{}'), 7104300007405429233n);
  assert.deepEqual(channel.messageState(FIRST), { state: 'queued', attempts: 0 });
  assert.equal(channel.messageState(1n), undefined);
  assert.throws(() => channel.publish('t', '{}', { id: FIRST }), (e) => e instanceof ValidationError && e.field === 'id');
  assert.throws(() => channel.publish('t', '{}', { gzipped: true }), (e) => e instanceof ValidationError && /gzipped/.test(e.message));
  assert.throws(() => new TmcChannel(new Gateway(), { redeliver: 5 }), (e) => e instanceof ValidationError && /redeliver/.test(e.message));
  assert.throws(() => new TmcChannel(new Gateway(), { redeliverMs: 0 }), (e) => e instanceof ValidationError && e.field === 'redeliver_ms');
  assert.throws(() => new TmcChannel({}), TypeError);
});

test('gateway /tmc: a signed CONNECT is accepted, a wrong secret refused with a status and closed', async () => {
  const gw = await serveGateway({ tmc: { redeliverMs: 60_000 } });
  try {
    const good = await socket(gw.tmcUrl);
    const session = new TmcSession({ appKey: DEFAULT_APP_KEY, appSecret: DEFAULT_APP_SECRET });
    const connected = gw.tmc.waitFor('connected');
    good.ws.send(session.connect());
    const [event] = session.receive((await good.next()).data);
    assert.equal(event.type, 'connected');
    assert.equal(event.token.length, 36);
    assert.deepEqual(await connected, { type: 'connected', connection: 1, app: DEFAULT_APP_KEY, group: 'default' });

    const bad = await socket(gw.tmcUrl);
    const wrong = new TmcSession({ appKey: DEFAULT_APP_KEY, appSecret: 'not-the-secret' });
    const refusedEvent = gw.tmc.waitFor('refused');
    bad.ws.send(wrong.connect());
    const [refused] = wrong.receive((await bad.next()).data);
    assert.equal(refused.type, 'refused');
    assert.equal(refused.statusCode, 401);
    assert.match(refused.statusPhrase, /the sign does not match/);
    assert.ok(!refused.statusPhrase.includes('not-the-secret'));
    assert.equal((await refusedEvent).connection, 2);
    const closed = await bad.closed;
    assert.equal(closed.code, 1008);

    // Text is not a TMC frame; bytes that are no frame close the connection, naming the byte.
    const text = await socket(gw.tmcUrl);
    text.ws.send('hello');
    assert.equal((await text.closed).code, 1003);
    const junk = await socket(gw.tmcUrl);
    junk.ws.send(new Uint8Array([2, 9]));
    const junkClosed = await junk.closed;
    assert.equal(junkClosed.code, 1008);
    assert.match(junkClosed.reason, /byte 1/);
    good.ws.close();
  } finally {
    await gw.close();
  }
});

test('gateway /tmc: pull, confirm, fail and redelivery after redeliverMs, over a real socket', async () => {
  const gw = await serveGateway({ tmc: { redeliverMs: 100 } });
  try {
    const gzipped = gw.publish('taobao_trade_TradeCreate', '{"tid":2131800080537681929}', { gzip: true, userId: 2206611234, nick: 'tb_seller' });
    const plain = gw.publish('taobao_trade_TradePaid', '{"tid":1}', { dataId: 42 });
    assert.deepEqual([gzipped, plain], [FIRST, FIRST + 1n]);
    const { ws, next } = await socket(gw.tmcUrl);
    const session = new TmcSession({ appKey: DEFAULT_APP_KEY, appSecret: DEFAULT_APP_SECRET });
    ws.send(session.connect());
    session.receive((await next()).data);
    for (const action of session.poll()) ws.send(action.bytes); // the first pull, due at once
    const messages = [];
    for (let i = 0; i < 2; i += 1) messages.push(...session.receive((await next()).data).map((e) => e.message));
    assert.deepEqual(messages.map((m) => m.id), [gzipped, plain]);
    assert.equal(messages[0].compressed, true);
    assert.equal(messages[0].content, '{"tid":2131800080537681929}');
    assert.equal(messages[0].data().tid, 2131800080537681929n);
    assert.equal(messages[0].userId, 2206611234n);
    assert.equal(messages[0].nick, 'tb_seller');
    assert.equal(messages[0].publisher, DEFAULT_APP_KEY);
    assert.equal(messages[1].dataId, 42n);

    // Confirm the first; say nothing of the second: it comes back after 100 ms.
    const confirmed = gw.tmc.waitFor('confirmed');
    ws.send(session.confirm(gzipped));
    assert.deepEqual(await confirmed, { type: 'confirmed', id: gzipped });
    const again = session.receive((await next()).data);
    assert.equal(again[0].message.id, plain);
    assert.deepEqual(gw.tmc.channel.messageState(plain), { state: 'delivered', attempts: 2 });

    // Fail it: it is queued again and handed straight back.
    const failed = gw.tmc.waitFor('failed');
    ws.send(session.fail(plain, 'on purpose'));
    assert.deepEqual(await failed, { type: 'failed', id: plain, reason: 'on purpose' });
    assert.equal(session.receive((await next()).data)[0].message.id, plain);
    ws.send(session.confirm(plain));
    await gw.tmc.waitFor('confirmed', (e) => e.id === plain);
    assert.deepEqual(gw.tmc.channel.messageState(gzipped), { state: 'confirmed', attempts: 1 });
    assert.equal(gw.tmc.channel.nextDeadline(), undefined);
    ws.close();
  } finally {
    await gw.close();
  }
});

test('gateway: consume and confirm over HTTP share the queue (polling consumer)', async () => {
  const example = linkExamplePackage('tmc_polling.mjs');
  const { pollOnce, contentData } = await import(example);
  const gw = await serveGateway({ tmc: { redeliverMs: 60_000 } });
  try {
    const client = new TopClient({ appKey: DEFAULT_APP_KEY, appSecret: DEFAULT_APP_SECRET, gateway: gw.url });
    const a = gw.publish('taobao_trade_TradePaid', '{"tid":2131800080537681929}');
    const b = gw.publish('taobao_trade_TradeClose', '{"tid":2}', { id: 7104300007405429232n });
    const seen = [];
    const first = await pollOnce(client, (m) => {
      seen.push([m.id, contentData(m).tid]);
      if (m.id === b) throw new Error('not now');
    }, { quantity: 10 });
    assert.deepEqual(seen, [[a, 2131800080537681929n], [b, 2]]); // safe integers stay numbers, as in parse
    assert.deepEqual(first, { received: 2, confirmed: [a] });
    assert.deepEqual(gw.tmc.channel.messageState(a), { state: 'confirmed', attempts: 1 });
    // b was handed out and not confirmed: not handed out again before redeliverMs.
    assert.deepEqual(await pollOnce(client, () => {}), { received: 0, confirmed: [] });
    assert.deepEqual(gw.tmc.channel.messageState(b), { state: 'delivered', attempts: 1 });
    // quantity outside 10-200 never leaves the client, and the gateway refuses it too.
    assert.throws(() => client.prepare('taobao.tmc.messages.consume', { quantity: 5 }),
      (e) => e instanceof ValidationError && e.message === 'quantity: expected an integer from 10 to 200, got the number 5');
  } finally {
    await gw.close();
  }
});

test('tmc_consumer.mjs reconnects when the gateway drops the socket, and confirms only after handling', async () => {
  const example = linkExamplePackage('tmc_consumer.mjs');
  const { startConsumer } = await import(example);
  const gw = await serveGateway({ tmc: { redeliverMs: 60_000 } });
  const handled = [];
  let consumer;
  try {
    const a = gw.publish('t', '{"n":1}');
    consumer = await startConsumer({
      url: gw.tmcUrl,
      appKey: DEFAULT_APP_KEY,
      appSecret: DEFAULT_APP_SECRET,
      session: { pullIntervalMs: 50, reconnectIntervalMs: 20 },
      handle: async (m) => {
        // Not confirmed while the handler runs.
        assert.deepEqual(gw.tmc.channel.messageState(m.id).state, 'delivered');
        handled.push(m.id);
      },
    });
    await gw.tmc.waitFor('confirmed', (e) => e.id === a);
    const back = gw.tmc.waitFor('connected');
    gw.dropTmcConnections();
    assert.equal((await back).connection, 2);
    const b = gw.publish('t', '{"n":2}');
    await gw.tmc.waitFor('confirmed', (e) => e.id === b);
    assert.deepEqual(handled, [a, b]);
  } finally {
    const gone = gw.tmc.waitFor('disconnected');
    await consumer?.stop();
    await gone;
    await gw.close();
  }
});

test('tmc_demo.mjs (make demo): exact ids, trade ids, the failure, the reconnect and the polling', async () => {
  const example = linkExamplePackage('tmc_demo.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, [example]);
  assert.match(stdout, /^published 9007199254740993, 9007199254740994, 7104300007405429232 on ws:\/\/127\.0\.0\.1:\d+\/tmc$/m);
  assert.match(stdout, /^message 9007199254740993 taobao_trade_TradePaid trade 2131800080537681929 \(text, attempt 1\)$/m);
  assert.match(stdout, /^message 9007199254740994 taobao_trade_TradeCreate trade 2131800080537681930 \(gzip, attempt 2\)$/m);
  assert.match(stdout, /^message 7104300007405429232 taobao_refund_RefundCreate trade 2131800080537681931 \(text, attempt 1\)$/m);
  assert.match(stdout, /^polled 7104300007405429234 taobao_trade_TradeClose trade 2131800080537681930$/m);
  assert.match(stdout, /^tmc demo: every message handled and confirmed, ids exact$/m);
});

test('the endpoint says which package is missing when ws is not installed', async () => {
  const missing = (name) => {
    const e = new Error(`Cannot find module '${name}'`);
    e.code = 'MODULE_NOT_FOUND';
    throw e;
  };
  const error = tmcEndpoint.loadWs(missing);
  assert.ok(error instanceof Error);
  assert.match(error.message, /needs the optional package 'ws': npm install ws/);
  const endpoint = new tmcEndpoint.TmcEndpoint(new Gateway(), { load: missing });
  let written = '';
  const errors = [];
  endpoint.on('error', (e) => errors.push(e));
  endpoint.upgrade({ url: '/tmc' }, { end: (text) => (written += text) }, Buffer.alloc(0));
  assert.match(written, /^HTTP\/1\.1 501 Not Implemented\r\n/);
  assert.match(written, /npm install ws/);
  assert.equal(errors.length, 1);
  // Another path is not the endpoint's.
  assert.equal(endpoint.upgrade({ url: '/other' }, {}, Buffer.alloc(0)), false);
  endpoint.close();
  // Without an 'error' listener (a served gateway) it is a process warning, never a crash.
  const quiet = new tmcEndpoint.TmcEndpoint(new Gateway(), { load: missing });
  const warned = once(process, 'warning');
  quiet.upgrade({ url: '/tmc' }, { end: () => {} }, Buffer.alloc(0));
  assert.match((await warned)[0].message, /npm install ws/);
  quiet.close();
});

test('npx topwire-gateway serves the channel and prints its URL on the second line', async () => {
  const cli = fileURLToPath(new URL('../bin/topwire-gateway.js', import.meta.url));
  const proc = spawn(process.execPath, [cli, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    proc.stdout.setEncoding('utf8');
    let out = '';
    const lines = await new Promise((done) => {
      proc.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.split('\n').length > 2) done(out.split('\n'));
      });
    });
    assert.match(lines[0], /^topwire gateway listening on http:\/\/127\.0\.0\.1:\d+\/router\/rest /);
    const [, url] = lines[1].match(/^message channel \(TMC\): (ws:\/\/127\.0\.0\.1:\d+\/tmc)$/);
    const { ws, next } = await socket(url);
    const session = new TmcSession({ appKey: DEFAULT_APP_KEY, appSecret: DEFAULT_APP_SECRET });
    ws.send(session.connect());
    assert.equal(session.receive((await next()).data)[0].type, 'connected');
    ws.close();
  } finally {
    proc.kill('SIGTERM');
  }
});

// tests/http/tmc_channel.json (scripts/oracle.py): frames in, exact frames out, on a fresh gateway each.
const CHANNEL = vectors.parseJson(readFileSync(join(vectors.ROOT, 'http', 'tmc_channel.json'), 'utf8'));
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const PUBLISH_KEYS = { user_id: 'userId', data_id: 'dataId' };

for (const c of CHANNEL.cases) {
  test(`channel case: ${c.name}`, async () => {
    let now = Number(CHANNEL.now_ms);
    const gw = await serveGateway({ clock: () => now, tmc: { redeliverMs: Number(CHANNEL.redeliver_ms) } });
    const sockets = new Map();
    try {
      for (const step of c.steps) {
        if (step.clock !== undefined) {
          now = Number(step.clock);
        } else if (step.publish !== undefined) {
          const { topic, content, ...rest } = step.publish;
          const options = Object.fromEntries(Object.entries(rest).map(([k, v]) => [PUBLISH_KEYS[k] ?? k, v]));
          assert.equal(gw.publish(topic, content, options), BigInt(step.id));
        } else {
          if (!sockets.has(step.send)) sockets.set(step.send, await socket(gw.tmcUrl));
          const { ws, next, closed } = sockets.get(step.send);
          ws.send(Buffer.from(step.hex, 'hex'));
          for (const want of step.expect) assert.equal(hex((await next()).data), want.hex);
          if (step.close) assert.deepEqual(await closed, step.close);
        }
      }
    } finally {
      for (const { ws } of sockets.values()) ws.close();
      await gw.close();
    }
  });
}

test('serveGateway({ tmc: false }): no channel, consume answers with the sample, /tmc is a 404', async () => {
  const gw = await serveGateway({ tmc: false });
  try {
    assert.equal(gw.tmcUrl, undefined);
    assert.equal(gw.tmc, undefined);
    assert.throws(() => gw.publish('t', '{}'), TypeError);
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/tmc`);
    const [err] = await once(ws, 'error');
    assert.match(err.message, /Unexpected server response: 404/);
    const client = new TopClient({ appKey: DEFAULT_APP_KEY, appSecret: DEFAULT_APP_SECRET, gateway: gw.url });
    const req = client.prepare('taobao.tmc.messages.consume', { quantity: 10 });
    const data = client.parse('taobao.tmc.messages.consume', await (await fetch(req.url, { method: req.method, headers: req.headers, body: req.body })).text());
    assert.equal(data.messages[0].id, 7104300007405429232n); // the description's sample reply
  } finally {
    await gw.close();
  }
});
