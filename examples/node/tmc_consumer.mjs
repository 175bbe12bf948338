// A TMC consumer: a real WebSocket (Node's global WebSocket where there is
// one, Node 22+, else the `ws` package) carrying topwire's sans-I/O
// TmcSession. The session signs the CONNECT, reads every frame (message ids
// exact, as bigints; gzip contents inflated), and says what is due when
// (pulls, pings, reconnects); this file only owns the socket and one timer.
//
// Each message is confirmed only after `handle(message)` resolves; if it
// throws, the message is reported failed and TOP (or the local channel)
// delivers it again. When the socket drops, the session asks for a
// reconnect after `reconnectIntervalMs` and the consumer opens a new one.
//
//   import { startConsumer } from './tmc_consumer.mjs';
//   const consumer = await startConsumer({
//     url: 'ws://mc.api.taobao.com/', appKey, appSecret,
//     handle: async (message) => { const trade = message.data(); ... },   // throw to fail it
//   });
//   ...
//   consumer.stop();
//
// Run alone it consumes from TOP_TMC_URL (default ws://127.0.0.1:8080/tmc, the
// local channel of `npx topwire-gateway` or `python -m topwire.gateway`) and
// prints each message until interrupted.
import { TmcSession } from 'topwire/tmc';

/** The WebSocket class: the global one where Node has it, else `ws` (an optional dependency). */
async function webSocketClass() {
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  try {
    return (await import('ws')).WebSocket;
  } catch {
    throw new Error('this Node has no global WebSocket: npm install ws');
  }
}

/**
 * Connects and consumes until stop(). Options: `url`, `appKey`, `appSecret`,
 * `handle(message)` (async; throw to fail the message), `session` (more
 * TmcSession options: `groupName`, `pullIntervalMs`, `reconnectIntervalMs`,
 * ...), `onEvent(event)` (the session's events and `{ type: 'closed' }`, for
 * logs), `WebSocket` (a class to use instead of the default).
 */
export async function startConsumer({ url, appKey, appSecret, handle, session: more = {}, onEvent = () => {}, WebSocket }) {
  const Socket = WebSocket ?? (await webSocketClass());
  const session = new TmcSession({ appKey, appSecret, ...more });
  let ws;
  let timer;
  let stopped = false;
  // Messages are handled one after another, in the order they came.
  let queue = Promise.resolve();

  const send = (bytes) => {
    if (ws?.readyState === 1) ws.send(bytes);
  };

  /** One timer, at the session's next deadline. */
  const schedule = () => {
    clearTimeout(timer);
    const at = session.nextDeadline();
    if (stopped || at === undefined) return;
    timer = setTimeout(tick, Math.max(0, at - Date.now()));
  };

  const tick = () => {
    for (const action of session.poll()) {
      if (action.type === 'send') send(action.bytes);
      else if (action.type === 'ping') ws?.ping?.(); // the global WebSocket has no ping; its server keeps it alive
      else if (action.type === 'reconnect') open();
    }
    schedule();
  };

  const onMessage = (message) => {
    queue = queue.then(async () => {
      try {
        await handle(message);
      } catch (e) {
        send(session.fail(message.id, e instanceof Error ? e.message : String(e)));
        return;
      }
      send(session.confirm(message.id)); // only once it is handled
    });
  };

  const open = () => {
    ws = new Socket(url);
    ws.binaryType = 'arraybuffer';
    const socket = ws;
    socket.onopen = () => {
      send(session.connect());
      schedule();
    };
    socket.onmessage = (e) => {
      if (!(e.data instanceof ArrayBuffer)) return; // TMC frames are binary
      for (const event of session.receive(new Uint8Array(e.data))) {
        onEvent(event);
        if (event.type === 'message') onMessage(event.message);
      }
      schedule();
    };
    socket.onerror = () => {}; // followed by close
    socket.onclose = () => {
      if (socket !== ws) return;
      onEvent({ type: 'closed' });
      session.closed();
      schedule(); // poll() asks for the reconnect
    };
  };

  open();
  return {
    session,
    /** Stops: no reconnect, the socket closed. */
    stop() {
      stopped = true;
      clearTimeout(timer);
      ws?.close();
      return queue;
    },
  };
}

// Run alone: print every message, fail none.
if (import.meta.url === `file://${process.argv[1]}`) {
  const env = (name, fallback) => process.env[name] || fallback;
  const consumer = await startConsumer({
    url: env('TOP_TMC_URL', 'ws://127.0.0.1:8080/tmc'),
    appKey: env('TOP_APP_KEY', '12345678'),
    appSecret: env('TOP_APP_SECRET', 'topwire-local-secret'),
    handle: (m) => console.log(`${m.id} ${m.topic} ${m.content}`),
    onEvent: (e) => e.type !== 'message' && console.error(`tmc: ${e.type}${e.statusPhrase ? `: ${e.statusPhrase}` : ''}`),
  });
  process.once('SIGINT', () => consumer.stop());
}
