// client.call: prepare, fetch, parse and retry, over real HTTP against the
// local gateway (its `errors` config makes a typed method fail with isp.*
// and ban errors). Waits go through an injected `sleep`, so nothing sleeps.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiError, TopClient, ValidationError } from 'topwire';
import { DEFAULT_APP_KEY, DEFAULT_APP_SECRET, serveGateway } from 'topwire/gateway';

const VERIFY = 'taobao.travel.ticket.order.verify';
const REFUND = 'taobao.travel.ticket.order.refund';
const CONSULT = 'alibaba.alsc.daodian.ticket.consult';
const RESEND = 'taobao.eticket.merchant.ma.resend';
const SEND = 'taobao.eticket.merchant.ma.send';
const ISP = { code: 15, msg: 'Remote service error', sub_code: 'isp.remote-service-timeout', sub_msg: 'try again' };
const banOf = (s) => ({ code: 7, msg: 'App Call Limited', sub_code: 'accesscontrol.limited-by-app-access-count', sub_msg: `This ban will last for ${s} more seconds` });

let gw;
before(async () => {
  gw = await serveGateway({
    log: null,
    // The errors config applies to typed methods too. JSON text: the canned
    // reply's 19-digit id must not pass through a JS number.
    config: JSON.stringify({
      sessions: ['good-session'],
      errors: { [VERIFY]: ISP, [REFUND]: banOf(2), [CONSULT]: banOf(120) },
    }).replace(/}$/, ', "responses": {"taobao.user.seller.get": {"user": {"user_id": 2106027287988611313}}}}'),
  });
});
after(() => gw.close());

const client = (secret = DEFAULT_APP_SECRET) => new TopClient({ appKey: DEFAULT_APP_KEY, appSecret: secret, gateway: gw.url });

/** The global fetch, counting its calls. */
function countingFetch() {
  const f = (url, init) => {
    f.calls.push(init);
    return fetch(url, init);
  };
  f.calls = [];
  return f;
}

/** A sleep that records what it was asked to wait and returns at once. */
function recordingSleep() {
  const s = async (ms) => void s.waits.push(ms);
  s.waits = [];
  return s;
}

test('a call returns the parsed reply, with a timeout signal on the request', async () => {
  const f = countingFetch();
  const data = await client().call(RESEND, { token: 't', outer_id: '1753340805138544', isv_ma_list: [{ code: 'abc124', num: 1 }] },
    { session: 'good-session', fetch: f });
  assert.equal(data.ret_code, 'isv.success-all');
  assert.equal(f.calls.length, 1);
  assert.ok(f.calls[0].signal instanceof AbortSignal);
  assert.equal(f.calls[0].method, 'POST');
});

test('isp.* errors are sent again with a doubling backoff, then raised with the request', async () => {
  const f = countingFetch();
  const sleep = recordingSleep();
  const e = await client().call(VERIFY, { order_id: 1 }, { fetch: f, sleep, retries: 3 }).then(() => assert.fail('no error'), (e) => e);
  assert.ok(e instanceof ApiError);
  assert.deepEqual([e.code, e.subCode, e.retryable], [15, 'isp.remote-service-timeout', true]);
  assert.equal(f.calls.length, 4);
  assert.deepEqual(sleep.waits, [500, 1000, 2000]);
  assert.ok(e.request.url.startsWith(`${gw.url}?`) && e.request.url.includes('method=taobao.travel.ticket.order.verify'));
  assert.equal(e.request.body, 'order_id=1');
});

test('a retry that succeeds returns its data', async () => {
  const sleep = recordingSleep();
  let n = 0;
  const failOnce = (url, init) => (n++ === 0
    ? Promise.resolve(new Response(JSON.stringify({ error_response: { code: 10, msg: 'Service currently unavailable' } })))
    : fetch(url, init));
  const data = await client().call(RESEND, { token: 't', outer_id: '1', isv_ma_list: [{ code: 'a', num: 1 }] },
    { session: 'good-session', fetch: failOnce, sleep });
  assert.equal(data.ret_code, 'isv.success-all');
  assert.deepEqual([n, sleep.waits], [2, [500]]);
});

