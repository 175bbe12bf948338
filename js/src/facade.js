// The JS face of topwire: error classes, TopClient, sign, verifySpi, Gateway,
// and TMC (decodeFrame, encodeFrame, TmcSession; Node only).
// Everything TOP-specific happens in the Rust core (the wasm module); the
// records it reads and writes are declared once there (src/boundary/options.rs).
//
// The contract with the glue (bindings/wasm): the caller's values are read
// exactly once, here, straight into JSON text (`jsonText`), which crosses
// into WebAssembly as UTF-8 bytes; records come back as JSON text, and a
// prepared request is read in place from wasm memory (`requestAt`).
// A throwing getter, Proxy trap or toJSON therefore throws in plain JS with
// no wasm frame on the stack, and the instance stays sound. The walk also
// applies the JS number rules and refuses what would otherwise change on the
// way: lone surrogates, and inputs too large for wasm memory.
//
// This file is a real ES module. scripts/build.mjs copies it next to each
// build's glue (`topwire_wasm.js`) and runtime (`runtime.js`: init and,
// in Node, the gateway exports).
import * as wasm from './topwire_wasm.js';
import { asciiText, ensureReady, gatewayGlue, memoryBytes } from './runtime.js';

/** Base class of every error topwire throws. */
class TopError extends Error {}

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
    this.isSessionError = r.isSessionError === true;
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

/** The error of a core error record (the JSON of `{ kind, message, ...fields }`), or undefined. */
function errorOf(e) {
  const record = typeof e === 'string' && e.startsWith('{"kind":') ? JSON.parse(e) : undefined;
  const Cls = record === undefined ? undefined : CLASSES[record.kind];
  return Cls === undefined ? undefined : new Cls(record.message, record);
}

/** Throws a core error record (the JSON of `{ kind, message, ...fields }`) as its class; anything else as is. */
function rethrow(e) {
  const err = errorOf(e);
  if (err === undefined) throw e;
  // Drop the facade's frames: the stack points at the caller.
  if (Error.captureStackTrace) Error.captureStackTrace(err, rethrow);
  throw err;
}

/** A ValidationError raised by the facade itself (same shape as the core's). */
function invalid(field, expected, got) {
  return new ValidationError(`${field}: expected ${expected}, got ${got}`, { field, expected, got });
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'undefined' ? 'undefined' : t === 'object' ? 'an object' : `a ${t}`;
}

// ---- reading the caller's values once ----

/** Nesting deeper than this is refused (the core's MAX_DEPTH; it also stops cycles). */
const MAX_DEPTH = 64;
/**
 * Characters and bytes one call may carry. The JSON text crosses into wasm
 * memory (32-bit, at most 4 GiB, UTF-8 up to 3 bytes a character): far
 * beyond anything TOP accepts, and well inside what the instance can grow
 * to, so an oversized input is a ValidationError instead of a trap.
 */
const MAX_INPUT = 256 * 1024 * 1024;

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = String.prototype.isWellFormed ? (s) => s.isWellFormed() : (s) => !LONE.test(s);
const LONE_ALL = new RegExp(LONE.source, 'g');
const toWellFormed = String.prototype.toWellFormed ? (s) => s.toWellFormed() : (s) => s.replace(LONE_ALL, '\uFFFD');

/** Counts what a call carries (see MAX_INPUT) and holds its files. */
class Budget {
  used = 0;
  /** Keys and indices down to the value being read (see `jsonText`). */
  path = [];
  /** The bytes of the files met (see `file`), crossing beside the JSON. */
  files = [];
  /** `field`: a name, or this budget while walking (named by its path). */
  take(n, field) {
    this.used += n;
    if (this.used > MAX_INPUT) {
      throw invalid(field === this ? pathName(this) : field, `at most ${MAX_INPUT} characters or bytes in one call`, 'more');
    }
  }
}

/** A string as is, once checked: well-formed UTF-16 and within the budget. */
function text(s, field, budget) {
  budget.take(s.length, field);
  if (!wellFormed(s)) throw invalid(field, 'well-formed text', 'a lone surrogate (half of a UTF-16 pair)');
  return s;
}

const child = (field, key) => (field === '' ? key : `${field}.${key}`);

