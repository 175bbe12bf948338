// The JS face of topwire: error classes, TopClient, sign, verifySpi, Gateway.
// Everything TOP-specific happens in the Rust core (the wasm module, `wasm`
// here); this file only turns options into arguments, the core's packed
// results into objects and its error records into Error classes.
// scripts/build.mjs wraps this file for each target (CommonJS for Node, ESM
// for the web), which supplies `wasm`, `ensureReady` and `GATEWAY_GLUE` (the
// glue in Node, undefined in browsers).

/** Base class of every error topwire throws. */
class TopError extends Error {
  constructor(message, options) {
    super(message, options);
  }
}

/** The caller's input is wrong: `field` names it, `expected` and `got` say how. */
class ValidationError extends TopError {
  constructor(message, { field, expected, got } = {}) {
    super(message);
    this.field = field;
    this.expected = expected;
    this.got = got;
  }
}

/** The gateway answered `error_response`. */
class ApiError extends TopError {
  constructor(message, r = {}) {
    super(message);
    this.code = r.code;
    this.msg = r.msg;
    this.subCode = r.subCode;
    this.subMsg = r.subMsg;
    this.requestId = r.requestId;
    this.retryable = r.retryable === true;
    this.retryAfter = r.retryAfter;
  }
}

/** The body is not a TOP response for the method called. */
class DecodeError extends TopError {}

/** An inbound (SPI) call failed its signature or timestamp check; `reason` says which. */
class SignatureError extends TopError {
  constructor(message, { reason } = {}) {
    super(message);
    this.reason = reason;
  }
}

const CLASSES = { ValidationError, ApiError, DecodeError, SignatureError };
// `name` lives on the prototypes, so it shows in stacks but not in JSON. The
// names are spelled out: minifiers rename classes (a Vite build turned
// `Cls.name` into "F").
for (const [Cls, name] of [[TopError, 'TopError'], [ValidationError, 'ValidationError'], [ApiError, 'ApiError'], [DecodeError, 'DecodeError'], [SignatureError, 'SignatureError']]) {
  Object.defineProperty(Cls.prototype, 'name', { value: name, writable: true, configurable: true });
}

