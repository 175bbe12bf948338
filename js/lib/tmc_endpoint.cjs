'use strict';
// The local message channel's WebSocket endpoint, ws://HOST:PORT/tmc, for
// `topwire/gateway`. Every decision is the core's (`TmcChannel`, in the wasm
// module): this file carries its frames over `ws` (an optional peer
// dependency, loaded on the first WebSocket request, so the client package
// keeps zero runtime dependencies), runs the one timer the channel asks for
// (redelivery of unconfirmed messages), and reports what happened as events.

const { EventEmitter } = require('node:events');
const { TmcChannel } = require('../dist/node/index.cjs');

/** Where the endpoint listens, beside the gateway's /router/rest. */
const TMC_PATH = '/tmc';
/** WebSocket close codes: 1008 policy violation (a refused CONNECT, a frame that cannot be read), 1003 text data. */
const POLICY = 1008;
const UNSUPPORTED = 1003;

/** The `ws` package, or an Error saying how to get it. `load` is `require` (tests pass another). */
function loadWs(load = require) {
  try {
    return load('ws');
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND') {
      return new Error("topwire gateway: the TMC endpoint (ws://.../tmc) needs the optional package 'ws': npm install ws");
    }
    throw e;
  }
}

/** A WebSocket close reason: at most 123 bytes of UTF-8. */
function closeReason(text) {
  let out = text;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

/**
 * The endpoint: a TmcChannel shared by the WebSocket consumers and the HTTP
 * methods. Events (each also emitted as 'event'): 'connected', 'refused',
 * 'delivered', 'confirmed', 'failed' (the core's records: `{ type, id,
 * connection, attempt, reason, app, group }` as each has them) and
 * 'disconnected' (`{ type, connection }`).
 */
class TmcEndpoint extends EventEmitter {
  #channel;
  #clock;
  #sockets = new Map();
  #timer;
  #wss;
  #load;

  constructor(gateway, { clock, options, load } = {}) {
    super();
    this.#channel = new TmcChannel(gateway, options);
    this.#clock = clock ?? Date.now;
    this.#load = load;
  }

  /** The core's channel (publish, messageState, ...). */
  get channel() {
    return this.#channel;
  }

  /** Queues a message (see TmcChannel.publish) and hands it to pulling consumers; its id, a bigint. */
  publish(topic, content, options) {
    const id = this.#channel.publish(topic, content, options, this.#clock());
    this.#apply(this.#channel.deliver(this.#clock()));
    return id;
  }

  /** Answers an HTTP request, consume/confirm served from the queue. */
  handleHttp(request) {
    const { response, events } = this.#channel.handleHttp(request, this.#clock());
    for (const e of events) this.#emit(e);
    this.#schedule();
    return response;
  }

  /** Takes over an HTTP upgrade to /tmc; false for another path. */
  upgrade(req, socket, head) {
    const path = (req.url ?? '').split('?')[0];
    if (path !== TMC_PATH) return false;
    if (this.#wss === undefined) {
      const ws = loadWs(this.#load);
      if (ws instanceof Error) {
        socket.end(`HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain;charset=utf-8\r\nConnection: close\r\n\r\n${ws.message}\n`);
        // An 'error' event nobody listens to would end the server's process.
        if (this.listenerCount('error') > 0) this.emit('error', ws);
        else process.emitWarning(ws.message);
        return true;
      }
      this.#wss = new ws.WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#attach(ws));
    return true;
  }

  #attach(ws) {
    const connection = this.#channel.open();
    this.#sockets.set(connection, ws);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        ws.close(UNSUPPORTED, 'TMC frames are binary messages');
        return;
      }
      this.#apply(this.#channel.receive(connection, data, this.#clock()));
    });
    ws.on('close', () => {
      this.#sockets.delete(connection);
      this.#channel.closed(connection);
      this.emit('disconnected', { type: 'disconnected', connection });
      // Its unconfirmed messages are queued again: hand them to the others.
      this.#apply(this.#channel.deliver(this.#clock()));
    });
    ws.on('error', () => {}); // a broken socket ends in 'close'
  }

  #apply({ frames, events, close }) {
    for (const [connection, bytes] of frames) this.#sockets.get(connection)?.send(bytes, { binary: true });
    for (const e of events) this.#emit(e);
    for (const [connection, reason] of close) this.#sockets.get(connection)?.close(POLICY, closeReason(reason));
    this.#schedule();
  }

  #emit(e) {
    this.emit(e.type, e);
    this.emit('event', e);
  }

  /** One timer, at the channel's next redelivery deadline. */
  #schedule() {
    clearTimeout(this.#timer);
    const deadline = this.#channel.nextDeadline();
    if (deadline === undefined) return;
    this.#timer = setTimeout(() => this.#apply(this.#channel.deliver(this.#clock())), Math.max(0, deadline - this.#clock()));
    this.#timer.unref?.();
  }

  /** Resolves with the next event of `type` for which `test(event)` holds. */
  waitFor(type, test = () => true) {
    return new Promise((resolve) => {
      const listener = (e) => {
        if (!test(e)) return;
        this.off(type, listener);
        resolve(e);
      };
      this.on(type, listener);
    });
  }

  /** Cuts every WebSocket at once, as a network failure does (consumers must reconnect). */
  dropConnections() {
    for (const ws of this.#sockets.values()) ws.terminate();
  }

  /** Stops the timer and closes every WebSocket. */
  close() {
    clearTimeout(this.#timer);
    this.dropConnections();
    this.#wss?.close();
  }
}

module.exports = { TMC_PATH, TmcEndpoint, loadWs };
