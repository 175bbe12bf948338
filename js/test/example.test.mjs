// examples/node/seed_calls.mjs over real HTTP against a local gateway that
// checks signature, timestamp and body without topwire.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { startGateway } from './gateway.mjs';
import { linkExamplePackage } from './link_example.mjs';
import { serveGateway } from 'topwire/gateway';

const example = linkExamplePackage('seed_calls.mjs');

for (const signMethod of ['hmac-sha256', 'md5', 'hmac']) {
  test(`seed_calls.mjs over HTTP (${signMethod}) in TZ=America/New_York`, async () => {
    const creds = { appKey: '12345678', secret: 'example-secret-0123', session: 'session-xyz' };
    const gw = await startGateway({
      ...creds,
      expectBodies: {
        'taobao.travel.ticket.order.verify': { order_id: '12345678', voucher_infos: '[{"confirm_code":"2516352","used_quantity":1,"used_date":"2020-01-11 14:00:00"}]' },
        'taobao.eticket.merchant.ma.resend': { isv_ma_list: '[{"code":"abc124","num":1,"qr_image":"111.png"}]', outer_id: '1753340805138544' },
        'alibaba.alsc.daodian.ticket.reserve': { ticket_reverse_top_request: '{"ticket_use_trans_id":"2106027287988611313","biz_date":"2022-08-11 11:11:11","request_id":"20190729111040030200660600011777","ticket_id":"2208191159703216457"}' },
      },
    });
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [example], {
        env: { ...process.env, TZ: 'America/New_York', TOP_GATEWAY: gw.url, TOP_APP_KEY: creds.appKey, TOP_APP_SECRET: creds.secret, TOP_SESSION: creds.session, TOP_SIGN_METHOD: signMethod },
      });
      assert.deepEqual(gw.checks.map((c) => c.method), ['taobao.eticket.merchant.ma.resend', 'alibaba.alsc.daodian.ticket.reserve', 'taobao.travel.ticket.order.verify', 'taobao.travel.ticket.order.verify']);
      for (const c of gw.checks.slice(0, 3)) assert.deepEqual(c.problems, [], c.method);
      // The fourth is the deliberate error: signed with the secret + '-wrong'.
      assert.ok(gw.checks[3].problems.includes('sign'), gw.checks[3].problems.join('; '));
      assert.match(stdout, /TOP error 25 .*\(as expected\)/);
      assert.match(stdout, /ret_code":"isv\.success-all"/);
      assert.match(stdout, /"error_msg":"系统繁忙"/);
      assert.match(stdout, /travel\.ticket\.order\.verify: \{"is_success":true/);
      assert.ok(!stdout.includes(creds.secret));
    } finally {
      await gw.close();
    }
  });
}

test('the gateway rejects a wrong signature (it really checks)', async () => {
  const gw = await startGateway({ appKey: '12345678', secret: 'right', session: 's' });
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [example], {
      env: { ...process.env, TOP_GATEWAY: gw.url, TOP_APP_KEY: '12345678', TOP_APP_SECRET: 'wrong', TOP_SESSION: 's' },
    }).catch((e) => e);
    assert.match(stdout, /TOP error 25/);
    assert.ok(gw.checks.every((c) => c.problems.includes('sign')));
  } finally {
    await gw.close();
  }
});

// Only the variables a user sets: TOP_* removed from the inherited environment.
const cleanEnv = (extra) => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TOP_')));
  return { ...env, ...extra };
};

