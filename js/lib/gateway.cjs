'use strict';
// A local TOP gateway over Node's http, for testing an integration without
// Taobao (like stripe-mock for Stripe). Every decision is the core's
// (`Gateway`, in the wasm module); this file only reads requests, hands them
// to it and writes its replies. Same behaviour and CLI as the Python package's
// `python -m topwire.gateway`, so either server can stand in for the other.
//
//   npx --no-install topwire-gateway --port 8080          # 127.0.0.1, app key 12345678
//
//   import { serveGateway, DEFAULT_APP_KEY, DEFAULT_APP_SECRET } from 'topwire/gateway';
//   const gw = await serveGateway();         // 127.0.0.1, a free port
//   const client = new TopClient({ appKey: DEFAULT_APP_KEY, appSecret: DEFAULT_APP_SECRET, gateway: gw.url });
//   ...
//   gw.publish('taobao_trade_TradePaid', '{"tid":2131800080537681929}');  // the message channel,
//   // consumed at gw.tmcUrl (ws://127.0.0.1:PORT/tmc, needs the optional `ws`) or over HTTP
//   await gw.close();

const http = require('node:http');
const { readFileSync } = require('node:fs');
const { parseArgs } = require('node:util');
const { Gateway, TopError, ValidationError } = require('../dist/node/index.cjs');
const { gatewayGlue } = require('../dist/node/runtime.js');
const { TMC_PATH, TmcEndpoint } = require('./tmc_endpoint.cjs');

/** The app key the gateway accepts when neither a config nor flags name one. */
const DEFAULT_APP_KEY = Gateway.DEFAULT_APP_KEY;
/** The secret of DEFAULT_APP_KEY (a public, local-only value). */
const DEFAULT_APP_SECRET = Gateway.DEFAULT_APP_SECRET;
/** The CLI's port when `--port` is not given. */
const DEFAULT_PORT = 8080;

/**
 * What one client may hold, the same defaults as the Python server
 * (`topwire.gateway.Limits`): connections open at once (more are closed on
 * accept), bytes of request line and headers (431 beyond), bytes of body (413
 * beyond, at once when Content-Length says so), milliseconds to send the
 * headers and the whole request (408 after), and an idle connection's life.
 */
const DEFAULT_LIMITS = Object.freeze({
  maxConnections: 128,
  maxHeaderBytes: 16 * 1024,
  maxBodyBytes: 4 * 1024 * 1024,
  headerTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
});
const PLAIN = { 'Content-Type': 'text/plain;charset=utf-8' };
const REASONS = { 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

// The keys of each options record here. A misspelled key is refused, never
// ignored (`serveGateway({ confg })` would serve the default config).
const BUILD_KEYS = ['config', 'configFile', 'appKey', 'appSecret'];
const LISTENER_KEYS = ['clock', 'log', 'maxBodyBytes', 'tmc'];
const SERVE_KEYS = ['host', 'port', 'gateway', ...BUILD_KEYS, 'clock', 'log', 'limits', 'tmc'];

/**
 * A ValidationError for the first key of `given` not in `known`, naming
 * `record.key` and the key most likely meant (the core's rule, as for its
 * own records: `confg` -> did you mean config?).
 */
function checkKeys(record, given, known) {
  try {
    gatewayGlue().checkOptionKeys(record, Object.keys(given), known);
  } catch (e) {
    if (typeof e !== 'string') throw e;
    const r = JSON.parse(e); // the core's error record
    throw new ValidationError(r.message, r);
  }
}

/** The limits with the caller's overrides, each checked. */
function limitsOf(given = {}) {
  if (given === null || typeof given !== 'object') throw new TypeError('limits must be an object');
  checkKeys('limits', given, Object.keys(DEFAULT_LIMITS));
  const out = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(given)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`limits.${key}: expected a positive integer, got ${String(value)}`);
    out[key] = value;
  }
  if (out.headerTimeout > out.requestTimeout) throw new TypeError('limits.headerTimeout: expected at most limits.requestTimeout');
  return out;
}