test('a named ban is waited out; a long one is raised at once', async () => {
  const sleep = recordingSleep();
  const f = countingFetch();
  await assert.rejects(client().call(REFUND, { order_id: 1, refund_status: 1 }, { fetch: f, sleep }), (e) => e.retryAfter === 2);
  assert.deepEqual(sleep.waits, [2000, 2000]);
  assert.equal(f.calls.length, 3);
  const g = countingFetch();
  const waits = recordingSleep();
  await assert.rejects(client().call(CONSULT, { consult_request: { request_id: 'r', shop_id: 's', ticket_code: 't' } }, { fetch: g, sleep: waits }),
    (e) => e.retryAfter === 120);
  assert.deepEqual([g.calls.length, waits.waits], [1, []]);
});

test('retries: 0 sends once', async () => {
  const f = countingFetch();
  await assert.rejects(client().call(VERIFY, { order_id: 1 }, { fetch: f, retries: 0, sleep: recordingSleep() }), ApiError);
  assert.equal(f.calls.length, 1);
});

test('the caller\'s faults are not retried: error 25 keeps the request, card secrets redacted', async () => {
  const f = countingFetch();
  const params = { token: 't', outer_id: '1', certificate_type: 1, isv_ka_list: [{ ka_no: 'card-1', ka_mi: 'card-secret-42', num: 1 }] };
  const e = await client('wrong-secret').call(SEND, params, { session: 'good-session', fetch: f }).then(() => assert.fail('no error'), (e) => e);
  assert.deepEqual([e.code, e.retryable, e.isSessionError, f.calls.length], [25, false, false, 1]);
  assert.ok(e.request.body.includes('ka_no'), e.request.body);
  assert.ok(!JSON.stringify(e.request).includes('card-secret-42'), JSON.stringify(e.request));
  assert.ok(!JSON.stringify(e).includes('card-secret-42'));
});

test('an invalid session is a session error, not retried', async () => {
  const f = countingFetch();
  const e = await client().call(RESEND, { token: 't', outer_id: '1', isv_ma_list: [{ code: 'a', num: 1 }] },
    { session: 'expired-session', fetch: f }).then(() => assert.fail('no error'), (e) => e);
  assert.deepEqual([e.code, e.isSessionError, e.retryable, f.calls.length], [27, true, false, 1]);
});

test('the timeout aborts the exchange, which is not retried', async () => {
  let calls = 0;
  const hang = (url, init) => {
    calls++;
    return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
  };
  await assert.rejects(client().call(VERIFY, { order_id: 1 }, { fetch: hang, timeout: 1 }), (e) => e.name === 'TimeoutError');
  assert.equal(calls, 1);
});

test('call options are strict, with the likely spelling', async () => {
  await assert.rejects(client().call(VERIFY, { order_id: 1 }, { timout: 5 }), (e) => e instanceof ValidationError
    && e.message === 'timout: expected a known option (did you mean timeout?), got an unknown option');
  await assert.rejects(client().call(VERIFY, { order_id: 1 }, { retries: 11 }), (e) => e instanceof ValidationError
    && e.message === 'retries: expected a whole number from 0 to 10, got the number 11');
  await assert.rejects(client().call(VERIFY, { order_id: 1 }, { timeout: -1 }), (e) => e instanceof ValidationError && e.field === 'timeout');
  await assert.rejects(client().call(VERIFY, { order_id: 1 }, { fetch: 'no' }), TypeError);
  // A prepare error is thrown before anything is sent.
  const f = countingFetch();
  await assert.rejects(client().call(RESEND, {}, { fetch: f }), (e) => e instanceof ValidationError && e.request === undefined);
  assert.equal(f.calls.length, 0);
});

test('the README\'s axios recipe: responseType text, because axios\' own JSON parse rounds 64-bit ids', async () => {
  const { default: axios } = await import('axios');
  const c = client();
  const req = c.prepare('taobao.user.seller.get', { fields: 'user_id' });
  const res = await axios.post(req.url, req.body, { headers: req.headers, timeout: 10_000, responseType: 'text' });
  assert.equal(c.parse('taobao.user.seller.get', res.data).user.user_id, 2106027287988611313n);
  // The natural call: axios parses the JSON itself, the id is already rounded, and parse refuses an object.
  const natural = await axios.post(req.url, req.body, { headers: req.headers, timeout: 10_000 });
  assert.notEqual(String(natural.data.user_seller_get_response.user.user_id), '2106027287988611313');
  assert.throws(() => c.parse('taobao.user.seller.get', natural.data), TypeError);
});
