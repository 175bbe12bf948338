// Every case of tests/vectors/*.json and tests/fixtures/*.json, through the
// public API of the npm package (the same cases the Rust and Python suites run).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import * as topwire from '../dist/node/index.mjs';
import { runTmc } from './tmc_vectors.mjs';

const require = createRequire(import.meta.url);
const { loadCaseFiles, camel } = require('./vectors.js');
const { TopClient, Gateway, sign, stringToSign, verifySpi, TopError } = topwire;

/** Checks a thrown error against a case's `error` object. */
function checkError(fn, expected) {
  let thrown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown !== undefined, `expected ${expected.type}, nothing was thrown`);
  assert.ok(thrown instanceof Error, 'errors are Error objects');
  assert.ok(thrown instanceof TopError, `expected a TopError, got ${thrown}`);
  assert.ok(thrown instanceof topwire[expected.type], `expected ${expected.type}, got ${thrown.name}: ${thrown.message}`);
  assert.equal(thrown.name, expected.type);
  for (const [key, want] of Object.entries(expected)) {
    if (key === 'type') continue;
    const got = thrown[camel(key)];
    assert.deepEqual(got ?? null, want, `error attribute ${camel(key)}`);
  }
}

function clientOf(c) {
  return new TopClient({
    appKey: c.app_key, appSecret: c.app_secret, signMethod: c.sign_method ?? undefined,
    format: c.format ?? undefined, simplify: c.simplify ?? undefined, gateway: c.gateway ?? undefined,
    partnerId: c.partner_id ?? undefined, targetAppKey: c.target_app_key ?? undefined,
  });
}

// Objects with `file_base64` are files (tests/README.md); each spelling a
// caller may use is exercised: a Buffer, an ArrayBuffer, { data, filename, contentType }.
function withFiles(v) {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(withFiles);
  if (typeof v.file_base64 === 'string') {
    const data = Buffer.from(v.file_base64, 'base64');
    if (v.filename === undefined && v.content_type === undefined) {
      return data.buffer.slice(data.byteOffset, data.byteOffset + data.length);
    }
    if (v.content_type === undefined) return { data, filename: v.filename };
    return { data: new Uint8Array(data), filename: v.filename, contentType: v.content_type };
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withFiles(x)]));
}

const CLIENT_KEYS = new Set(['app_key', 'app_secret', 'sign_method', 'format', 'simplify', 'gateway', 'partner_id', 'target_app_key']);

/** An error naming a client option names it as a JS caller writes it (`sign_method` -> `signMethod`). */
function optionKeysAsWritten(error) {
  if (!CLIENT_KEYS.has(error.field)) return error;
  const key = camel(error.field);
  const message = error.message?.replace(`${error.field}: `, `${key}: `);
  return { ...error, field: key, ...(message === undefined ? {} : { message }) };
}

const bodyOf = (c) => (c.body_base64 !== undefined ? new Uint8Array(Buffer.from(c.body_base64, 'base64')) : c.body);

const RUNNERS = {
  'vectors/sign.json': (c) => {
    assert.equal(stringToSign(c.params), c.string_to_sign);
    const run = () => sign(c.params, c.secret, c.sign_method);
    if (c.error) return checkError(run, c.error);
    assert.equal(run(), c.sign);
  },
  'vectors/prepare.json': (c) => {
    const run = () => clientOf(c.client).prepare(c.method, withFiles(c.params), {
      session: c.session ?? undefined, timestamp: c.timestamp_ms, allowUnknown: c.allow_unknown ?? undefined,
    });
    if (c.error) return checkError(run, optionKeysAsWritten(c.error));
    const req = run();
    assert.equal(req.method, c.expect.method);
    assert.equal(req.url, c.expect.url);
    if (c.expect.body_base64 !== undefined) {
      assert.ok(req.body instanceof Uint8Array);
      assert.deepEqual(Buffer.from(req.body), Buffer.from(c.expect.body_base64, 'base64'));
    } else {
      assert.equal(req.body, c.expect.body);
    }
    assert.deepEqual(req.headers, c.expect.headers);
    assert.deepEqual(req.params, c.expect.params);
  },
  'vectors/timestamp.json': (c) => {
    // Through prepare, as the binding's users reach it; the suite runs with TZ
    // set away from China (js.mk), so a local-time formatter would fail here.
    const client = new TopClient({ appKey: 'k', appSecret: 's' });
    const run = () => client.prepare('taobao.time.get', {}, { timestamp: c.timestamp_ms });
    if (c.error) return checkError(run, c.error);
    const fromDate = client.prepare('taobao.time.get', {}, { timestamp: new Date(c.timestamp_ms) });
    const text = new Map(run().params).get('timestamp');
    assert.equal(text, c.text);
    assert.equal(new Map(fromDate.params).get('timestamp'), c.text);
  },
  'vectors/spi.json': (c) => {
    const run = () => verifySpi({
      query: c.query, headers: c.headers, body: bodyOf(c), contentType: c.content_type ?? undefined,
      secret: c.secret, now: c.now_ms, maxSkewMs: c.max_skew_ms ?? undefined,
    });
    if (c.error) return checkError(run, c.error);
    assert.equal(c.expect, 'ok');
    assert.equal(run(), undefined);
  },
  'vectors/batch.json': (c) => BATCH[c.kind](c),
  'vectors/tmc.json': (c) => runTmc(c, checkError),
};