/** A whole HTTP/1.1 reply as text, for the sockets Node hands over without a response object. */
function rawReply(status, headers, body) {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`];
  for (const [name, value] of Array.isArray(headers) ? headers : Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, 'Server: topwire-gateway', 'Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** The core gateway of a config (JSON text or object) or a config file, and an app. */
function buildGateway(options = {}) {
  checkKeys('', options, BUILD_KEYS);
  const { config, configFile, appKey, appSecret } = options;
  if (config != null && configFile != null) throw new TypeError('give config or configFile, not both');
  const text = configFile != null ? readFileSync(configFile, 'utf8') : config;
  const app = appKey != null || appSecret != null ? { appKey, appSecret } : undefined;
  return new Gateway(text ?? undefined, app);
}

function two(n) {
  return String(n).padStart(2, '0');
}

/** `"POST /router/rest" taobao.x.y 200`: the TOP method, never the query (sign, session). */
function logLine(req, status) {
  const target = req.url ?? '';
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  let method = '';
  try {
    method = new URLSearchParams(q < 0 ? '' : target.slice(q + 1)).get('method') ?? '';
  } catch {
    method = '';
  }
  const now = new Date();
  const stamp = `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
  const address = req.socket?.remoteAddress ?? '-';
  return `[${stamp}] ${address} "${req.method} ${path}" ${method || '-'} ${status}\n`;
}

/**
 * A request handler for http.createServer (or Express/Connect): the core
 * answers. Options: `clock` (() => epoch ms), `log` (a writable stream or a
 * function of a line), `maxBodyBytes` (413 beyond; default 4 MiB), `tmc` (a
 * message channel's endpoint, `serveGateway(...).tmc`, to serve
 * taobao.tmc.messages.consume/confirm from its queue).
 */
function requestListener(gateway, options = {}) {
  checkKeys('', options, LISTENER_KEYS);
  const { clock, log, maxBodyBytes = DEFAULT_LIMITS.maxBodyBytes, tmc } = options;
  const write = typeof log === 'function' ? log : log ? (line) => log.write(line) : undefined;
  return (req, res) => {
    const pending = inFlight.get(req.socket) ?? new Set();
    inFlight.set(req.socket, pending);
    const entry = { req, res };
    pending.add(entry);
    res.once('close', () => pending.delete(entry));
    const chunks = [];
    let size = 0;
    let refused = false;
    const reply = (status, headers, body) => {
      const payload = Buffer.from(body, 'utf8');
      res.writeHead(status, { ...headers, 'Content-Length': payload.length, Server: 'topwire-gateway' });
      res.end(req.method === 'HEAD' ? undefined : payload);
      if (write) write(logLine(req, status));
    };
    // Answered before the body is read; the connection closes after the reply.
    const refuse = (status, text) => {
      refused = true;
      res.shouldKeepAlive = false;
      res.setHeader('Connection', 'close');
      reply(status, PLAIN, text);
      req.resume();
    };
    // Node's parser also reads HTTP/0.9 and HTTP/2.0 request lines; the gateway speaks 1.0 and 1.1.
    if (req.httpVersionMajor !== 1 || (req.httpVersionMinor !== 0 && req.httpVersionMinor !== 1)) {
      refuse(400, 'bad request: expected HTTP/1.0 or HTTP/1.1\n');
      return;
    }
    if (req.httpVersionMinor === 1 && req.headers.host === undefined) {
      refuse(400, 'bad request: HTTP/1.1 needs a Host header\n');
      return;
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBodyBytes) {
      refuse(413, 'request body too large\n');
      return;
    }
    req.on('data', (chunk) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        refuse(413, 'request body too large\n');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      let out;
      try {
        const request = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks, size) };
        // With the message channel, consume/confirm are served from its queue.
        out = tmc ? tmc.handleHttp(request) : gateway.handle(request, clock ? clock() : Date.now());
      } catch (e) {
        // The core answers every request; only a host-side failure lands here.
        reply(500, PLAIN, `internal error: ${e && e.name ? e.name : 'error'}\n`);
        return;
      }
      reply(out.status, out.headers, out.body);
    });
    req.on('error', () => res.destroy());
  };
}

