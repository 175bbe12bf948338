// Type-checked by `tsc --noEmit --strict` (make js-types): the declarations
// accept what the API accepts and reject wrong field types.
import { ApiError, Gateway, TmcChannel, TopClient, TopError, ValidationError, sign, verifySpi } from 'topwire';
import type { GatewayResponse } from 'topwire';
import { DEFAULT_APP_KEY, DEFAULT_APP_SECRET, serveGateway } from 'topwire/gateway';
import type { BodyBytes, CallOptions, KnownMethod, PreparedRequest, RedactedRequest, UploadFile } from 'topwire';
import { decodeFrame as decodeTmcFrame, encodeFrame as encodeTmcFrame, TmcSession as Tmc } from 'topwire/tmc';
import type { TmcEvent, Frame as TmcFrame } from 'topwire/tmc';

const client = new TopClient({ appKey: '12345678', appSecret: 'secret', signMethod: 'hmac-sha256' });

// Known method: fields are typed; Numbers take number, bigint or decimal text.
const req: PreparedRequest = client.prepare('taobao.travel.ticket.order.verify', {
  order_id: 2106027287988611313n,
  check_num: 1,
  total_num: '1',
  voucher_infos: [{ confirm_code: '2516352', used_quantity: 1, used_date: '2020-01-11 14:00:00' }],
}, { timestamp: new Date() });
const url: string = req.url;
const pairs: [string, string][] = req.params;

const verified = client.parse('taobao.travel.ticket.order.verify', '{}');
const ok: boolean | undefined = verified.is_success;

const resend = client.parse('taobao.eticket.merchant.ma.resend', new Uint8Array());
const retCode: string | undefined = resend.ret_code;

client.prepare('taobao.eticket.merchant.ma.resend', {
  isv_ma_list: [{ code: 'abc124', num: 1 }], outer_id: '1753340805138544', token: '31231231231',
}, { session: 'session-key', timestamp: 1700000000000 });

// Uploads: a file is bytes, or bytes with a name and type; the body is then bytes.
const image: UploadFile = { data: new Uint8Array([0x89, 0x50]), filename: 'qr.png', contentType: 'image/png' };
const upload = client.prepare('taobao.custom.upload', { img: image, raw: new ArrayBuffer(2) });
client.prepare('taobao.eticket.merchant.img.upload', { img_bytes: image }, { session: 's' });
// @ts-expect-error a typed byte[] field takes bytes, not text
client.prepare('taobao.eticket.merchant.img.upload', { img_bytes: 'qr.png' }, { session: 's' });
const uploadBody: string | BodyBytes = upload.body;
// Under TypeScript 5.7+ the bytes are ArrayBuffer-backed (as fetch's BodyInit wants); 5.0-5.6 have no generic.
const bytesOfUpload: Uint8Array = upload.body as BodyBytes;
void fetch(upload.url, { method: upload.method, headers: upload.headers, body: upload.body });

// Unknown methods are free-form both ways.
const anyData: Record<string, unknown> = client.parse('taobao.user.seller.get', '{}');
client.prepare('taobao.user.seller.get', { fields: 'nick', anything: { nested: [1, 2n] } });

const m: KnownMethod = 'alibaba.alsc.daodian.ticket.reserve';
client.prepare(m, { ticket_reverse_top_request: { request_id: 'r', ticket_id: 't' } });

// @ts-expect-error order_id is a Number: a boolean is rejected
client.prepare('taobao.travel.ticket.order.verify', { order_id: true });
// @ts-expect-error confirm_code is a String
client.prepare('taobao.travel.ticket.order.verify', { confirm_code: 2516352 });
// @ts-expect-error unknown field of a known method
client.prepare('taobao.travel.ticket.order.verify', { order_idd: 1 });
// @ts-expect-error is_success is a boolean
const wrong: string = client.parse('taobao.travel.ticket.order.verify', '{}').is_success;
// @ts-expect-error signMethod is one of three names
new TopClient({ appKey: 'k', appSecret: 's', signMethod: 'sha1' });
// @ts-expect-error the secret is required
new TopClient({ appKey: 'k' });

const s: string = sign([['method', 'taobao.user.seller.get']], 'secret', 'md5');
verifySpi({ query: 'sign=X&timestamp=2024-01-01+12%3A00%3A00', headers: { 'content-type': 'text/plain' }, body: '', secret: 's' });

try {
  client.parse('taobao.travel.ticket.order.verify', '');
} catch (e) {
  if (e instanceof ApiError) {
    const code: number = e.code;
    const sub: string | undefined = e.subCode;
    const wait: number | undefined = e.retryAfter;
    void [code, sub, wait];
  } else if (e instanceof ValidationError) {
    const field: string = e.field;
    void field;
  } else if (e instanceof TopError) {
    const msg: string = e.message;
    void msg;
  }
}

void [url, pairs, ok, retCode, anyData, wrong, s];