/** tests/vectors/batch.json, by each case's `kind`. */
const BATCH = {
  prepare(c) {
    const calls = c.calls.map((x) => ({ method: x.method, params: withFiles(x.params), ...(x.session ? { session: x.session } : {}) }));
    const o = c.options;
    const run = () => clientOf(c.client).prepareBatch(calls, {
      session: o.session, timestamp: o.timestamp_ms, separator: o.separator, batchUrl: o.batch_url,
    });
    if (c.error) return checkError(run, c.error);
    const req = run();
    assert.equal(req.method, c.expect.method);
    assert.equal(req.url, c.expect.url);
    assert.equal(req.body, c.expect.body);
    assert.deepEqual(req.headers, c.expect.headers);
    assert.deepEqual(req.params, c.expect.params);
    assert.deepEqual(req.methods, c.calls.map((x) => x.method));
  },
  parse(c) {
    const client = new TopClient({ appKey: 'k', appSecret: 's' });
    const options = c.separator === undefined ? undefined : { separator: c.separator };
    for (const body of [c.body, new TextEncoder().encode(c.body)]) {
      const run = () => client.parseBatch(c.methods, body, options);
      if (c.error) {
        checkError(run, c.error);
        continue;
      }
      const items = run();
      assert.equal(items.length, c.expect.length);
      c.expect.forEach((want, i) => {
        if (want.data !== undefined) return assert.deepEqual(items[i], { status: 'fulfilled', value: want.data });
        assert.equal(items[i].status, 'rejected');
        checkError(() => { throw items[i].reason; }, want.error);
      });
    }
  },
  gateway(c) {
    const gw = new Gateway(c.config);
    const r = c.request;
    const reply = gw.handle({ method: r.method, url: r.target, headers: r.headers, body: r.body }, c.now_ms);
    assert.equal(reply.status, c.reply.status);
    assert.equal(reply.body, c.reply.body);
  },
};

function parseCase(c) {
  const client = new TopClient({ appKey: 'k', appSecret: 's', simplify: c.simplify === true });
  const run = () => client.parse(c.method, bodyOf(c));
  if (c.error) return checkError(run, c.error);
  assert.deepEqual(run(), c.expect);
  // Bytes give the same data as text.
  if (c.body !== undefined) assert.deepEqual(client.parse(c.method, new TextEncoder().encode(c.body)), c.expect);
}

for (const dir of ['vectors', 'fixtures']) {
  const files = loadCaseFiles(dir);
  test(`tests/${dir} has case files`, () => assert.ok(files.length > 0));
  for (const f of files) {
    const runner = dir === 'fixtures' ? parseCase : RUNNERS[f.file];
    describe(f.file, () => {
      test('has cases and a runner', () => {
        assert.ok(Array.isArray(f.cases) && f.cases.length > 0, `${f.file} has no cases`);
        assert.ok(runner, `no Node runner for ${f.file}: add one to js/test/shared.test.mjs`);
        assert.equal(new Set(f.cases.map((c) => c.name)).size, f.cases.length, 'case names are unique');
      });
      for (const c of f.cases ?? []) test(c.name, () => runner(c));
    });
  }
}
