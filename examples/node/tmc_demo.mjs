// The message channel end to end (`make demo`), against the local channel of
// `topwire/gateway`: three messages published (one gzip-compressed, one with
// an id above 2^53), consumed over a WebSocket by tmc_consumer.mjs, each
// printed with its exact id and the trade id from its content. One message
// fails on purpose the first time and comes back; then the gateway cuts the
// socket, the consumer reconnects and confirms one more message. Then two
// more messages are consumed by polling over HTTP (tmc_polling.mjs). Exits 0
// only if all of that happened.
import { DEFAULT_APP_KEY, DEFAULT_APP_SECRET, serveGateway } from 'topwire/gateway';
import { TopClient } from 'topwire';
import { startConsumer } from './tmc_consumer.mjs';
import { contentData, pollOnce } from './tmc_polling.mjs';

const TRADES = [2131800080537681929n, 2131800080537681930n, 2131800080537681931n];
const trade = (tid, status) => `{"tid":${tid},"status":"${status}"}`;

/** `promise`, or a failure naming `what` if it takes more than 20 s (a demo must end). */
function within(promise, what) {
  let timer;
  const late = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}`)), 20_000);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const gw = await serveGateway({ tmc: { redeliverMs: 10_000 } });
const failures = [];
try {
  const ids = [
    gw.publish('taobao_trade_TradePaid', trade(TRADES[0], 'WAIT_SELLER_SEND_GOODS'), { userId: 2206611234, nick: 'tb_seller' }),
    gw.publish('taobao_trade_TradeCreate', trade(TRADES[1], 'WAIT_BUYER_PAY'), { gzip: true }),
    gw.publish('taobao_refund_RefundCreate', trade(TRADES[2], 'REFUND_CREATED'), { id: 7104300007405429232n }),
  ];
  console.log(`published ${ids.join(', ')} on ${gw.tmcUrl}`);

  const seen = new Map();
  let connections = 0;
  const consumer = await startConsumer({
    url: gw.tmcUrl,
    appKey: DEFAULT_APP_KEY,
    appSecret: DEFAULT_APP_SECRET,
    session: { pullIntervalMs: 200, reconnectIntervalMs: 100 },
    onEvent: (e) => {
      if (e.type === 'connected') connections += 1;
      if (e.type === 'connected' || e.type === 'closed') console.log(`websocket: ${e.type}`);
    },
    handle: async (message) => {
      const attempt = (seen.get(message.id) ?? 0) + 1;
      seen.set(message.id, attempt);
      const { tid } = message.data();
      const how = message.compressed ? 'gzip' : 'text';
      console.log(`message ${message.id} ${message.topic} trade ${tid} (${how}, attempt ${attempt})`);
      if (message.id === ids[1] && attempt === 1) throw new Error('failed on purpose: it comes back');
    },
  });
  const confirmedAll = (list) => Promise.all(list.map((id) => gw.tmc.waitFor('confirmed', (e) => e.id === id)));
  await within(confirmedAll(ids), 'the three confirms');
  if (seen.get(ids[1]) !== 2) failures.push(`the failed message was handled ${seen.get(ids[1])} time(s), expected 2`);
  console.log(`websocket consumer: ${ids.length} messages confirmed; ${ids[1]} failed once on purpose and came back`);

  // The network drops: the consumer reconnects (a new CONNECT, a new token) and goes on.
  const back = gw.tmc.waitFor('connected');
  gw.dropTmcConnections();
  await within(back, 'the reconnect');
  const after = gw.publish('taobao_trade_TradeSuccess', trade(TRADES[0], 'TRADE_FINISHED'));
  await within(confirmedAll([after]), 'the message after the reconnect');
  if (connections !== 2) failures.push(`the consumer connected ${connections} time(s), expected 2`);
  console.log('websocket consumer: reconnected after the drop and confirmed the next message');

  const gone = gw.tmc.waitFor('disconnected');
  await consumer.stop();
  await within(gone, 'the consumer to leave');
  for (const id of [...ids, after]) {
    const state = gw.tmc.channel.messageState(id);
    if (state.state !== 'confirmed') failures.push(`message ${id} is ${state.state}`);
  }

  // Polling over HTTP: the same queue.
  const polled = [
    gw.publish('taobao_trade_TradeClose', trade(TRADES[1], 'TRADE_CLOSED')),
    gw.publish('taobao_refund_RefundSuccess', trade(TRADES[2], 'SUCCESS')),
  ];
  const client = new TopClient({ appKey: DEFAULT_APP_KEY, appSecret: DEFAULT_APP_SECRET, gateway: gw.url });
  const { received, confirmed: done } = await pollOnce(client, (m) => {
    console.log(`polled ${m.id} ${m.topic} trade ${contentData(m).tid}`);
  }, { quantity: 10 });
  if (received !== 2 || done.length !== 2) failures.push(`polling got ${received} and confirmed ${done.length}, expected 2 and 2`);
  for (const id of polled) {
    if (gw.tmc.channel.messageState(id).state !== 'confirmed') failures.push(`polled message ${id} not confirmed`);
  }
  console.log(`polling consumer: ${done.length} messages consumed and confirmed over HTTP`);
} finally {
  await gw.close();
}
if (failures.length > 0) {
  console.error(`tmc demo FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('tmc demo: every message handled and confirmed, ids exact');
