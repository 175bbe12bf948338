// The three seed calls, and one deliberate error, over real HTTP with the
// global fetch (Node 18+). Exits 0 only if the three calls returned data and
// the deliberate call (the verify call signed with a wrong secret) failed with
// ApiError code 25, "Invalid signature".
//
//   npx --no-install topwire-gateway &              # the local gateway on 127.0.0.1:8080
//   node examples/node/seed_calls.mjs
//
// Where the calls go (environment variables):
//   TOP_GATEWAY      gateway URL; default http://127.0.0.1:8080/router/rest, the
//                    local gateway of `npx --no-install topwire-gateway` (or `python -m topwire.gateway`)
//   TOP_APP_KEY      app key; default 12345678, the local gateway's, when TOP_GATEWAY
//                    is unset or on 127.0.0.1/localhost; required otherwise
//   TOP_APP_SECRET   app secret; default topwire-local-secret, likewise
//   TOP_SESSION      the seller's session key (taobao.eticket.merchant.ma.resend needs
//                    one); default local-session for the local gateway, none otherwise
//   TOP_SIGN_METHOD  hmac-sha256 (default), hmac or md5
// Against the real gateway set all four:
//   TOP_GATEWAY=https://eco.taobao.com/router/rest TOP_APP_KEY=... TOP_APP_SECRET=... TOP_SESSION=... node seed_calls.mjs
import { ApiError, TopClient, TopError } from 'topwire';

// The local gateway's defaults (npx --no-install topwire-gateway, python -m topwire.gateway).
const LOCAL_GATEWAY = 'http://127.0.0.1:8080/router/rest';
const LOCAL_APP_KEY = '12345678';
const LOCAL_APP_SECRET = 'topwire-local-secret';
const LOCAL_SESSION = 'local-session';

const env = (name) => process.env[name] || undefined; // unset or empty: absent
const gateway = env('TOP_GATEWAY') ?? LOCAL_GATEWAY;
const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(gateway).hostname);
const appKey = env('TOP_APP_KEY') ?? (local ? LOCAL_APP_KEY : undefined);
const appSecret = env('TOP_APP_SECRET') ?? (local ? LOCAL_APP_SECRET : undefined);
if (appKey === undefined || appSecret === undefined) {
  console.error(`TOP_GATEWAY is ${gateway}: set TOP_APP_KEY and TOP_APP_SECRET too`);
  process.exit(1);
}
const session = env('TOP_SESSION') ?? (local ? LOCAL_SESSION : undefined);
const signMethod = env('TOP_SIGN_METHOD') ?? 'hmac-sha256';

const client = new TopClient({ appKey, appSecret, signMethod, gateway });

const calls = [
  ['taobao.eticket.merchant.ma.resend', {
    biz_type: 3001,
    isv_ma_list: [{ code: 'abc124', num: 1, qr_image: '111.png' }],
    outer_id: '1753340805138544',
    token: '31231231231',
  }, { session }],
  ['alibaba.alsc.daodian.ticket.reserve', {
    ticket_reverse_top_request: {
      ticket_use_trans_id: '2106027287988611313',
      biz_date: '2022-08-11 11:11:11',
      request_id: '20190729111040030200660600011777',
      ticket_id: '2208191159703216457',
    },
  }, {}],
  ['taobao.travel.ticket.order.verify', {
    check_num: 1,
    order_id: 12345678n, // TOP Numbers: a safe number, a bigint or decimal text
    return_num: 0,
    total_num: 1,
    out_order_id: '12345',
    confirm_code: '2516352',
    voucher_infos: [{ confirm_code: '2516352', used_quantity: 1, used_date: '2020-01-11 14:00:00' }],
    write_off_type: 0,
  }, {}],
];

const json = (data) => JSON.stringify(data, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

/** Prepare, send and parse one call; throws a TopError. */
async function send(topClient, method, params, options) {
  const req = topClient.prepare(method, params, options);
  console.log(`→ ${req.method} ${req.url}\n  ${req.body}`);
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(30_000) });
  return topClient.parse(method, await res.text());
}

function describe(e) {
  if (e instanceof ApiError) return `TOP error ${e.code} ${e.msg}${e.subCode ? ` ${e.subCode}` : ''}${e.subMsg ? ` (${e.subMsg})` : ''} (retryable: ${e.retryable})`;
  return `${e.name}: ${e.message}`;
}

let failures = 0;
for (const [method, params, options] of calls) {
  try {
    console.log(`← ${method}:`, json(await send(client, method, params, options)));
  } catch (e) {
    if (!(e instanceof TopError)) throw e;
    failures++;
    console.log(`← ${method}: ${describe(e)}`);
  }
}

// The deliberate error: the verify call signed with a wrong secret. The gateway
// (local or TOP's) answers error_response code 25, "Invalid signature".
console.log('deliberate error: the verify call signed with a wrong secret');
const DELIBERATE = 'taobao.travel.ticket.order.verify';
const wrong = new TopClient({ appKey, appSecret: `${appSecret}-wrong`, signMethod, gateway });
try {
  const data = await send(wrong, DELIBERATE, { order_id: 12345678n, check_num: 1 }, {});
  failures++;
  console.log(`← ${DELIBERATE}: ${json(data)} (NOT the expected ApiError code 25)`);
} catch (e) {
  if (!(e instanceof TopError)) throw e;
  const expected = e instanceof ApiError && e.code === 25;
  if (!expected) failures++;
  console.log(`← ${DELIBERATE}: ${describe(e)} (${expected ? 'as expected' : 'NOT the expected ApiError code 25'})`);
}
process.exitCode = failures === 0 ? 0 : 1;
