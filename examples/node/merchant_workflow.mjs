// A merchant's whole workflow over real HTTP with the global fetch, the calls
// of an electronic-voucher merchant, a ticketing merchant and a local-services
// merchant in the order they make them:
//   1. upload the QR image of a code (a multipart file upload), then send the
//      code with the returned file_name as its qr_image;
//   2. at the gate: check the code (ma.available), redeem it (ma.consume),
//      undo the redemption (ma.reverse); resend it (ma.resend); report a
//      failed send for another order (ma.failsend); look the code up
//      (tbma.get); extend it (ma.delay);
//   3. ticketing: verify and refund a ticket order;
//   4. local services: consult a voucher, then reverse its redemption;
//   5. a batch: check several codes (ma.available) and look one up
//      (tbma.get) in one /router/batch request.
// Exits 0 only if every call behaved as expected. The token, order and code
// come from the platform's send-code notification (here: fixed values).
//
//   npx --no-install topwire-gateway &              # the local gateway on 127.0.0.1:8080
//   node examples/node/merchant_workflow.mjs
//   TOP_GATEWAY=... TOP_APP_KEY=... TOP_APP_SECRET=... TOP_SESSION=... node merchant_workflow.mjs
import { readFileSync } from 'node:fs';
import { TopClient, TopError } from 'topwire';

const LOCAL_GATEWAY = 'http://127.0.0.1:8080/router/rest';
const env = (name) => process.env[name] || undefined; // unset or empty: absent
const gateway = env('TOP_GATEWAY') ?? LOCAL_GATEWAY;
const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(gateway).hostname);
const appKey = env('TOP_APP_KEY') ?? (local ? '12345678' : undefined);
const appSecret = env('TOP_APP_SECRET') ?? (local ? 'topwire-local-secret' : undefined);
if (appKey === undefined || appSecret === undefined) {
  console.error(`TOP_GATEWAY is ${gateway}: set TOP_APP_KEY and TOP_APP_SECRET too`);
  process.exit(1);
}
const session = env('TOP_SESSION') ?? (local ? 'local-session' : undefined);
const client = new TopClient({ appKey, appSecret, gateway });

// From the send-code notification the platform sent the merchant.
const TOKEN = '31231231231';
const ORDER = '1753340805138544';
const OTHER_ORDER = '1753340805138545';
const CODE = 'abc124';
const TICKET_ORDER = 12345678901234567n; // beyond 2^53: a bigint, sent exactly

const json = (data) => JSON.stringify(data, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

/** Prepare, send and parse one call; throws a TopError. */
async function send(method, params, options) {
  const req = client.prepare(method, params, options);
  const multipart = req.body instanceof Uint8Array;
  console.log(`→ ${method}: ${multipart ? `multipart, ${req.body.length} bytes` : req.body}`);
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(30_000) });
  return client.parse(method, await res.text());
}

let failures = 0;
async function step(method, params, ok, options = {}) {
  let data;
  try {
    data = await send(method, params, options);
  } catch (e) {
    if (!(e instanceof TopError)) throw e;
    failures++;
    console.log(`← ${method}: ${e.name}: ${e.message}`);
    return {};
  }
  let good = false;
  try {
    good = ok(data) === true;
  } catch {
    good = false; // not the documented shape
  }
  if (!good) failures++;
  console.log(`← ${method}: ${json(data)}${good ? '' : '  (NOT as expected)'}`);
  return data;
}

const success = (d) => d.ret_code === 'isv.success-all';
const withSession = { session };

const eticket = 'taobao.eticket.merchant.';
const image = { data: readFileSync(new URL('../assets/qr.png', import.meta.url)), filename: 'qr.png', contentType: 'image/png' };
const uploaded = await step(`${eticket}img.upload`, { img_bytes: image },
  (d) => success(d) && d.resp_body.file_name.length > 0, withSession);
const code = { code: CODE, num: 1, qr_image: uploaded.resp_body?.file_name ?? '' };
const visit = { token: TOKEN, outer_id: ORDER, code: CODE };
await step(`${eticket}ma.send`, { token: TOKEN, outer_id: ORDER, isv_ma_list: [code] }, success, withSession);
await step(`${eticket}ma.available`, { ...visit, consume_num: 1 }, success, withSession);
await step(`${eticket}ma.consume`, { ...visit, consume_num: 1, serial_num: 'gate-0001' }, success, withSession);
await step(`${eticket}ma.reverse`, { ...visit, reverse_num: 1, serial_num: 'gate-0001' }, success, withSession);
await step(`${eticket}ma.resend`, { token: TOKEN, outer_id: ORDER, isv_ma_list: [code] }, success, withSession);
await step(`${eticket}ma.failsend`, {
  token: TOKEN, outer_id: OTHER_ORDER, sub_err_code: 'isv.fail-send-no-stock', sub_err_msg: 'no codes left',
}, success, withSession);
await step(`${eticket}tbma.get`, { query_tb_ma_callback_req: { code: CODE } },
  (d) => success(d) && d.resp_body.certificate !== undefined, withSession);
await step(`${eticket}ma.delay`, { biz_type: 3001, outer_id: ORDER, code: CODE, end_date: '2025-12-31 23:59:59' },
  (d) => d.is_success, withSession);

const travel = 'taobao.travel.ticket.order.';
await step(`${travel}verify`, {
  order_id: TICKET_ORDER, check_num: 1, write_off_type: 0,
  voucher_infos: [{ confirm_code: '2516352', used_quantity: 1, used_date: '2025-06-01 10:00:00' }],
}, (d) => d.is_success);
await step(`${travel}refund`, { order_id: TICKET_ORDER, refund_status: 1, refund_num: 1 }, (d) => d.is_success);

const daodian = 'alibaba.alsc.daodian.ticket.';
await step(`${daodian}consult`, { consult_request: { request_id: 'req-0001', shop_id: 'shop-1', ticket_code: '839201746512' } },
  (d) => d.result.success);
await step(`${daodian}reserve`, { ticket_reverse_top_request: { request_id: 'req-0002', ticket_id: '2208191159703216457' } },
  (d) => d.result.success);

// Many calls in one round trip: each call checked as alone, each answer its own.
const batch = client.prepareBatch([
  ...['abc124', 'abc125', 'abc126'].map((c) => ({ method: `${eticket}ma.available`, params: { ...visit, code: c, consume_num: 1 } })),
  { method: `${eticket}tbma.get`, params: { query_tb_ma_callback_req: { code: CODE } } },
], { session });
console.log(`→ batch of ${batch.methods.length}: ${batch.url.split('?')[0]}`);
const batchRes = await fetch(batch.url, { method: batch.method, headers: batch.headers, body: batch.body });
let settled;
try {
  settled = client.parseBatch(batch, await batchRes.text());
} catch (e) {
  if (!(e instanceof TopError)) throw e;
  // The batch failed as a whole (a bad signature, an unknown app key): every call failed.
  settled = batch.methods.map(() => ({ status: 'rejected', reason: e }));
}
settled.forEach((r, i) => {
  const good = r.status === 'fulfilled' && success(r.value);
  if (!good) failures++;
  const shown = r.status === 'fulfilled' ? json(r.value) : `${r.reason.name}: ${r.reason.message}`;
  console.log(`← ${batch.methods[i]}: ${shown}${good ? '' : '  (NOT as expected)'}`);
});

console.log(`merchant workflow: ${failures === 0 ? 'every call as expected' : `${failures} FAILED`}`);
process.exitCode = failures === 0 ? 0 : 1;
