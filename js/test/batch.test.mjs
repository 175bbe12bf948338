// Batch calls through the npm package: the local gateway's answer to a batch
// of random typed calls, parsed, is what the calls give one by one; strict
// call and option keys; card secrets kept out of errors; the shapes of
// prepareBatch and parseBatch. Known answers and exact bodies are the shared
// vectors' (tests/vectors/batch.json, run by shared.test.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import util from 'node:util';
import { ApiError, Gateway, TopClient, TopError, ValidationError } from 'topwire';

const NOW = 1700000000000;
const GATEWAY = 'http://127.0.0.1:8080/router/rest';
const CONFIG = {
  sessions: ['session-1', 'session-2'],
  responses: { 'taobao.time.get': { time: '2023-11-15 06:13:20' } },
  errors: { 'taobao.trade.get': { code: 15, msg: 'Remote service error', sub_code: 'isp.remote-error' } },
};
const CALLS = [
  { method: 'taobao.eticket.merchant.ma.available', params: { code: 'abc124', consume_num: 1, outer_id: 'o1', token: 't1' } },
  { method: 'taobao.eticket.merchant.ma.available', params: { code: 'a\r\n-S-\r\nb #SEP#', consume_num: 2, outer_id: 'o1', token: 't1' } },
  { method: 'taobao.eticket.merchant.ma.resend', params: { isv_ma_list: [{ code: 'abc124', num: 1 }], outer_id: 'o1', token: 't1' }, session: 'session-2' },
  { method: 'taobao.eticket.merchant.ma.consume', params: { code: 'abc124', consume_num: 1, outer_id: 'o1', serial_num: 's1', token: 't1' }, session: 'not-a-session' },
  { method: 'taobao.eticket.merchant.tbma.get', params: { query_tb_ma_callback_req: { code: 'abc124' } } },
  { method: 'taobao.travel.ticket.order.verify', params: { order_id: 2106027287988611313n, check_num: 1 } },
  { method: 'taobao.time.get' },
  { method: 'taobao.trade.get', params: { tid: 1 } },
];

/** A small deterministic generator (no Math.random: the same cases every run). */
function* lcg(seed) {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2147483648;
    yield x;
  }
}

const withoutRequestId = (settled) => (settled.status === 'fulfilled'
  ? { status: 'fulfilled', value: Object.fromEntries(Object.entries(settled.value).filter(([k]) => k !== 'request_id')) }
  : { status: 'rejected', code: settled.reason.code, subCode: settled.reason.subCode, msg: settled.reason.msg });

test('a batch gives what its calls give alone (200 random batches, every format and separator)', () => {
  const gw = new Gateway(CONFIG);
  const clients = [
    new TopClient({ appKey: Gateway.DEFAULT_APP_KEY, appSecret: Gateway.DEFAULT_APP_SECRET, gateway: GATEWAY }),
    new TopClient({ appKey: Gateway.DEFAULT_APP_KEY, appSecret: Gateway.DEFAULT_APP_SECRET, gateway: GATEWAY, simplify: true }),
    new TopClient({ appKey: Gateway.DEFAULT_APP_KEY, appSecret: Gateway.DEFAULT_APP_SECRET, gateway: GATEWAY, format: 'xml' }),
  ];
  const separators = [undefined, '#SEP#', '|x|'];
  const rnd = lcg(7);
  const send = (req) => gw.handle({ method: req.method, url: req.url, headers: req.headers, body: req.body }, NOW).body;
  for (let round = 0; round < 200; round++) {
    const client = clients[rnd.next().value % 3];
    const calls = Array.from({ length: 1 + (rnd.next().value % 6) }, () => CALLS[rnd.next().value % CALLS.length]);
    const batch = client.prepareBatch(calls, { session: 'session-1', timestamp: NOW, separator: separators[rnd.next().value % 3] });
    assert.ok(batch.url.startsWith('http://127.0.0.1:8080/router/batch?'));
    const got = client.parseBatch(batch, send(batch)).map(withoutRequestId);
    const alone = calls.map((c) => {
      const req = client.prepare(c.method, c.params, { session: c.session ?? 'session-1', timestamp: NOW });
      try {
        return { status: 'fulfilled', value: client.parse(c.method, send(req)) };
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        return { status: 'rejected', reason: e };
      }
    }).map(withoutRequestId);
    assert.deepEqual(got, alone, `round ${round}`);
  }
});