// The request and response each connection is still answering. Node's parser reads a whole
// packet at once, so a malformed request pipelined after a good one fails
// before the good one is answered; its 400 waits for that answer (as the
// Python server, which reads one request at a time, sends them).
const inFlight = new WeakMap();

/** The status Node's parser errors get: as the Python server answers them. */
function clientErrorStatus(err) {
  if (err && err.code === 'HPE_HEADER_OVERFLOW') return 431;
  if (err && err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

// What was wrong, in the words of the Python server (topwire/_http.py), by
// the code (and for some codes the reason) of Node's parser (llhttp).
const BAD_REQUEST = {
  HPE_INVALID_METHOD: 'unknown method',
  HPE_INVALID_URL: 'invalid request target',
  HPE_INVALID_VERSION: 'expected HTTP/1.0 or HTTP/1.1',
  HPE_INVALID_CONSTANT: 'expected HTTP/1.0 or HTTP/1.1',
  HPE_CR_EXPECTED: 'lines end with CRLF',
  HPE_LF_EXPECTED: 'lines end with CRLF',
  HPE_INVALID_HEADER_TOKEN: 'invalid header line',
  HPE_INVALID_EOF_STATE: 'the connection ended inside a request',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'more than one Content-Length',
  HPE_INVALID_CONTENT_LENGTH: 'invalid Content-Length',
  HPE_INVALID_TRANSFER_ENCODING: 'invalid Transfer-Encoding',
  HPE_INVALID_CHUNK_SIZE: 'invalid chunk size',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'invalid chunk size',
};
const BAD_REQUEST_BY_REASON = {
  'Expected CRLF after version': 'expected CRLF after the HTTP version',
  'Invalid header value char': 'invalid character in a header value',
  "Transfer-Encoding can't be present with Content-Length": 'Transfer-Encoding with Content-Length',
  'Chunk size overflow': 'chunk size overflow',
  'Invalid character in chunk extensions': 'invalid chunk size',
  'Expected LF after chunk data': 'expected CRLF after chunk data',
};

/** The plain-text body of a refused request: what was wrong, as the Python server says it. */
function clientErrorText(err, status) {
  if (status !== 400) return `${REASONS[status].toLowerCase()}\n`;
  const what = BAD_REQUEST_BY_REASON[err?.reason] ?? BAD_REQUEST[err?.code] ?? 'malformed request';
  return `bad request: ${what}\n`;
}

function urlOf(host, port, scheme = 'http', path = Gateway.PATH) {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
}

/**
 * Serves the local gateway on `host:port` (default 127.0.0.1 and a free
 * port). Resolves once it listens to `{ url, host, port, appKeys, gateway,
 * server, limits, close() }`. Options: `gateway` (a ready Gateway) or `config`
 * (JSON text or object) / `configFile`, `appKey` + `appSecret`; `clock`
 * (() => epoch ms), `log` (a writable stream or a function of a line),
 * `limits` (overrides of DEFAULT_LIMITS), `tmc` (the message channel's
 * options `{ redeliverMs, firstId, batch }`, or false for none).
 *
 * The message channel: `tmcUrl` (ws://HOST:PORT/tmc, served through the
 * optional package `ws`, loaded on the first WebSocket request),
 * `publish(topic, content, { userId, nick, dataId, group, gzip, id })` (the
 * id, a bigint), `tmc` (the endpoint: its events 'connected', 'refused',
 * 'delivered', 'confirmed', 'failed', 'disconnected', `waitFor(type, test)`,
 * `channel.messageState(id)`) and `dropTmcConnections()` (cuts every
 * WebSocket, as a network failure would).
 */
function serveGateway(options = {}) {
  if (options === null || typeof options !== 'object') throw new TypeError('serveGateway options must be an object');
  checkKeys('', options, SERVE_KEYS);
  const { host = '127.0.0.1', port = 0, clock, log } = options;
  const limits = limitsOf(options.limits);
  let gateway = options.gateway;
  if (gateway === undefined) {
    const { config, configFile, appKey, appSecret } = options;
    gateway = buildGateway({ config, configFile, appKey, appSecret });
  } else if (options.config != null || options.configFile != null || options.appKey != null || options.appSecret != null) {
    throw new TypeError('give either gateway or config/configFile/appKey/appSecret');
  }
  const tmc = options.tmc === false ? undefined : new TmcEndpoint(gateway, { clock, options: options.tmc ?? undefined });
  const server = http.createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headerTimeout,
      requestTimeout: limits.requestTimeout,
      keepAliveTimeout: limits.keepAliveTimeout,
      // The listener answers a missing Host with a body that says so (as the Python server).
      requireHostHeader: false,
      // How often Node looks for requests past their timeouts.
      connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.floor(limits.headerTimeout / 4))),
    },
    requestListener(gateway, { clock, log, maxBodyBytes: limits.maxBodyBytes, tmc }),
  );
  // Past the cap Node closes a new connection at once (as the Python server does).
  server.maxConnections = limits.maxConnections;
  server.on('clientError', (err, socket) => {
    // The reply, then the socket is destroyed: a client that never closes its
    // side must not keep its maxConnections slot (half-open) after a 408.
    const refuse = () => {
      if (socket.writable && !socket.destroyed) {
        const status = clientErrorStatus(err);
        socket.end(rawReply(status, PLAIN, clientErrorText(err, status)), () => socket.destroy());
      } else {
        socket.destroy();
      }
    };
    // Requests read whole and not yet answered came first: their replies go first.
    const earlier = [...(inFlight.get(socket) ?? [])].filter((e) => e.req.complete && !e.res.writableFinished);
    if (earlier.length === 0) refuse();
    else Promise.all(earlier.map((e) => new Promise((done) => e.res.once('close', done)))).then(refuse);
  });
  // WebSocket requests: the message channel at /tmc; any other path is a 404.
  server.on('upgrade', (req, socket, head) => {
    if (tmc?.upgrade(req, socket, head)) return;
    socket.end(rawReply(404, PLAIN, `not found: WebSocket requests go to ${TMC_PATH}\n`));
  });
  // CONNECT gets the core's answer (a 404: TOP serves no tunnels), then the connection closes.
  server.on('connect', (req, socket) => {
    try {
      const out = gateway.handle({ method: req.method, url: req.url, headers: req.headers, body: '' }, clock ? clock() : Date.now());
      socket.end(rawReply(out.status, out.headers, out.body));
    } catch {
      socket.destroy(); // the core answers every request; a host-side failure closes the connection
    }
  });
  return new Promise((resolve, reject) => {
    const fail = (err) => reject(err);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      const bound = server.address().port;
      let closing;
      const handle = {
        url: urlOf(host, bound),
        host,
        port: bound,
        tmcUrl: tmc ? urlOf(host, bound, 'ws', TMC_PATH) : undefined,
        appKeys: gateway.appKeys,
        gateway,
        tmc,
        server,
        limits,
        /** Publishes a message on the local channel; its id (a bigint). */
        publish(topic, content, publishOptions) {
          if (!tmc) throw new TypeError('the message channel is off (serveGateway({ tmc: false }))');
          return tmc.publish(topic, content, publishOptions);
        },
        /** Cuts every TMC WebSocket, as a network failure would. */
        dropTmcConnections() {
          tmc?.dropConnections();
        },
        /** The start-up line the CLI prints. */
        banner() {
          return `topwire gateway listening on ${this.url} (app keys: ${this.appKeys.join(', ')})`;
        },
        /** Stops listening and closes every connection (idempotent). */
        close() {
          closing ??= new Promise((done) => {
            tmc?.close();
            server.close(() => done());
            server.closeAllConnections?.();
          });
          return closing;
        },
        toJSON() {
          return { url: this.url, tmcUrl: this.tmcUrl, appKeys: this.appKeys };
        },
        [Symbol.for('nodejs.util.inspect.custom')]() {
          return `GatewayServer { url: '${this.url}', appKeys: ${JSON.stringify(this.appKeys)} }`;
        },
      };
      if (Symbol.asyncDispose) handle[Symbol.asyncDispose] = () => handle.close();
      resolve(handle);
    });
  });
}

