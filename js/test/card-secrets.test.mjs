// A customer's card secret (ka_mi of taobao.eticket.merchant.ma.send) is
// sent, but never shown: not in a ValidationError (message, got,
// util.inspect), not in util.inspect or console.log of a prepared request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import util from 'node:util';
import { TopClient, ValidationError } from 'topwire';

const SEND = 'taobao.eticket.merchant.ma.send';
const CARD_SECRET = 'KaMi-7731-secret';
const client = new TopClient({ appKey: '12345678', appSecret: 'app-secret' });
const params = (card) => ({ certificate_type: 1, isv_ka_list: card, outer_id: 'o', token: 't' });

test('the card secret is sent, but util.inspect shows ***', () => {
  const req = client.prepare(SEND, params([{ ka_no: 'K1', ka_mi: CARD_SECRET, num: 1 }]), { session: 's' });
  assert.ok(new URLSearchParams(req.body).get('isv_ka_list').includes(CARD_SECRET));
  assert.ok(req.params.some(([k, v]) => k === 'isv_ka_list' && v.includes(CARD_SECRET)));
  for (const shown of [util.inspect(req), util.inspect(req, { depth: 0 }), util.format('%o', req)]) {
    assert.ok(!shown.includes(CARD_SECRET), shown);
  }
  const shown = util.inspect(req);
  assert.ok(shown.includes('%22ka_mi%22%3A%22***%22') && shown.includes('token=t'), shown);
  // Methods without secret fields show their body as it is.
  const plain = client.prepare('taobao.travel.ticket.order.verify', { order_id: 1 });
  assert.ok(util.inspect(plain).includes("body: 'order_id=1'"), util.inspect(plain));
});

const cases = [
  [[{ ka_no: 'K1', ka_mi: true, num: 1 }], 'isv_ka_list[0].ka_mi',
    'isv_ka_list[0].ka_mi: expected a string, got a boolean (secret, not shown)'],
  // Numeric card secrets JS cannot carry exactly: refused by the binding itself.
  [[{ ka_no: 'K1', ka_mi: 77310000000000000001, num: 1 }], 'isv_ka_list[0].ka_mi',
    'isv_ka_list[0].ka_mi: expected a safe integer (at most 2^53 - 1 in size), a bigint or a decimal string, got a value (secret, not shown)'],
  [[{ ka_no: 'K1', ka_mi: 77310000000000000000000001n, num: 1 }], 'isv_ka_list[0].ka_mi',
    'isv_ka_list[0].ka_mi: expected an integer within 64 bits, got a value (secret, not shown)'],
  [`not json ${CARD_SECRET}`, 'isv_ka_list',
    'isv_ka_list: expected a list of 0 to 200 IsvKa objects, got a string (secret, not shown)'],
  [[{ ka_no: 'K1', ka_mi: CARD_SECRET }], 'isv_ka_list[0].num',
    'isv_ka_list[0].num: expected an integer (required when certificate_type is 1), got nothing'],
];

for (const [card, field, message] of cases) {
  test(`errors describe the card secret without showing it: ${message}`, () => {
    let err;
    try {
      client.prepare(SEND, params(card), { session: 's' });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ValidationError, String(err));
    assert.equal(err.field, field);
    assert.equal(err.message, message);
    for (const shown of [err.message, err.got, err.expected, util.inspect(err), String(err)]) {
      assert.ok(!shown.includes(CARD_SECRET) && !shown.includes('7731000'), shown);
    }
  });
}