test('prepareBatch returns the prepared request, its methods and the separator header', () => {
  const client = new TopClient({ appKey: '12345678', appSecret: 's' });
  const batch = client.prepareBatch([CALLS[0], CALLS[6]], { session: 's', timestamp: NOW, separator: '#SEP#' });
  assert.deepEqual(batch.methods, ['taobao.eticket.merchant.ma.available', 'taobao.time.get']);
  assert.deepEqual(batch.headers, { 'Content-Type': 'text/plain;charset=UTF-8', 'top-api-separator': '#SEP#' });
  assert.equal(typeof batch.body, 'string');
  assert.deepEqual(batch.params.map(([k]) => k), ['app_key', 'format', 'session', 'sign_method', 'timestamp', 'v', 'sign']);
  assert.deepEqual(Object.keys(batch.toJSON()), ['method', 'url', 'headers', 'body', 'params', 'methods']);
  // Without a timestamp, now (GMT+8) is used.
  const now = client.prepareBatch([CALLS[6]]);
  assert.match(new Map(now.params).get('timestamp'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
});

test('call and option keys are strict, with the likely spelling', () => {
  const client = new TopClient({ appKey: '12345678', appSecret: 's' });
  const refused = (fn, field, expected) => assert.throws(fn, (e) => e instanceof ValidationError && e.field === field && e.expected === expected);
  refused(() => client.prepareBatch([{ method: 'taobao.time.get', sesion: 's' }]), 'calls[0].sesion', 'a known option (did you mean session?)');
  refused(() => client.prepareBatch([CALLS[6]], { batch_url: 'http://x/router/batch' }), 'batch_url', 'a known option (did you mean batchUrl?)');
  refused(() => client.prepareBatch([CALLS[6], 'taobao.time.get']), 'calls[1]', '{ method, params, session? }');
  refused(() => client.prepareBatch([CALLS[6], { method: 'taobao.time.get', params: { n: 2 ** 60 } }]), 'calls[1].n',
    'a safe integer (at most 2^53 - 1 in size), a bigint or a decimal string');
  refused(() => client.prepareBatch([{ method: 'taobao.custom.upload', params: { img: new Uint8Array([1]) } }]), 'calls[0].img',
    'text (TOP batches any call but file uploads)');
  assert.throws(() => client.prepareBatch('taobao.time.get'), TypeError);
  assert.throws(() => client.parseBatch('taobao.time.get', '{}'), TypeError);
});

test('a card secret is never shown, in errors or util.inspect', () => {
  const client = new TopClient({ appKey: '12345678', appSecret: 's' });
  const send = { method: 'taobao.eticket.merchant.ma.send', params: { certificate_type: 1, outer_id: 'o', token: 't', isv_ka_list: [{ ka_no: 'K', ka_mi: 2 ** 60, num: 1 }] } };
  assert.throws(() => client.prepareBatch([send], { session: 's' }), (e) => e.field === 'calls[0].isv_ka_list[0].ka_mi' && !e.message.includes(String(2 ** 60)));
  send.params.isv_ka_list[0].ka_mi = 'KaMi-7731-secret';
  const batch = client.prepareBatch([send, send], { session: 's' });
  assert.ok(batch.body.includes('KaMi-7731-secret'));
  assert.ok(!util.inspect(batch).includes('KaMi-7731-secret'));
});

test('parseBatch: settled results, a whole-batch failure thrown', () => {
  const client = new TopClient({ appKey: '12345678', appSecret: 's' });
  const ok = '{"travel_ticket_order_verify_response":{"is_success":true,"id":2106027287988611313}}';
  const err = '{"error_response":{"code":7,"msg":"App Call Limited","sub_msg":"This ban will last for 23 more seconds"}}';
  const [a, b] = client.parseBatch(['taobao.travel.ticket.order.verify', 'taobao.travel.ticket.order.verify'], `${ok}\r\n-S-\r\n${err}`);
  assert.deepEqual(a, { status: 'fulfilled', value: { is_success: true, id: 2106027287988611313n } });
  assert.equal(b.status, 'rejected');
  assert.ok(b.reason instanceof ApiError && b.reason.retryable && b.reason.retryAfter === 23);
  // A non-ASCII body as text and as bytes.
  const text = '{"time_get_response":{"note":"中文"}}#S#{"time_get_response":{"note":"é"}}';
  for (const body of [text, new TextEncoder().encode(text)]) {
    assert.deepEqual(client.parseBatch(['taobao.time.get', 'taobao.time.get'], body, { separator: '#S#' }).map((r) => r.value.note), ['中文', 'é']);
  }
  assert.throws(() => client.parseBatch(['taobao.time.get', 'taobao.time.get'], '{"error_response":{"code":25,"msg":"Invalid signature"}}'),
    (e) => e instanceof ApiError && e.code === 25);
  assert.throws(() => client.parseBatch([], '{}'), (e) => e instanceof TopError && e.field === 'methods');
});
