// The three seed calls over real HTTP with the global fetch (Node 18+).
//   TOP_APP_KEY=... TOP_APP_SECRET=... TOP_SESSION=... node examples/node/seed_calls.mjs
// TOP_GATEWAY defaults to the real gateway; the test suite points it at a
// local gateway that checks every request independently of topwire.
import { ApiError, TopClient, TopError } from 'topwire';

const client = new TopClient({
  appKey: process.env.TOP_APP_KEY ?? '12345678',
  appSecret: process.env.TOP_APP_SECRET ?? 'your-app-secret',
  signMethod: process.env.TOP_SIGN_METHOD ?? 'hmac-sha256',
  gateway: process.env.TOP_GATEWAY ?? 'https://eco.taobao.com/router/rest',
});
const session = process.env.TOP_SESSION ?? 'your-session-key';

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

let failures = 0;
for (const [method, params, options] of calls) {
  const req = client.prepare(method, params, options);
  console.log(`→ ${req.method} ${req.url}\n  ${req.body}`);
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  try {
    const data = client.parse(method, await res.text());
    console.log(`← ${method}:`, JSON.stringify(data, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
  } catch (e) {
    failures++;
    if (e instanceof ApiError) {
      console.log(`← ${method}: TOP error ${e.code} ${e.subCode ?? ''} ${e.subMsg ?? e.msg} (retryable: ${e.retryable})`);
    } else if (e instanceof TopError) {
      console.log(`← ${method}: ${e.name}: ${e.message}`);
    } else {
      throw e;
    }
  }
}
process.exitCode = failures === 0 ? 0 : 1;
