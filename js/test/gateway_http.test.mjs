// The shared raw-HTTP cases (tests/http/raw_cases.json) against the Node
// server: raw request bytes in, the replies' statuses (and TOP bodies) out,
// the same file the Python suite runs against `python -m topwire.gateway`.
// Plus the bounds that need more than one connection. No sleeps: every wait
// is on the server (a reply or a close), with a socket timeout as a fuse.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS, serveGateway } from 'topwire/gateway';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOC = JSON.parse(readFileSync(join(ROOT, 'tests', 'http', 'raw_cases.json'), 'utf8'));
const FUSE = 30_000; // milliseconds a test waits for the server before failing

/** The file's limits (snake_case, times in ms) as serveGateway's. */
function limitsOf(spec) {
  const names = {
    max_connections: 'maxConnections',
    max_header_bytes: 'maxHeaderBytes',
    max_body_bytes: 'maxBodyBytes',
    header_timeout_ms: 'headerTimeout',
    request_timeout_ms: 'requestTimeout',
    keep_alive_timeout_ms: 'keepAliveTimeout',
  };
  return Object.fromEntries(Object.entries(spec).map(([k, v]) => [names[k], v]));
}

const start = (limits) => serveGateway({ config: DOC.config, clock: () => DOC.now_ms, limits: limitsOf(limits) });

let fast;
let slow;
before(async () => {
  [fast, slow] = await Promise.all([start(DOC.limits), start(DOC.slow_limits)]);
});
after(() => Promise.all([fast.close(), slow.close()]));

/** Sends the bytes (unless `hold`, then ends the sending side); resolves to all the server sends until it closes. */
function exchange(port, data, hold) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const out = [];
    socket.setTimeout(FUSE, () => reject(new Error('the server neither answered nor closed')));
    socket.on('connect', () => {
      socket.write(data);
      if (!hold) socket.end();
    });
    socket.on('data', (chunk) => out.push(chunk));
    // The server's end of the connection: all it sends (a held side is closed now).
    socket.on('end', () => socket.end());
    // A connection closed unanswered (past the cap) may end in a reset.
    socket.on('error', (e) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
    socket.on('close', () => resolve(Buffer.concat(out)));
  });
}

/** HTTP/1.1 replies one after another: status, headers (lower-case names), body. */
function parseReplies(raw) {
  const replies = [];
  let rest = raw;
  while (rest.length) {
    const end = rest.indexOf('\r\n\r\n');
    assert.ok(end >= 0, `a reply without the end of its headers: ${rest.toString('latin1')}`);
    const lines = rest.subarray(0, end).toString('latin1').split('\r\n');
    rest = rest.subarray(end + 4);
    const status = Number(lines[0].split(' ')[1]);
    const headers = Object.fromEntries(lines.slice(1).map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
    }));
    let body = Buffer.alloc(0);
    if (status >= 200) {
      if ((headers['transfer-encoding'] ?? '').toLowerCase() === 'chunked') {
        for (;;) {
          const eol = rest.indexOf('\r\n');
          const size = parseInt(rest.subarray(0, eol).toString('latin1').split(';')[0], 16);
          body = Buffer.concat([body, rest.subarray(eol + 2, eol + 2 + size)]);
          rest = rest.subarray(eol + 2 + size + 2);
          if (size === 0) break;
        }
      } else {
        const size = Number(headers['content-length'] ?? 0);
        body = rest.subarray(0, size);
        rest = rest.subarray(size);
      }
    }
    replies.push({ status, headers, body });
  }
  return replies;
}

for (const c of DOC.cases) {
  test(`raw HTTP: ${c.name}`, async () => {
    const hold = Boolean(c.hold);
    const raw = await exchange((hold ? slow : fast).port, Buffer.from(c.send, 'latin1'), hold);
    const got = parseReplies(raw);
    assert.deepEqual(got.map((r) => r.status), c.replies.map((r) => r.status), raw.toString('latin1').slice(0, 300));
    got.forEach((reply, i) => {
      const want = c.replies[i];
      if ('json' in want) {
        assert.ok(reply.headers['content-type'].startsWith('application/json'));
        assert.deepEqual(JSON.parse(reply.body.toString('utf8')), want.json);
      }
      if ('text' in want) assert.equal(reply.body.toString('utf8'), want.text);
    });
  });
}