function isPlain(v) {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Bytes as a fresh Uint8Array, or undefined if `v` holds none. */
function bytesOf(v, field, budget) {
  let view;
  if (v instanceof Uint8Array) view = v;
  else if (v instanceof ArrayBuffer) view = new Uint8Array(v);
  else return undefined;
  budget.take(view.length, field);
  return view.slice();
}

const cut40 = (s) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
const MIN_I64 = -(2n ** 63n);
const MAX_U64 = 2n ** 64n - 1n;

/**
 * The number rules, for prepare and sign alike: safe integers and finite
 * fractions as they are; bigints within 64 bits; NaN, the infinities and
 * integers a JS number cannot hold exactly are refused (sending them would
 * drop or round the caller's number). Decimal strings pass as strings.
 */
function number(v, budget) {
  if (typeof v === 'bigint') {
    // Worded as in every language: the digits cut at 40 characters.
    if (v < MIN_I64 || v > MAX_U64) throw invalid(pathName(budget), 'an integer within 64 bits', `the number ${cut40(String(v))}`);
    return v;
  }
  if (Number.isSafeInteger(v) || (Number.isFinite(v) && !Number.isInteger(v))) return v;
  if (!Number.isFinite(v)) throw invalid(pathName(budget), 'a finite number', `the number ${v}`);
  throw invalid(pathName(budget), 'a safe integer (at most 2^53 - 1 in size), a bigint or a decimal string', `the number ${v}, which a JS number cannot hold exactly`);
}

/**
 * The key that marks a file in the JSON crossing into wasm: `{ [FILE]:
 * [start, end], filename?, content_type? }`, the file's bytes being
 * `start..end` of the call's file bytes (bindings/wasm `attach_files`).
 * No caller's key may be it.
 */
const FILE = '\u0000topwire-file';
const FILE_KEYS = new Set(['data', 'filename', 'contentType']);

/**
 * A file to upload (TOP's `byte[]`): a Uint8Array (a Buffer too) or an
 * ArrayBuffer, or `{ data, filename?, contentType? }` with one. Its bytes are
 * copied once into `budget.files`; the JSON holds a marker.
 * Returns undefined for anything else.
 */
function file(v, budget) {
  let bytes = bytesOf(v, budget, budget);
  const marker = {};
  if (bytes === undefined) {
    if (!isPlain(v) || !Object.hasOwn(v, 'data')) return undefined;
    const data = v.data;
    if (!(data instanceof Uint8Array || data instanceof ArrayBuffer)) return undefined;
    const member = (k) => `${pathName(budget)}.${k}`;
    for (const k of Object.keys(v)) {
      if (!FILE_KEYS.has(k)) throw invalid(member(k), 'data, filename or contentType (a file)', 'an unknown key');
    }
    bytes = bytesOf(data, budget, budget);
    const { filename, contentType } = v;
    const str = (x, k) => {
      if (typeof x !== 'string') throw invalid(member(k), 'a string', typeName(x));
      return text(x, member(k), budget);
    };
    if (filename !== undefined) marker.filename = str(filename, 'filename');
    if (contentType !== undefined) marker.content_type = str(contentType, 'contentType');
  }
  const start = budget.files.reduce((n, b) => n + b.length, 0);
  budget.files.push(bytes);
  marker[FILE] = [start, start + bytes.length];
  return marker;
}

/** The call's file bytes, one after another (what the markers' ranges index). */
function fileBytes(budget) {
  if (budget.files.length === 1) return budget.files[0];
  const out = new Uint8Array(budget.files.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of budget.files) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** The name of the value being read: `a.b[0].c`. */
function pathName(budget) {
  let out = '';
  for (const seg of budget.path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (seg !== '') out = out === '' ? seg : `${out}.${seg}`;
  }
  return out || 'params';
}

/**
 * The caller's value as JSON text in one walk, for every call: every
 * property read once; strings, numbers, bigints, booleans, null, arrays,
 * plain objects and files (marked); strings checked, the number rules
 * applied. `field` names the value in errors; inner values are named by the
 * keys and indices on the way down, kept on a stack and joined only for an
 * error. Bigints are written as their digits, which the core's JSON reader
 * takes as 64-bit integers.
 */
function jsonText(v, field, depth, budget) {
  const path = budget.path;
  const mark = path.length;
  path.push(field);
  try {
    return jsonAt(v, depth, budget);
  } finally {
    path.length = mark;
  }
}

/** What a string needs checked or escaped for: surrogates, quotes, backslashes, control characters. */
const PLAIN_TEXT_NOT = /[\uD800-\uDFFF"\\\u0000-\u001F]/;

/**
 * Text already checked (well-formed) as a JSON string: in quotes as it is
 * unless something needs escaping (a regular-expression test costs far less
 * than JSON.stringify of a short string).
 */
function quoted(s) {
  return PLAIN_TEXT_NOT.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * Object keys met before, as `["{"key":", ","key":"]` (their checked JSON
 * text opening an object or following a member): a program sends the same
 * few names call after call, and this skips checking and quoting them
 * again (each is still counted in the budget). Short keys only, and
 * bounded like REPLY_METHODS.
 */
const KEY_TEXTS = new Map();
const KEY_TEXTS_MAX = 1024;
const KEY_TEXT_MAX_LENGTH = 64;

/** The texts of KEY_TEXTS for a key of an object being read; the key is text too, and never the file marker. */
function keyText(k, budget) {
  let t = KEY_TEXTS.get(k);
  if (t !== undefined) {
    budget.take(k.length, budget);
    return t;
  }
  const key = jsonAt(k, 0, budget);
  t = [`{${key}:`, `,${key}:`];
  if (k === FILE) throw invalid(pathName(budget), 'a key other than the one marking files', 'it');
  if (k.length <= KEY_TEXT_MAX_LENGTH) {
    if (KEY_TEXTS.size >= KEY_TEXTS_MAX) KEY_TEXTS.clear();
    KEY_TEXTS.set(k, t);
  }
  return t;
}

function jsonAt(v, depth, budget) {
  switch (typeof v) {
    case 'string':
      budget.take(v.length, budget);
      // Most text holds no surrogate and nothing JSON escapes: one test.
      if (!PLAIN_TEXT_NOT.test(v)) return `"${v}"`;
      if (!wellFormed(v)) throw invalid(pathName(budget), 'well-formed text', 'a lone surrogate (half of a UTF-16 pair)');
      return JSON.stringify(v);
    case 'number':
    case 'bigint':
      // A finite number's and a bigint's String are their JSON.
      return String(number(v, budget));
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object': {
      if (v === null) return 'null';
      if (depth >= MAX_DEPTH) throw invalid(pathName(budget), `at most ${MAX_DEPTH} levels of nesting`, 'deeper nesting (a cycle?)');
      const path = budget.path;
      if (Array.isArray(v)) {
        const n = v.length;
        let out = '[';
        for (let i = 0; i < n; i++) {
          path.push(i);
          if (i > 0) out += ',';
          out += jsonAt(v[i], depth + 1, budget);
          path.pop();
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        const f = file(v, budget); // bytes, or not allowed
        if (f !== undefined) return JSON.stringify(f);
        break;
      }
      if (Object.hasOwn(v, 'data')) {
        const f = file(v, budget); // `{ data, filename?, contentType? }`?
        if (f !== undefined) return JSON.stringify(f);
      }
      let out = '';
      for (const k of Object.keys(v)) {
        path.push(k);
        const key = keyText(k, budget);
        // Appended piece by piece: fewer string joins to undo when the
        // text is flattened for encoding.
        out += out === '' ? key[0] : key[1];
        out += jsonAt(v[k], depth + 1, budget);
        path.pop();
      }
      return out === '' ? '{}' : `${out}}`;
    }
    default:
      break;
  }
  const got = v instanceof Date ? 'a Date' : typeName(v);
  throw invalid(pathName(budget), 'a string, number, bigint, boolean, array, plain object or bytes (a file)', got);
}

const UTF8 = new TextEncoder();
let scratch = new Uint8Array(4096);

/**
 * The UTF-8 of `text` as a view of a reused buffer, valid until the next
 * call: `encodeInto` skips the fresh allocation `encode` makes, and the glue
 * copies the view into wasm memory straight away.
 */
function utf8(text) {
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  return scratch.subarray(0, UTF8.encodeInto(text, scratch).written);
}

/** A required string argument: a TypeError if not a string, checked as text. */
function stringArg(v, name, budget) {
  if (typeof v !== 'string') throw new TypeError(`${name} must be a string, got ${typeName(v)}`);
  return text(v, name, budget);
}

/** Epoch milliseconds from a Date, number or bigint (default now) as JSON text; else the value, for the core to refuse. */
function epochText(v, field, budget) {
  if (v === undefined || v === null) return String(Date.now());
  return jsonText(v instanceof Date ? v.getTime() : v, field, 1, budget);
}

/**
 * `[name, nameText, valueText]` from an array of pairs, a plain object, a
 * Map, Headers or URLSearchParams: the name as given, and the JSON text of
 * name and value.
 */
function pairsOf(v, field, budget) {
  const out = [];
  const add = (k, value) => {
    if (value === undefined) return;
    // Node's IncomingHttpHeaders gives repeated headers as arrays.
    const joined = Array.isArray(value) && field === 'headers' ? value.join(', ') : value;
    out.push([k, jsonText(k, `${field}[${out.length}]`, 2, budget), jsonText(joined, child(field, String(k)), 2, budget)]);
  };
  if (Array.isArray(v)) {
    for (const pair of v) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`${field} must hold [key, value] pairs`);
      add(pair[0], pair[1]);
    }
  } else if (v !== null && typeof v === 'object' && !isPlain(v) && typeof v.entries === 'function') {
    for (const [k, value] of v.entries()) add(k, value);
  } else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) add(k, v[k]);
  } else {
    throw new TypeError(`${field} must be an object or an array of [key, value] pairs, got ${typeName(v)}`);
  }
  return out;
}