test('seed_calls.mjs against the local gateway (topwire/gateway): local defaults, exit 0', async () => {
  const gw = await serveGateway();
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [example], { env: cleanEnv({ TOP_GATEWAY: gw.url }) });
    assert.match(stdout, /resend: \{"resp_body":\{"attribute_map":"\{\}"\},"ret_code":"isv\.success-all"/);
    assert.match(stdout, /reserve: \{"result":\{"success":true/);
    assert.match(stdout, /verify: \{"is_success":true/);
    assert.match(stdout, /verify: TOP error 25 Invalid signature .*\(as expected\)/);
    assert.ok(!stdout.includes('topwire-local-secret'));
  } finally {
    await gw.close();
  }
});

test('seed_calls.mjs exits 1 when a seed call fails (unknown app key)', async () => {
  const gw = await serveGateway();
  try {
    const err = await promisify(execFile)(process.execPath, [example], { env: cleanEnv({ TOP_GATEWAY: gw.url, TOP_APP_KEY: '99999999' }) }).catch((e) => e);
    assert.equal(err.code, 1);
    assert.match(err.stdout, /TOP error 29/);
  } finally {
    await gw.close();
  }
});

test('seed_calls.mjs needs TOP_APP_KEY and TOP_APP_SECRET for a remote gateway', async () => {
  const err = await promisify(execFile)(process.execPath, [example], { env: cleanEnv({ TOP_GATEWAY: 'https://eco.taobao.com/router/rest' }) }).catch((e) => e);
  assert.equal(err.code, 1);
  assert.match(err.stderr, /set TOP_APP_KEY and TOP_APP_SECRET/);
  assert.equal(err.stdout, '');
});

const workflow = linkExamplePackage('merchant_workflow.mjs');
const WORKFLOW = [
  ...['img.upload', 'ma.send', 'ma.available', 'ma.consume', 'ma.reverse', 'ma.resend', 'ma.failsend', 'tbma.get', 'ma.delay']
    .map((m) => `taobao.eticket.merchant.${m}`),
  'taobao.travel.ticket.order.verify', 'taobao.travel.ticket.order.refund',
  'alibaba.alsc.daodian.ticket.consult', 'alibaba.alsc.daodian.ticket.reserve',
  // one batch: three ma.available and a tbma.get
  ...['ma.available', 'ma.available', 'ma.available', 'tbma.get'].map((m) => `taobao.eticket.merchant.${m}`),
];

test('merchant_workflow.mjs (make demo): 13 calls and a batch of 4 in order, the upload\'s file_name sent as qr_image', async () => {
  const gw = await serveGateway();
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [workflow], { env: cleanEnv({ TOP_GATEWAY: gw.url }) });
    const answered = stdout.split('\n').filter((l) => l.startsWith('← ')).map((l) => l.slice(2, l.indexOf(':')));
    assert.deepEqual(answered, WORKFLOW);
    assert.ok(!stdout.includes('NOT as expected'), stdout);
    // The local gateway names an upload after its content: tw + 32 hex of SHA-256 + extension.
    const image = readFileSync(resolve(dirname(workflow), '..', 'assets', 'qr.png'));
    const fileName = `tw${createHash('sha256').update(image).digest('hex').slice(0, 32)}.png`;
    const sent = stdout.split('\n').filter((l) => l.startsWith('→ taobao.eticket.merchant.ma.send:'));
    assert.equal(sent.length, 1);
    assert.ok(sent[0].includes(encodeURIComponent(`"qr_image":"${fileName}"`)), sent[0]);
    assert.match(stdout, /img\.upload: multipart, \d+ bytes/);
    assert.match(stdout, /→ batch of 4: http:\/\/127\.0\.0\.1:\d+\/router\/batch\n/);
    assert.match(stdout, /merchant workflow: every call as expected/);
  } finally {
    await gw.close();
  }
});

test('merchant_workflow.mjs exits 1 when the calls fail (unknown app key)', async () => {
  const gw = await serveGateway();
  try {
    const err = await promisify(execFile)(process.execPath, [workflow], { env: cleanEnv({ TOP_GATEWAY: gw.url, TOP_APP_KEY: '99999999' }) }).catch((e) => e);
    assert.equal(err.code, 1);
    assert.match(err.stdout, /17 FAILED/);
  } finally {
    await gw.close();
  }
});