test('the file has cases of both kinds', () => {
  assert.ok(DOC.cases.filter((c) => 'request' in c).length >= 10);
  assert.ok(DOC.cases.filter((c) => !('request' in c)).length >= 40);
});

test('the default limits are the shared ones', async () => {
  assert.deepEqual({ ...DEFAULT_LIMITS }, limitsOf(DOC.defaults));
  const gw = await serveGateway();
  try {
    assert.deepEqual({ ...gw.limits }, limitsOf(DOC.defaults));
    assert.equal(gw.server.maxConnections, DOC.defaults.max_connections);
    assert.equal(gw.server.maxHeaderSize, DOC.defaults.max_header_bytes);
  } finally {
    await gw.close();
  }
});

test('bad limits are refused', async () => {
  for (const limits of [{ maxConnections: 0 }, { maxBodyBytes: true }, { headerTimeout: 1.5 }, { headerTimeout: 2, requestTimeout: 1 }]) {
    assert.throws(() => serveGateway({ limits }), TypeError, JSON.stringify(limits));
  }
});

test('a misspelled option is refused with the likely spelling, never ignored', async () => {
  const { buildGateway, requestListener } = await import('topwire/gateway');
  const { Gateway, ValidationError } = await import('topwire');
  const refused = (call, field, expected) =>
    assert.throws(call, (e) => {
      assert.ok(e instanceof ValidationError, String(e));
      assert.deepEqual([e.field, e.expected, e.got], [field, expected, 'an unknown option']);
      assert.equal(e.message, `${field}: expected ${expected}, got an unknown option`);
      return true;
    });
  // `confg` would have served the default config; `clok` the system clock.
  refused(() => serveGateway({ confg: { sessions: {} }, clock: () => 0 }), 'confg', 'a known option (did you mean config?)');
  refused(() => serveGateway({ clok: () => 0 }), 'clok', 'a known option (did you mean clock?)');
  refused(() => serveGateway({ limits: { headerTimout: 5 } }), 'limits.headerTimout', 'a known option (did you mean headerTimeout?)');
  refused(() => serveGateway({ config: { sesions: ['s'] } }), 'config.sesions', 'a known option (did you mean sessions?)');
  refused(() => serveGateway({ maxBodyBytes: 5 }), 'maxBodyBytes', 'one of host, port, gateway, config, configFile, appKey, appSecret, clock, log, limits, tmc');
  refused(() => buildGateway({ app_key: 'k', appSecret: 's' }), 'app_key', 'a known option (did you mean appKey?)');
  refused(() => requestListener(new Gateway(), { maxBodyByte: 5 }), 'maxBodyByte', 'a known option (did you mean maxBodyBytes?)');
});

/** A connection that has had one reply and stays open. */
async function keptAlive(port) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const [chunk] = await once(socket, 'data');
  assert.ok(chunk.toString('latin1').startsWith('HTTP/1.1 404 '));
  return socket;
}

/** The bytes a new connection gets, empty when it is closed unanswered. */
async function served(port) {
  return exchange(port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), false);
}

test('connections past the cap are closed unanswered', async () => {
  const gw = await serveGateway({ limits: { maxConnections: 2 } });
  try {
    const held = [await keptAlive(gw.port), await keptAlive(gw.port)];
    assert.equal((await served(gw.port)).length, 0);
    for (const s of held) s.destroy();
    // Once the server has seen them close, new connections are served again.
    const deadline = Date.now() + FUSE;
    let answer = await served(gw.port);
    while (answer.length === 0 && Date.now() < deadline) answer = await served(gw.port);
    assert.ok(answer.toString('latin1').startsWith('HTTP/1.1 404 '));
  } finally {
    await gw.close();
  }
});