/** A body as fresh bytes (a string as its UTF-8). */
function bodyOf(v, field, budget) {
  if (v === undefined || v === null) return new Uint8Array(0);
  if (typeof v === 'string') return UTF8.encode(text(v, field, budget));
  const bytes = bytesOf(v, field, budget);
  if (bytes === undefined) throw new TypeError(`${field} must be a string, a Uint8Array or an ArrayBuffer, got ${typeName(v)}`);
  return bytes;
}

/**
 * An options object as JSON text for the core, which refuses unknown keys.
 * `special` reads some keys its own way (times, headers, bodies): it
 * returns the value's JSON text, or undefined for a value it set aside in
 * `aside` (a body's bytes). `defaults(aside)`: members to add at the end.
 */
function optionsText(options, what, budget, special = {}, aside = {}, defaults = undefined) {
  let out = '';
  if (options === undefined || options === null) return `{${defaults ? defaults(aside) : ''}}`;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${what} must be an object, got ${typeName(options)}`);
  }
  for (const k of Object.keys(options)) {
    const v = options[k];
    const own = special[k];
    // `undefined` and `null` mean "not given", as JS callers expect of options.
    if (v === undefined || (v === null && own === undefined)) continue;
    const read = own !== undefined && Object.hasOwn(special, k) ? own : undefined;
    const key = quoted(text(k, k, budget));
    const value = read ? read(v, k, budget, aside) : jsonText(v, k, 1, budget);
    if (value !== undefined) out += `${out === '' ? '' : ','}${key}:${value}`;
  }
  const more = defaults ? defaults(aside) : '';
  return `{${out}${out !== '' && more !== '' ? ',' : ''}${more}}`;
}

/** A time key (a Date, epoch milliseconds or a bigint; `null`: now), noted in `aside` as given. */
const timeKey = (v, k, budget, aside) => (aside[k] = epochText(v, k, budget));

/** `defaults` of `optionsText`: `"key":now` if `timeKey` did not see `key`. */
const nowUnless = (key) => (aside) => (aside[key] === undefined ? `"${key}":${Date.now()}` : '');

const PREPARE_FIELDS = { timestamp: timeKey };
const PREPARE_DEFAULTS = nowUnless('timestamp');

/** Prepare options as JSON text, the timestamp filled in with now if not given. */
const prepareOptionsText = (options, budget) => optionsText(options, 'prepare options', budget, PREPARE_FIELDS, {}, PREPARE_DEFAULTS);

const PREPARE_KEYS = ['session', 'timestamp', 'allowUnknown'];
const SEND_KEYS = ['timeout', 'retries', 'fetch', 'sleep'];
const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `client.call` options: prepare's (`session`, `timestamp`, `allowUnknown`)
 * and the sender's: `timeout` (ms per attempt, default 10 s), `retries`
 * (default 2, at most 10), `fetch` (default the global one), `sleep(ms)`
 * (a promise; default setTimeout). Unknown keys are refused as everywhere.
 */
function callOptions(options) {
  const [defaultTimeout, defaultRetries] = wasm.sendDefaults();
  const send = { timeout: defaultTimeout, retries: defaultRetries, fetch: globalThis.fetch, sleep: sleepMs };
  const prepare = {};
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`call options must be an object, got ${typeName(options)}`);
  for (const k of Object.keys(options)) {
    const v = options[k];
    if (PREPARE_KEYS.includes(k)) prepare[k] = v;
    else if (!SEND_KEYS.includes(k)) call(() => wasm.unknownOption(text(k, k, new Budget()), [...PREPARE_KEYS, ...SEND_KEYS].join(',')));
    else if (v !== undefined && v !== null) send[k] = v;
  }
  if (typeof send.fetch !== 'function') throw new TypeError('call options: fetch must be a function (no global fetch here: pass one)');
  if (typeof send.sleep !== 'function') throw new TypeError(`call options: sleep must be a function, got ${typeName(send.sleep)}`);
  if (typeof send.timeout !== 'number' || !(send.timeout > 0) || !Number.isFinite(send.timeout)) {
    throw invalid('timeout', 'a positive number of milliseconds', typeof send.timeout === 'number' ? String(send.timeout) : typeName(send.timeout));
  }
  if (typeof send.retries !== 'number') throw invalid('retries', 'a whole number from 0 to 10', typeName(send.retries));
  send.retries = call(() => wasm.checkRetries(send.retries));
  return { send, prepare };
}

/** Calls into wasm with records already read; core error records become classes. */
function call(fn) {
  try {
    return fn();
  } catch (e) {
    return rethrow(e);
  }
}

// ---- TopClient ----

// The glue's wasm memory, as bytes and as words, made again after the
// memory grows (which detaches the buffer they view: their length is then 0).
let memBytes;
let memWords;

function memory() {
  if (memBytes === undefined || memBytes.length === 0) {
    const buffer = wasm.wasmMemory().buffer;
    memBytes = memoryBytes(buffer);
    memWords = new DataView(buffer);
  }
  return memBytes;
}

// Flags of a prepared request in wasm memory (bindings/wasm `OUT_*`).
const OUT_ASCII = 1;
const OUT_BODY_BYTES = 2;
const OUT_SIGNED_FORM = 4;

/**
 * The constant text last met at each field of a prepared request, with its
 * address and length: a constant is made a JS string once per field.
 */
const CONSTANT_TEXT = [];
const CONSTANT_START = [];
const CONSTANT_END = [];

/**
 * The prepared request whose directory the glue returned at `at` (bindings/wasm
 * `request_out`): `[flags, constants, signedQueryStart, count, (address,
 * length) × count]` as little-endian u32 words. Returns `[method, url, body,
 * signedQueryStart, signedForm, ...headers]`: texts as strings (ASCII ones
 * sliced without UTF-8 decoding, constants made once), a multipart body as a
 * copy of its bytes. Read at once: the fields live until the client's next call.
 */
function requestAt(at) {
  const bytes = memory();
  const words = memWords;
  const flags = words.getUint32(at, true);
  const constants = words.getUint32(at + 4, true);
  const count = words.getUint32(at + 12, true);
  const out = [];
  for (let i = 0, w = at + 16; i < count; i++, w += 8) {
    const start = words.getUint32(w, true);
    const end = start + words.getUint32(w + 4, true);
    if ((constants & (1 << i)) !== 0) {
      if (CONSTANT_START[i] !== start || CONSTANT_END[i] !== end) {
        CONSTANT_TEXT[i] = UTF8_DECODER.decode(bytes.subarray(start, end));
        CONSTANT_START[i] = start;
        CONSTANT_END[i] = end;
      }
      out.push(CONSTANT_TEXT[i]);
    } else if (i === 2 && (flags & OUT_BODY_BYTES) !== 0) {
      out.push(bytes.slice(start, end));
    } else {
      out.push((flags & OUT_ASCII) !== 0 ? asciiText(bytes, start, end) : UTF8_DECODER.decode(bytes.subarray(start, end)));
    }
    if (i === 2) {
      out.push(words.getUint32(at + 8, true));
      if ((flags & OUT_SIGNED_FORM) === 0) out.push(undefined);
    }
  }
  return out;
}

/**
 * A signed request: `method`, `url`, `headers` and `body` for any HTTP
 * client, and `params` (every signed pair, sorted as signed, `sign` last),
 * decoded from the URL and body only when read.
 */
class PreparedRequest {
  #start;
  #params;

  #signedForm;

  /**
   * `out`: `[method, url, body, signedQueryStart, signedForm, ...headers
   * as name, value]`, as `requestAt` reads them from wasm memory.
   */
  constructor(out) {
    this.method = out[0];
    this.url = out[1];
    const headers = {};
    for (let i = 5; i < out.length; i += 2) headers[out[i]] = out[i + 1];
    this.headers = headers;
    /** The urlencoded text, or for an upload the multipart body's bytes. */
    this.body = out[2];
    this.#start = out[3];
    // What the signed params decode from: the urlencoded text (for an
    // upload, its text parameters).
    this.#signedForm = out[4] ?? out[2];
  }

  /** @returns {[string, string][]} */
  get params() {
    this.#params ??= JSON.parse(wasm.decodeParams(this.url.slice(this.#start), this.#signedForm));
    return this.#params.map((p) => [p[0], p[1]]);
  }

  toJSON() {
    return { method: this.method, url: this.url, headers: this.headers, body: this.body, params: this.params };
  }

  /**
   * `{ method, url, headers, body }` with the values of secret fields (a
   * customer's card secret) as ***, an upload's body as its size: what
   * console.log shows, and what `client.call` errors keep as `request`.
   */
  redacted() {
    const body = typeof this.body === 'string'
      ? wasm.redactBody(this.url.slice(this.#start), this.body)
      : `<${this.body.length} bytes>`;
    return { method: this.method, url: this.url, headers: { ...this.headers }, body };
  }

  // console.log and util.inspect show the redacted body; `body` itself is what is sent.
  [INSPECT](depth, opts, inspect) {
    const fields = this.redacted();
    return `PreparedRequest ${inspect ? inspect(fields, opts) : JSON.stringify(fields)}`;
  }
}

/** The header naming a batch's separator when it is not the default. */
const SEPARATOR_HEADER = 'top-api-separator';

/** A signed batch: a PreparedRequest, plus `methods`, the calls' methods in order (for `parseBatch`). */
class PreparedBatch extends PreparedRequest {
  constructor(out, methods) {
    super(out);
    this.methods = methods;
  }

  toJSON() {
    return { ...super.toJSON(), methods: this.methods };
  }

  // The body with the values of secret fields (card secrets) as ***, line by line.
  [INSPECT](depth, opts, inspect) {
    const body = gatewayGlue().redactBatch(this.body, this.headers[SEPARATOR_HEADER] ?? '\r\n-S-\r\n');
    const fields = { method: this.method, url: this.url, headers: this.headers, body, methods: this.methods };
    return `PreparedBatch ${inspect ? inspect(fields, opts) : JSON.stringify(fields)}`;
  }
}

/**
 * Runs `f`; a ValidationError it throws about a value that is, or may hold,
 * one of `method`'s secrets (a card secret as an unsafe number) is thrown
 * again without showing the value.
 */
function hidingSecrets(method, f) {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof ValidationError) || !wasm.isSecretPath(method, e.field)) throw e;
    throw invalid(e.field, e.expected, 'a value (secret, not shown)');
  }
}

// `parse` spans arrive as `end * SPAN + start` (bindings/wasm span_out).
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
    const checked = stringArg(name, 'method', new Budget());
    m = call(() => new wasm.Method(checked));
    if (REPLY_METHODS.size >= REPLY_METHODS_MAX) REPLY_METHODS.clear();
    REPLY_METHODS.set(name, m);
  }
  return m;
}

/** Parsed data as the glue hands it: a span of the body's text, JSON text, or objects. */
function dataOf(out, body, bytes) {
  if (typeof out === 'number') {
    const [start, end] = [out % SPAN, Math.floor(out / SPAN)];
    return JSON.parse(bytes === undefined ? body.slice(start, end) : UTF8_DECODER.decode(bytes.subarray(start, end)));
  }
  return typeof out === 'string' ? dataOfText(out) : out;
}

/**
 * Data from the glue's JSON text. Text led by U+0000 is marked (the core's
 * `Verbatim::marked_text`): each integer beyond 2^53 is the string of
 * U+0000 and its digits, and a string of the data that starts with U+0000
 * has a second one in front. The reviver undoes both, exactly.
 */
function dataOfText(text) {
  return text.charCodeAt(0) === 0 ? JSON.parse(text.slice(1), reviveBig) : JSON.parse(text);
}

function reviveBig(_key, v) {
  if (typeof v !== 'string' || v.charCodeAt(0) !== 0) return v;
  return v.charCodeAt(1) === 0 ? v.slice(1) : BigInt(v.slice(1));
}

/**
 * One call of a batch as JSON text: each key read once, `params` walked as
 * `prepare` walks them (a card secret never shown), errors named under
 * `calls[i]`. Unknown keys go through for the core to refuse by name.
 */
function batchCallText(c, i, budget, methods) {
  const at = `calls[${i}]`;
  if (c === null || typeof c !== 'object' || Array.isArray(c) || !isPlain(c)) {
    throw invalid(at, '{ method, params, session? }', typeName(c));
  }
  const entries = Object.keys(c).map((k) => [k, c[k]]);
  const method = entries.find(([k]) => k === 'method')?.[1];
  methods.push(method);
  let out = '';
  for (const [k, v] of entries) {
    if (v === undefined) continue;
    let value;
    try {
      value = k === 'params'
        ? hidingSecrets(typeof method === 'string' ? method : '', () => jsonText(v, '', 0, budget))
        : jsonText(v, k, 1, budget);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      throw invalid(`${at}.${e.field}`, e.expected, e.got);
    }
    out += `${out === '' ? '' : ','}${quoted(text(k, `${at}.${k}`, budget))}:${value}`;
  }
  return `{${out}}`;
}

/**
 * A TOP application: app key, secret and settings. Immutable; share it.
 * The secret stays inside the WebAssembly instance.
 */
class TopClient {
  #inner;

  constructor(options) {
    ensureReady();
    const budget = new Budget();
    const o = utf8(optionsText(options, 'TopClient options', budget));
    this.#inner = call(() => new wasm.Client(o));
  }

  /** Signs a call: `{ method, url, headers, body, params }`, ready for fetch. */
  prepare(method, params, options) {
    const budget = new Budget();
    const m = stringArg(method, 'method', budget);
    const p = hidingSecrets(m, () => jsonText(params, '', 0, budget));
    const o = prepareOptionsText(options, budget);
    const bytes = utf8(`[${quoted(m)},${p},${o}]`);
    let out;
    try {
      out = budget.files.length === 0 ? this.#inner.prepare(bytes) : this.#inner.prepareUpload(bytes, fileBytes(budget));
    } catch (e) {
      rethrow(e);
    }
    return new PreparedRequest(requestAt(out));
  }

  /**
   * Prepares, sends (with `fetch`, the global one unless given), parses and,
   * for what the core marks retryable, sends again: see `callOptions`.
   * A TopError it throws keeps the request as `request` (redacted).
   */
  async call(method, params, options) {
    const { send, prepare } = callOptions(options);
    for (let attempt = 1; ; attempt++) {
      const req = this.prepare(method, params, prepare);
      try {
        const init = { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(send.timeout) };
        const res = await send.fetch(req.url, init);
        return this.parse(method, await res.text());
      } catch (e) {
        if (!(e instanceof TopError)) throw e;
        e.request = req.redacted();
        const wait = e instanceof ApiError ? wasm.retryDelay(e.retryable, e.retryAfter, attempt, send.retries) : undefined;
        if (wait === undefined) throw e;
        await send.sleep(wait);
      }
    }
  }

  /** Parses a response body (string or bytes); throws ApiError for `error_response`. */
  parse(method, body) {
    const m = replyMethod(method);
    if (typeof body === 'string') {
      if (body.length > MAX_INPUT) throw invalid('body', `at most ${MAX_INPUT} characters`, 'more');
      // A raw lone surrogate in a reply reads as U+FFFD, as a lossy decoder
      // (and the core, for an escaped one) reads it: the same on every path,
      // the native JSON.parse of a slice included.
      if (!wellFormed(body)) body = toWellFormed(body);
      let out;
      try {
        out = this.#inner.parse(m, body);
      } catch (e) {
        rethrow(e);
      }
      // The core checked the reply and found its own text to be the data:
      // the native JSON.parse of that slice is the fastest way to objects.
      if (out >= 0) return JSON.parse(body.slice(out % SPAN, Math.floor(out / SPAN)));
      return dataOf(this.#inner.takeParsed());
    }
    const bytes = bytesOf(body, 'body', new Budget());
    if (bytes === undefined) throw new TypeError(`body must be a string, a Uint8Array or an ArrayBuffer, got ${typeName(body)}`);
    const out = call(() => this.#inner.parseBytes(m, bytes));
    if (out >= 0) return JSON.parse(UTF8_DECODER.decode(bytes.subarray(out % SPAN, Math.floor(out / SPAN))));
    return dataOf(this.#inner.takeParsed());
  }

  /**
   * Signs many calls as one `/router/batch` request: `calls` is an array of
   * `{ method, params, session? }`, options `{ session, timestamp, separator,
   * batchUrl }`. Returns the prepared request and `methods`.
   */
  prepareBatch(calls, options) {
    this.#batchGlue();
    if (!Array.isArray(calls)) throw new TypeError(`calls must be an array of { method, params, session? }, got ${typeName(calls)}`);
    const budget = new Budget();
    const methods = [];
    let out = '[';
    for (let i = 0; i < calls.length; i++) {
      out += `${i > 0 ? ',' : ''}${batchCallText(calls[i], i, budget, methods)}`;
    }
    const o = optionsText(options, 'batch options', budget, PREPARE_FIELDS, {}, PREPARE_DEFAULTS);
    const bytes = utf8(`[${out}],${o}]`);
    const files = budget.files.length === 0 ? undefined : fileBytes(budget);
    return new PreparedBatch(requestAt(call(() => this.#inner.prepareBatch(bytes, files))), methods);
  }

  /**
   * Parses a batch reply: one `{ status: 'fulfilled', value }` or `{ status:
   * 'rejected', reason }` (an ApiError) per call, in request order. Takes
   * the prepared batch, or the methods (and `{ separator }` if not the
   * default). A failure of the whole batch throws.
   */
  parseBatch(methodsOrPrepared, body, options) {
    this.#batchGlue();
    let methods = methodsOrPrepared;
    let separator = options?.separator;
    if (methodsOrPrepared instanceof PreparedBatch) {
      methods = methodsOrPrepared.methods;
      separator = methodsOrPrepared.headers[SEPARATOR_HEADER];
    } else if (!Array.isArray(methodsOrPrepared)) {
      throw new TypeError(`methods must be an array of method names or a prepared batch, got ${typeName(methodsOrPrepared)}`);
    }
    const budget = new Budget();
    const names = methods.map((m, i) => stringArg(m, `methods[${i}]`, budget));
    const sep = separator === undefined || separator === null ? null : stringArg(separator, 'separator', budget);
    const request = utf8(JSON.stringify([names, sep]));
    let items;
    let bytes;
    if (typeof body === 'string') {
      if (body.length > MAX_INPUT) throw invalid('body', `at most ${MAX_INPUT} characters`, 'more');
      items = call(() => this.#inner.parseBatch(request, body));
    } else {
      bytes = bytesOf(body, 'body', budget);
      if (bytes === undefined) throw new TypeError(`body must be a string, a Uint8Array or an ArrayBuffer, got ${typeName(body)}`);
      items = call(() => this.#inner.parseBatchBytes(request, bytes));
    }
    return items.map(([ok, out]) => (ok
      ? { status: 'fulfilled', value: dataOf(out, body, bytes) }
      : { status: 'rejected', reason: errorOf(out) }));
  }

  /** Batch calls are in the Node build only (the browser builds leave them out to stay small). */
  #batchGlue() {
    if (typeof this.#inner.prepareBatch !== 'function') {
      throw new TopError('topwire: batch calls are part of the Node build only (the browser build leaves them out to stay small)');
    }
  }

  /** The settings, without the secret. */
  toJSON() {
    return JSON.parse(this.#inner.describe());
  }

  [INSPECT](depth, opts, inspect) {
    const fields = JSON.parse(this.#inner.describe());
    return `TopClient ${inspect ? inspect(fields, opts) : JSON.stringify(fields)}`;
  }

  toString() {
    return `[TopClient ${JSON.parse(this.#inner.describe()).appKey}]`;
  }

  /** Releases the WebAssembly memory now instead of at garbage collection. */
  free() {
    this.#inner.free();
  }
}

// ---- sign, stringToSign, verifySpi ----

/** Params of `sign` as the JSON text of an object; pairs may not repeat a name. */
function signParams(params, budget) {
  if (params === null || typeof params !== 'object') {
    throw new TypeError(`params must be an object or an array of [key, value] pairs, got ${typeName(params)}`);
  }
  if (isPlain(params)) return jsonText(params, '', 0, budget);
  const seen = new Set();
  const out = [];
  for (const [k, key, value] of pairsOf(params, 'params', budget)) {
    if (typeof k !== 'string') throw new TypeError('params must hold [key, value] pairs with string keys');
    if (seen.has(k)) throw invalid(k, 'each parameter once', 'it twice');
    seen.add(k);
    out.push(`${key}:${value}`);
  }
  return `{${out.join(',')}}`;
}

/** The bare signature of `params` (`[key, value][]` or an object). */
function sign(params, secret, signMethod) {
  ensureReady();
  const budget = new Budget();
  const p = signParams(params, budget);
  const s = stringArg(secret, 'secret', budget);
  const m = stringArg(signMethod, 'signMethod', budget);
  const bytes = utf8(`[${p},${JSON.stringify(s)},${JSON.stringify(m)}]`);
  return call(() => wasm.sign(bytes));
}

/** The string the signature covers, for debugging error 25 (invalid signature). */
function stringToSign(params) {
  ensureReady();
  const budget = new Budget();
  const bytes = utf8(signParams(params, budget));
  return call(() => wasm.stringToSign(bytes));
}

/** Headers as the JSON text of `[name, value]` pairs. */
function headersText(v, k, budget) {
  if (v == null) return '[]';
  return `[${pairsOf(v, k, budget).map((p) => `[${p[1]},${p[2]}]`).join(',')}]`;
}

/** A body's bytes cross beside the record (see `optionsText`). */
function asideBody(v, k, budget, aside) {
  aside.body = bodyOf(v, k, budget);
  return undefined;
}

const SPI_FIELDS = {
  query: (v, k, budget) => (typeof URLSearchParams !== 'undefined' && v instanceof URLSearchParams ? JSON.stringify(text(v.toString(), k, budget)) : jsonText(v, k, 1, budget)),
  headers: headersText,
  body: asideBody,
  now: timeKey,
};
const SPI_DEFAULTS = nowUnless('now');

/**
 * Checks an inbound (SPI) call from TOP. Returns nothing when it is genuine;
 * throws SignatureError (with `reason`) or ValidationError.
 */
function verifySpi(request) {
  ensureReady();
  if (request === undefined || request === null) throw new TypeError('verifySpi request must be an object');
  const budget = new Budget();
  const aside = {};
  const bytes = utf8(optionsText(request, 'verifySpi request', budget, SPI_FIELDS, aside, SPI_DEFAULTS));
  call(() => wasm.verifySpi(bytes, aside.body ?? new Uint8Array(0)));
}

// ---- Gateway ----

/**
 * The glue's gateway exports (Node only). They are reached through the
 * runtime rather than `wasm.Gateway`, which bundlers check statically
 * (webpack refuses a missing export).
 */
function gatewayExports() {
  const glue = gatewayGlue();
  if (glue === undefined || typeof glue.Gateway !== 'function') {
    throw new TopError('topwire: Gateway is part of the Node build only (the browser build leaves it out to stay small)');
  }
  return glue;
}

/** `nowMs` of Gateway.handle: a Date, epoch milliseconds or a bigint (default now). */
function nowOf(nowMs, budget) {
  if (typeof nowMs === 'bigint') return Number(nowMs);
  if (nowMs === undefined || nowMs === null) return Date.now();
  const ms = nowMs instanceof Date ? nowMs.getTime() : nowMs;
  jsonText(ms, 'nowMs', 1, budget); // the number rules (and the checks any value gets)
  if (typeof ms !== 'number') throw new TypeError(`nowMs must be a Date or epoch milliseconds, got ${typeName(nowMs)}`);
  return ms;
}

const GATEWAY_REQUEST = { headers: headersText, body: asideBody };

/**
 * The local TOP gateway, sans I/O (the core's): given an HTTP request, the
 * reply TOP would send. `config` is the config file's JSON text or the same
 * as an object; `appKey` with `appSecret` replace its apps. Immutable; the
 * secrets stay inside the WebAssembly instance. `topwire/gateway` serves it
 * over Node's http. The browser builds leave it out to stay small.
 */
/** The glue's gateway inside a facade Gateway (for TmcChannel, which answers through it). */
let gatewayInner;

class Gateway {
  #inner;

  static {
    gatewayInner = (g) => {
      if (!(g instanceof Gateway)) throw new TypeError(`expected a Gateway, got ${typeName(g)}`);
      return g.#inner;
    };
  }

  constructor(config, options) {
    ensureReady();
    const glue = gatewayExports();
    const budget = new Budget();
    let text = config ?? undefined;
    if (typeof config === 'object' && config !== null) {
      text = jsonText(config, 'config', 0, budget);
    } else if (text !== undefined) {
      text = stringArg(text, 'config', budget);
    }
    const o = utf8(optionsText(options, 'Gateway options', budget));
    this.#inner = call(() => new glue.Gateway(text, o));
  }

  /** The app key a gateway accepts when nothing names one: `12345678`. */
  static get DEFAULT_APP_KEY() {
    ensureReady();
    return gatewayExports().gatewayDefaults()[0];
  }

  /** The secret of DEFAULT_APP_KEY (public, local only): `topwire-local-secret`. */
  static get DEFAULT_APP_SECRET() {
    ensureReady();
    return gatewayExports().gatewayDefaults()[1];
  }

  /** Where the gateway serves TOP's API: `/router/rest`. */
  static get PATH() {
    ensureReady();
    return gatewayExports().gatewayDefaults()[2];
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
    if (request === undefined || request === null) throw new TypeError('Gateway request must be an object');
    const budget = new Budget();
    const aside = {};
    const r = optionsText(request, 'Gateway request', budget, GATEWAY_REQUEST, aside);
    const now = nowOf(nowMs, budget);
    const bytes = utf8(r);
    const out = JSON.parse(call(() => this.#inner.handle(bytes, aside.body ?? new Uint8Array(0), now)));
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

// ---- TMC, the message channel (Node only) ----

/** The glue's TMC exports (Node only), reached as the gateway's are. */
function tmcExports() {
  const glue = gatewayGlue();
  if (glue === undefined || typeof glue.TmcCore !== 'function') {
    throw new TopError('topwire: TMC is part of the Node build only (an app secret has no place in a browser)');
  }
  return glue;
}

/** A frame's or message's bytes: a Uint8Array (a Buffer too) or an ArrayBuffer, as is. */
function frameBytes(v, name) {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw new TypeError(`${name} must be a Uint8Array or an ArrayBuffer, got ${typeName(v)}`);
}

const MAX_I64 = 2n ** 63n - 1n;

/** A message id: a bigint or a safe integer, within 64 bits. */
function messageId(id) {
  if (typeof id === 'number' && Number.isSafeInteger(id)) return BigInt(id);
  if (typeof id === 'bigint' && id >= MIN_I64 && id <= MAX_I64) return id;
  const got = typeof id === 'number' ? `the number ${id}, which a JS number cannot hold exactly` : typeof id === 'bigint' ? `the bigint ${id}` : typeName(id);
  throw invalid('id', 'a message id: a bigint (as messages carry it) or a safe integer, within 64 bits', got);
}

/** Epoch milliseconds of a TMC call (default now). */
function tmcNow(nowMs) {
  return nowOf(nowMs, new Budget());
}

/** An entry value from the glue's JSON: int64 (and a date beyond 2^53) as a bigint, bytes as a Uint8Array. */
function entryValue(format, v) {
  if (format === 'int64' || typeof v === 'string' && format === 'date') return BigInt(v);
  if (format === 'bytes') return Uint8Array.from(v);
  return v;
}

/** The glue's `[key, format, value]` entries, values as entryValue makes them. */
function entries(list) {
  for (const e of list) e[2] = entryValue(e[1], e[2]);
  return list;
}

/** A 64-bit field of the glue's JSON (a string beyond 2^53) as a bigint. */
const big = (v) => (v === undefined ? v : BigInt(v));
/** A date of the glue's JSON: a number, a bigint beyond 2^53. */
const date = (v) => (typeof v === 'string' ? BigInt(v) : v);

/** A message of the glue's JSON as a TmcMessage. */
function message(m) {
  m.id = BigInt(m.id);
  if (m.userId !== undefined) m.userId = big(m.userId);
  if (m.dataId !== undefined) m.dataId = big(m.dataId);
  if (m.published !== undefined) m.published = date(m.published);
  if (m.outTime !== undefined) m.outTime = date(m.outTime);
  entries(m.extra);
  return new TmcMessage(m);
}

/**
 * Reads one TMC frame (one binary WebSocket message): `{ type, flag?,
 * token?, statusCode?, statusPhrase?, content }`, `content` the Custom
 * entries as `[key, format, value]` (`int64` values as bigints, `date` as
 * epoch milliseconds, `bytes` as Uint8Array). Throws DecodeError naming the
 * byte where the bytes stop being a frame.
 */
function decodeFrame(bytes) {
  ensureReady();
  const glue = tmcExports();
  const b = frameBytes(bytes, 'bytes');
  const frame = JSON.parse(call(() => glue.tmcDecodeFrame(b)));
  entries(frame.content);
  return frame;
}

/** Writes a frame (as decodeFrame gives it) as the Java encoder does. */
function encodeFrame(frame) {
  ensureReady();
  const glue = tmcExports();
  const budget = new Budget();
  const text = jsonText(frame, 'frame', 0, budget);
  const files = fileBytes(budget);
  return call(() => glue.tmcEncodeFrame(utf8(text), files));
}

/**
 * A message TOP pushed: `id` (bigint, exact), `topic`, `content` (text,
 * inflated if it came gzip-compressed), `compressed`, `published` and
 * `outTime` (epoch ms), `publisher`, `nick`, `userId` and `dataId`
 * (bigints), `extra` (every other entry, `[key, format, value]`).
 */
class TmcMessage {
  constructor(fields) {
    Object.assign(this, fields);
  }

  /** The content's JSON, ids beyond 2^53 as bigints (read by the core). */
  data() {
    const content = this.content;
    return call(() => tmcExports().tmcContentData(content));
  }
}
Object.defineProperty(TmcMessage.prototype, 'name', { value: 'TmcMessage', writable: true, configurable: true });

/**
 * A TMC client session without I/O: you own the WebSocket and the clock.
 * `new TmcSession({ appKey, appSecret, groupName?, sdk?, intranetIp?,
 * pullIntervalMs?, pingIntervalMs?, reconnectIntervalMs?, maxContentBytes? })`
 * (unknown keys refused). Send `connect()` on open, hand every binary
 * message to `receive()`, send `confirm(id)` once a message is handled, and
 * call `poll()` at `nextDeadline()`. Every time argument is a Date, epoch
 * milliseconds or a bigint, default now.
 */
class TmcSession {
  #inner;

  constructor(options) {
    ensureReady();
    const glue = tmcExports();
    const o = utf8(optionsText(options, 'TmcSession options', new Budget()));
    this.#inner = call(() => new glue.TmcCore(o));
  }

  /** `closed`, `connecting` or `online`. */
  get state() {
    return this.#inner.state();
  }

  /** The token while online, else undefined. */
  get token() {
    return this.#inner.token();
  }

  /** The CONNECT frame to send on a freshly opened socket (signed at `nowMs`). */
  connect(nowMs) {
    const now = tmcNow(nowMs);
    return call(() => this.#inner.connect(now));
  }

  /**
   * The events of one binary message: `{ type: 'connected', token }`,
   * `{ type: 'message', message }` (a TmcMessage), `{ type: 'refused',
   * statusCode?, statusPhrase? }`. Frames of another token are dropped.
   */
  receive(bytes, nowMs) {
    const b = frameBytes(bytes, 'bytes');
    const now = tmcNow(nowMs);
    const events = JSON.parse(call(() => this.#inner.receive(b, now)));
    for (const e of events) if (e.type === 'message') e.message = message(e.message);
    return events;
  }

  /** The frame confirming message `id` (send it once the message is handled). */
  confirm(id) {
    const n = messageId(id);
    return call(() => this.#inner.confirm(n));
  }

  /** The frame reporting message `id` failed; `reason` is cut to 128 UTF-16 units. The server delivers it again. */
  fail(id, reason = '') {
    const n = messageId(id);
    const r = stringArg(reason, 'reason', new Budget());
    return call(() => this.#inner.fail(n, r));
  }

  /** What is due at `nowMs`: `{ type: 'send', bytes }`, `{ type: 'ping' }`, `{ type: 'reconnect' }`. */
  poll(nowMs) {
    const now = tmcNow(nowMs);
    return call(() => this.#inner.poll(now)).map((a) => (typeof a === 'string' ? { type: a } : { type: 'send', bytes: a }));
  }

  /** When to call poll() next (epoch ms), or undefined while waiting for you (a CONNECTACK, a connect). */
  nextDeadline() {
    return this.#inner.nextDeadline();
  }

  /** The socket closed (or could not open): poll() asks for a reconnect after the reconnect interval. */
  closed(nowMs) {
    const now = tmcNow(nowMs);
    call(() => this.#inner.closed(now));
  }

  /** The app key, group and state (never the secret). */
  toJSON() {
    const [appKey, groupName] = this.#inner.describe();
    return { appKey, groupName, state: this.state };
  }

  [INSPECT](depth, opts, inspect) {
    const fields = this.toJSON();
    return `TmcSession ${inspect ? inspect(fields, opts) : JSON.stringify(fields)}`;
  }

  toString() {
    return `[TmcSession ${this.toJSON().appKey}]`;
  }

  /** Releases the WebAssembly memory now instead of at garbage collection. */
  free() {
    this.#inner.free();
  }
}

// ---- TmcChannel ----

/** Frames, events and connections to close, from the glue's `[frames, events, close]`. */
function channelOutput([frames, events, close]) {
  return { frames, events: events.map(eventOf), close };
}

/** Events come with exact ids; a bigint always, as TmcSession gives them. */
function eventOf(e) {
  if (e.id !== undefined) e.id = BigInt(e.id);
  return e;
}

/** An id of the channel: a bigint, a safe integer or decimal text. */
function idText(id, field) {
  if (typeof id === 'bigint') return id.toString();
  if (Number.isSafeInteger(id)) return String(id);
  if (typeof id === 'string' && /^-?\d+$/.test(id)) return id;
  const expected = 'a message id: a bigint, a safe integer or decimal text';
  throw new ValidationError(`${field}: expected ${expected}, got ${typeName(id)}`, { field, expected, got: typeName(id) });
}

/**
 * The local message channel (TMC), sans I/O (the core's): a queue of
 * published messages that WebSocket consumers (CONNECT, pull, confirm,
 * failed frames) and HTTP consumers (`taobao.tmc.messages.consume` and
 * `confirm`, through `gateway`) share. `topwire/gateway` carries it over a
 * WebSocket at `/tmc`. Options: `redeliverMs` (an unconfirmed message is
 * handed out again after it; default 60000), `firstId` (default 2^53 + 1),
 * `batch` (messages handed out at once; default 32). Node build only.
 */
class TmcChannel {
  #inner;
  #gateway;

  constructor(gateway, options) {
    ensureReady();
    const glue = gatewayExports();
    if (typeof glue.TmcChannel !== 'function') throw new TopError('topwire: TmcChannel is part of the Node build only');
    this.#gateway = gatewayInner(gateway);
    const o = utf8(optionsText(options, 'TmcChannel options', new Budget()));
    this.#inner = call(() => new glue.TmcChannel(this.#gateway, o));
  }

  /**
   * Queues a message and returns its id (a bigint). Options: `userId`,
   * `nick`, `dataId`, `group` (default `default`), `gzip` (send the content
   * as gzip bytes over the WebSocket), `id` (explicit), `publishedMs`.
   */
  publish(topic, content, options = {}, nowMs = undefined) {
    if (options === null || typeof options !== 'object') throw new TypeError('publish options must be an object');
    const budget = new Budget();
    const message = { ...options, topic, content };
    if (message.id !== undefined && message.id !== null) message.id = BigInt(idText(message.id, 'id'));
    const bytes = utf8(optionsText(message, 'publish options', budget));
    const now = nowOf(nowMs, budget);
    return BigInt(call(() => this.#inner.publish(bytes, now)));
  }

  /** A new WebSocket connection: its number, for receive() and closed(). */
  open() {
    return this.#inner.open();
  }

  /** The connection is gone: its unconfirmed messages are queued again. */
  closed(connection) {
    this.#inner.closed(connection);
  }

  /** One binary WebSocket message: `{ frames: [connection, Uint8Array][], events, close: [connection, reason][] }`. */
  receive(connection, bytes, nowMs) {
    const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const now = nowOf(nowMs, new Budget());
    return channelOutput(call(() => this.#inner.receive(connection, data, now)));
  }

  /** Ready messages for the connections that pull (after publish, and at nextDeadline()). */
  deliver(nowMs) {
    const now = nowOf(nowMs, new Budget());
    return channelOutput(call(() => this.#inner.deliver(now)));
  }

  /** When an unconfirmed message falls due again (epoch ms), or undefined. */
  nextDeadline() {
    return this.#inner.nextDeadline();
  }

  /** `{ state: 'queued' | 'delivered' | 'confirmed', attempts }` of a message, or undefined. */
  messageState(id) {
    const out = this.#inner.messageState(idText(id, 'id'));
    return out === undefined ? undefined : { state: out[0], attempts: out[1] };
  }

  /** Answers an HTTP request as Gateway.handle does, consume/confirm served from the queue: `{ response, events }`. */
  handleHttp(request, nowMs) {
    if (request === undefined || request === null) throw new TypeError('Gateway request must be an object');
    const budget = new Budget();
    const aside = {};
    const r = optionsText(request, 'Gateway request', budget, GATEWAY_REQUEST, aside);
    const now = nowOf(nowMs, budget);
    const bytes = utf8(r);
    const [reply, events] = call(() => this.#inner.handleHttp(this.#gateway, bytes, aside.body ?? new Uint8Array(0), now));
    const out = JSON.parse(reply);
    const headers = {};
    for (const [k, v] of out.headers) headers[k] = v;
    return { response: { status: out.status, headers, body: out.body }, events: events.map(eventOf) };
  }

  /** Releases the WebAssembly memory now instead of at garbage collection. */
  free() {
    this.#inner.free();
  }
}

export { TopError, ValidationError, ApiError, DecodeError, SignatureError, TopClient, Gateway, TmcChannel, sign, stringToSign, verifySpi, decodeFrame, encodeFrame, TmcSession, TmcMessage };
