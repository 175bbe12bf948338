// make js-bench: topwire against what a Node user would otherwise run, in one
// process, as ratios. Never part of the tests. Run with --expose-gc.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import querystring from 'node:querystring';
import { TopClient, verifySpi } from '../dist/node/index.mjs';
import { decodeFrame, encodeFrame, TmcSession } from '../lib/tmc.mjs';

const require = createRequire(new URL('./package.json', import.meta.url));
const NttClient = require('node-taobao-topclient').default ?? require('node-taobao-topclient');
const wasm = require('../dist/node/topwire_wasm.js');
// ali-topsdk's TMC codec (what its TmcClient reads and writes frames with):
// a codec-only comparison, no WebSocket.
const { TmcCodec } = require('ali-topsdk/lib/tmc/tmcCodec.js');

const METHOD = 'taobao.travel.ticket.order.verify';
const PARAMS = {
  check_num: 1, order_id: 12345678, return_num: 0, total_num: 1, out_order_id: '12345', confirm_code: '2516352',
  voucher_infos: [{ confirm_code: '2516352', used_quantity: 1, used_date: '2020-01-11 14:00:00' }], write_off_type: 0,
};
const BODY = '{"travel_ticket_order_verify_response":{"is_success":true,"request_id":"0ff5f3a1a3b7"}}';
const KEY = '12345678';
const SECRET = '0123456789abcdef0123456789abcdef';
const TS = 1700000000000;

function time(fn, ms = 1500) {
  for (let i = 0; i < 20000; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < BigInt(ms) * 1000000n) {
    for (let i = 0; i < 2000; i++) fn();
    n += 2000;
    elapsed = process.hrtime.bigint() - start;
  }
  return Number(elapsed) / n;
}

const rows = [];
function compare(name, ours, theirs, target) {
  const a = time(ours);
  const b = time(theirs);
  rows.push({ name, ours: a, theirs: b, ratio: b / a, target });
}

// node-taobao-topclient signs the system + application parameters it would
// send (objects already JSON text), md5 only: its sign() alone, no HTTP.
const ntt = new NttClient({ appkey: KEY, appsecret: SECRET });
const nttArgs = { timestamp: '2023-11-15 06:13:20', format: 'json', app_key: KEY, v: '2.0', sign_method: 'md5', method: METHOD };
for (const [k, v] of Object.entries(PARAMS)) nttArgs[k] = typeof v === 'object' ? JSON.stringify(v) : v;

// The same work node-taobao-topclient's request() does before it hands the
// call to its HTTP library: its timestamp, the arguments (objects as JSON
// text), sign(), and the urlencoded body (querystring.stringify).
const nttUtil = require('node-taobao-topclient/lib/topUtil.js').default ?? require('node-taobao-topclient/lib/topUtil.js');
function nttPrepare(params) {
  const args = { timestamp: nttUtil.YYYYMMDDHHmmss(), format: 'json', app_key: KEY, v: '2.0', sign_method: 'md5', method: METHOD };
  for (const k in params) args[k] = typeof params[k] === 'object' ? JSON.stringify(params[k]) : params[k];
  args.sign = ntt.sign(args);
  return querystring.stringify(args);
}

for (const signMethod of ['md5', 'hmac-sha256']) {
  const client = new TopClient({ appKey: KEY, appSecret: SECRET, signMethod });
  const opts = { timestamp: TS };
  compare(`prepare (${signMethod}) vs node-taobao-topclient's same work (timestamp, args, sign, body) [md5]`, () => client.prepare(METHOD, PARAMS, opts), () => nttPrepare(PARAMS), '≥ 1.5x faster');
}
{
  const client = new TopClient({ appKey: KEY, appSecret: SECRET, signMethod: 'md5' });
  compare('prepare (md5) vs node-taobao-topclient sign() alone [md5]', () => client.prepare(METHOD, PARAMS, { timestamp: TS }), () => ntt.sign(nttArgs), 'never slower');
}
const client = new TopClient({ appKey: KEY, appSecret: SECRET, signMethod: 'md5' });
compare('parse vs JSON.parse + key lookup', () => client.parse(METHOD, BODY), () => JSON.parse(BODY).travel_ticket_order_verify_response, 'within 2x');