// Errors from the wasm side are plain records `{ kind, message, ...fields }`;
// anything else (a TypeError about argument types) passes through unchanged.
function rethrow(e) {
  const Cls = e !== null && typeof e === 'object' && !(e instanceof Error) ? CLASSES[e.kind] : undefined;
  if (Cls === undefined) throw e;
  const err = new Cls(e.message, e);
  // Drop the facade's frames: the stack points at the caller.
  if (Error.captureStackTrace) Error.captureStackTrace(err, rethrow);
  throw err;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

function optionsObject(options, what) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${what} must be an object, got ${Array.isArray(options) ? 'an array' : typeof options}`);
  }
  return options;
}

// Pairs for the wasm side: `[key, value][]`, from an array, a plain object,
// a Map, a Headers or URLSearchParams (anything with entries()).
function toPairs(value, what) {
  if (value === undefined || value === null || Array.isArray(value)) return value;
  if (typeof value !== 'object') return value; // the wasm side names the wrong type
  const out = [];
  if (typeof value.entries === 'function' && Object.getPrototypeOf(value) !== Object.prototype) {
    for (const [k, v] of value.entries()) out.push([k, v]);
    return out;
  }
  for (const k of Object.keys(value)) {
    const v = value[k];
    // Node's IncomingHttpHeaders gives repeated headers as arrays.
    out.push([k, what === 'headers' && Array.isArray(v) ? v.join(', ') : v]);
  }
  return out;
}

// The prepared request arrives as one string: "len,len,...;" then the parts.
/** Slices strings packed by the glue as `"len,len,...;" + parts`. */
function unpackParts(packed) {
  const head = packed.indexOf(';');
  const out = [];
  if (head <= 0) return out;
  let at = head + 1;
  for (const len of packed.slice(0, head).split(',')) {
    out.push(packed.slice(at, (at += +len)));
  }
  return out;
}

let HEADERS;

/**
 * A signed request: `method`, `url`, `headers` and `body` for any HTTP
 * client, and `params` (every signed pair, sorted as signed, `sign` last),
 * decoded from the URL and body only when read.
 */
class PreparedRequest {
  #start;
  #params;

  constructor(packed) {
    const a = packed.indexOf('\n');
    const b = packed.indexOf('\n', a + 1);
    const c = packed.indexOf('\n', b + 1);
    this.method = packed.slice(0, a);
    this.#start = +packed.slice(a + 1, b);
    this.url = packed.slice(b + 1, c);
    if (HEADERS === undefined) {
      const parts = unpackParts(wasm.requestHeaders());
      HEADERS = [];
      for (let i = 0; i + 1 < parts.length; i += 2) HEADERS.push([parts[i], parts[i + 1]]);
    }
    this.headers = {};
    for (const [k, v] of HEADERS) this.headers[k] = v;
    this.body = packed.slice(c + 1);
  }

  /** @returns {[string, string][]} */
  get params() {
    if (this.#params === undefined) {
      const parts = unpackParts(wasm.decodeParams(this.url.slice(this.#start), this.body));
      const pairs = [];
      for (let i = 0; i + 1 < parts.length; i += 2) pairs.push([parts[i], parts[i + 1]]);
      this.#params = pairs;
    }
    return this.#params.map((p) => [p[0], p[1]]);
  }

  toJSON() {
    return { method: this.method, url: this.url, headers: this.headers, body: this.body, params: this.params };
  }
}

// `parse` spans arrive packed as `end * SPAN + start` (bindings/wasm span_out).
const SPAN = 2 ** 21;
const UTF8_DECODER = new TextDecoder();

// Checked method names, kept so a parse neither passes nor checks the name
// again. Bounded: a program calls a handful of methods, but a bug calling
// with ever-new names must not grow memory.
const REPLY_METHODS = new Map();
const REPLY_METHODS_MAX = 256;

function replyMethod(name) {
  let m = REPLY_METHODS.get(name);
  if (m === undefined) {
    m = new wasm.Method(stringArg(name, 'method'));
    if (REPLY_METHODS.size >= REPLY_METHODS_MAX) REPLY_METHODS.clear();
    REPLY_METHODS.set(name, m);
  }
  return m;
}
const data = (out) => (typeof out === 'string' ? JSON.parse(out) : out);

function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'undefined' ? 'undefined' : t === 'object' ? 'an object' : `a ${t}`;
}

function stringArg(v, name) {
  if (typeof v !== 'string') throw new TypeError(`${name} must be a string, got ${typeName(v)}`);
  return v;
}

function epochMs(v, name) {
  if (v === undefined || v === null) return Date.now();
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'bigint') return Number(v);
  throw new TypeError(`${name} must be a Date or epoch milliseconds (number or bigint), got ${typeName(v)}`);
}

// Params travel to the wasm side as JSON text: one crossing instead of one
// per value. Anything JSON cannot carry exactly (NaN, unsafe integers,
// bigints beyond 64 bits, Dates, class instances, lone surrogates, deep
// nesting) makes this return undefined; the wasm side then walks the values
// itself and names the offending field.
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = String.prototype.isWellFormed ? (s) => s.isWellFormed() : (s) => !LONE.test(s);
const MIN_I64 = -(2n ** 63n);
const MAX_U64 = 2n ** 64n - 1n;

/**
 * Whether `JSON.stringify` gives exactly the text `encode` would: only
 * well-formed strings, safe numbers, booleans, null/undefined and plain
 * objects and arrays. A cheap walk plus the native stringify is several times
 * faster than building the text in JS; anything else (bigints, unsafe
 * numbers, Dates, functions) goes the slow, exact way.
 */
function plainJson(v, depth) {
  switch (typeof v) {
    case 'string':
      return wellFormed(v);
    case 'number':
      return Number.isSafeInteger(v) || (Number.isFinite(v) && !Number.isInteger(v));
    case 'boolean':
    case 'undefined':
      return true;
    case 'object': {
      if (v === null) return true;
      if (depth >= 64) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!plainJson(v[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        if (!wellFormed(k) || !plainJson(v[k], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

const UTF8 = new TextEncoder();
let scratch = new Uint8Array(4096);

/**
 * The UTF-8 of `text` as a view of a reused buffer, valid until the next
 * call: `encodeInto` skips the fresh allocation `encode` makes (a third of
 * the facade's cost for a typical call), and the glue copies the view into
 * wasm memory straight away.
 */
function utf8(text) {
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  return scratch.subarray(0, UTF8.encodeInto(text, scratch).written);
}

function encode(v, depth) {
  switch (typeof v) {
    case 'string':
      return wellFormed(v) ? JSON.stringify(v) : undefined;
    case 'number':
      return Number.isSafeInteger(v) || (Number.isFinite(v) && !Number.isInteger(v)) ? String(v) : undefined;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v >= MIN_I64 && v <= MAX_U64 ? String(v) : undefined;
    case 'undefined':
      return 'null';
    case 'object': {
      if (v === null) return 'null';
      if (depth >= 64) return undefined;
      if (Array.isArray(v)) {
        let s = '[';
        for (let i = 0; i < v.length; i++) {
          const e = encode(v[i], depth + 1);
          if (e === undefined) return undefined;
          s += i === 0 ? e : ',' + e;
        }
        return s + ']';
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return undefined;
      let s = '{';
      for (const k of Object.keys(v)) {
        const e = encode(v[k], depth + 1);
        if (e === undefined || !wellFormed(k)) return undefined;
        s += (s.length === 1 ? '' : ',') + JSON.stringify(k) + ':' + e;
      }
      return s + '}';
    }
    default:
      return undefined;
  }
}

/** `[method, session, params]` as JSON, with params already encoded (undefined: could not be). */
function callText(method, session, params) {
  if (params === undefined) return undefined;
  return `[${JSON.stringify(method)},${session == null ? 'null' : JSON.stringify(session)},${params}]`;
}

/**
 * A TOP application: app key, secret and settings. Immutable; share it.
 * The secret stays inside the WebAssembly instance.
 */
class TopClient {
  #inner;

  constructor(options) {
    ensureReady();
    const o = optionsObject(options, 'TopClient options');
    try {
      this.#inner = new wasm.Client(
        o.appKey, o.appSecret, o.signMethod, o.format, o.simplify,
        o.gateway, o.partnerId, o.targetAppKey,
      );
    } catch (e) {
      rethrow(e);
    }
  }

  /** Signs a call: `{ method, url, headers, body, params }`, ready for fetch. */
  prepare(method, params, options) {
    const o = options === undefined ? {} : optionsObject(options, 'prepare options');
    stringArg(method, 'method');
    const session = o.session;
    if (session !== undefined && session !== null) stringArg(session, 'session');
    const allowUnknown = o.allowUnknown;
    if (allowUnknown !== undefined && typeof allowUnknown !== 'boolean') {
      throw new TypeError(`allowUnknown must be a boolean, got ${typeName(allowUnknown)}`);
    }
    const ts = epochMs(o.timestamp, 'timestamp');
    // The whole call as one JSON text: one native stringify (params are
    // JSON-safe, checked by the walk), else params written exactly by `encode`.
    const call = plainJson(params, 0)
      ? JSON.stringify([method, session ?? null, params ?? null])
      : callText(method, session, encode(params, 0));
    try {
      // UTF-8 from the native encoder crosses as bytes: much cheaper than
      // wasm-bindgen copying a string character by character.
      const packed = call === undefined
        ? this.#inner.prepareValues(method, params, session ?? undefined, ts, allowUnknown === true)
        : this.#inner.prepare(utf8(call), ts, allowUnknown === true);
      return new PreparedRequest(packed);
    } catch (e) {
      return rethrow(e);
    }
  }

  /** Parses a response body (string or bytes); throws ApiError for `error_response`. */
  parse(method, body) {
    let span;
    try {
      const m = replyMethod(method);
      if (typeof body === 'string') {
        span = this.#inner.parse(m, body);
        // The core checked the reply and found its own text to be the data:
        // the native JSON.parse of that slice is the fastest way to objects.
        if (span >= 0) return JSON.parse(body.slice(span % SPAN, Math.floor(span / SPAN)));
      } else if (body instanceof Uint8Array || body instanceof ArrayBuffer) {
        const bytes = body instanceof Uint8Array ? body : new Uint8Array(body);
        span = this.#inner.parseBytes(m, bytes);
        if (span >= 0) return JSON.parse(UTF8_DECODER.decode(bytes.subarray(span % SPAN, Math.floor(span / SPAN))));
      } else {
        throw new TypeError(`body must be a string, a Uint8Array or an ArrayBuffer, got ${typeName(body)}`);
      }
    } catch (e) {
      rethrow(e);
    }
    return data(this.#inner.takeData());
  }

  /** The settings, without the secret. */
  toJSON() {
    return this.#inner.describe();
  }

  [INSPECT](depth, opts, inspect) {
    const fields = this.#inner.describe();
    return `TopClient ${inspect ? inspect(fields, opts) : JSON.stringify(fields)}`;
  }

  toString() {
    return `[TopClient ${this.#inner.describe().appKey}]`;
  }

  /** Releases the WebAssembly memory now instead of at garbage collection. */
  free() {
    this.#inner.free();
  }
}

/** The bare signature of `params` (`[key, value][]` or an object). */
function sign(params, secret, signMethod) {
  ensureReady();
  try {
    return wasm.sign(toPairs(params, 'params'), secret, signMethod);
  } catch (e) {
    return rethrow(e);
  }
}

/** The string the signature covers, for debugging error 25 (invalid signature). */
function stringToSign(params) {
  ensureReady();
  try {
    return wasm.stringToSign(toPairs(params, 'params'));
  } catch (e) {
    return rethrow(e);
  }
}

/**
 * Checks an inbound (SPI) call from TOP. Returns nothing when it is genuine;
 * throws SignatureError (with `reason`) or ValidationError.
 */
function verifySpi(request) {
  ensureReady();
  const r = optionsObject(request, 'verifySpi request');
  try {
    const query = typeof URLSearchParams !== 'undefined' && r.query instanceof URLSearchParams ? r.query.toString() : r.query;
    const now = epochMs(r.now, 'now');
    const skew = r.maxSkewMs;
    if (skew !== undefined && skew !== null && typeof skew !== 'number') {
      throw new TypeError(`maxSkewMs must be a number of milliseconds, got ${typeName(skew)}`);
    }
    wasm.verifySpi(query, toPairs(r.headers, 'headers'), r.body, r.contentType, r.secret, now, skew ?? undefined);
  } catch (e) {
    rethrow(e);
  }
}

/**
 * The local TOP gateway, sans I/O (the core's): given an HTTP request, the
 * reply TOP would send. `config` is the config file's JSON text or the same
 * as an object; `appKey` with `appSecret` replace its apps. Immutable; the
 * secrets stay inside the WebAssembly instance. `topwire/gateway` serves it
 * over Node's http.
 */
/**
 * The glue's gateway exports. The browser builds leave the gateway out to
 * stay small; they are reached through this object rather than `wasm.X`,
 * which bundlers check statically (webpack refuses a missing export).
 */
function gatewayGlue() {
  const glue = GATEWAY_GLUE;
  if (glue === undefined || typeof glue.Gateway !== 'function') {
    throw new TopError('topwire: Gateway is part of the Node build only (the browser build leaves it out to stay small)');
  }
  return glue;
}

class Gateway {
  #inner;

  constructor(config, options) {
    ensureReady();
    const glue = gatewayGlue();
    const o = optionsObject(options, 'Gateway options');
    let text = config;
    if (config !== undefined && config !== null && typeof config === 'object') {
      text = JSON.stringify(config);
    }
    try {
      this.#inner = new glue.Gateway(text, o.appKey, o.appSecret);
    } catch (e) {
      rethrow(e);
    }
  }

  /** The app key a gateway accepts when nothing names one: `12345678`. */
  static get DEFAULT_APP_KEY() {
    ensureReady();
    return gatewayGlue().gatewayDefaults()[0];
  }

  /** The secret of DEFAULT_APP_KEY (public, local only): `topwire-local-secret`. */
  static get DEFAULT_APP_SECRET() {
    ensureReady();
    return gatewayGlue().gatewayDefaults()[1];
  }

  /** The app keys accepted (never the secrets). */
  get appKeys() {
    return this.#inner.appKeys();
  }

  /**
   * Answers one request `{ method, url, headers, body }` (`url`: path and
   * query, or a full URL) at `nowMs` (default now): `{ status, headers, body }`.
   */
  handle(request, nowMs) {
    const r = optionsObject(request, 'Gateway request');
    const now = epochMs(nowMs, 'nowMs');
    let out;
    try {
      out = this.#inner.handle(r.method, r.url, toPairs(r.headers, 'headers'), r.body, now);
    } catch (e) {
      rethrow(e);
    }
    const headers = {};
    for (const [k, v] of out.headers) headers[k] = v;
    return { status: out.status, headers, body: out.body };
  }

  /** The app keys, without the secrets. */
  toJSON() {
    return { appKeys: this.appKeys };
  }

  [INSPECT](depth, opts, inspect) {
    const fields = this.toJSON();
    return `Gateway ${inspect ? inspect(fields, opts) : JSON.stringify(fields)}`;
  }

  toString() {
    return `[Gateway ${this.appKeys.join(', ')}]`;
  }

  /** Releases the WebAssembly memory now instead of at garbage collection. */
  free() {
    this.#inner.free();
  }
}
