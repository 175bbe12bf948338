// A polling TMC consumer over HTTP: taobao.tmc.messages.consume, handle each
// message, then taobao.tmc.messages.confirm for the ones handled (a message
// not confirmed is delivered again later). Message ids stay exact: `parse`
// gives ids beyond 2^53 as bigints, and `prepare` sends them as they are.
//
//   import { pollOnce } from './tmc_polling.mjs';
//   const { received, confirmed } = await pollOnce(client, async (message) => { ... });
//
// When nothing comes back, wait before polling again (the platform suggests
// about 100 ms); `pollOnce` itself never waits.
import { TmcMessage } from 'topwire/tmc';

/** One TOP call with fetch: prepare, send, parse. */
async function call(client, method, params) {
  const req = client.prepare(method, params);
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  return client.parse(method, await res.text());
}

/** The JSON of a message's content, trade ids beyond 2^53 as bigints (read by topwire's core). */
export function contentData(message) {
  return new TmcMessage({ id: message.id, content: message.content }).data();
}

/**
 * Consumes up to `quantity` (10 to 200) messages, hands each to
 * `handle(message)` and confirms those it handled without throwing.
 */
export async function pollOnce(client, handle, { quantity = 100, groupName } = {}) {
  const data = await call(client, 'taobao.tmc.messages.consume', { quantity, group_name: groupName });
  const messages = data.messages ?? [];
  const handled = [];
  for (const message of messages) {
    try {
      await handle(message);
      handled.push(message.id);
    } catch {
      // Not confirmed: the platform delivers it again later.
    }
  }
  if (handled.length > 0) {
    await call(client, 'taobao.tmc.messages.confirm', { s_message_ids: handled, group_name: groupName });
  }
  return { received: messages.length, confirmed: handled };
}