// TMC: one data frame in, its confirm out. topwire's session (decode, the
// message's fields, the token check, the confirm frame) and its bare codec,
// against ali-topsdk's TmcCodec doing what its TmcClient does for a message
// (readMessage, then writeMessage of the confirm). ali-topsdk hands the id
// over as a decimal string; topwire as a bigint.
{
  const TOKEN = '34ec7ffc-fb56-442a-bd39-e55b73005e6d';
  const T = 1700000000000;
  const content = JSON.stringify({ buyer_nick: '买家', payment: '99.00', status: 'WAIT_SELLER_SEND_GOODS', seller_nick: '卖家', type: 'guarantee_trade' })
    .replace('{', '{"tid":7104300007405429232,"oid":7104300007405429233,');
  const dataFrame = encodeFrame({
    type: 'send', token: TOKEN, content: [
      ['__kind', 'byte', 3], ['id', 'int64', 2131800080537681929n], ['topic', 'string', 'taobao_trade_TradeBuyerPay'],
      ['content', 'string', content], ['time', 'date', T], ['outtime', 'date', T + 86400000], ['publisher', 'string', '4272'],
      ['nick', 'string', '卖家'], ['userid', 'int64', 2206500000001n], ['dataid', 'int64', 7104300007405429232n],
    ],
  });
  const session = new TmcSession({ appKey: KEY, appSecret: SECRET });
  const { flag } = decodeFrame(session.connect(T));
  session.receive(encodeFrame({ type: 'connectack', flag, token: TOKEN }), T);
  const codec = new TmcCodec();
  const buf = Buffer.from(dataFrame);
  const theirs = () => {
    const m = codec.readMessage(buf);
    return codec.writeMessage({ protocolVersion: 2, messageType: 2, token: m.token, content: { __kind: 2, id: m.id } });
  };
  // Both write the same confirm (ali-topsdk's id string through its own decimal conversion).
  if (Buffer.compare(theirs(), Buffer.from(session.confirm(2131800080537681929n))) !== 0) throw new Error('the confirms differ');
  console.log(`TMC data frame: ${dataFrame.length} bytes`);
  compare('TMC: data frame -> message -> confirm frame (TmcSession.receive + confirm) vs ali-topsdk TmcCodec read + write', () => {
    const [e] = session.receive(dataFrame, T);
    return session.confirm(e.message.id);
  }, theirs, 'report');
  compare('TMC: decodeFrame + encodeFrame of the confirm (bare codec) vs ali-topsdk TmcCodec read + write', () => {
    const f = decodeFrame(dataFrame);
    return encodeFrame({ type: 'send', token: f.token, content: [['__kind', 'byte', 2], ['id', 'int64', f.content[1][2]]] });
  }, theirs, 'report');
}

// Where prepare's time goes: the facade's steps, timed one by one (each
// includes the ones before it), then the crossing and the core inside wasm.
const glue = new wasm.Client(new TextEncoder().encode(JSON.stringify({ appKey: KEY, appSecret: SECRET, signMethod: 'md5' })));
const callText = JSON.stringify([METHOD, PARAMS, { timestamp: TS }]);
const callBytes = new TextEncoder().encode(callText);
const steps = {
  'structuredClone(params) (a native deep copy, for scale)': () => structuredClone(PARAMS),
  'JSON.stringify of the call': () => JSON.stringify([METHOD, PARAMS, { timestamp: TS }]),
  'UTF-8 encodeInto': (() => { const buf = new Uint8Array(4096); return () => new TextEncoder().encodeInto(callText, buf); })(),
  'wasm: read JSON, prepare, the request laid out in wasm memory (md5)': () => glue.prepare(callBytes),
};
const stepTimes = Object.entries(steps).map(([name, fn]) => [name, time(fn, 500)]);
const stringify = time(() => JSON.stringify(PARAMS));
const canonical = SECRET + Object.keys(nttArgs).sort().map((k) => k + nttArgs[k]).join('') + SECRET;
const md5 = time(() => createHash('md5').update(canonical).digest('hex'));

