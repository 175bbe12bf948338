// The Node runner of tests/vectors/tmc.json (format: tests/README.md), used
// by shared.test.mjs. Vector frames are snake_case with byte lists; the JS
// API's are camelCase, `int64` values bigints always and bytes Uint8Arrays.
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, TmcSession } from 'topwire/tmc';

const CONNECT_AT = 1394864359897;

const hex = (text) => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes) => Buffer.from(bytes).toString('hex');

function jsValue(format, v) {
  if (format === 'int64') return BigInt(v);
  if (format === 'bytes') return new Uint8Array(v);
  return v;
}

/** A vector frame as decodeFrame gives it. */
function jsFrame(f) {
  const out = { type: f.type };
  if (f.flag !== undefined) out.flag = f.flag;
  if (f.token !== undefined) out.token = f.token;
  if (f.status_code !== undefined) out.statusCode = f.status_code;
  if (f.status_phrase !== undefined) out.statusPhrase = f.status_phrase;
  out.content = f.content.map(([k, format, v]) => [k, format, jsValue(format, v)]);
  return out;
}

/** A vector message (absent fields null) as a TmcMessage's own fields. */
function jsMessage(m) {
  const big = (v) => (v === null ? undefined : BigInt(v));
  const opt = (v) => (v === null ? undefined : v);
  const out = {
    id: BigInt(m.id), topic: m.topic, content: m.content, compressed: m.compressed,
    published: opt(m.published), outTime: opt(m.out_time), publisher: opt(m.publisher), nick: opt(m.nick),
    userId: big(m.user_id), dataId: big(m.data_id),
    extra: m.extra.map(([k, format, v]) => [k, format, jsValue(format, v)]),
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

function jsEvent(e) {
  if (e.type === 'message') return { type: 'message', message: jsMessage(e.message) };
  if (e.type === 'refused') {
    const out = { type: 'refused' };
    if (e.status_code !== null) out.statusCode = e.status_code;
    if (e.status_phrase !== null) out.statusPhrase = e.status_phrase;
    return out;
  }
  return e;
}

function session(c) {
  const s = c.session;
  return new TmcSession({
    appKey: s.app_key, appSecret: s.app_secret, groupName: s.group_name, sdk: s.sdk, intranetIp: s.intranet_ip,
  });
}

function onlineSession(c) {
  const s = session(c);
  const flag = decodeFrame(s.connect(CONNECT_AT)).flag;
  if (c.online !== false) {
    const events = s.receive(encodeFrame({ type: 'connectack', flag, token: c.token }), CONNECT_AT);
    assert.deepEqual(events, [{ type: 'connected', token: c.token }]);
  }
  return s;
}

/** Runs one case; `checkError(fn, expected)` is the shared runner's. */
export function runTmc(c, checkError) {
  const bytes = hex(c.bytes);
  switch (c.op) {
    case 'codec': {
      const frame = decodeFrame(bytes);
      assert.deepEqual(frame, jsFrame(c.frame));
      assert.equal(toHex(encodeFrame(frame)), c.encodes_to ?? c.bytes);
      return;
    }
    case 'decode_error':
      return checkError(() => decodeFrame(bytes), c.error);
    case 'connect': {
      const sent = session(c).connect(c.now);
      assert.equal(toHex(sent), c.bytes);
      assert.deepEqual(decodeFrame(sent), jsFrame(c.frame));
      return;
    }
    case 'receive': {
      const s = onlineSession(c);
      if (c.error) return checkError(() => s.receive(bytes, CONNECT_AT + 1), c.error);
      const events = s.receive(bytes, CONNECT_AT + 1);
      assert.deepEqual(events.map((e) => (e.type === 'message' ? { type: 'message', message: { ...e.message } } : e)), c.events.map(jsEvent));
      if (c.data !== undefined) assert.deepEqual(events[0].message.data(), c.data);
      return;
    }
    case 'confirm':
      return assert.equal(toHex(onlineSession(c).confirm(c.id)), c.bytes);
    case 'fail':
      return assert.equal(toHex(onlineSession(c).fail(c.id, c.reason)), c.bytes);
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}
