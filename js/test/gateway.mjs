// A local TOP gateway for the tests: checks each request independently of
// topwire (node:crypto for md5/hmac, URLSearchParams for the wire format)
// and answers with the seed responses.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';

export const RESPONSES = {
  'taobao.eticket.merchant.ma.resend': { eticket_merchant_ma_resend_response: { resp_body: { attribute_map: '{}' }, ret_code: 'isv.success-all', ret_msg: '操作成功', request_id: 'gw-000' } },
  'alibaba.alsc.daodian.ticket.reserve': { alibaba_alsc_daodian_ticket_reserve_response: { result: { success: true, error_code: 'SYSTEM_ERROR', retry: false, error_msg: '系统繁忙' }, request_id: 'gw-001' } },
  'taobao.travel.ticket.order.verify': { travel_ticket_order_verify_response: { is_success: true, request_id: 'gw-002' } },
};

const gmt8 = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 19).replace('T', ' ');

function expectedSign(params, secret, method) {
  const s = [...params].filter(([k, v]) => k !== 'sign' && v !== '').sort(([a], [b]) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1)).map(([k, v]) => k + v).join('');
  if (method === 'md5') return createHash('md5').update(secret + s + secret, 'utf8').digest('hex').toUpperCase();
  const algo = method === 'hmac' ? 'md5' : 'sha256';
  return createHmac(algo, secret).update(s, 'utf8').digest('hex').toUpperCase();
}

/** Starts the gateway on 127.0.0.1 (port 0); `checks` collects what it verified. */
export function startGateway({ appKey, secret, session, expectBodies = {} }) {
  const checks = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const problems = [];
      const url = new URL(req.url, 'http://127.0.0.1');
      const query = [...url.searchParams];
      const body = [...new URLSearchParams(raw)];
      const all = [...query, ...body];
      const get = (k) => all.find(([n]) => n === k)?.[1];
      if (req.method !== 'POST') problems.push(`method ${req.method}`);
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded;charset=utf-8') problems.push(`content-type ${req.headers['content-type']}`);
      if (get('app_key') !== appKey) problems.push('app_key');
      if (get('v') !== '2.0') problems.push('v');
      const signMethod = get('sign_method');
      if (get('sign') !== expectedSign(all, secret, signMethod)) problems.push('sign');
      const ts = get('timestamp') ?? '';
      const now = Date.now();
      const near = [-2, -1, 0, 1, 2].map((d) => gmt8(now + d * 1000));
      if (!near.includes(ts)) problems.push(`timestamp ${ts} is not GMT+8 now (${near[2]})`);
      const method = get('method');
      if (method === 'taobao.eticket.merchant.ma.resend' && get('session') !== session) problems.push('session');
      for (const [k, v] of Object.entries(expectBodies[method] ?? {})) {
        if (new URLSearchParams(raw).get(k) !== v) problems.push(`body ${k}=${new URLSearchParams(raw).get(k)}`);
      }
      if (query.some(([k]) => body.some(([b]) => b === k))) problems.push('a parameter in both query and body');
      checks.push({ method, problems });
      res.setHeader('content-type', 'application/json;charset=utf-8');
      if (problems.length > 0) {
        res.end(JSON.stringify({ error_response: { code: 25, msg: 'Invalid signature', sub_msg: problems.join('; '), request_id: 'gw-err' } }));
      } else {
        res.end(JSON.stringify(RESPONSES[method] ?? { error_response: { code: 22, msg: 'Invalid method' } }));
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/router/rest`, checks, close: () => new Promise((r) => server.close(r)) }));
  });
}