console.log('\n| benchmark | topwire ns/op | other ns/op | speed ratio (other/topwire) | target |');
console.log('| --- | ---: | ---: | ---: | --- |');
for (const r of rows) console.log(`| ${r.name} | ${r.ours.toFixed(0)} | ${r.theirs.toFixed(0)} | ${r.ratio.toFixed(2)}x | ${r.target} |`);

// The figures `make bench` gathers into the issue's one table (scripts/bench_report.py).
{
  const dir = new URL('bench/', new URL(`${process.env.CARGO_TARGET_DIR ?? '../target'}/`, `file://${process.cwd()}/`));
  mkdirSync(dir, { recursive: true });
  const [md5Row, hmacRow, , parseRow] = rows;
  writeFileSync(new URL('node.json', dir), JSON.stringify({
    prepare_md5: { ours: md5Row.ours, theirs: md5Row.theirs },
    prepare_hmac: { ours: hmacRow.ours, theirs: hmacRow.theirs },
    parse: { ours: parseRow.ours, theirs: parseRow.theirs },
  }));
}

console.log(`\nprepare (md5) ${rows[0].ours.toFixed(0)} ns in all; its parts, each alone:`);
for (const [name, ns] of stepTimes) console.log(`  ${name}: ${ns.toFixed(0)} ns`);
console.log(`For scale: JSON.stringify(params) ${stringify.toFixed(0)} ns, node:crypto md5 of the ${canonical.length}-byte canonical string ${md5.toFixed(0)} ns.`);

// 1,000,000 prepare+parse cycles: heap and wasm memory must level off.
// Run before the SPI scaling below: wasm memory never shrinks, so its
// 100,000-field body would set the high-water mark this table reads.
const gc = globalThis.gc ?? (() => {});
const mem = () => {
  gc();
  return { heap: process.memoryUsage().heapUsed, wasm: wasm.memoryBytes() };
};
const CYCLES = Number(process.env.CYCLES ?? 1000000);
const marks = [];
const m0 = mem();
const t0 = process.hrtime.bigint();
for (let i = 1; i <= CYCLES; i++) {
  client.prepare(METHOD, PARAMS, { timestamp: TS + i });
  client.parse(METHOD, BODY);
  if (i % (CYCLES / 4) === 0) marks.push({ i, ...mem() });
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const mb = (b) => (b / 1048576).toFixed(2);
console.log(`\n${CYCLES} prepare+parse cycles in ${secs.toFixed(1)} s`);
console.log('| after cycles | JS heap used (MB) | wasm memory (MB) |');
console.log('| ---: | ---: | ---: |');
console.log(`| 0 | ${mb(m0.heap)} | ${mb(m0.wasm)} |`);
for (const m of marks) console.log(`| ${m.i} | ${mb(m.heap)} | ${mb(m.wasm)} |`);

// verifySpi per form field at 1,000, 10,000 and 100,000 fields: linear time
// means about the same cost per field at every size.
const spiCall = (n) => {
  const form = Array.from({ length: n }, (_, i) => [`f${String(i).padStart(6, '0')}`, `v${i}+%E4%B8%AD`]);
  const signed = form.map(([k, v]) => [k, v.replace('+', ' ').replace('%E4%B8%AD', '中')]);
  signed.push(['timestamp', '2024-01-01 12:00:00']);
  signed.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const text = SECRET + signed.map(([k, v]) => k + v).join('') + SECRET;
  const sign = createHash('md5').update(text).digest('hex').toUpperCase();
  return { query: `timestamp=2024-01-01+12%3A00%3A00&sign=${sign}`, headers: {}, secret: SECRET,
    body: Buffer.from(form.map(([k, v]) => `${k}=${v}`).join('&')),
    contentType: 'application/x-www-form-urlencoded', now: Date.UTC(2024, 0, 1, 4) };
};
console.log('\n| verifySpi, urlencoded form | ms | ns/field |\n| ---: | ---: | ---: |');
for (const n of [1000, 10000, 100000]) {
  const c = spiCall(n);
  verifySpi(c);
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    verifySpi(c);
    best = Math.min(best, Number(process.hrtime.bigint() - t));
  }
  console.log(`| ${n} fields | ${(best / 1e6).toFixed(2)} | ${(best / n).toFixed(0)} |`);
}

