'use strict';
// A local TOP gateway over Node's http, for testing an integration without
// Taobao (like stripe-mock for Stripe). Every decision is the core's
// (`Gateway`, in the wasm module); this file only reads requests, hands them
// to it and writes its replies. Same behaviour and CLI as the Python package's
// `python -m topwire.gateway`, so either server can stand in for the other.
//
//   npx topwire-gateway --port 8080          # 127.0.0.1, app key 12345678
//
//   import { serveGateway, DEFAULT_APP_KEY, DEFAULT_APP_SECRET } from 'topwire/gateway';
//   const gw = await serveGateway();         // 127.0.0.1, a free port
//   const client = new TopClient({ appKey: DEFAULT_APP_KEY, appSecret: DEFAULT_APP_SECRET, gateway: gw.url });
//   ...
//   await gw.close();

const http = require('node:http');
const { readFileSync } = require('node:fs');
const { parseArgs } = require('node:util');
const { Gateway, TopError } = require('../dist/node/index.cjs');

/** The app key the gateway accepts when neither a config nor flags name one. */
const DEFAULT_APP_KEY = Gateway.DEFAULT_APP_KEY;
/** The secret of DEFAULT_APP_KEY (a public, local-only value). */
const DEFAULT_APP_SECRET = Gateway.DEFAULT_APP_SECRET;
/** The CLI's port when `--port` is not given. */
const DEFAULT_PORT = 8080;

const MAX_BODY = 16 * 1024 * 1024;
const PLAIN = { 'Content-Type': 'text/plain;charset=utf-8' };

/** The core gateway of a config (JSON text or object) or a config file, and an app. */
function buildGateway({ config, configFile, appKey, appSecret } = {}) {
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

/** A request handler for http.createServer (or Express/Connect): the core answers. */
function requestListener(gateway, { clock, log } = {}) {
  const write = typeof log === 'function' ? log : log ? (line) => log.write(line) : undefined;
  return (req, res) => {
    const chunks = [];
    let size = 0;
    let refused = false;
    const reply = (status, headers, body) => {
      const payload = Buffer.from(body, 'utf8');
      res.writeHead(status, { ...headers, 'Content-Length': payload.length, Server: 'topwire-gateway' });
      res.end(req.method === 'HEAD' ? undefined : payload);
      if (write) write(logLine(req, status));
    };
    req.on('data', (chunk) => {
      if (refused) return;
      size += chunk.length;
      if (size > MAX_BODY) {
        refused = true;
        res.setHeader('Connection', 'close');
        reply(400, PLAIN, 'bad request: request body too large\n');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      let out;
      try {
        out = gateway.handle(
          { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks, size) },
          clock ? clock() : Date.now(),
        );
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

function urlOf(host, port) {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/router/rest`;
}

/**
 * Serves the local gateway on `host:port` (default 127.0.0.1 and a free
 * port). Resolves once it listens to `{ url, host, port, appKeys, gateway,
 * server, close() }`. Options: `gateway` (a ready Gateway) or `config`
 * (JSON text or object) / `configFile`, `appKey` + `appSecret`; `clock`
 * (() => epoch ms), `log` (a writable stream or a function of a line).
 */
function serveGateway(options = {}) {
  if (options === null || typeof options !== 'object') throw new TypeError('serveGateway options must be an object');
  const { host = '127.0.0.1', port = 0, clock, log } = options;
  let gateway = options.gateway;
  if (gateway === undefined) {
    gateway = buildGateway(options);
  } else if (options.config != null || options.configFile != null || options.appKey != null || options.appSecret != null) {
    throw new TypeError('give either gateway or config/configFile/appKey/appSecret');
  }
  const server = http.createServer({ keepAliveTimeout: 60_000 }, requestListener(gateway, { clock, log }));
  server.on('clientError', (err, socket) => {
    if (socket.writable && !socket.destroyed) {
      const body = 'bad request\n';
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain;charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    } else {
      socket.destroy();
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
        appKeys: gateway.appKeys,
        gateway,
        server,
        /** The start-up line the CLI prints. */
        banner() {
          return `topwire gateway listening on ${this.url} (app keys: ${this.appKeys.join(', ')})`;
        },
        /** Stops listening and closes every connection (idempotent). */
        close() {
          closing ??= new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections?.();
          });
          return closing;
        },
        toJSON() {
          return { url: this.url, appKeys: this.appKeys };
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

const USAGE = `usage: topwire-gateway [--host HOST] [--port PORT] [--config FILE] [--app-key K --app-secret S] [--quiet]

A local TOP gateway for tests: checks calls as TOP does and answers with TOP's
error codes or the documented sample responses.

  --host HOST        address to bind (default 127.0.0.1)
  --port PORT        port (default ${DEFAULT_PORT}; 0 picks a free one)
  --config FILE      JSON config: apps, sessions, max_skew_seconds, responses, errors
  --app-key K        accept only this app key (with --app-secret)
  --app-secret S     the secret of --app-key
  --quiet            do not log requests to stderr
  -h, --help         show this help
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
  if ((values['app-key'] === undefined) !== (values['app-secret'] === undefined)) {
    return usageError('--app-key and --app-secret go together');
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
    gw = await serveGateway({ host: values.host, port, gateway, log: values.quiet ? undefined : process.stderr });
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
    process.stdout.write(`${gw.banner()}\n`);
  });
}

module.exports = {
  DEFAULT_APP_KEY,
  DEFAULT_APP_SECRET,
  DEFAULT_PORT,
  Gateway,
  buildGateway,
  requestListener,
  serveGateway,
  main,
};