// The local gateway: the core class and the HTTP server.
const gateway = new Gateway({ apps: { k: 's' }, responses: { 'taobao.time.get': { time: 'x' } } }, { appKey: 'k', appSecret: 's' });
const reply: GatewayResponse = gateway.handle({ method: 'POST', url: '/router/rest', headers: { 'content-type': 'x' }, body: new Uint8Array() }, Date.now());
const keys: string[] = gateway.appKeys;
// @ts-expect-error the config's apps map keys to secrets
new Gateway({ apps: ['k'] });
async function withServer(): Promise<void> {
  const gw = await serveGateway({ config: '{}', log: (line: string) => void line, tmc: { redeliverMs: 1000 } });
  const gwUrl: string = gw.url;
  // The local message channel.
  const published: bigint = gw.publish('taobao_trade_TradePaid', '{}', { gzip: true, userId: 1n });
  const tmcUrl: string | undefined = gw.tmcUrl;
  const confirmed = await gw.tmc?.waitFor('confirmed', (e) => e.type === 'confirmed' && e.id === published);
  gw.dropTmcConnections();
  const channel = new TmcChannel(gateway, { batch: 10 });
  const state: string | undefined = channel.messageState(published)?.state;
  // @ts-expect-error publish options are typed
  gw.publish('t', '{}', { gzipped: true });
  await gw.close();
  void [gwUrl, tmcUrl, confirmed, state, DEFAULT_APP_KEY, DEFAULT_APP_SECRET];
}
void [reply, keys, withServer];

// Batches: each call typed by its method, each result by its call's.
const batch = client.prepareBatch([
  { method: 'taobao.eticket.merchant.ma.available', params: { code: 'abc124', consume_num: 1, outer_id: 'o', token: 't' } },
  { method: 'taobao.eticket.merchant.tbma.get', params: { query_tb_ma_callback_req: { code: 'abc124' } }, session: 's2' },
  { method: 'taobao.user.seller.get', params: { fields: 'nick' } },
], { session: 's', separator: '#SEP#', timestamp: new Date() });
const batchBody: string = batch.body;
const results = client.parseBatch(batch, '');
if (results[0].status === 'fulfilled') {
  const retCode: string | undefined = results[0].value.ret_code;
} else {
  const code: number = results[0].reason.code;
}
if (results[1].status === 'fulfilled') {
  const certificate = results[1].value.resp_body?.certificate;
}
const untypedResult = results[2];
const fromMethods = client.parseBatch(['taobao.travel.ticket.order.verify'], new Uint8Array(), { separator: '#SEP#' });
if (fromMethods[0].status === 'fulfilled') {
  const ok: boolean | undefined = fromMethods[0].value.is_success;
}
// @ts-expect-error consume_num of a typed call is a Number
client.prepareBatch([{ method: 'taobao.eticket.merchant.ma.available', params: { code: 'c', consume_num: true, outer_id: 'o', token: 't' } }]);
// @ts-expect-error unknown batch option
client.prepareBatch([{ method: 'taobao.time.get' }], { sesion: 's' });
if (results[0].status === 'fulfilled') {
  // @ts-expect-error the reply of ma.available has no is_success
  const wrong = results[0].value.is_success;
}

// The README's strict-mode client: an unset variable is '' and the core refuses it, naming appSecret.
const fromEnv = new TopClient({ appKey: process.env.TOP_APP_KEY ?? '', appSecret: process.env.TOP_APP_SECRET ?? '' });

// client.call: typed per method like prepare and parse; errors keep the redacted request.
async function calls(): Promise<void> {
  const options: CallOptions = { session: 's', timeout: 5_000, retries: 1, fetch, sleep: async (ms: number) => ms };
  const consumed = await fromEnv.call('taobao.eticket.merchant.ma.consume',
    { token: 't', outer_id: '1', code: 'abc', consume_num: 1, serial_num: 'gate-1' }, options);
  const consumedCode: string | undefined = consumed.ret_code;
  // @ts-expect-error a misspelled field of a typed method (serial_num)
  await fromEnv.call('taobao.eticket.merchant.ma.consume', { token: 't', outer_id: '1', code: 'abc', consume_num: 1, serial_no: 'gate-1' }, options);
  // @ts-expect-error an unknown call option
  await fromEnv.call('taobao.time.get', {}, { timout: 5 });
  try {
    await fromEnv.call('taobao.time.get', {});
  } catch (e) {
    if (e instanceof ApiError) {
      const again: boolean = e.retryable;
      const reauthorise: boolean = e.isSessionError;
      const failed: RedactedRequest | undefined = e.request;
    }
  }
}
void calls;

// TMC (Node): the codec and the session.
const tmc = new Tmc({ appKey: 'k', appSecret: 's', groupName: 'default', pullIntervalMs: 15000 });
const hello: Uint8Array = tmc.connect(Date.now());
const frame: TmcFrame = decodeTmcFrame(hello);
const again: Uint8Array = encodeTmcFrame(frame);
const events: TmcEvent[] = tmc.receive(again);
for (const e of events) {
  if (e.type === 'message') {
    const id: bigint = e.message.id;
    const trade = e.message.data<{ tid: bigint }>();
    tmc.confirm(id);
    void trade.tid;
  }
}
const due: number | undefined = tmc.nextDeadline();
void due;