const sizes = JSON.parse(readFileSync(new URL('../dist/sizes.json', import.meta.url)));
// Browsers download the web/bundler build (opt-level z, no gateway); Node's
// build is compiled for speed and carries the local gateway.
console.log('\n| wasm build | raw (wasm-bindgen) | after wasm-opt | gzip -9 | budget (gzip) |\n| --- | ---: | ---: | ---: | ---: |');
for (const s of sizes) {
  const budget = s.target === 'nodejs' ? 'n/a (Node)' : '90000';
  console.log(`| ${s.target} | ${s.raw} | ${s.opt} | ${s.gz} | ${budget} |`);
}

// The scaling budget: JSON parse, XML parse and SPI verification of 1,000,
// 10,000 and 100,000 fields (the replies of benches/core.rs); the time per
// field must stay within 2x across the sizes.
const SIZES = [1000, 10000, 100000];
const UNTYPED = 'taobao.user.seller.get';
const fields = (n, f) => Array.from({ length: n }, (_, i) => f(i));
const jsonReply = (n) => `{"user_seller_get_response":{${fields(n, (i) => `"f${i}":"v${i}"`).join(',')}}}`;
const xmlReply = (n) => `<user_seller_get_response>${fields(n, (i) => `<f${i}>v${i}</f${i}>`).join('')}</user_seller_get_response>`;
// Fastest of runs (the least disturbed by other processes) until 3 runs and
// 0.3 s, or 2 s, have passed (a quadratic case at 100,000 fields takes
// seconds per run).
function timeOnce(fn) {
  const runs = [];
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start);
  while ((runs.length < 3 && elapsed() < 2e9) || (runs.length < 30 && elapsed() < 3e8)) {
    const t = process.hrtime.bigint();
    fn();
    runs.push(Number(process.hrtime.bigint() - t));
  }
  return Math.min(...runs);
}
const untyped = new TopClient({ appKey: KEY, appSecret: SECRET });
// An urlencoded SPI call of n form fields, signed by hand (md5 of the sorted
// pairs, as SpiUtils does), so verifySpi accepts it.
const signedSpiCall = (n) => {
  const form = fields(n, (i) => [`f${String(i).padStart(6, '0')}`, `v${i}+%E4%B8%AD`]);
  const signed = form.map(([k, v]) => [k, v.replace('+', ' ').replace('%E4%B8%AD', '中')]);
  signed.push(['timestamp', '2024-01-01 12:00:00']);
  signed.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const sign = createHash('md5').update(SECRET + signed.map(([k, v]) => k + v).join('') + SECRET).digest('hex').toUpperCase();
  return { query: `timestamp=2024-01-01+12%3A00%3A00&sign=${sign}`, headers: {}, secret: SECRET,
    body: Buffer.from(form.map(([k, v]) => `${k}=${v}`).join('&')),
    contentType: 'application/x-www-form-urlencoded', now: Date.UTC(2024, 0, 1, 4) };
};
console.log(`\n| Node, ns per field | ${SIZES.map((n) => n.toLocaleString('en')).join(' | ')} | spread | budget 2x |`);
console.log(`| --- | ${SIZES.map(() => '---:').join(' | ')} | ---: | --- |`);
for (const [what, make] of [
  ['JSON parse', (n) => { const b = jsonReply(n); return () => untyped.parse(UNTYPED, b); }],
  ['XML parse', (n) => { const b = xmlReply(n); return () => untyped.parse(UNTYPED, b); }],
  ['SPI verify', (n) => { const c = signedSpiCall(n); return () => verifySpi(c); }],
  // V8's own JSON.parse of the same objects, for reference: building an
  // object of 100,000 properties costs it more per property too.
  ['(JSON.parse alone)', (n) => { const b = jsonReply(n); return () => JSON.parse(b); }],
]) {
  const perField = SIZES.map((n) => timeOnce(make(n)) / n);
  const spread = Math.max(...perField) / Math.min(...perField);
  console.log(`| ${what} | ${perField.map((t) => t.toFixed(1)).join(' | ')} | ${spread.toFixed(2)}x | ${spread <= 2 ? 'ok' : 'OVER'} |`);
}
