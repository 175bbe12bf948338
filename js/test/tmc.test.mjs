// TMC in Node: the session's timers, token checks and options through the
// public API (`topwire/tmc`). The frames themselves are the shared vectors'
// (tests/vectors/tmc.json, run by shared.test.mjs).
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { decodeFrame, encodeFrame, TmcSession, TmcMessage } from 'topwire/tmc';
import * as topwire from 'topwire';

const T0 = 1_700_000_000_000;

function online(options = {}) {
  const s = new TmcSession({ appKey: '12345678', appSecret: 'SECRET', ...options });
  const { flag } = decodeFrame(s.connect(T0));
  assert.deepEqual(s.receive(encodeFrame({ type: 'connectack', flag, token: 'tok' }), T0), [{ type: 'connected', token: 'tok' }]);
  return s;
}

const data = (token, id, content) => encodeFrame({
  type: 'send', token,
  content: [['__kind', 'byte', 3], ['id', 'int64', id], ['topic', 'string', 'taobao_trade_TradeBuyerPay'], ['content', 'string', content]],
});

test('topwire/tmc is the main entry\'s TMC', () => {
  assert.equal(TmcSession, topwire.TmcSession);
  assert.equal(decodeFrame, topwire.decodeFrame);
});

test('a pull at once when online, then every pullIntervalMs; a ping after pingIntervalMs without a frame', () => {
  const s = online({ pullIntervalMs: 1000, pingIntervalMs: 2500 });
  assert.equal(s.nextDeadline(), T0);
  const [pull] = s.poll(T0);
  assert.equal(pull.type, 'send');
  assert.deepEqual(decodeFrame(pull.bytes), { type: 'send', token: 'tok', content: [['__kind', 'byte', 1]] });
  assert.equal(s.nextDeadline(), T0 + 1000);
  assert.deepEqual(s.poll(T0 + 999), []);
  assert.deepEqual(s.poll(new Date(T0 + 2000)).map((a) => a.type), ['send']);
  assert.deepEqual(s.poll(BigInt(T0 + 2500)).map((a) => a.type), ['ping']);
});

test('after closed(), a reconnect after reconnectIntervalMs; a new CONNECT forgets the token', () => {
  const s = online({ reconnectIntervalMs: 500 });
  s.closed(T0 + 10);
  assert.equal(s.state, 'closed');
  assert.equal(s.token, undefined);
  assert.equal(s.nextDeadline(), T0 + 510);
  assert.deepEqual(s.poll(T0 + 509), []);
  assert.deepEqual(s.poll(T0 + 510), [{ type: 'reconnect' }]);
  assert.equal(s.nextDeadline(), undefined);
  assert.equal(decodeFrame(s.connect(T0 + 600)).flag, 2);
  assert.equal(s.state, 'connecting');
  assert.throws(() => s.confirm(1n), { name: 'ValidationError', field: 'session', got: 'a session waiting for CONNECTACK' });
});

test('messages of another token are dropped; ids stay exact through confirm', () => {
  const s = online();
  assert.deepEqual(s.receive(data('not-ours', 1n, '{}'), T0), []);
  const [event] = s.receive(data('tok', 2131800080537681929n, '{"tid":7104300007405429232}'), T0);
  assert.ok(event.message instanceof TmcMessage);
  assert.equal(event.message.id, 2131800080537681929n);
  assert.deepEqual(event.message.data(), { tid: 7104300007405429232n });
  const confirm = decodeFrame(s.confirm(event.message.id));
  assert.deepEqual(confirm.content, [['__kind', 'byte', 2], ['id', 'int64', 2131800080537681929n]]);
  assert.throws(() => s.confirm(2 ** 60), { name: 'ValidationError', field: 'id' });
  const failed = decodeFrame(s.fail(7, 'é'.repeat(200)));
  assert.equal(failed.content[2][2], 'é'.repeat(128));
});

test('options: unknown keys and bad values refused, the secret never shown', () => {
  assert.throws(() => new TmcSession({ appKey: 'k', appSecret: 's', group: 'g' }), { name: 'ValidationError', field: 'group' });
  assert.throws(() => new TmcSession({ appKey: 'k', appSecret: 's', pingIntervalMs: 0 }), { name: 'ValidationError', field: 'pingIntervalMs' });
  assert.throws(() => new TmcSession({ appKey: 'k' }), { name: 'ValidationError', field: 'appSecret' });
  const s = new TmcSession({ appKey: 'k', appSecret: 'hush-hush' });
  for (const shown of [inspect(s), JSON.stringify(s), String(s)]) assert.ok(!shown.includes('hush-hush'), shown);
});

test('encodeFrame names the bad field', () => {
  assert.throws(() => encodeFrame({ type: 'send', content: [['k', 'int16', 40000]] }), {
    name: 'ValidationError', field: 'content[0].value', message: 'content[0].value: expected an int16 (-32768 to 32767), got the number 40000',
  });
  assert.throws(() => encodeFrame({ type: 'send', content: [['id', 'int64', 2 ** 60]] }), { name: 'ValidationError' });
  assert.throws(() => decodeFrame('02'), TypeError);
});
