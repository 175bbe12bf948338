// Batch typing: checked with the TypeScript of the lock file only. TypeScript
// 5.0 does not infer the calls' methods through prepareBatch's mapped tuple
// (its results are then typed as unknown), so js-types leaves this file out
// of the 5.0 run (tsconfig.ts50.json).
import { TopClient } from 'topwire';

const client = new TopClient({ appKey: '12345678', appSecret: 'secret' });

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

void [batchBody, untypedResult];