test('requestListener refuses a body over its maxBodyBytes', async () => {
  const { requestListener } = await import('topwire/gateway');
  const http = await import('node:http');
  const { Gateway } = await import('topwire');
  const server = http.createServer(requestListener(new Gateway(), { maxBodyBytes: 10 }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const raw = await exchange(server.address().port, Buffer.from('POST /router/rest HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n'), false);
    assert.deepEqual(parseReplies(raw).map((r) => r.status), [413]);
  } finally {
    server.close();
  }
});

const CLI = join(ROOT, 'js', 'bin', 'topwire-gateway.js');

test('the CLI takes --max-body-bytes and --max-connections', async () => {
  const proc = spawn(process.execPath, [CLI, '--port', '0', '--quiet', '--max-body-bytes', '5', '--max-connections', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    proc.stdout.setEncoding('utf8');
    const [line] = await once(proc.stdout, 'data'); // the listening line: it serves from now on
    const port = Number(/:(\d+)\/router\/rest/.exec(line)[1]);
    const raw = await exchange(port, Buffer.from('POST /router/rest HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\n'), false);
    assert.deepEqual(parseReplies(raw).map((r) => r.status), [413]);
  } finally {
    proc.kill('SIGTERM');
    await once(proc, 'exit');
  }
});

test('the CLI refuses limits that are not positive integers', () => {
  for (const flag of ['--max-body-bytes', '--max-connections']) {
    for (const value of ['0', '-1', 'x', '1.5', '9'.repeat(30)]) {
      const out = spawnSync(process.execPath, [CLI, '--port', '0', flag, value], { encoding: 'utf8' });
      assert.equal(out.status, 2, `${flag} ${value}`);
      assert.match(out.stderr, /--max-/);
    }
  }
});

/**
 * An attacker's connection that never closes its side: `idle` sends nothing,
 * `slow` a byte of its headers at a time, `held` headers and then never the
 * rest of its body. Resolves once the server has ended it (FIN or reset);
 * it never gives up by itself.
 */
function attacker(port, kind) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const request = `GET / HTTP/1.1\r\nHost: gateway.test\r\nX-Slow: ${'a'.repeat(1000)}`;
    let timer;
    socket.on('connect', () => {
      if (kind === 'slow') {
        let sent = 0;
        timer = setInterval(() => socket.write(request[sent++ % request.length]), 20);
      } else if (kind === 'held') {
        socket.write('POST /router/rest HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 4194304\r\n\r\nabc');
      }
    });
    socket.on('data', () => {});
    socket.on('error', () => {});
    const ended = () => {
      clearInterval(timer);
      resolve(socket);
    };
    socket.on('end', ended); // the server's FIN: this side stays open, as an attacker's would
    socket.on('close', ended);
  });
}

test('timed-out connections free their slots: 128 idle, 128 slow and 128 held-body clients', { timeout: 3 * FUSE }, async () => {
  const gw = await serveGateway({ limits: { headerTimeout: 200, requestTimeout: 400, keepAliveTimeout: 200 } });
  const sockets = [];
  try {
    const kinds = ['idle', 'slow', 'held'].flatMap((kind) => Array(128).fill(kind));
    sockets.push(...(await Promise.all(kinds.map((kind) => attacker(gw.port, kind)))));
    // Every attacker still holds its side open (the slow ones still send): a
    // real request is answered once the server has dropped them, not when
    // they give up (before, each kept its slot after its 408).
    const deadline = Date.now() + FUSE;
    let answer = await served(gw.port);
    while (answer.length === 0 && Date.now() < deadline) answer = await served(gw.port);
    assert.ok(answer.toString('latin1').startsWith('HTTP/1.1 404 '), 'a real request was refused');
  } finally {
    for (const s of sockets) s.destroy();
    await gw.close();
  }
});