const USAGE = `usage: topwire-gateway [--host HOST] [--port PORT] [--config FILE] [--app-key K --app-secret S]
                       [--max-body-bytes N] [--max-connections N] [--quiet]

A local TOP gateway for tests: checks calls as TOP does and answers with TOP's
error codes or the documented sample responses. It also serves the message
channel (TMC) at ws://HOST:PORT/tmc (with the optional package: npm install ws),
and taobao.tmc.messages.consume/confirm from the same queue.

  --host HOST            address to bind (default 127.0.0.1)
  --port PORT            port (default ${DEFAULT_PORT}; 0 picks a free one)
  --config FILE          JSON config: apps, sessions, max_skew_seconds, responses, errors
  --app-key K            accept only this app key (with --app-secret)
  --app-secret S         the secret of --app-key
  --max-body-bytes N     refuse bodies over N bytes with 413 (default ${DEFAULT_LIMITS.maxBodyBytes})
  --max-connections N    close connections past N open at once (default ${DEFAULT_LIMITS.maxConnections})
  --quiet                do not log requests to stderr
  -h, --help             show this help
`;

function usageError(message) {
  process.stderr.write(`${USAGE}topwire-gateway: error: ${message}\n`);
  return 2;
}

/** The CLI: serves until SIGINT or SIGTERM, then exits 0; 2 on bad arguments, config or port. */
async function main(argv = process.argv.slice(2)) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: String(DEFAULT_PORT) },
        config: { type: 'string' },
        'app-key': { type: 'string' },
        'app-secret': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'max-connections': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return usageError(e.message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) return usageError(`argument --port: invalid port '${values.port}'`);
  const limits = {};
  for (const [flag, key] of [['max-body-bytes', 'maxBodyBytes'], ['max-connections', 'maxConnections']]) {
    const text = values[flag];
    if (text === undefined) continue;
    if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(Number(text))) return usageError(`argument --${flag}: expected a positive integer, got '${text}'`);
    limits[key] = Number(text);
  }
  let gateway;
  try {
    gateway = buildGateway({ configFile: values.config, appKey: values['app-key'], appSecret: values['app-secret'] });
  } catch (e) {
    if (!(e instanceof TopError) && !(e && typeof e.code === 'string')) throw e;
    process.stderr.write(`topwire gateway: ${e.message}\n`);
    return 2;
  }
  let gw;
  try {
    gw = await serveGateway({ host: values.host, port, gateway, limits, log: values.quiet ? undefined : process.stderr });
  } catch (e) {
    process.stderr.write(`topwire gateway: cannot listen on ${values.host}:${port}: ${e.message}\n`);
    return 2;
  }
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      gw.close().then(() => {
        process.stderr.write('topwire gateway stopped\n');
        resolve(0);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.stdout.write(`${gw.banner()}\nmessage channel (TMC): ${gw.tmcUrl}\n`);
  });
}

module.exports = {
  DEFAULT_APP_KEY,
  DEFAULT_APP_SECRET,
  DEFAULT_LIMITS,
  DEFAULT_PORT,
  Gateway,
  buildGateway,
  requestListener,
  serveGateway,
  main,
};
