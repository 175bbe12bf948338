#!/usr/bin/env python3
"""Writes the shared test cases (tests/vectors/*.json, tests/fixtures/*.json).

Every expected value here is computed from PROTOCOL.md with the Python
standard library alone (hashlib, hmac, urllib.parse, json, datetime), never by
running topwire. Inputs are the case definitions below; running

    python3 scripts/oracle.py

rewrites the files deterministically. Error messages of ValidationError,
DecodeError and SignatureError are the core's own wording (the same text in
every language); they are stated here by hand, as the specification of that
text, and where a message embeds a third-party parser's wording it is left
out (keys left out are not checked).
"""

import base64
import datetime
import gzip
import hashlib
import hmac
import json
import os
import random
import struct as binary
import urllib.parse
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VECTORS = os.path.join(ROOT, "tests", "vectors")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
HTTP_CASES = os.path.join(ROOT, "tests", "http", "raw_cases.json")

DEFAULT_GATEWAY = "https://eco.taobao.com/router/rest"
FORM = "application/x-www-form-urlencoded;charset=utf-8"

RESEND = "taobao.eticket.merchant.ma.resend"
RESERVE = "alibaba.alsc.daodian.ticket.reserve"
VERIFY = "taobao.travel.ticket.order.verify"
SEND = "taobao.eticket.merchant.ma.send"
FAILSEND = "taobao.eticket.merchant.ma.failsend"
AVAILABLE = "taobao.eticket.merchant.ma.available"
CONSUME = "taobao.eticket.merchant.ma.consume"
REVERSE = "taobao.eticket.merchant.ma.reverse"
DELAY = "taobao.eticket.merchant.ma.delay"
TBMA = "taobao.eticket.merchant.tbma.get"
UPLOAD = "taobao.eticket.merchant.img.upload"
REFUND = "taobao.travel.ticket.order.refund"
CONSULT = "alibaba.alsc.daodian.ticket.consult"
TMC_CONSUME = "taobao.tmc.messages.consume"
TMC_CONFIRM = "taobao.tmc.messages.confirm"
TMC_PERMIT = "taobao.tmc.user.permit"

# --------------------------------------------------------------------------
# Primitive rules, written from PROTOCOL.md
# --------------------------------------------------------------------------


def form_encode(text):
    """WHATWG application/x-www-form-urlencoded byte serializer: alnum and
    `*-._` kept, space as `+`, every other byte as upper-case %XX (so `~` is
    %7E, unlike urllib's quote_plus)."""
    out = []
    for b in text.encode("utf-8"):
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "*-._"):
            out.append(c)
        elif b == 0x20:
            out.append("+")
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def urlencode(pairs):
    return "&".join(form_encode(k) + "=" + form_encode(v) for k, v in pairs)


def by_key(pairs):
    """Sorted as Java's Arrays.sort sorts the keys (String.compareTo): by
    UTF-16 code units, so a character beyond U+FFFF (a surrogate pair, from
    0xD800) comes before U+E000..U+FFFF, unlike in UTF-8 byte order."""
    return sorted(pairs, key=lambda kv: kv[0].encode("utf-16-be"))


def string_to_sign(pairs):
    # The Java SDK's StringUtils.areNotEmpty(key, value): whitespace-only is empty.
    kept = [(k, v) for k, v in pairs if not java_blank(k) and not java_blank(v) and k != "sign"]
    return "".join(k + v for k, v in by_key(kept))


def digest(secret, text, sign_method):
    s = secret.encode("utf-8")
    b = text.encode("utf-8")
    if sign_method == "md5":
        return hashlib.md5(s + b + s).hexdigest().upper()
    if sign_method == "hmac":
        return hmac.new(s, b, hashlib.md5).hexdigest().upper()
    if sign_method == "hmac-sha256":
        return hmac.new(s, b, hashlib.sha256).hexdigest().upper()
    raise ValueError(sign_method)


def gmt8(ms):
    """`yyyy-MM-dd HH:mm:ss` in GMT+8, or None outside years 1..9999."""
    secs = ms // 1000 + 8 * 3600  # floor, also before 1970
    try:
        t = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=secs)
    except OverflowError:
        return None
    return "%04d-%02d-%02d %02d:%02d:%02d" % (
        t.year, t.month, t.day, t.hour, t.minute, t.second)


def quoted(text):
    """Text as error messages quote it: in double quotes, `"` and `\\`
    escaped, cut after 40 characters with an ellipsis. (Inputs here are
    printable, so no other escapes arise.)"""
    assert all(c.isprintable() for c in text), text
    cut = text[:40]
    out = '"' + cut.replace("\\", "\\\\").replace('"', '\\"')
    return out + ("…" if len(text) > 40 else "") + '"'


def compact_json(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def is_file(v):
    """A file parameter, as the case files write one: its bytes in base64,
    optionally a file name and a content type."""
    return isinstance(v, dict) and "file_base64" in v


def file_bytes(v):
    return base64.b64decode(v["file_base64"])


def is_empty(v):
    """Absent: None, empty containers, an empty file, and text that is empty
    or whitespace only as Java's StringUtils.isEmpty counts it (java_blank, below)."""
    if is_file(v):
        return file_bytes(v) == b""
    return v is None or (isinstance(v, str) and java_blank(v)) or v == [] or v == {}


def scalar_text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return v
    raise TypeError(v)


# Field kinds of the typed APIs (apis.rs is the core's description; this is
# the oracle's own reading of the seed pages).
ISV_MA = {"code": "string", "num": "number", "qr_image": "string"}
TICKET_REVERSE = {"ticket_use_trans_id": "string", "biz_date": "date",
                  "request_id": "string", "ticket_id": "string"}
VOUCHER_INFO = {"confirm_code": "string", "used_quantity": "number", "used_date": "date"}
ISV_KA = {"ka_no": "string", "ka_mi": "string", "num": "number"}
TB_MA_REQ = {"code": "string"}
CONSULT_REQ = {"request_id": "string", "shop_id": "string", "ticket_code": "string"}
TYPED = {
    SEND: {"biz_type": "number", "certificate_type": "number", "isv_ma_list": ("list", ISV_MA),
           "isv_ka_list": ("list", ISV_KA), "group_redeem": "boolean", "outer_id": "string",
           "token": "string"},
    FAILSEND: {"biz_type": "number", "outer_id": "string", "sub_err_code": "string",
               "sub_err_msg": "string", "token": "string"},
    AVAILABLE: {"biz_type": "number", "code": "string", "consume_num": "number", "outer_id": "string",
                "pos_id": "string", "serial_num": "string", "token": "string"},
    CONSUME: {"biz_type": "number", "code": "string", "consume_num": "number",
              "isv_ma_list": ("list", ISV_MA), "outer_id": "string", "pos_id": "string",
              "serial_num": "string", "token": "string"},
    REVERSE: {"biz_type": "number", "code": "string", "outer_id": "string", "pos_id": "string",
              "reverse_num": "number", "serial_num": "string", "token": "string"},
    DELAY: {"attribute_map": "json", "request_id": "string", "biz_type": "number", "end_date": "date",
            "code": "string", "outer_id": "string"},
    TBMA: {"query_tb_ma_callback_req": ("object", TB_MA_REQ)},
    REFUND: {"refund_num": "number", "order_id": "number", "refund_status": "number",
             "refund_failure_reason": "string", "refund_batch_no": "string"},
    CONSULT: {"consult_request": ("object", CONSULT_REQ)},
    RESEND: {"biz_type": "number", "isv_ma_list": ("list", ISV_MA),
             "outer_id": "string", "token": "string"},
    RESERVE: {"ticket_reverse_top_request": ("object", TICKET_REVERSE)},
    # The message channel's HTTP methods; lists of plain values are sent
    # comma-joined (PROTOCOL.md Parameter values).
    TMC_CONSUME: {"group_name": "string", "quantity": "number"},
    TMC_CONFIRM: {"group_name": "string", "s_message_ids": "numbers", "f_message_ids": "numbers"},
    TMC_PERMIT: {"topics": "strings"},
    VERIFY: {"check_num": "number", "order_id": "number", "return_num": "number",
             "total_num": "number", "out_order_id": "string", "confirm_code": "string",
             "voucher_infos": ("list", VOUCHER_INFO), "write_off_type": "number"},
}


def member(kind, v):
    """A structure member as the JSON value sent: String fields held as
    integers become strings, Number fields held as decimal text numbers."""
    if kind == "string" and isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if kind == "number" and isinstance(v, str):
        return int(v)
    return v


def struct(fields, obj):
    return {k: member(fields.get(k), v) for k, v in obj.items() if v is not None}


def render(method, params):
    """Application params as (name, wire text), in the caller's order."""
    spec = TYPED.get(method, {})
    out = []
    for name, v in params.items():
        if is_empty(v) or is_file(v):
            continue
        kind = spec.get(name)
        if isinstance(kind, tuple):
            shape, fields = kind
            if isinstance(v, str):
                if json.loads(v) == ([] if shape == "list" else {}):
                    continue  # JSON text of the empty structure: as absent as [] or {}
                text = v  # JSON text handed over by the caller: sent as given
            elif shape == "list":
                text = compact_json([struct(fields, item) for item in v])
            else:
                text = compact_json(struct(fields, v))
        elif kind == "number":
            text = str(int(v)) if isinstance(v, str) else scalar_text(v)
        elif kind == "json":
            text = v if isinstance(v, str) else compact_json(v)  # JSON text is sent as given
        elif isinstance(v, list):
            if all(not isinstance(x, (list, dict)) for x in v):
                text = ",".join(scalar_text(x) for x in v)
            else:
                text = compact_json(v)
        elif isinstance(v, dict):
            text = compact_json(v)
        else:
            text = scalar_text(v)
        if not java_blank(text):  # e.g. [""] or [" "]: neither signed nor sent
            out.append((name, text))
    return out


def prepare(case):
    c = case["client"]
    gateway = c.get("gateway", DEFAULT_GATEWAY)
    sign_method = c.get("sign_method", "hmac-sha256")
    system = [
        ("method", case["method"]),
        ("app_key", c["app_key"]),
        ("timestamp", gmt8(case["timestamp_ms"])),
        ("v", "2.0"),
        ("sign_method", sign_method),
        ("format", c.get("format", "json")),
    ]
    if c.get("simplify"):
        system.append(("simplify", "true"))
    for key, value in [("session", case.get("session")),
                       ("partner_id", c.get("partner_id")),
                       ("target_app_key", c.get("target_app_key"))]:
        if not java_blank(value):
            system.append((key, value))
    params = case.get("params") or {}
    app = render(case["method"], params)
    files = [(k, v) for k, v in params.items() if is_file(v) and not is_empty(v)]
    # Files are parts of their own: never signed (PROTOCOL.md File uploads).
    signed = by_key(system + app)
    sign = digest(c["app_secret"], "".join(k + v for k, v in signed), sign_method)
    sep = "&" if "?" in gateway else "?"
    url = gateway + sep + urlencode(by_key(system) + [("sign", sign)])
    expect = {"method": "POST", "url": url}
    if files:
        boundary, body = multipart(app, files)
        expect["body_base64"] = base64.b64encode(body).decode("ascii")
        expect["headers"] = {"Content-Type": "multipart/form-data; charset=UTF-8; boundary=" + boundary}
    else:
        expect["body"] = urlencode(app)
        expect["headers"] = {"Content-Type": FORM}
    expect["params"] = [list(p) for p in signed] + [["sign", sign]]
    return expect


def multipart(text, files):
    """RFC 7578 body: text parameters, then files, each in the caller's order.
    The boundary is `topwire-boundary-` and 16 hex digits of the smallest
    counter whose boundary is in none of the pieces, found here by trying
    counters one by one."""
    heads = [(name, f.get("filename", name), f.get("content_type", "application/octet-stream"))
             for name, f in files]
    pieces = [s.encode("utf-8") for pair in text for s in pair]
    pieces += [s.encode("utf-8") for head in heads for s in head]
    pieces += [file_bytes(f) for _, f in files]
    k = 0
    while any(("topwire-boundary-%016x" % k).encode("ascii") in p for p in pieces):
        k += 1
    boundary = "topwire-boundary-%016x" % k
    out = []
    for name, value in text:
        out.append("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n"
                   "Content-Type: text/plain; charset=UTF-8\r\n\r\n" % (boundary, name))
        out.append(value)
        out.append("\r\n")
    body = "".join(out).encode("utf-8")
    for (name, filename, ctype), (_, f) in zip(heads, files):
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                 "Content-Type: %s\r\n\r\n" % (boundary, name, filename, ctype)).encode("utf-8")
        body += file_bytes(f) + b"\r\n"
    body += ("--%s--\r\n" % boundary).encode("ascii")
    return boundary, body


# ---- Java's SpiUtils.checkSign, modelled from its source (taobao-sdk-java
# com.taobao.api.internal.spi.SpiUtils, StringUtils, WebUtils, URLDecoder and
# a servlet container's parameter parsing). Deliberate differences, listed in
# the README: only UTF-8 is supported; a %-escape must use ASCII hex digits
# (Java's Integer.parseInt also takes other Unicode digits); decoded bytes that
# are not UTF-8 are refused (Java substitutes U+FFFD).

# Character.isWhitespace: Zs/Zl/Zp except the no-break spaces, \t..\r, FS..US.
JAVA_WHITESPACE = (set(range(0x09, 0x0E)) | set(range(0x1C, 0x21)) | {0x1680}
                   | set(range(0x2000, 0x2007)) | set(range(0x2008, 0x200B))
                   | {0x2028, 0x2029, 0x205F, 0x3000})


def java_blank(s):
    """StringUtils.isEmpty: null, empty or only Character.isWhitespace."""
    return s is None or all(ord(c) in JAVA_WHITESPACE for c in s)


def java_split(s, sep):
    """String.split(sep): trailing empty strings removed; no match -> [s]."""
    parts = s.split(sep)
    if len(parts) > 1:
        while parts and parts[-1] == "":
            parts.pop()
    return parts


class JavaRefuses(Exception):
    """Java throws (or, for non-UTF-8 bytes, topwire refuses)."""


def java_parse_hex(two, signs):
    """Integer.parseInt(two, 16), ASCII digits only; a sign allowed when
    `signs` (URLDecoder), a negative value refused as URLDecoder does."""
    sign = 1
    digits = two
    if signs and two[0] in "+-":
        sign = -1 if two[0] == "-" else 1
        digits = two[1:]
    if not digits or any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise JavaRefuses("escape")
    v = sign * int(digits, 16)
    if v < 0:
        raise JavaRefuses("escape")
    return v


def java_url_decode(s, signs=True):
    """URLDecoder.decode(s, "UTF-8"): '+' is a space; each run of %XX is
    collected into bytes and read as UTF-8."""
    out = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "+":
            out.append(" ")
            i += 1
        elif c == "%":
            run = bytearray()
            while i < n and s[i] == "%":
                two = s[i + 1:i + 3]
                if len(two) < 2:      # "Incomplete trailing escape"
                    raise JavaRefuses("escape")
                run.append(java_parse_hex(two, signs))
                i += 3
            try:
                out.append(run.decode("utf-8"))
            except UnicodeDecodeError:
                raise JavaRefuses("utf8")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def servlet_params(text, signs):
    """A servlet container's parameters: pieces split on '&', each at its
    first '=', nameless ones skipped; first value per name kept (in order)."""
    params = {}
    for piece in text.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        name = java_url_decode(name, signs)
        value = java_url_decode(value, signs)
        if name:
            params.setdefault(name, value)
    return params


def spi_java_sign(secret, query, headers, body, content_type):
    """SpiUtils.checkSign's local sign for a raw call, or JavaRefuses."""
    def header(name):
        for k, v in headers:
            if k.lower() == name.lower():
                return v
        return None
    ctype = content_type if content_type is not None else (header("content-type") or "")
    for param in ctype.split(";"):
        param = param.strip()
        if param.startswith("charset"):
            pair = param.split("=", 1)
            if len(pair) == 2 and not java_blank(pair[1]):
                if pair[1].strip().lower() not in ("utf-8", "utf8"):
                    raise JavaRefuses("charset")
            break
    if ctype.startswith(("application/json", "text/xml", "application/xml", "text/plain")):
        appended = body
    elif ctype.startswith("application/x-www-form-urlencoded"):
        appended = ""
    elif ctype == "" and body == "":
        appended = ""
    else:
        raise JavaRefuses("content type")
    params = {}
    sign_list = header("top-sign-list")
    if not java_blank(sign_list):                      # getHeaderMap
        for key in java_split(sign_list, ","):
            value = header(key)
            params[key] = "" if java_blank(value) else java_url_decode(value)
    query_map = {}
    for piece in java_split(query, "&"):               # getQueryMap
        kv = java_split(piece, "=")
        if len(kv) == 2:
            query_map[java_url_decode(kv[0])] = java_url_decode(kv[1])
        elif len(kv) == 1:
            query_map[java_url_decode(kv[0])] = ""
    params.update(query_map)
    if ctype.startswith("application/x-www-form-urlencoded"):   # getFormMap
        servlet = servlet_params(query, True)
        for k, v in servlet_params(body, False).items():
            servlet.setdefault(k, v)
        for k, v in servlet.items():
            if k not in query_map:
                params[k] = "" if java_blank(v) else v
    keys = sorted((k for k in params if k != "sign"), key=lambda k: k.encode("utf-16-be"))
    text = secret + "".join(k + params[k] for k in keys) + appended + secret
    return hashlib.md5(text.encode("utf-8")).hexdigest().upper()


# --------------------------------------------------------------------------
# sign.json
# --------------------------------------------------------------------------

KNOWN = [["method", "taobao.user.seller.get"], ["timestamp", "2013-05-06 13:52:03"],
         ["format", "xml"], ["app_key", "test"], ["v", "2.0"], ["fields", "nick"],
         ["sign_method", "md5"], ["session", "test"]]
KNOWN_ANSWERS = {
    "md5": "72CB4D809B375A54502C09360D879C64",
    "hmac": "FA15A9D5B42AB2D6F3397843851ED09A",
    "hmac-sha256": "267B9C1C7A2FE1CE413DBB95E596616D32107AE0992BE2C22143CFCE303E8E34",
}


def with_method(pairs, m):
    return [[k, m if k == "sign_method" else v] for k, v in pairs]


def sign_cases():
    cases = []
    for m in ["md5", "hmac", "hmac-sha256"]:
        cases.append({"name": "protocol known answer, " + m,
                      "params": with_method(KNOWN, m), "secret": "test", "sign_method": m,
                      "known": KNOWN_ANSWERS[m]})
    chinese = [["method", "taobao.eticket.merchant.ma.resend"], ["app_key", "12345678"],
               ["timestamp", "2024-02-29 12:00:00"], ["v", "2.0"], ["format", "json"],
               ["sign_method", "md5"], ["outer_id", "订单-中文-1753340805138544"],
               ["ret_msg", "操作成功"], ["note", "emoji 😀 and ü"]]
    for m in ["md5", "hmac", "hmac-sha256"]:
        cases.append({"name": "Chinese and non-BMP values hashed as UTF-8, " + m,
                      "params": with_method(chinese, m), "secret": "密钥secret", "sign_method": m})
    cases.append({"name": "empty values are not signed",
                  "params": KNOWN + [["empty", ""], ["blank_too", ""]],
                  "secret": "test", "sign_method": "md5", "known": KNOWN_ANSWERS["md5"]})
    cases.append({"name": "whitespace-only values and keys are not signed (Java's StringUtils.isEmpty)",
                  "params": KNOWN + [["blank", "  "], ["ideographic", "\u3000"], ["newline", "\n"],
                                     [" ", "x"]],
                  "secret": "test", "sign_method": "md5", "known": KNOWN_ANSWERS["md5"]})
    cases.append({"name": "a no-break space is not whitespace to Java, so it is signed",
                  "params": [["a", "\u00a0"], ["b", " x "]], "secret": "k", "sign_method": "md5"})
    cases.append({"name": "the sign key itself is not signed",
                  "params": [["sign", "72CB4D809B375A54502C09360D879C64"]] + KNOWN,
                  "secret": "test", "sign_method": "md5", "known": KNOWN_ANSWERS["md5"]})
    cases.append({"name": "19-digit ids are signed as their exact text",
                  "params": [["method", "taobao.travel.ticket.order.verify"], ["app_key", "12345678"],
                             ["order_id", "2106027287988611313"],
                             ["ticket_use_trans_id", "9223372036854775807"],
                             ["timestamp", "2024-01-01 00:00:00"]],
                  "secret": "s3cr3t", "sign_method": "hmac-sha256"})
    cases.append({"name": "keys sorted by byte order (upper case before underscore before lower case)",
                  "params": [["ab", "4"], ["a_b", "3"], ["aB", "2"], ["a", "1"], ["b", "5"], ["A", "0"]],
                  "secret": "k", "sign_method": "md5"})
    # Java's Arrays.sort (and TOP) compare UTF-16 code units: a character
    # beyond U+FFFF (a surrogate pair) sorts before U+E000..U+FFFF, where
    # UTF-8 byte order puts it after. 5F4AFE36... is the Java SDK's answer.
    for m in ["md5", "hmac", "hmac-sha256"]:
        case = {"name": "keys sorted by UTF-16 code units, as Java's Arrays.sort, " + m,
                "params": [["\uFF21", "1"], ["\U0001F600", "2"], ["a", "3"], ["\uE000", "4"]],
                "secret": "secret", "sign_method": m}
        cases.append(case)
    cases.append({"name": "a key beyond U+FFFF sorts before U+E000..U+FFFF (Java's known answer)",
                  "params": [["\uFF21", "1"], ["\U0001F600", "2"]], "secret": "secret",
                  "sign_method": "md5", "known": "5F4AFE3650F90BA4B1E10FF6A47B6EC3"})
    cases.append({"name": "values with separators and spaces are signed raw, not encoded",
                  "params": [["q", "a b&c=d+e%20~"], ["json", "{\"k\":[1,2]}"]],
                  "secret": "k", "sign_method": "hmac"})
    cases.append({"name": "no parameters at all",
                  "params": [], "secret": "k", "sign_method": "md5"})
    cases.append({"name": "only empty and sign parameters",
                  "params": [["sign", "X"], ["a", ""]], "secret": "k", "sign_method": "hmac-sha256"})
    # Java's SecretKeySpec refuses an empty key ("Empty key"); MD5 has none.
    for m in ["hmac", "hmac-sha256"]:
        cases.append({"name": "an empty secret is refused for " + m + ", as Java refuses an empty key",
                      "params": [["a", "1"]], "secret": "", "sign_method": m,
                      "error": {"type": "ValidationError", "field": "secret", "got": "an empty string"}})
    cases.append({"name": "an empty secret is signed with for md5, as Java does (no key)",
                  "params": [["a", "1"]], "secret": "", "sign_method": "md5"})
    out = []
    for c in cases:
        s = string_to_sign(c["params"])
        c["string_to_sign"] = s
        if "error" in c:
            out.append(c)
            continue
        sig = digest(c["secret"], s, c["sign_method"])
        if "known" in c:
            assert sig == c.pop("known"), c["name"]
        c["sign"] = sig
        out.append(c)
    return out


# --------------------------------------------------------------------------
# timestamp.json
# --------------------------------------------------------------------------

MAX_MS = 253402271999999  # 9999-12-31 23:59:59.999 GMT+8
MIN_MS = -62135625600000  # 0001-01-01 00:00:00 GMT+8


def ms_of(text):
    t = datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    return int((t - datetime.datetime(1970, 1, 1)).total_seconds()) * 1000 - 8 * 3600 * 1000


def timestamp_cases():
    named = [
        ("epoch", 0),
        ("one millisecond before the epoch", -1),
        ("16:00 UTC is already the next day in China", 57600000),
        ("1970-01-01 00:00:00 GMT+8", -28800000),
        ("1969-12-31 23:59:59 GMT+8", -28800001),
        ("milliseconds are floored", 1367819523999),
        ("the protocol example time", ms_of("2013-05-06 13:52:03")),
        ("2000-02-29 (divisible by 400: leap)", ms_of("2000-02-29 00:00:00")),
        ("2000-02-29 last second", ms_of("2000-02-29 23:59:59")),
        ("2000-03-01 follows", ms_of("2000-03-01 00:00:00")),
        ("2024-02-29 leap day", ms_of("2024-02-29 12:34:56")),
        ("2024-03-01 after the leap day", ms_of("2024-02-29 23:59:59") + 1000),
        ("2023-03-01 follows 2023-02-28", ms_of("2023-02-28 23:59:59") + 1000),
        ("2100 is not a leap year", ms_of("2100-02-28 23:59:59") + 1000),
        ("1900 is not a leap year", ms_of("1900-02-28 23:59:59") + 1000),
        ("year end 1999", ms_of("1999-12-31 23:59:59")),
        ("new year 2000", ms_of("1999-12-31 23:59:59") + 1000),
        ("new year 2025 in China is 16:00 UTC", 1735660800000),
        ("2038 (past 32-bit seconds)", 2147483648000),
        ("1.7e12, a present-day instant", 1700000000000),
        ("9999-12-31 23:59:59, the last writable second", MAX_MS),
        ("0001-01-01 00:00:00, the first writable second", MIN_MS),
    ]
    cases = []
    for name, ms in named:
        text = gmt8(ms)
        assert text is not None, name
        cases.append({"name": name, "timestamp_ms": ms, "text": text})
    for name, ms in [("year 10000 is out of range", MAX_MS + 1),
                     ("before year 1 is out of range", MIN_MS - 1),
                     ("i64 max is out of range", 9223372036854775807),
                     ("i64 min is out of range", -9223372036854775808)]:
        assert ms > MAX_MS or ms < MIN_MS
        cases.append({"name": name, "timestamp_ms": ms, "error": {
            "type": "ValidationError", "field": "timestamp",
            "message": "timestamp: expected epoch milliseconds within years 0001 to 9999, got %d" % ms}})
    return cases


# --------------------------------------------------------------------------
# prepare.json
# --------------------------------------------------------------------------

TS = 1700000000000  # 2023-11-15 06:13:20 GMT+8
APP = {"app_key": "12345678", "app_secret": "0123456789abcdef0123456789abcdef"}

SEED_RESEND = {"biz_type": 3001,
               "isv_ma_list": [{"code": "abc124", "num": 1, "qr_image": "111.png"}],
               "outer_id": "1753340805138544", "token": "31231231231"}
SEED_RESERVE = {"ticket_reverse_top_request": {
    "ticket_use_trans_id": "2106027287988611313", "biz_date": "2022-08-11 11:11:11",
    "request_id": "20190729111040030200660600011777", "ticket_id": "2208191159703216457"}}
SEED_VERIFY = {"check_num": 1, "order_id": 12345678, "return_num": 0, "total_num": 1,
               "out_order_id": "12345", "confirm_code": "2516352",
               "voucher_infos": [{"confirm_code": "2516352", "used_quantity": 1,
                                  "used_date": "2020-01-11 14:00:00"}],
               "write_off_type": 0}


def client(**kw):
    c = dict(APP)
    c.update(kw)
    return c


def verr(field, message):
    return {"type": "ValidationError", "field": field, "message": message}


VERIFY_FIELDS = ("check_num, order_id, return_num, total_num, out_order_id, "
                 "confirm_code, voucher_infos, write_off_type")


def prepare_cases():
    cases = []

    def ok(name, method, params, **kw):
        case = {"name": name, "client": kw.pop("client", client()), "method": method,
                "params": params}
        case.update(kw)
        case.setdefault("timestamp_ms", TS)
        cases.append(case)

    def bad(name, method, params, error, **kw):
        case = {"name": name, "client": kw.pop("client", client()), "method": method,
                "params": params}
        case.update(kw)
        case.setdefault("timestamp_ms", TS)
        case["error"] = error
        cases.append(case)

    for m in ["md5", "hmac", "hmac-sha256"]:
        ok("seed resend request, %s, with session" % m, RESEND, SEED_RESEND,
           client=client(sign_method=m), session="6100e23657fb0b2d0c78568e55a3031134be9a3a5d4b3a365753805")
        ok("seed reserve request, " + m, RESERVE, SEED_RESERVE, client=client(sign_method=m))
        ok("seed verify request, " + m, VERIFY, SEED_VERIFY, client=client(sign_method=m))
    ok("default client settings (hmac-sha256, json, default gateway)", VERIFY,
       {"order_id": 12345678, "check_num": 1},
       client={"app_key": "12345678", "app_secret": "app-secret"})
    ok("simplify=true is a signed system parameter", VERIFY, {"order_id": 12345678},
       client=client(simplify=True, sign_method="md5"))
    ok("simplify=false is not sent", VERIFY, {"order_id": 12345678},
       client=client(simplify=False, sign_method="md5"))
    ok("xml format", VERIFY, {"order_id": 12345678}, client=client(format="xml", sign_method="hmac"))
    ok("partner_id and target_app_key are signed system parameters", VERIFY, {"order_id": 1},
       client=client(partner_id="topwire-0.1", target_app_key="87654321"))
    ok("empty partner_id and target_app_key are not sent", VERIFY, {"order_id": 1},
       client=client(partner_id="", target_app_key=""))
    ok("http gateway", VERIFY, {"order_id": 1},
       client=client(gateway="http://gw.api.taobao.com/router/rest"))
    ok("sandbox gateway", VERIFY, {"order_id": 1},
       client=client(gateway="https://gw.api.tbsandbox.com/router/rest"))
    ok("session on an API that does not require one is still sent and signed", VERIFY,
       {"order_id": 1}, session="sess~ion with space")
    ok("empty session is not sent", VERIFY, {"order_id": 1}, session="")
    ok("whitespace-only session, partner_id and target_app_key are not sent", VERIFY, {"order_id": 1},
       session=" \u3000", client=client(partner_id="\t", target_app_key="\n"))
    ok("whitespace-only values (Java's Character.isWhitespace) are neither signed nor sent", VERIFY,
       {"order_id": 12345678, "out_order_id": "  ", "confirm_code": "\u3000", "write_off_type": "\n",
        "check_num": 1})
    ok("untyped: whitespace-only values are not sent; no-break spaces are not whitespace to Java",
       "taobao.custom.thing.get",
       {"a": " \t\r\x0b\x0c\x1c\x1f", "b": ["  "], "c": "\u00a0", "d": "\u2007", "e": "\u202f",
        "f": "\u2028\u2029\u205f\u1680\u2000\u200a", "g": "\x85", "h": "x"})
    ok("an optional structured list given as JSON text \"[]\" is not sent", VERIFY,
       {"order_id": 1, "voucher_infos": "[]"})
    ok("untyped: keys sorted by UTF-16 code units, as Java's Arrays.sort (beyond U+FFFF before U+FF21)",
       "taobao.time.get", {"\uFF21": "1", "\U0001F600": "2", "\uE000": "3", "z": "4"},
       client=client(sign_method="md5"))
    ok("no parameters at all", "taobao.time.get", {})
    ok("null parameters", "taobao.time.get", None)
    ok("Chinese values are UTF-8 percent-encoded and signed as UTF-8", RESEND,
       {"isv_ma_list": [{"code": "码-中文-1", "num": 2}], "outer_id": "订单1753340805138544",
        "token": "令牌"}, session="s", client=client(sign_method="md5"))
    ok("empty values are neither signed nor sent", VERIFY,
       {"order_id": 12345678, "out_order_id": "", "confirm_code": None, "voucher_infos": [],
        "check_num": 1})
    ok("untyped: empty string, null, empty list and empty object are not sent",
       "taobao.custom.thing.get", {"a": "", "b": None, "c": [], "d": {}, "e": "x"})
    ok("untyped: a list whose text is empty is not sent; a list of two empty strings is \",\"",
       "taobao.custom.thing.get", {"a": [""], "b": ["", ""], "c": "x"})
    ok("19-digit order_id as a JSON integer", VERIFY, {"order_id": 2106027287988611313})
    ok("19-digit order_id as decimal text", VERIFY, {"order_id": "2106027287988611313"})
    ok("i64 extremes for a Number field", VERIFY,
       {"order_id": 9223372036854775807, "check_num": -9223372036854775808})
    ok("ticket_use_trans_id given as a 19-digit integer becomes a JSON string", RESERVE,
       {"ticket_reverse_top_request": {"ticket_use_trans_id": 2106027287988611313,
                                       "request_id": "r1", "ticket_id": 2208191159703216457}})
    ok("ticket_use_trans_id given as a string stays a string", RESERVE,
       {"ticket_reverse_top_request": {"ticket_use_trans_id": "2106027287988611313",
                                       "request_id": "r1", "ticket_id": "2208191159703216457"}})
    ok("object members keep the caller's order", RESERVE,
       {"ticket_reverse_top_request": {"ticket_id": "t", "request_id": "r",
                                       "biz_date": "2024-02-29 23:59:59"}})
    ok("null members of an object are left out", RESERVE,
       {"ticket_reverse_top_request": {"ticket_use_trans_id": None, "request_id": "r",
                                       "ticket_id": "t", "biz_date": None}})
    ok("Number members given as decimal text become JSON numbers", VERIFY,
       {"voucher_infos": [{"confirm_code": 2516352, "used_quantity": "3",
                           "used_date": "2020-01-11 14:00:00"}]})
    ok("a typed object given as JSON text is sent exactly as given", RESERVE,
       {"ticket_reverse_top_request": "{ \"ticket_id\" : \"t\", \"request_id\" : \"r\" }"})
    ok("JSON members keep Chinese text as UTF-8 and escape quotes", RESEND,
       {"isv_ma_list": [{"code": "中\"码\\", "num": 1}], "outer_id": "o", "token": "t"},
       session="s")
    ok("200 isv_ma_list items are allowed", RESEND,
       {"isv_ma_list": [{"code": "c%d" % i, "num": 1} for i in range(200)],
        "outer_id": "o", "token": "t"}, session="s", client=client(sign_method="md5"))
    ok("write_off_type 1", VERIFY, {"order_id": 1, "write_off_type": 1})
    ok("write_off_type as decimal text", VERIFY, {"order_id": 1, "write_off_type": "1"})
    ok("zero is a value, not empty", VERIFY, {"return_num": 0, "check_num": 0})
    ok("allow_unknown also sends unknown members of a structure, as given", VERIFY,
       {"voucher_infos": [{"confirm_code": "c", "new_member": {"x": [1, "二"]}, "used_quantity": "2"}]},
       allow_unknown=True)
    ok("allow_unknown sends a field the description does not know", VERIFY,
       {"order_id": 1, "new_field": "新", "new_list": [1, 2]}, allow_unknown=True)
    ok("untyped method: nested objects, lists of scalars, booleans, floats, big ints",
       "taobao.custom.thing.update",
       {"fields": ["tid", "title", "price"], "flag": True, "off": False, "price": 12.5,
        "ratio": 0.1, "neg": -0.25, "count": -3, "big": 18446744073709551615,
        "id": 2106027287988611313,
        "filter": {"name": "测试", "tags": ["a", "b"], "nested": {"x": 1, "y": [{"z": True}], "n": None}},
        "mixed": [1, {"a": "b"}], "objs": [{"k": 1}, {"k": 2}],
        "text": "a b+c&d=e~f*g-h_i.j/k?l#m%n", "bools": [True, False]},
       client=client(sign_method="md5"))
    ok("untyped method with upper-case letters and digits in its name", "Alibaba.Foo2.bar_baz", {"a": 1})
    ok("timestamp is formatted in GMT+8", VERIFY, {"order_id": 1}, timestamp_ms=0)
    ok("timestamp on a leap day", VERIFY, {"order_id": 1}, timestamp_ms=ms_of("2024-02-29 23:59:59") + 999)
    ok("reserved characters in app_key and values are encoded", "taobao.custom.get",
       {"q": "~!@#$%^&*()=+[]{}|;:'\",<>/? \t\n"}, client=client(app_key="key with space~"))

    # ---- the e-voucher, ticket and local-services workflow ----
    s = "6100e23657fb0b2d0c78568e55a3031134be9a3a5d4b3a365753805"
    ok("ma.send with ordinary codes (certificate_type 0)", SEND,
       {"biz_type": 3001, "certificate_type": 0,
        "isv_ma_list": [{"code": "abc124", "num": 1, "qr_image": "TB1qr_9d2a6b1f.png"}],
        "outer_id": "1753340805138544", "token": "31231231231"}, session=s, client=client(sign_method="md5"))
    ok("ma.send with certificate_type left out (its default 0) and isv_ma_list", SEND,
       {"isv_ma_list": [{"code": "abc124", "num": 2}], "outer_id": "o1", "token": "t1"}, session=s)
    ok("ma.send with card number and card secret (certificate_type 1): the secret is sent", SEND,
       {"certificate_type": 1, "isv_ka_list": [{"ka_no": "KA-0001", "ka_mi": "KaMi-7731-secret", "num": 1},
                                               {"ka_no": "KA-0002", "ka_mi": "卡密 2", "num": "3"}],
        "group_redeem": True, "outer_id": "o1", "token": "t1"}, session=s, client=client(sign_method="hmac"))
    ok("ma.send: 200 isv_ka_list items are allowed", SEND,
       {"certificate_type": "1", "isv_ka_list": [{"ka_no": "n%d" % i, "ka_mi": "m%d" % i, "num": 1}
                                                 for i in range(200)],
        "outer_id": "o", "token": "t"}, session=s, client=client(sign_method="md5"))
    ok("ma.failsend for an order out of stock", FAILSEND,
       {"biz_type": 3001, "outer_id": "o2", "sub_err_code": "isv.fail-send-no-stock",
        "sub_err_msg": "库存不足", "token": "t2"}, session=s)
    ok("ma.available before redeeming", AVAILABLE,
       {"code": "abc124", "consume_num": 1, "outer_id": "o1", "pos_id": "POS-1", "serial_num": "SN-1",
        "token": "t1"}, session=s)
    ok("ma.consume with codes issued in exchange (20 allowed)", CONSUME,
       {"code": "abc124", "consume_num": 1, "isv_ma_list": [{"code": "x%d" % i} for i in range(20)],
        "outer_id": "o1", "serial_num": "SN-1", "token": "t1"}, session=s)
    ok("ma.reverse undoes a redemption", REVERSE,
       {"code": "abc124", "outer_id": "o1", "reverse_num": 1, "serial_num": "SN-1", "token": "t1"}, session=s)
    ok("ma.delay with attribute_map as an object (Json: sent as its JSON text)", DELAY,
       {"attribute_map": {"reason": "延期", "days": 30}, "request_id": "req-1", "biz_type": 3001,
        "end_date": "2025-01-31 23:59:59", "outer_id": "o1"}, session=s)
    ok("ma.delay with attribute_map as JSON text (sent as given)", DELAY,
       {"attribute_map": "{ \"days\" : 30 }", "biz_type": 3001, "end_date": "2025-01-31 23:59:59",
        "outer_id": "o1", "code": "abc124"}, session=s)
    ok("tbma.get looks up a Taobao code", TBMA, {"query_tb_ma_callback_req": {"code": "abc124"}}, session=s)
    ok("order.refund reports a refund", REFUND,
       {"refund_num": 1, "order_id": 2106027287988611313, "refund_status": 1, "refund_batch_no": "B1"})
    ok("order.refund reports a failed refund", REFUND,
       {"order_id": 12345678, "refund_status": "2", "refund_failure_reason": "已核销"})
    ok("ticket.consult previews a voucher code", CONSULT,
       {"consult_request": {"request_id": "20190729111040030200660600011777",
                            "shop_id": "2015051100077000000000000000001", "ticket_code": "839201746512"}})

    # ---- errors ----
    item = {"code": "c", "num": 1}
    bad("isv_ma_list[3].num of the wrong type", RESEND,
        {"isv_ma_list": [item, item, item, {"code": "c", "num": "x"}], "outer_id": "o", "token": "t"},
        verr("isv_ma_list[3].num", "isv_ma_list[3].num: expected an integer, got the string \"x\""),
        session="s")
    bad("isv_ma_list[0].num as a float", RESEND,
        {"isv_ma_list": [{"code": "c", "num": 1.5}], "outer_id": "o", "token": "t"},
        verr("isv_ma_list[0].num", "isv_ma_list[0].num: expected an integer, got the number 1.5"),
        session="s")
    bad("missing isv_ma_list", RESEND, {"outer_id": "o", "token": "t"},
        verr("isv_ma_list", "isv_ma_list: expected a list of 1 to 200 IsvMa objects, got nothing"),
        session="s")
    bad("empty isv_ma_list counts as missing, and the error says it was given empty", RESEND,
        {"isv_ma_list": [], "outer_id": "o", "token": "t"},
        verr("isv_ma_list", "isv_ma_list: expected a list of 1 to 200 IsvMa objects, got an empty list"),
        session="s")
    # A container where the description says a scalar is wrong, not absent
    # (untyped methods keep "empty is absent").
    bad("an empty list for a typed integer field is refused, not dropped", VERIFY,
        {"order_id": 1, "check_num": [], "write_off_type": {}},
        verr("check_num", "check_num: expected an integer, got an empty list"))
    bad("an empty object for a typed integer field is refused, not dropped", VERIFY,
        {"order_id": 1, "write_off_type": {}},
        verr("write_off_type", "write_off_type: expected an integer, one of 0, 1, got an empty object"))
    bad("an empty list for a typed string field is refused", VERIFY, {"order_id": 1, "out_order_id": []},
        verr("out_order_id", "out_order_id: expected a string, got an empty list"))
    bad("an empty list for a structure (not a list) is refused", TBMA, {"query_tb_ma_callback_req": []},
        verr("query_tb_ma_callback_req", "query_tb_ma_callback_req: expected a QueryTbMaCallbackReq object, "
             "got an empty list"), session="s")
    bad("a required list given as JSON text \"[]\" counts as missing", RESEND,
        {"isv_ma_list": "[]", "outer_id": "o", "token": "t"},
        verr("isv_ma_list", "isv_ma_list: expected a list of 1 to 200 IsvMa objects, got nothing"),
        session="s")
    bad("a required list given as whitespace counts as missing", RESEND,
        {"isv_ma_list": " \n", "outer_id": "o", "token": "t"},
        verr("isv_ma_list", "isv_ma_list: expected a list of 1 to 200 IsvMa objects, got nothing"),
        session="s")
    bad("a list given as JSON text is checked like the list (member path named)", RESEND,
        {"isv_ma_list": "[{\"code\":\"c\",\"num\":1},{\"code\":\"c\",\"num\":\"x\"}]",
         "outer_id": "o", "token": "t"},
        verr("isv_ma_list[1].num", "isv_ma_list[1].num: expected an integer, got the string \"x\""),
        session="s")
    bad("a list given as JSON text misses a required member", RESEND,
        {"isv_ma_list": "[{\"num\":1}]", "outer_id": "o", "token": "t"},
        verr("isv_ma_list[0].code", "isv_ma_list[0].code: expected a string, got nothing"),
        session="s")
    bad("an object given as JSON text of an empty list", RESERVE,
        {"ticket_reverse_top_request": "[]"},
        verr("ticket_reverse_top_request",
             "ticket_reverse_top_request: expected a TicketReverseTopRequest object, "
             "got an empty list"))
    bad("more than 200 isv_ma_list items", RESEND,
        {"isv_ma_list": [item] * 201, "outer_id": "o", "token": "t"},
        verr("isv_ma_list", "isv_ma_list: expected a list of 1 to 200 IsvMa objects, got a list of 201 item(s)"),
        session="s")
    bad("isv_ma_list as an object", RESEND, {"isv_ma_list": item, "outer_id": "o", "token": "t"},
        verr("isv_ma_list", "isv_ma_list: expected a list of 1 to 200 IsvMa objects, got an object"),
        session="s")
    bad("isv_ma_list item missing its required code", RESEND,
        {"isv_ma_list": [{"num": 1}], "outer_id": "o", "token": "t"},
        verr("isv_ma_list[0].code", "isv_ma_list[0].code: expected a string, got nothing"), session="s")
    bad("missing required token", RESEND, {"isv_ma_list": [item], "outer_id": "o"},
        verr("token", "token: expected a string, got nothing"), session="s")
    bad("unknown field lists the valid names", VERIFY, {"orderid": 1},
        verr("orderid", "orderid: expected one of the documented fields (%s); "
             "pass allow_unknown to send others, got an unknown field" % VERIFY_FIELDS))
    # The name is the caller's: in the message its control characters are
    # escaped as a quoted value's are (one log line); `field` keeps it as given.
    bad("a field name holding CR/LF is escaped in the message", VERIFY, {"order\r\nid": 1},
        verr("order\r\nid", "order\\r\\nid: expected one of the documented fields (%s); "
             "pass allow_unknown to send others, got an unknown field" % VERIFY_FIELDS))
    bad("unknown member of a structure", VERIFY,
        {"voucher_infos": [{"confirm_code": "c", "usedDate": "2020-01-11 14:00:00"}]},
        verr("voucher_infos[0].usedDate",
             "voucher_infos[0].usedDate: expected one of the documented fields "
             "(confirm_code, used_quantity, used_date); pass allow_unknown to send others, got an unknown field"))
    bad("write_off_type 2 is not allowed", VERIFY, {"write_off_type": 2},
        verr("write_off_type", "write_off_type: expected an integer, one of 0, 1, got the number 2"))
    bad("bad biz_date format", RESERVE,
        {"ticket_reverse_top_request": {"biz_date": "2022-08-11T11:11:11", "request_id": "r", "ticket_id": "t"}},
        verr("ticket_reverse_top_request.biz_date",
             "ticket_reverse_top_request.biz_date: expected a time as \"yyyy-MM-dd HH:mm:ss\", "
             "got the string \"2022-08-11T11:11:11\""))
    bad("biz_date on a day that does not exist", RESERVE,
        {"ticket_reverse_top_request": {"biz_date": "2023-02-29 00:00:00", "request_id": "r", "ticket_id": "t"}},
        verr("ticket_reverse_top_request.biz_date",
             "ticket_reverse_top_request.biz_date: expected a time as \"yyyy-MM-dd HH:mm:ss\", "
             "got the string \"2023-02-29 00:00:00\""))
    bad("reserve request missing its required request_id", RESERVE,
        {"ticket_reverse_top_request": {"ticket_id": "t"}},
        verr("ticket_reverse_top_request.request_id",
             "ticket_reverse_top_request.request_id: expected a string, got nothing"))
    bad("typed object given as text that is not JSON", RESERVE,
        {"ticket_reverse_top_request": "not json"},
        verr("ticket_reverse_top_request",
             "ticket_reverse_top_request: expected a TicketReverseTopRequest object, got the string \"not json\""))
    bad("missing session for resend", RESEND, SEED_RESEND,
        verr("session", "session: expected a session: taobao.eticket.merchant.ma.resend acts for a seller, got none"))
    bad("empty session for resend counts as missing", RESEND, SEED_RESEND,
        verr("session", "session: expected a session: taobao.eticket.merchant.ma.resend acts for a seller, got none"),
        session="")
    bad("system parameter sign passed as an application parameter", "taobao.custom.get", {"sign": "ABC"},
        verr("sign", "sign: expected to be set through a client option, got it as an application parameter"))
    bad("system parameter timestamp passed as an application parameter", VERIFY,
        {"timestamp": "2024-01-01 00:00:00"},
        verr("timestamp", "timestamp: expected to be set through the timestamp option, got it as an application parameter"))
    bad("system parameter session passed as an application parameter", "taobao.custom.get", {"session": "s"},
        verr("session", "session: expected to be set through the session option, got it as an application parameter"))
    bad("integer beyond i64 for a Number field", VERIFY, {"order_id": 9223372036854775808},
        verr("order_id", "order_id: expected an integer within the signed 64-bit range, got the number 9223372036854775808"))
    bad("decimal text beyond i64 for a Number field", VERIFY, {"order_id": "9223372036854775808"},
        verr("order_id", "order_id: expected an integer, got the string \"9223372036854775808\""))
    bad("float for a Number field", VERIFY, {"order_id": 1.5},
        verr("order_id", "order_id: expected an integer, got the number 1.5"))
    bad("boolean for a Number field", VERIFY, {"order_id": True},
        verr("order_id", "order_id: expected an integer, got the boolean true"))
    # TOP signs every parameter it receives (all but `sign`): a query of the
    # gateway URL's own would reach it unsigned and fail every call with 25.
    for url in ["http://127.0.0.1:8080/router/rest?proxy_token=abc",
                "https://eco.taobao.com/router/rest?"]:
        bad("gateway URL with a query of its own: " + url, VERIFY, {"order_id": 1},
            verr("gateway", "gateway: expected a URL without a query (TOP checks the signature "
                 "over every parameter it receives, and a query of the gateway URL is not "
                 "signed), got a URL with a query"),
            client=client(gateway=url))
    bad("bad sign_method", VERIFY, {"order_id": 1},
        verr("sign_method", "sign_method: expected one of \"md5\", \"hmac\", \"hmac-sha256\", got \"sha1\""),
        client=client(sign_method="sha1"))
    bad("sign_method is case-sensitive", VERIFY, {"order_id": 1},
        verr("sign_method", "sign_method: expected one of \"md5\", \"hmac\", \"hmac-sha256\", got \"MD5\""),
        client=client(sign_method="MD5"))
    bad("simplify with xml", VERIFY, {"order_id": 1},
        verr("simplify", "simplify: expected false with format \"xml\" (TOP simplifies JSON only), got true"),
        client=client(format="xml", simplify=True))
    bad("bad format", VERIFY, {"order_id": 1},
        verr("format", "format: expected \"json\" or \"xml\", got \"yaml\""), client=client(format="yaml"))
    bad("empty app_key", VERIFY, {"order_id": 1},
        verr("app_key", "app_key: expected a non-empty app key, got an empty string"), client=client(app_key=""))
    bad("empty app_secret", VERIFY, {"order_id": 1},
        verr("app_secret", "app_secret: expected a non-empty app secret, got an empty string"),
        client=client(app_secret=""))
    bad("gateway that is not http(s)", VERIFY, {"order_id": 1},
        verr("gateway", "gateway: expected an ASCII http:// or https:// URL without a fragment, got \"ftp://example.com/router\""),
        client=client(gateway="ftp://example.com/router"))
    bad("bad method name", "taobao trade get", {},
        verr("method", "method: expected a TOP method name such as \"taobao.trade.get\", got \"taobao trade get\""))
    # A typo of a typed method (two edits at most) would reach the gateway as
    # an untyped call and come back as error 22: refused, naming the method.
    consume = "taobao.eticket.merchant.ma.consume"
    for typo in ["taobao.eticket.merchant.ma.consum", "taobao.eticket.merchant.ma.cosnume",
                 "Taobao.eticket.merchant.ma_consume"]:
        bad("a typo of a typed method: " + typo, typo, {"code": "abc124"},
            verr("method", "method: expected a known method (did you mean %s?; allowUnknown / "
                           "allow_unknown sends an untyped method as it is), got \"%s\"" % (consume, typo)),
            session="s")
    ok("a typo of a typed method is sent untyped with allow_unknown", "taobao.eticket.merchant.ma.consum",
       {"code": "abc124"}, session="s", allow_unknown=True)
    ok("an untyped method three edits from a typed one is not a typo", "taobao.eticket.merchant.ma.query",
       {"code": "abc124"}, session="s")
    bad("params that are not an object", VERIFY, [1, 2],
        verr("params", "params: expected an object of parameters, got a list of 2 item(s)"))
    bad("untyped list of scalars containing null", "taobao.custom.get", {"ids": [1, None]},
        verr("ids[1]", "ids[1]: expected a string, number or boolean, got null"))
    bad("timestamp out of range", VERIFY, {"order_id": 1},
        verr("timestamp", "timestamp: expected epoch milliseconds within years 0001 to 9999, got 253402272000000"),
        timestamp_ms=253402272000000)

    upload_cases(ok, bad)

    # The workflow's rules across fields, list limits and values; the card
    # secret is never quoted.
    sess = {"session": "s"}
    ka = {"ka_no": "K1", "ka_mi": "KaMi-7731-secret", "num": 1}
    bad("ma.send: certificate_type left out means 0, which needs isv_ma_list", SEND,
        {"outer_id": "o", "token": "t"},
        verr("isv_ma_list", "isv_ma_list: expected a list of 1 to 200 IsvMa objects "
             "(required when certificate_type is 0), got nothing"), **sess)
    bad("ma.send: certificate_type 1 needs isv_ka_list", SEND,
        {"certificate_type": 1, "isv_ma_list": [item], "outer_id": "o", "token": "t"},
        verr("isv_ka_list", "isv_ka_list: expected a list of 1 to 200 IsvKa objects "
             "(required when certificate_type is 1), got nothing"), **sess)
    bad("ma.send: certificate_type 1 needs ka_mi in every item", SEND,
        {"certificate_type": 1, "isv_ka_list": [ka, {"ka_no": "K2", "num": 1}], "outer_id": "o", "token": "t"},
        verr("isv_ka_list[1].ka_mi", "isv_ka_list[1].ka_mi: expected a string "
             "(required when certificate_type is 1), got nothing"), **sess)
    bad("ma.send: certificate_type 1 needs ka_no in every item", SEND,
        {"certificate_type": 1, "isv_ka_list": [{"ka_mi": "KaMi-7731-secret", "num": 1}], "outer_id": "o",
         "token": "t"},
        verr("isv_ka_list[0].ka_no", "isv_ka_list[0].ka_no: expected a string "
             "(required when certificate_type is 1), got nothing"), **sess)
    bad("ma.send: certificate_type 1 needs num in every item", SEND,
        {"certificate_type": 1, "isv_ka_list": [{"ka_no": "K1", "ka_mi": "KaMi-7731-secret"}],
         "outer_id": "o", "token": "t"},
        verr("isv_ka_list[0].num", "isv_ka_list[0].num: expected an integer "
             "(required when certificate_type is 1), got nothing"), **sess)
    # Java's isEmpty at every depth: whitespace-only members are missing.
    bad("ma.send: whitespace-only ka_no and ka_mi do not satisfy certificate_type 1", SEND,
        {"certificate_type": 1, "isv_ka_list": [{"ka_no": "   ", "ka_mi": "  ", "num": 1}], "outer_id": "o",
         "token": "t"},
        verr("isv_ka_list[0].ka_no", "isv_ka_list[0].ka_no: expected a string "
             "(required when certificate_type is 1), got nothing"), **sess)
    bad("ma.send: a whitespace-only ka_mi does not satisfy certificate_type 1", SEND,
        {"certificate_type": 1, "isv_ka_list": [{"ka_no": "K1", "ka_mi": "\u3000\n", "num": 1}],
         "outer_id": "o", "token": "t"},
        verr("isv_ka_list[0].ka_mi", "isv_ka_list[0].ka_mi: expected a string "
             "(required when certificate_type is 1), got nothing"), **sess)
    bad("ma.send: a whitespace-only code is a missing required member", SEND,
        {"isv_ma_list": [{"code": " ", "num": 1}], "outer_id": "o", "token": "t"},
        verr("isv_ma_list[0].code", "isv_ma_list[0].code: expected a string, got nothing"), **sess)
    bad("ma.send: certificate_type 0 needs code in every isv_ma_list item", SEND,
        {"certificate_type": 0, "isv_ma_list": [{"num": 1}], "outer_id": "o", "token": "t"},
        verr("isv_ma_list[0].code", "isv_ma_list[0].code: expected a string, got nothing"), **sess)
    bad("ma.send: certificate_type 2 is not allowed", SEND,
        {"certificate_type": 2, "isv_ma_list": [item], "outer_id": "o", "token": "t"},
        verr("certificate_type", "certificate_type: expected an integer, one of 0, 1, got the number 2"), **sess)
    bad("ma.send: more than 200 isv_ka_list items", SEND,
        {"certificate_type": 1, "isv_ka_list": [ka] * 201, "outer_id": "o", "token": "t"},
        verr("isv_ka_list", "isv_ka_list: expected a list of 0 to 200 IsvKa objects, got a list of 201 item(s)"),
        **sess)
    bad("ma.send: a card secret of the wrong type is described, never shown", SEND,
        {"certificate_type": 1, "isv_ka_list": [{"ka_no": "K1", "ka_mi": True, "num": 1}], "outer_id": "o",
         "token": "t"},
        verr("isv_ka_list[0].ka_mi", "isv_ka_list[0].ka_mi: expected a string, got a boolean (secret, not shown)"),
        **sess)
    bad("ma.send: isv_ka_list text that is not JSON is not quoted (it holds card secrets)", SEND,
        {"certificate_type": 1, "isv_ka_list": "KaMi-7731-secret,KaMi-2", "outer_id": "o", "token": "t"},
        verr("isv_ka_list", "isv_ka_list: expected a list of 0 to 200 IsvKa objects, "
             "got a string (secret, not shown)"), **sess)
    bad("ma.send: an isv_ka_list item that is a string is not quoted", SEND,
        {"certificate_type": 1, "isv_ka_list": ["KaMi-7731-secret"], "outer_id": "o", "token": "t"},
        verr("isv_ka_list[0]", "isv_ka_list[0]: expected a IsvKa object, "
             "got a string (may hold a secret, not shown)"), **sess)
    bad("ma.send: group_redeem must be a boolean", SEND,
        {"isv_ma_list": [item], "group_redeem": "yes", "outer_id": "o", "token": "t"},
        verr("group_redeem", "group_redeem: expected a boolean, got the string \"yes\""), **sess)
    bad("ma.send needs a session", SEND, {"isv_ma_list": [item], "outer_id": "o", "token": "t"},
        verr("session", "session: expected a session: taobao.eticket.merchant.ma.send acts for a seller, got none"))
    bad("ma.failsend: sub_err_code is required", FAILSEND,
        {"outer_id": "o", "sub_err_msg": "m", "token": "t"},
        verr("sub_err_code", "sub_err_code: expected a string, got nothing"), **sess)
    bad("ma.available: consume_num is required", AVAILABLE,
        {"code": "c", "outer_id": "o", "token": "t"},
        verr("consume_num", "consume_num: expected an integer, got nothing"), **sess)
    bad("ma.consume: more than 20 exchange codes", CONSUME,
        {"code": "c", "consume_num": 1, "isv_ma_list": [item] * 21, "outer_id": "o", "serial_num": "s",
         "token": "t"},
        verr("isv_ma_list", "isv_ma_list: expected a list of 0 to 20 IsvMa objects, got a list of 21 item(s)"),
        **sess)
    bad("ma.consume: serial_num is required", CONSUME,
        {"code": "c", "consume_num": 1, "outer_id": "o", "token": "t"},
        verr("serial_num", "serial_num: expected a string, got nothing"), **sess)
    bad("ma.reverse: reverse_num must be an integer", REVERSE,
        {"code": "c", "outer_id": "o", "reverse_num": "one", "serial_num": "s", "token": "t"},
        verr("reverse_num", "reverse_num: expected an integer, got the string \"one\""), **sess)
    bad("ma.delay: end_date must be a time", DELAY,
        {"biz_type": 3001, "end_date": "2025-01-31", "outer_id": "o"},
        verr("end_date", "end_date: expected a time as \"yyyy-MM-dd HH:mm:ss\", got the string \"2025-01-31\""),
        **sess)
    bad("ma.delay: attribute_map text must be JSON", DELAY,
        {"attribute_map": "{days: 30}", "biz_type": 3001, "end_date": "2025-01-31 23:59:59", "outer_id": "o"},
        verr("attribute_map", "attribute_map: expected JSON: an object, a list or their JSON text, "
             "got the string \"{days: 30}\""), **sess)
    bad("ma.delay: attribute_map cannot be a number", DELAY,
        {"attribute_map": 30, "biz_type": 3001, "end_date": "2025-01-31 23:59:59", "outer_id": "o"},
        verr("attribute_map", "attribute_map: expected JSON: an object, a list or their JSON text, "
             "got the number 30"), **sess)
    bad("tbma.get: the query needs its code (given empty, the error says so)", TBMA,
        {"query_tb_ma_callback_req": {}},
        verr("query_tb_ma_callback_req", "query_tb_ma_callback_req: expected a QueryTbMaCallbackReq object, "
             "got an empty object"), **sess)
    bad("tbma.get: the query's code is required", TBMA, {"query_tb_ma_callback_req": {"code": ""}},
        verr("query_tb_ma_callback_req.code", "query_tb_ma_callback_req.code: expected a string, got nothing"),
        **sess)
    bad("order.refund: refund_status is 1 or 2", REFUND, {"order_id": 1, "refund_status": 3},
        verr("refund_status", "refund_status: expected an integer, one of 1, 2, got the number 3"))
    bad("order.refund: order_id is required", REFUND, {"refund_status": 1},
        verr("order_id", "order_id: expected an integer, got nothing"))
    bad("ticket.consult: shop_id is required", CONSULT,
        {"consult_request": {"request_id": "r", "ticket_code": "c"}},
        verr("consult_request.shop_id", "consult_request.shop_id: expected a string, got nothing"))
    bad("ticket.consult: consult_request is required", CONSULT, {},
        verr("consult_request", "consult_request: expected a TicketConsultTopRequest object, got nothing"))

    tmc_prepare_cases(ok, bad)

    out = []
    for c in cases:
        if "error" not in c:
            c["expect"] = prepare(c)
        out.append(c)
    return out


# Message ids of the channel are 64-bit and usually beyond 2^53 (PROTOCOL.md).
TMC_IDS = [7104300007405429232, 2131800080537681929, 1]
TMC_LIST = "a list of 1 to 200 integers, or their comma-joined text"


def tmc_prepare_cases(ok, bad):
    """The three HTTP methods of the message channel (PROTOCOL.md Over HTTP):
    `quantity` between 10 and 200, up to 200 exact ids comma-joined."""
    ok("tmc.messages.consume: quantity 10, the lower bound, and a group", TMC_CONSUME,
       {"group_name": "vip", "quantity": 10})
    ok("tmc.messages.consume: quantity 200, the upper bound, as decimal text", TMC_CONSUME,
       {"quantity": "200"})
    ok("tmc.messages.consume: no parameters at all", TMC_CONSUME, {})
    bad("tmc.messages.consume: quantity 5 is below 10", TMC_CONSUME, {"quantity": 5},
        verr("quantity", "quantity: expected an integer from 10 to 200, got the number 5"))
    bad("tmc.messages.consume: quantity 300 is above 200", TMC_CONSUME, {"quantity": 300},
        verr("quantity", "quantity: expected an integer from 10 to 200, got the number 300"))
    bad("tmc.messages.consume: quantity 9 as text is below 10", TMC_CONSUME, {"quantity": "9"},
        verr("quantity", "quantity: expected an integer from 10 to 200, got the string \"9\""))
    bad("tmc.messages.consume: quantity 2^63 is beyond a 64-bit integer", TMC_CONSUME,
        {"quantity": 9223372036854775808},
        verr("quantity", "quantity: expected an integer within the signed 64-bit range, "
                         "got the number 9223372036854775808"))
    ok("tmc.messages.confirm: ids beyond 2^53 comma-joined exactly", TMC_CONFIRM,
       {"s_message_ids": TMC_IDS})
    ok("tmc.messages.confirm: ids as decimal text in a list", TMC_CONFIRM,
       {"group_name": "default", "s_message_ids": [str(i) for i in TMC_IDS]})
    ok("tmc.messages.confirm: comma-joined text is sent as given", TMC_CONFIRM,
       {"s_message_ids": "7104300007405429232,2131800080537681929"})
    ok("tmc.messages.confirm: one id as a bare integer", TMC_CONFIRM,
       {"s_message_ids": 7104300007405429232})
    ok("tmc.messages.confirm: 200 ids, the limit", TMC_CONFIRM,
       {"s_message_ids": [7104300007405429232 + i for i in range(200)]})
    bad("tmc.messages.confirm: 201 ids are over the limit", TMC_CONFIRM,
        {"s_message_ids": [7104300007405429232 + i for i in range(201)]},
        verr("s_message_ids", "s_message_ids: expected %s, got a list of 201 item(s)" % TMC_LIST))
    bad("tmc.messages.confirm: 201 ids as text are over the limit", TMC_CONFIRM,
        {"s_message_ids": ",".join(str(7104300007405429232 + i) for i in range(201))},
        verr("s_message_ids", "s_message_ids: expected %s, got a list of 201 item(s)" % TMC_LIST))
    bad("tmc.messages.confirm: s_message_ids is required", TMC_CONFIRM, {"group_name": "default"},
        verr("s_message_ids", "s_message_ids: expected %s, got nothing" % TMC_LIST))
    bad("tmc.messages.confirm: an id that is not an integer is named by its index", TMC_CONFIRM,
        {"s_message_ids": ["7104300007405429232", "x"]},
        verr("s_message_ids[1]", "s_message_ids[1]: expected an integer, got the string \"x\""))
    bad("tmc.messages.confirm: an empty piece of the text is refused, not dropped", TMC_CONFIRM,
        {"s_message_ids": "1,,2"},
        verr("s_message_ids[1]", "s_message_ids[1]: expected an integer, got an empty string"))
    bad("tmc.messages.confirm: an id beyond the signed 64-bit range", TMC_CONFIRM,
        {"s_message_ids": [1, 18446744073709551615]},
        verr("s_message_ids[1]", "s_message_ids[1]: expected an integer within the signed 64-bit range, "
                                 "got the number 18446744073709551615"))
    bad("tmc.messages.confirm: a float id is refused", TMC_CONFIRM, {"s_message_ids": [1.5]},
        verr("s_message_ids[0]", "s_message_ids[0]: expected an integer, got the number 1.5"))
    ok("tmc.user.permit: topics comma-joined, with the user's session", TMC_PERMIT,
       {"topics": ["taobao_trade_TradePaid", "taobao_refund_RefundCreate"]}, session="test-session")
    bad("tmc.user.permit: a topic holding a comma would split in two", TMC_PERMIT,
        {"topics": ["taobao_trade_TradePaid,a"]},
        verr("topics[0]", "topics[0]: expected a non-empty string without commas, "
                          "got the string \"taobao_trade_TradePaid,a\""),
        session="test-session")
    bad("tmc.user.permit: 101 topics are over the limit", TMC_PERMIT,
        {"topics": ["t%d" % i for i in range(101)]},
        verr("topics", "topics: expected a list of 0 to 100 strings without commas, or their "
                       "comma-joined text, got a list of 101 item(s)"),
        session="test-session")


IMG_UPLOAD = "taobao.eticket.merchant.img.upload"
# The first bytes of a PNG file, then some binary: CR, LF, NUL, 0xFF.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\r\n--\xff\xfe"


def file_param(content, filename=None, content_type=None):
    f = {"file_base64": base64.b64encode(content).decode("ascii")}
    if filename is not None:
        f["filename"] = filename
    if content_type is not None:
        f["content_type"] = content_type
    return f


def upload_cases(ok, bad):
    """Multipart uploads (PROTOCOL.md File uploads)."""
    ok("upload: img.upload sends its image as an unsigned file part", IMG_UPLOAD,
       {"img_bytes": file_param(PNG, "qr.png", "image/png")}, session="upload-session",
       client=client(sign_method="md5"))
    ok("upload: a file without a name or type is named after its parameter, application/octet-stream",
       IMG_UPLOAD, {"img_bytes": file_param(b"\x00\x01\x02")}, session="upload-session")
    ok("upload: text parameters are signed parts before the files, in the caller's order",
       "taobao.custom.upload",
       {"pic": file_param(PNG, "图.png", "image/png"), "title": "二维码 & more", "n": 5,
        "doc": file_param(b"%PDF-1.4\n", "a.pdf", "application/pdf"), "flag": True,
        "ids": [1, 2, 3], "skip": ""},
       client=client(sign_method="hmac"))
    ok("upload: the boundary is none that occurs in the content",
       "taobao.custom.upload",
       {"note": "see --topwire-boundary-0000000000000002",
        "f": file_param(b"topwire-boundary-0000000000000000\r\n--topwire-boundary-0000000000000001--")})
    ok("upload: an empty file is not sent, so the body is a form", "taobao.custom.upload",
       {"f": file_param(b""), "a": "1"})
    tiny = file_param(b"abc")
    bad("upload: a file inside a list", "taobao.custom.upload", {"ids": [tiny]},
        verr("ids[0]", "ids[0]: expected a string, number or boolean, got a file of 3 byte(s)"))
    bad("upload: a file inside an object", "taobao.custom.upload", {"o": {"f": tiny}},
        verr("o.f", "o.f: expected a JSON value (files are top-level parameters only), got a file of 3 byte(s)"))
    bad("upload: a file for a typed field of another type", VERIFY, {"order_id": tiny},
        verr("order_id", "order_id: expected an integer, got a file of 3 byte(s)"))
    bad("upload: a file name with a quote", "taobao.custom.upload",
        {"f": file_param(b"abc", 'a"b.png')},
        verr("f.filename", "f.filename: expected a file name without quotes, backslashes or control "
             "characters (it is sent in a multipart header), got " + quoted('a"b.png')))
    bad("upload: a content type that is not type/subtype", "taobao.custom.upload",
        {"f": file_param(b"abc", "a.png", "png")},
        verr("f.content_type", "f.content_type: expected a MIME type such as \"image/png\", got \"png\""))


# --------------------------------------------------------------------------
# spi.json
# --------------------------------------------------------------------------

SPI_SECRET = "spi-secret-中"
SPI_TS = "2024-01-01 12:00:00"
SPI_NOW = ms_of(SPI_TS)


SPI_REFUSED_TYPE = ("content_type: expected application/json, text/xml, application/xml, text/plain or "
                    "application/x-www-form-urlencoded (charset UTF-8), got ")
SPI_MISMATCH = {"type": "SignatureError", "reason": "mismatch",
                "message": "the call's `sign` does not match its parameters and body"}
ESCAPE_EXPECTED = "URL-encoded text (every % followed by two hex digits)"


def spi_cases():
    cases = []
    base_query = [("app_key", "12345678"), ("method", "taobao.eticket.merchant.ma.send"),
                  ("timestamp", SPI_TS), ("sign_method", "hmac"), ("v", "2.0"), ("format", "json")]

    def case(name, query=base_query, headers=(), sign_list=(), body="",
             content_type="application/json; charset=utf-8", encoder=urlencode, raw_query=None,
             sign_body=None, sign_headers=None, now_ms=SPI_NOW, max_skew_ms=None,
             with_sign=True, expect="ok", error=None, sign_override=None):
        """A raw call; its sign is computed by the Java model above from the
        raw query, headers and body (or `sign_*` stand-ins, to tamper)."""
        headers = [list(h) for h in headers]
        if sign_list:
            headers = [["top-sign-list", ",".join(sign_list)]] + headers
        q = raw_query if raw_query is not None else encoder(query)
        try:
            sig = spi_java_sign(SPI_SECRET, q, headers if sign_headers is None else sign_headers,
                                body if sign_body is None else sign_body, content_type)
        except JavaRefuses:
            assert error is not None and error["type"] == "ValidationError", name
            sig = "0" * 32
        if sign_override is not None:
            sig = sign_override
        if with_sign:
            q = q + ("&" if q else "") + "sign=" + sig
        c = {"name": name, "query": q, "headers": headers, "body": body,
             "content_type": content_type, "secret": SPI_SECRET, "now_ms": now_ms}
        if max_skew_ms is not None:
            c["max_skew_ms"] = max_skew_ms
        if error is None:
            c["expect"] = expect
        else:
            c["error"] = error
        cases.append(c)

    json_body = '{"order_id":"2106027287988611313","nick":"测试店铺","num":1}'
    case("JSON body with Chinese text", body=json_body)
    case("JSON body, content type without charset", body=json_body, content_type="application/json")
    case("XML body", body="<req><nick>测试</nick></req>", content_type="text/xml; charset=utf-8")
    case("text body", body="纯文本 body", content_type="text/plain")
    form = [("outer_id", "1753340805138544"), ("nick", "测试"), ("app_key", "ignored-form-value"),
            ("empty", "")]
    case("urlencoded body: form fields join the pairs, the body is not appended",
         body=urlencode(form), content_type="application/x-www-form-urlencoded; charset=utf-8")
    case("urlencoded body with no query parameters besides sign and timestamp",
         query=[("timestamp", SPI_TS)], body="a=1&b=%E4%BA%8C",
         content_type="application/x-www-form-urlencoded")
    case("empty query values are signed (unlike requests)",
         query=base_query + [("empty", "")], body=json_body)
    case("top-sign-list headers, one present and one missing (counts as empty), names in other case",
         headers=[("X-Biz-Id", "42"), ("Content-Type", "application/json")],
         sign_list=["x-biz-id", "x-missing"], body=json_body)
    case("top-sign-list header name itself in mixed case",
         headers=[("Top-Sign-List", "X-Ca-Key"), ("x-ca-key", "abc")], body=json_body)
    case("+-encoded timestamp in the query", body=json_body, encoder=urlencode)
    assert "timestamp=2024-01-01+12%3A00%3A00" in cases[-1]["query"]
    case("%20-encoded timestamp with a raw colon in the query", body=json_body,
         encoder=lambda pairs: "&".join(
             urllib.parse.quote(k, safe="") + "=" + urllib.parse.quote(v, safe=":") for k, v in pairs))
    assert "timestamp=2024-01-01%2012:00:00" in cases[-1]["query"]
    case("content type taken from the headers when not given", body=json_body, content_type=None,
         headers=[("content-type", "application/json;charset=UTF-8")])
    case("no body and no content type", body="", content_type=None)
    case("timestamp exactly at the edge of the window", body=json_body, now_ms=SPI_NOW + 600000)
    case("timestamp within a custom window", body=json_body, now_ms=SPI_NOW - 119000, max_skew_ms=120000)

    # SpiUtils' own rules, one at a time.
    case("signed header values are URL-decoded (%2B is +, + is a space)",
         headers=[("x-biz", "a%2Bb+c%E4%B8%AD%25")], sign_list=["x-biz"], body=json_body)
    case("whitespace-only signed header values count as empty",
         headers=[("x-a", "   "), ("x-b", "\u3000"), ("x-c", "\t\n")], sign_list=["x-a", "x-b", "x-c"],
         body=json_body)
    case("a header value that decodes to a space is a space",
         headers=[("x-a", "%20"), ("x-b", "+")], sign_list=["x-a", "x-b"], body=json_body)
    case("a no-break space is not whitespace to Java",
         headers=[("x-a", "\u00a0")], sign_list=["x-a"], body=json_body)
    case("top-sign-list split as Java splits: empty and trailing names, names kept as written",
         headers=[("top-sign-list", "x-a,,X-B, x-a,"), ("x-a", "1"), ("x-b", "2")], body=json_body)
    case("URLDecoder reads %+F as byte 0x0F",
         headers=[("x-a", "%+F%-0x")], sign_list=["x-a"], body=json_body)
    case("query pieces a=b=c and = are skipped, k alone and k== are empty, =v has an empty key",
         raw_query=urlencode(base_query) + "&a=b=c&&=&k&k2==&=v&x==y", body=json_body)
    case("in a form call a query piece a=b=c is signed as a = b=c (the servlet's parameter)",
         raw_query=urlencode(base_query) + "&a=b=c", body="f=1",
         content_type="application/x-www-form-urlencoded")
    case("a repeated query key keeps its last value",
         raw_query=urlencode(base_query) + "&d=1&d=2", body=json_body)
    case("whitespace-only form values count as empty; query values stay as sent",
         raw_query=urlencode(base_query) + "&q=+", body="a=+&b=%E3%80%80&c=%09%0A&d=%C2%A0",
         content_type="application/x-www-form-urlencoded")
    case("a repeated form field keeps its first value; a query key wins over the form",
         body="f=1&f=2&app_key=other&x-h=form", headers=[("x-h", "header")], sign_list=["x-h"],
         content_type="application/x-www-form-urlencoded")
    case("keys sorted by UTF-16 code units, as Arrays.sort",
         query=base_query + [("\U0001F600", "1"), ("\uFF21", "2"), ("\u00e9", "3")], body=json_body)
    case("the timestamp may come from the form (request.getParameter)",
         query=[(k, v) for k, v in base_query if k != "timestamp"],
         body=urlencode([("timestamp", SPI_TS), ("a", "1")]),
         content_type="application/x-www-form-urlencoded")
    case("charset utf8 spelled differently", body=json_body, content_type="application/json;charset=UTF8")

    rng = random.Random(10)
    for i in range(40):
        case("random call %02d" % i, **random_spi_call(rng, base_query))

    case("stale timestamp (11 minutes old)", body=json_body, now_ms=SPI_NOW + 660000,
         error={"type": "SignatureError", "reason": "stale_timestamp",
                "message": "the call's timestamp 2024-01-01 12:00:00 is 660 s away from now, "
                           "more than the 600 s allowed"})
    case("timestamp too far in the future", body=json_body, now_ms=SPI_NOW - 3600000,
         error={"type": "SignatureError", "reason": "stale_timestamp",
                "message": "the call's timestamp 2024-01-01 12:00:00 is 3600 s away from now, "
                           "more than the 600 s allowed"})
    case("stale for a custom window", body=json_body, now_ms=SPI_NOW + 61000, max_skew_ms=60000,
         error={"type": "SignatureError", "reason": "stale_timestamp",
                "message": "the call's timestamp 2024-01-01 12:00:00 is 61 s away from now, "
                           "more than the 60 s allowed"})
    case("missing sign", body=json_body, with_sign=False,
         error={"type": "SignatureError", "reason": "missing_sign",
                "message": "the call has no `sign` query parameter"})
    case("a sign sent only in the form does not count (queryMap.get(\"sign\"))", with_sign=False,
         body="sign=0123456789ABCDEF0123456789ABCDEF&a=1", content_type="application/x-www-form-urlencoded",
         error={"type": "SignatureError", "reason": "missing_sign",
                "message": "the call has no `sign` query parameter"})
    case("tampered body", body=json_body.replace("测试店铺", "测试店铺!"), sign_body=json_body,
         error=SPI_MISMATCH)
    case("tampered form field", body=urlencode(form).replace("1753340805138544", "1753340805138545"),
         sign_body=urlencode(form), content_type="application/x-www-form-urlencoded",
         error=SPI_MISMATCH)
    case("signed with the wrong secret", body=json_body,
         sign_override=spi_java_sign("other", urlencode(base_query), [], json_body, "application/json"),
         error=SPI_MISMATCH)
    case("lower-case hex sign does not match", body=json_body,
         sign_override=spi_java_sign(SPI_SECRET, urlencode(base_query), [], json_body,
                                     "application/json").lower(),
         error=SPI_MISMATCH)
    case("a signed header changed", headers=[("x-biz-id", "43")], sign_list=["x-biz-id"], body=json_body,
         sign_headers=[["top-sign-list", "x-biz-id"], ["x-biz-id", "42"]], error=SPI_MISMATCH)
    case("a signed header sent raw where it was signed decoded", headers=[("x-biz", "a+b")],
         sign_list=["x-biz"], body=json_body,
         sign_headers=[["top-sign-list", "x-biz"], ["x-biz", "a%2Bb"]], error=SPI_MISMATCH)
    case("missing timestamp", query=[(k, v) for k, v in base_query if k != "timestamp"], body=json_body,
         error={"type": "SignatureError", "reason": "missing_timestamp",
                "message": "the call has no `timestamp` query parameter"})
    case("malformed timestamp", query=[(k, "2024/01/01 12:00:00" if k == "timestamp" else v)
                                       for k, v in base_query], body=json_body,
         error=verr("timestamp", "timestamp: expected a time as \"yyyy-MM-dd HH:mm:ss\", "
                                 "got the string \"2024/01/01 12:00:00\""))
    case("unsupported content type", body="--x--", content_type="multipart/form-data; boundary=x",
         error=verr("content_type", SPI_REFUSED_TYPE + "\"multipart/form-data; boundary=x\""))
    case("body without a content type", body=json_body, content_type=None,
         error=verr("content_type", SPI_REFUSED_TYPE + "\"\""))
    case("application/xml: its body is signed like text/xml (the current SDK's SpiUtils)",
         body="<req><nick>测试</nick></req>", content_type="application/xml; charset=UTF-8")
    case("content types are compared as written (case-sensitive)", body=json_body,
         content_type="Application/JSON",
         error=verr("content_type", SPI_REFUSED_TYPE + "\"Application/JSON\""))
    case("a charset other than UTF-8", body=json_body, content_type="application/json; charset=GBK",
         error=verr("content_type", SPI_REFUSED_TYPE + "\"application/json; charset=GBK\""))
    case("a malformed escape in a signed header (Java throws)", headers=[("x-biz", "100%")],
         sign_list=["x-biz"], body=json_body,
         error=verr("headers.x-biz", "headers.x-biz: expected " + ESCAPE_EXPECTED + ", got \"100%\""))
    case("a malformed escape in the query (Java throws)", raw_query=urlencode(base_query) + "&a=%zz",
         body=json_body, error=verr("query", "query: expected " + ESCAPE_EXPECTED + ", got \"%zz\""))
    case("a negative escape in the query (Java throws)", raw_query=urlencode(base_query) + "&a=%-1",
         body=json_body, error=verr("query", "query: expected " + ESCAPE_EXPECTED + ", got \"%-1\""))
    case("escaped bytes that are not UTF-8 in a header", headers=[("x-biz", "%FF")],
         sign_list=["x-biz"], body=json_body,
         error=verr("headers.x-biz", "headers.x-biz: expected URL-encoded UTF-8 text, got \"%FF\""))
    case("a malformed escape in a form body", body="a=%G0", content_type="application/x-www-form-urlencoded",
         error=verr("body", "body: expected " + ESCAPE_EXPECTED + ", got \"%G0\""))
    return cases


SPI_TEXTS = ["", " ", "  ", "\u3000", "\t", "a", "a+b", "a%2Bb", "%25", "100%25", "%20", "+",
             "中", "%E4%B8%AD", "%E3%80%80", "x=y", "\u00a0", "%C2%A0", "%0A", "é"]
SPI_KEYS = ["a", "b", "c", "a%2Bb", "k+k", "%E4%B8%AD", "x-h1", "X-H2", "app_key", "sign_method", "z"]


def random_spi_call(rng, base_query):
    """A call mixing the awkward pieces SpiUtils meets: escapes, `+`,
    whitespace-only values, `a=b=c` pieces, repeated keys, headers that
    share names with parameters."""
    def value():
        return rng.choice(SPI_TEXTS).replace("=", "%3D") if rng.random() < 0.5 else rng.choice(SPI_TEXTS)

    pieces = [urlencode(base_query)]
    for _ in range(rng.randrange(0, 6)):
        kind = rng.random()
        key = rng.choice(SPI_KEYS)
        if kind < 0.5:
            pieces.append(key + "=" + value().replace("&", ""))
        elif kind < 0.65:
            pieces.append(key + "=" + value() + "=" + value())
        elif kind < 0.75:
            pieces.append(key)
        elif kind < 0.85:
            pieces.append("=" + value())
        else:
            pieces.append("")
    pieces = pieces[:1] + [p.replace("&", "") for p in pieces[1:]]
    names = rng.sample(["x-h1", "X-H2", "x-h3", "a"], rng.randrange(0, 4))
    headers = [(n.lower() if rng.random() < 0.5 else n.upper(), rng.choice(SPI_TEXTS))
               for n in names if rng.random() < 0.8]
    sign_list = ",".join(names) + ("," if rng.random() < 0.2 else "")
    if names:
        headers = [("top-sign-list", sign_list)] + headers
    if rng.random() < 0.5:
        ctype = rng.choice(["application/x-www-form-urlencoded",
                            "application/x-www-form-urlencoded; charset=UTF-8"])
        fields = [rng.choice(SPI_KEYS) + "=" + value().replace("&", "") for _ in range(rng.randrange(0, 6))]
        body = "&".join(fields)
    else:
        ctype = rng.choice(["application/json", "application/json;charset=UTF-8", "text/plain",
                            "text/xml; charset=utf-8"])
        body = rng.choice(['{"a":"b c+%"}', "", "  ", "纯文本"])
    return {"raw_query": "&".join(pieces), "headers": headers, "body": body, "content_type": ctype}


# --------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------


def xml_reply(text):
    """The data of an untyped XML reply (README "Replies"), read with the
    standard library's ElementTree: an element with children is an object,
    a repeated child name (wherever the repeats are) or every child of a
    `list="true"` element a list, an element with only text that text; an
    empty reply is {}."""
    def value(el):
        items = {}
        for child in el:
            items.setdefault(child.tag, []).append(value(child))
        listed = el.get("list") == "true"
        if not items and not listed:
            return el.text or ""
        return {k: v if listed or len(v) > 1 else v[0] for k, v in items.items()}
    data = value(ET.fromstring(text))
    return {} if isinstance(data, str) and not data.strip(" \t\r\n") else data


def lossy(v):
    """JSON text read as JSON.parse and json.loads read it, then each lone
    surrogate (no UTF-8 text can hold one) replaced by U+FFFD, as a lossy
    UTF-16 decoder does."""
    if isinstance(v, str):
        return v.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if isinstance(v, list):
        return [lossy(x) for x in v]
    if isinstance(v, dict):
        return {lossy(k): lossy(x) for k, x in v.items()}
    return v


def wrapped(method, inner):
    key = method[len("taobao."):] if method.startswith("taobao.") else method
    return compact_json({key.replace(".", "_") + "_response": inner})


RESEND_XML = """<?xml version="1.0" encoding="utf-8" ?><eticket_merchant_ma_resend_response>
    <resp_body>
        <attribute_map>{}</attribute_map>
    </resp_body>
    <ret_code>isv.success-all</ret_code>
    <ret_msg>操作成功</ret_msg>
</eticket_merchant_ma_resend_response>"""
RESEND_TREE = {"resp_body": {"attribute_map": "{}"}, "ret_code": "isv.success-all", "ret_msg": "操作成功"}

RESERVE_XML = """<alibaba_alsc_daodian_ticket_reserve_response>
    <result>
        <success>true</success>
        <error_code>SYSTEM_ERROR</error_code>
        <retry>false</retry>
        <error_msg>系统繁忙</error_msg>
    </result>
</alibaba_alsc_daodian_ticket_reserve_response>"""
RESERVE_TREE = {"result": {"success": True, "error_code": "SYSTEM_ERROR", "retry": False,
                           "error_msg": "系统繁忙"}}

VERIFY_XML = """<travel_ticket_order_verify_response>
    <is_success>true</is_success>
</travel_ticket_order_verify_response>"""
VERIFY_TREE = {"is_success": True}

REQ_ID = "0bb6f5a117003456789012345e8f3a"

# A reply whose text was cut inside an emoji's surrogate pair (JSON escapes).
LONE_RESEND = ('{"eticket_merchant_ma_resend_response":{"ret_code":"isv.success-all",'
               '"ret_msg":"\\u64cd\\u4f5c\\u6210\\u529f\\ud83d"}}')


# Raw control characters (U+0000..U+001F) inside JSON strings, as TOP sends
# them in free-text fields: the Java SDK's reader reads them as they are,
# which json.loads(strict=False) models (every other JSON rule still strict).
CONTROLS = "line1\nline2\r\n\ttab\x00nul\x1fus\x08"
CONTROL_RESEND = ('{"eticket_merchant_ma_resend_response":{"ret_code":"isv.success-all",'
                  '"ret_msg":"' + CONTROLS + '"}}')


def java_json(text):
    """JSON text as the Java SDK's reader reads TOP's replies."""
    return json.loads(text, strict=False)


def api_fixture(method, xml, tree, extra_cases):
    cases = [
        {"name": "seed XML example", "method": method, "simplify": False, "body": xml, "expect": tree},
        {"name": "seed JSON example (wrapped)", "method": method, "simplify": False,
         "body": wrapped(method, tree), "expect": tree},
        {"name": "simplified JSON (simplify=true)", "method": method, "simplify": True,
         "body": compact_json(tree), "expect": tree},
        {"name": "wrapped JSON accepted when simplify=true was asked", "method": method,
         "simplify": True, "body": wrapped(method, tree), "expect": tree},
        {"name": "wrapped JSON with request_id and unknown fields kept as they came", "method": method,
         "simplify": False,
         "body": wrapped(method, dict(tree, request_id=REQ_ID, new_flag=True, new_num=2106027287988611313,
                                      new_obj={"a": [1, "二"]})),
         "expect": dict(tree, request_id=REQ_ID, new_flag=True, new_num=2106027287988611313,
                        new_obj={"a": [1, "二"]})},
        {"name": "pretty-printed JSON with a BOM and surrounding whitespace", "method": method,
         "simplify": False,
         "body": "\ufeff\n  " + json.dumps({json.loads(wrapped(method, {})).popitem()[0]: tree},
                                            ensure_ascii=False, indent=2) + "\n",
         "expect": tree},
    ]
    return cases + extra_cases


def fixtures():
    files = {}
    files["eticket_merchant_ma_resend.json"] = ("Parsing taobao.eticket.merchant.ma.resend replies", api_fixture(
        RESEND, RESEND_XML, RESEND_TREE, [
            {"name": "XML with request_id and an unknown field: text stays text", "method": RESEND,
             "simplify": False,
             "body": "<eticket_merchant_ma_resend_response><resp_body><attribute_map>{\"k\":\"v\"}</attribute_map>"
                     "</resp_body><ret_code>isv.success-all</ret_code><ret_msg>操作成功</ret_msg>"
                     "<total>5</total><request_id>" + REQ_ID + "</request_id></eticket_merchant_ma_resend_response>",
             "expect": {"resp_body": {"attribute_map": "{\"k\":\"v\"}"}, "ret_code": "isv.success-all",
                        "ret_msg": "操作成功", "total": "5", "request_id": REQ_ID}},
            {"name": "attribute_map given as a JSON object becomes its JSON text (a String field)",
             "method": RESEND, "simplify": False,
             "body": wrapped(RESEND, {"resp_body": {"attribute_map": {"b": 1, "a": "中"}}, "ret_code": "isv.success-all"}),
             "expect": {"resp_body": {"attribute_map": "{\"b\":1,\"a\":\"中\"}"}, "ret_code": "isv.success-all"}},
            {"name": "empty resp_body element", "method": RESEND, "simplify": False,
             "body": "<eticket_merchant_ma_resend_response><resp_body/><ret_code>isv.success-all</ret_code>"
                     "</eticket_merchant_ma_resend_response>",
             "expect": {"resp_body": {}, "ret_code": "isv.success-all"}},
            {"name": "pretty-printed empty resp_body element gives {} like JSON and <resp_body/>",
             "method": RESEND, "simplify": False,
             "body": "<eticket_merchant_ma_resend_response>\n  <resp_body>\n  </resp_body>\n"
                     "  <ret_code>isv.success-all</ret_code>\n</eticket_merchant_ma_resend_response>",
             "expect": {"resp_body": {}, "ret_code": "isv.success-all"}},
            {"name": "text beside elements (mixed content) is a DecodeError, not dropped", "method": RESEND,
             "simplify": False,
             "body": "<eticket_merchant_ma_resend_response><resp_body>lost?<attribute_map>{}</attribute_map>"
                     "</resp_body></eticket_merchant_ma_resend_response>",
             "error": {"type": "DecodeError",
                       "message": "XML response mixes text with elements in <resp_body>"}},
            {"name": "a lone surrogate escape in a String field reads as U+FFFD", "method": RESEND,
             "simplify": False,
             "body": LONE_RESEND, "expect": lossy(json.loads(LONE_RESEND)["eticket_merchant_ma_resend_response"])},
            {"name": "raw control characters in a JSON string are read as they are (as the Java SDK reads them)",
             "method": RESEND, "simplify": False, "body": CONTROL_RESEND,
             "expect": java_json(CONTROL_RESEND)["eticket_merchant_ma_resend_response"]},
            {"name": "raw control characters in a simplified JSON reply are read as they are",
             "method": RESEND, "simplify": True,
             "body": '{"ret_code":"isv.success-all","ret_msg":"' + CONTROLS + '"}',
             "expect": {"ret_code": "isv.success-all", "ret_msg": java_json('"' + CONTROLS + '"')}},
            {"name": "a raw control character outside a string is still a DecodeError", "method": RESEND,
             "simplify": False, "body": '{"eticket_merchant_ma_resend_response":\x01{}}',
             "error": {"type": "DecodeError"}},
            {"name": "XML entities and CDATA are decoded", "method": RESEND, "simplify": False,
             "body": "<eticket_merchant_ma_resend_response><ret_code>a&amp;b&lt;&#x4E2D;&#25991;</ret_code>"
                     "<ret_msg><![CDATA[<ok> & fine]]></ret_msg></eticket_merchant_ma_resend_response>",
             "expect": {"ret_code": "a&b<中文", "ret_msg": "<ok> & fine"}},
        ]))
    files["alsc_daodian_ticket_reserve.json"] = ("Parsing alibaba.alsc.daodian.ticket.reserve replies", api_fixture(
        RESERVE, RESERVE_XML, RESERVE_TREE, [
            {"name": "XML failure result: booleans typed from text", "method": RESERVE, "simplify": False,
             "body": "<alibaba_alsc_daodian_ticket_reserve_response><result><success>false</success>"
                     "<retry>true</retry><error_code>E1</error_code></result><request_id>" + REQ_ID +
                     "</request_id></alibaba_alsc_daodian_ticket_reserve_response>",
             "expect": {"result": {"success": False, "retry": True, "error_code": "E1"}, "request_id": REQ_ID}},
            {"name": "JSON booleans given as text and a numeric error_code are typed", "method": RESERVE,
             "simplify": False,
             "body": wrapped(RESERVE, {"result": {"success": "false", "retry": "true", "error_code": 500}}),
             "expect": {"result": {"success": False, "retry": True, "error_code": "500"}}},
            {"name": "unknown members inside result are kept", "method": RESERVE, "simplify": True,
             "body": compact_json({"result": {"success": True, "trace": {"id": 7}}}),
             "expect": {"result": {"success": True, "trace": {"id": 7}}}},
            {"name": "a boolean field holding something else is a DecodeError", "method": RESERVE,
             "simplify": False,
             "body": wrapped(RESERVE, {"result": {"success": "maybe"}}),
             "error": {"type": "DecodeError",
                       "message": "response field `result.success`: expected a boolean, got the string \"maybe\""}},
        ]))
    files["travel_ticket_order_verify.json"] = ("Parsing taobao.travel.ticket.order.verify replies", api_fixture(
        VERIFY, VERIFY_XML, VERIFY_TREE, [
            {"name": "XML false with request_id", "method": VERIFY, "simplify": False,
             "body": "<travel_ticket_order_verify_response><is_success>false</is_success><request_id>" + REQ_ID +
                     "</request_id></travel_ticket_order_verify_response>",
             "expect": {"is_success": False, "request_id": REQ_ID}},
            {"name": "empty XML response", "method": VERIFY, "simplify": False,
             "body": "<travel_ticket_order_verify_response/>", "expect": {}},
            {"name": "pretty-printed empty XML response", "method": VERIFY, "simplify": False,
             "body": "<travel_ticket_order_verify_response>\n</travel_ticket_order_verify_response>",
             "expect": xml_reply("<travel_ticket_order_verify_response>\n</travel_ticket_order_verify_response>")},
            {"name": "simplified JSON read by a client that did not ask for it: the body decides",
             "method": VERIFY, "simplify": False, "body": "{\"is_success\":true}", "expect": {"is_success": True}},
            {"name": "simplified JSON with several members, simplify not asked", "method": VERIFY,
             "simplify": False, "body": "{\"is_success\":\"false\",\"request_id\":\"" + REQ_ID + "\"}",
             "expect": {"is_success": False, "request_id": REQ_ID}},
            {"name": "empty JSON response", "method": VERIFY, "simplify": False,
             "body": wrapped(VERIFY, {}), "expect": {}},
            {"name": "XML with an attribute, a comment and a processing instruction", "method": VERIFY,
             "simplify": False,
             "body": "<?xml version=\"1.0\"?><!-- c --><travel_ticket_order_verify_response lang=\"zh\">"
                     "<is_success> true </is_success></travel_ticket_order_verify_response>",
             "expect": {"is_success": True}},
            {"name": "is_success given as the text \"true\" in JSON", "method": VERIFY, "simplify": False,
             "body": wrapped(VERIFY, {"is_success": "true"}), "expect": {"is_success": True}},
            {"name": "is_success null stays null", "method": VERIFY, "simplify": False,
             "body": wrapped(VERIFY, {"is_success": None}), "expect": {"is_success": None}},
            {"name": "is_success as a number is a DecodeError", "method": VERIFY, "simplify": False,
             "body": wrapped(VERIFY, {"is_success": 1}),
             "error": {"type": "DecodeError",
                       "message": "response field `is_success`: expected a boolean, got the number 1"}},
        ]))

    files.update(workflow_fixtures())

    untyped = "taobao.user.seller.get"
    LIST_XML = ("<user_seller_get_response><trades list=\"true\"><trade><tid>1</tid></trade></trades>"
                "<empty list=\"true\"/><tags list=\"true\">\n  <tag>a</tag>\n  <tag>b</tag>\n</tags>"
                "</user_seller_get_response>")
    SIBLINGS_XML = ("<user_seller_get_response><user>" + "".join("<f%d>%d</f%d>" % (i, i, i) for i in range(300))
                    + "<item>a</item><item>b</item><f7>again</f7><item>c</item></user></user_seller_get_response>")
    BLANK_XML = "<user_seller_get_response>\n  <user>\n  </user>\n</user_seller_get_response>"
    LONE_JSON = ('{"user_seller_get_response":{"cut":"abc\\ud83d","trail":"\\udc00x",'
                 '"high_then_pair":"\\ud83d\\ud83d\\ude00","pair":"\\ud83d\\ude00","list":["\\ud800"]}}')
    BIG_JSON = ('{"user_seller_get_response":{"ids":[9007199254740993,-9007199254740993,9007199254740991,'
                '18446744073709551615],"a":{"n":12345678901234567890,"f":1.5},"nul":"\\u0000x",'
                '"deep":[[{"id":-9223372036854775808,"s":"\\u0000"}]],"safe":-9007199254740991}}')
    files["untyped.json"] = ("Parsing replies of methods without a description: returned as they came", [
        {"name": "untyped JSON keeps types, order and big integers", "method": untyped, "simplify": False,
         "body": wrapped(untyped, {"user": {"nick": "测试", "user_id": 2106027287988611313, "vip": True,
                                            "score": 4.5, "tags": {"tag": ["a", "b"]}}, "request_id": REQ_ID}),
         "expect": {"user": {"nick": "测试", "user_id": 2106027287988611313, "vip": True, "score": 4.5,
                             "tags": {"tag": ["a", "b"]}}, "request_id": REQ_ID}},
        {"name": "untyped JSON: integers beyond 2^53 at any depth and strings led by U+0000 come back exact",
         "method": untyped, "simplify": False, "body": BIG_JSON,
         "expect": json.loads(BIG_JSON)["user_seller_get_response"]},
        {"name": "untyped XML: text stays text, repeated elements become a list", "method": untyped,
         "simplify": False,
         "body": "<user_seller_get_response><user><nick>测试</nick><user_id>2106027287988611313</user_id>"
                 "<vip>true</vip><tags><tag>a</tag><tag>b</tag></tags></user></user_seller_get_response>",
         "expect": {"user": {"nick": "测试", "user_id": "2106027287988611313", "vip": "true",
                             "tags": {"tag": ["a", "b"]}}}},
        {"name": "numbers that are not 64-bit integers come back exact: fractions, exponents, 30 digits",
         "method": untyped, "simplify": False,
         "body": wrapped(untyped, {"item": {"price": 12.5, "weight": -25.0, "tiny": 1e-07,
                                            "big": 123456789012345678901234567890}}),
         "expect": {"item": {"price": 12.5, "weight": -25.0, "tiny": 1e-07,
                             "big": 123456789012345678901234567890}}},
        {"name": "untyped XML: list=\"true\" makes a lone item a list, as in JSON", "method": untyped,
         "simplify": False, "body": LIST_XML, "expect": xml_reply(LIST_XML)},
        {"name": "untyped XML: 300 distinct siblings, then repeats, together or apart, joining their first", "method": untyped,
         "simplify": False, "body": SIBLINGS_XML, "expect": xml_reply(SIBLINGS_XML)},
        {"name": "untyped XML: an element holding only whitespace keeps it (text stays text)",
         "method": untyped, "simplify": False, "body": BLANK_XML, "expect": xml_reply(BLANK_XML)},
        {"name": "untyped JSON: lone surrogate escapes read as U+FFFD, pairs joined", "method": untyped,
         "simplify": False, "body": LONE_JSON,
         "expect": lossy(json.loads(LONE_JSON)["user_seller_get_response"])},
        {"name": "untyped simplified JSON with a lone surrogate in a key", "method": untyped,
         "simplify": True, "body": "{\"a\\udc00\":\"\\ud83d\"}",
         "expect": lossy(json.loads("{\"a\\udc00\":\"\\ud83d\"}"))},
        {"name": "untyped JSON: raw control characters in values and keys are read as they are",
         "method": untyped, "simplify": False,
         "body": '{"user_seller_get_response":{"memo":"' + CONTROLS + '","k\ty":"\x7f\x1b"}}',
         "expect": java_json('{"memo":"' + CONTROLS + '","k\ty":"\x7f\x1b"}')},
        {"name": "untyped JSON: raw control characters beside an integer beyond 64 bits",
         "method": untyped, "simplify": False,
         "body": '{"user_seller_get_response":{"memo":"a\nb","big":123456789012345678901234567890}}',
         "expect": java_json('{"memo":"a\nb","big":123456789012345678901234567890}')},
        {"name": "untyped simplified JSON with raw control characters", "method": untyped, "simplify": True,
         "body": '{"memo":"' + CONTROLS + '"}', "expect": java_json('{"memo":"' + CONTROLS + '"}')},
        {"name": "untyped simplified JSON", "method": untyped, "simplify": True,
         "body": compact_json({"user": {"nick": "n"}}), "expect": {"user": {"nick": "n"}}},
        {"name": "method without taobao. prefix keeps its vendor in the key", "method": "alibaba.foo.bar",
         "simplify": False, "body": compact_json({"alibaba_foo_bar_response": {"x": "1"}}),
         "expect": {"x": "1"}},
    ])

    def apierr(code, msg, sub_code=None, sub_msg=None, request_id=None, retryable=False, retry_after=None):
        message = "TOP error %d: %s" % (code, msg)
        if sub_code is not None:
            message += " (" + sub_code + (": " + sub_msg if sub_msg is not None else "") + ")"
        if request_id is not None:
            message += " [request_id %s]" % request_id
        return {"type": "ApiError", "code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg,
                "request_id": request_id, "retryable": retryable, "retry_after": retry_after,
                # 26 missing session, 27 invalid session: the seller must authorise again.
                "is_session_error": code in (26, 27), "message": message}

    seed_err = {"code": 50, "msg": "Remote service error", "sub_code": "isv.invalid-parameter", "sub_msg": "非法参数"}
    seed_err_xml = """<error_response>
    <code>50</code>
    <msg>Remote service error</msg>
    <sub_code>isv.invalid-parameter</sub_code>
    <sub_msg>非法参数</sub_msg>
</error_response>"""
    err_cases = []
    for m in [RESEND, RESERVE, VERIFY]:
        err_cases.append({"name": "seed error example, JSON, " + m, "method": m, "simplify": False,
                          "body": compact_json({"error_response": dict(seed_err, request_id=REQ_ID)}),
                          "error": apierr(50, "Remote service error", "isv.invalid-parameter", "非法参数", REQ_ID)})
        err_cases.append({"name": "seed error example, XML, " + m, "method": m, "simplify": False,
                          "body": seed_err_xml,
                          "error": apierr(50, "Remote service error", "isv.invalid-parameter", "非法参数")})
    ban = {"code": 7, "msg": "App Call Limited", "sub_code": "accesscontrol.limited-by-app-access-count",
           "sub_msg": "This ban will last for 23 more seconds", "request_id": REQ_ID}
    err_cases += [
        {"name": "code 7 with a ban: retryable after 23 seconds", "method": VERIFY, "simplify": False,
         "body": compact_json({"error_response": ban}),
         "error": apierr(7, "App Call Limited", "accesscontrol.limited-by-app-access-count",
                         "This ban will last for 23 more seconds", REQ_ID, True, 23)},
        {"name": "code 7 in XML", "method": VERIFY, "simplify": False,
         "body": "<error_response><code>7</code><msg>App Call Limited</msg>"
                 "<sub_code>accesscontrol.limited-by-api-access-count</sub_code>"
                 "<sub_msg>This ban will last for 1 more second</sub_msg></error_response>",
         "error": apierr(7, "App Call Limited", "accesscontrol.limited-by-api-access-count",
                         "This ban will last for 1 more second", None, True, 1)},
        {"name": "code 7 without a ban duration", "method": VERIFY, "simplify": False,
         "body": compact_json({"error_response": {"code": 7, "msg": "App Call Limited"}}),
         "error": apierr(7, "App Call Limited", retryable=True)},
        {"name": "isp.* sub code is retryable", "method": VERIFY, "simplify": False,
         "body": compact_json({"error_response": {"code": 15, "msg": "Remote service error",
                                                  "sub_code": "isp.remote-service-timeout",
                                                  "sub_msg": "服务超时", "request_id": REQ_ID}}),
         "error": apierr(15, "Remote service error", "isp.remote-service-timeout", "服务超时", REQ_ID, True)},
        {"name": "isp.* under code 50 is retryable", "method": RESEND, "simplify": False,
         "body": compact_json({"error_response": {"code": 50, "msg": "Remote service error",
                                                  "sub_code": "isp.unknown-error"}}),
         "error": apierr(50, "Remote service error", "isp.unknown-error", retryable=True)},
        {"name": "isv.* sub code is not retryable", "method": VERIFY, "simplify": False,
         "body": compact_json({"error_response": {"code": 41, "msg": "Invalid arguments",
                                                  "sub_code": "isv.invalid-parameter:order_id",
                                                  "sub_msg": "订单不存在"}}),
         "error": apierr(41, "Invalid arguments", "isv.invalid-parameter:order_id", "订单不存在")},
        {"name": "code 10 service unavailable is retryable", "method": VERIFY, "simplify": False,
         "body": compact_json({"error_response": {"code": 10, "msg": "Service currently unavailable"}}),
         "error": apierr(10, "Service currently unavailable", retryable=True)},
        {"name": "code 25 invalid signature", "method": VERIFY, "simplify": False,
         "body": compact_json({"error_response": {"code": 25, "msg": "Invalid signature", "request_id": REQ_ID}}),
         "error": apierr(25, "Invalid signature", request_id=REQ_ID)},
        {"name": "error in simplified mode", "method": VERIFY, "simplify": True,
         "body": compact_json({"error_response": {"code": 27, "msg": "Invalid session",
                                                  "sub_code": "invalid-sessionkey"}}),
         "error": apierr(27, "Invalid session", "invalid-sessionkey")},
        {"name": "code 26 missing session is a session error", "method": RESEND, "simplify": False,
         "body": compact_json({"error_response": {"code": 26, "msg": "Missing session", "request_id": REQ_ID}}),
         "error": apierr(26, "Missing session", request_id=REQ_ID)},
        {"name": "code 27 invalid session in XML is a session error", "method": RESEND, "simplify": False,
         "body": "<error_response><code>27</code><msg>Invalid session</msg>"
                 "<sub_code>session-expired</sub_code></error_response>",
         "error": apierr(27, "Invalid session", "session-expired")},
        {"name": "code given as a string", "method": VERIFY, "simplify": False,
         "body": compact_json({"error_response": {"code": "50", "msg": "Remote service error"}}),
         "error": apierr(50, "Remote service error")},
        {"name": "error_response with a request_id given as a number", "method": VERIFY, "simplify": False,
         "body": compact_json({"error_response": {"code": 11, "msg": "Insufficient isv permissions",
                                                  "request_id": 12345}}),
         "error": apierr(11, "Insufficient isv permissions", request_id="12345")},
        {"name": "error_response whose sub_msg was cut inside an emoji: U+FFFD", "method": VERIFY,
         "simplify": False,
         "body": "{\"error_response\":{\"code\":15,\"msg\":\"Remote service error\","
                 "\"sub_code\":\"isp.error\",\"sub_msg\":\"\\u5931\\u8d25\\ud83d\"}}",
         "error": apierr(15, "Remote service error", "isp.error", lossy("\u5931\u8d25\ud83d"),
                         retryable=True)},
        {"name": "error_response with raw control characters in sub_msg (read as they are)",
         "method": VERIFY, "simplify": False,
         "body": '{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isp.error",'
                 '"sub_msg":"' + CONTROLS + '"}}',
         "error": apierr(15, "Remote service error", "isp.error", java_json('"' + CONTROLS + '"'),
                         retryable=True)},
        {"name": "error_response without a code is a DecodeError", "method": VERIFY, "simplify": False,
         "body": compact_json({"error_response": {"msg": "?"}}),
         "error": {"type": "DecodeError", "message": "error_response without an integer code (got no code)"}},
    ]
    files["errors.json"] = ("Gateway error_response replies: ApiError with its fields", err_cases)

    def decode(message=None):
        e = {"type": "DecodeError"}
        if message is not None:
            e["message"] = message
        return e

    ENTITIES = ("<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
                "<travel_ticket_order_verify_response><is_success>&b;</is_success>"
                "</travel_ticket_order_verify_response>")
    XXE = ("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
           "<travel_ticket_order_verify_response><request_id>&x;</request_id>"
           "</travel_ticket_order_verify_response>")
    BAD_UTF8 = b"{\"travel_ticket_order_verify_response\":{\"x\":\"\xff\xfe\"}}"
    html = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    garbage = [
        {"name": "HTML error page", "method": VERIFY, "simplify": False, "body": html,
         "error": decode("expected a TOP XML response, got an HTML page starting " + quoted(html))},
        {"name": "HTML page without a doctype", "method": VERIFY, "simplify": False,
         "body": "<html><body><h1>404 Not Found</h1></body></html>",
         "error": decode("expected a TOP XML response, got an HTML page starting "
                         + quoted("<html><body><h1>404 Not Found</h1></body></html>"))},
        {"name": "HTML page that is not well-formed XML", "method": VERIFY, "simplify": False,
         "body": "<HTML><head><meta charset=utf-8></head><body>Bad Gateway<br></body></HTML>",
         "error": decode("expected a TOP XML response, got an HTML page starting "
                         + quoted("<HTML><head><meta charset=utf-8></head><body>Bad Gateway<br></body></HTML>"))},
        {"name": "truncated JSON", "method": VERIFY, "simplify": False,
         "body": "{\"travel_ticket_order_verify_response\":{\"is_succ", "error": decode()},
        {"name": "truncated XML", "method": VERIFY, "simplify": False,
         "body": "<travel_ticket_order_verify_response><is_success>true</is_suc", "error": decode()},
        {"name": "another method's wrapper", "method": VERIFY, "simplify": False,
         "body": wrapped(RESEND, RESEND_TREE),
         "error": decode("expected the response `travel_ticket_order_verify_response`, got "
                         "`eticket_merchant_ma_resend_response` (a response to another method?)")},
        {"name": "another method's wrapper in simplify mode", "method": VERIFY, "simplify": True,
         "body": wrapped(RESEND, RESEND_TREE),
         "error": decode("expected the response `travel_ticket_order_verify_response`, got "
                         "`eticket_merchant_ma_resend_response` (a response to another method?)")},
        {"name": "another method's XML", "method": RESERVE, "simplify": False, "body": VERIFY_XML,
         "error": decode("expected the response `alibaba_alsc_daodian_ticket_reserve_response`, got "
                         "`travel_ticket_order_verify_response` (a response to another method?)")},
        {"name": "the wrapper holding a string", "method": VERIFY, "simplify": False,
         "body": wrapped(VERIFY, "ok"),
         "error": decode("expected `travel_ticket_order_verify_response` to hold an object, got the string \"ok\"")},
        {"name": "empty body", "method": VERIFY, "simplify": False, "body": "",
         "error": decode("response body is empty")},
        {"name": "whitespace only", "method": VERIFY, "simplify": False, "body": " \r\n\t ",
         "error": decode("response body is empty")},
        {"name": "invalid UTF-8", "method": VERIFY, "simplify": False,
         "body_base64": base64.b64encode(BAD_UTF8).decode(),
         "error": decode("response body is not UTF-8 (invalid byte at offset %d)" % BAD_UTF8.index(b"\xff"))},
        {"name": "GBK-encoded Chinese is not UTF-8", "method": VERIFY, "simplify": False,
         "body_base64": base64.b64encode("<a>测试</a>".encode("gbk")).decode(),
         "error": decode("response body is not UTF-8 (invalid byte at offset 3)")},
        {"name": "a JSON array", "method": VERIFY, "simplify": False, "body": "[1,2,3]",
         "error": decode("expected a JSON or XML TOP response, got a body starting " + quoted("[1,2,3]"))},
        {"name": "plain text", "method": VERIFY, "simplify": False, "body": "Service Unavailable",
         "error": decode("expected a JSON or XML TOP response, got a body starting "
                         + quoted("Service Unavailable"))},
        {"name": "a JSON string", "method": VERIFY, "simplify": False, "body": "\"ok\"",
         "error": decode("expected a JSON or XML TOP response, got a body starting " + quoted('"ok"'))},
        {"name": "10,000 nested JSON arrays", "method": VERIFY, "simplify": False, "body": "[" * 10000,
         "error": decode("expected a JSON or XML TOP response, got a body starting " + quoted("[" * 10000))},
        {"name": "10,000 nested JSON objects inside the wrapper", "method": VERIFY, "simplify": False,
         "body": "{\"travel_ticket_order_verify_response\":" + "{\"a\":" * 10000 + "1" + "}" * 10001,
         "error": decode()},
        {"name": "10,000 nested XML elements", "method": VERIFY, "simplify": False,
         "body": "<travel_ticket_order_verify_response>" + "<a>" * 10000 + "</a>" * 10000 +
                 "</travel_ticket_order_verify_response>",
         "error": decode("XML response nests deeper than 64 elements")},
        {"name": "XML with an unknown entity", "method": VERIFY, "simplify": False,
         "body": "<travel_ticket_order_verify_response><is_success>&bogus;</is_success>"
                 "</travel_ticket_order_verify_response>",
         "error": decode("unknown XML entity &bogus;")},
        {"name": "XML character reference to U+0000", "method": VERIFY, "simplify": False,
         "body": "<travel_ticket_order_verify_response><request_id>a&#0;b</request_id>"
                 "</travel_ticket_order_verify_response>",
         "error": decode("XML response has a character reference to no XML character: &#0;")},
        {"name": "XML character reference to a surrogate", "method": VERIFY, "simplify": False,
         "body": "<travel_ticket_order_verify_response><request_id>&#xD83D;</request_id>"
                 "</travel_ticket_order_verify_response>",
         "error": decode("XML response has a character reference to no XML character: &#xD83D;")},
        {"name": "XML text before a child element (mixed content)", "method": VERIFY, "simplify": False,
         "body": "<travel_ticket_order_verify_response>ok<is_success>true</is_success>"
                 "</travel_ticket_order_verify_response>",
         "error": decode("XML response mixes text with elements in <travel_ticket_order_verify_response>")},
        {"name": "XML with an external entity", "method": VERIFY, "simplify": False,
         "body": XXE, "error": decode("expected a TOP XML response, got a body starting " + quoted(XXE))},
        {"name": "XML with a DOCTYPE defining entities", "method": VERIFY, "simplify": False,
         "body": ENTITIES,
         "error": decode("expected a TOP XML response, got a body starting " + quoted(ENTITIES))},
        {"name": "two XML roots", "method": VERIFY, "simplify": False,
         "body": VERIFY_XML + VERIFY_XML, "error": decode("XML response has content after its root element")},
        {"name": "text after the XML root", "method": VERIFY, "simplify": False,
         "body": VERIFY_XML + "trailing", "error": decode("XML response has text outside its root element")},
        {"name": "JSON followed by garbage", "method": VERIFY, "simplify": False,
         "body": wrapped(VERIFY, VERIFY_TREE) + "<html>", "error": decode()},
    ]
    files["garbage.json"] = ("Bodies that are not TOP responses: DecodeError, never a crash", garbage)
    return files


# --------------------------------------------------------------------------
# The local gateway over HTTP: raw request bytes -> the replies, for both servers
# --------------------------------------------------------------------------

GW_KEY, GW_SECRET = "12345678", "topwire-local-secret"  # the gateway's default app
GW_NOW = TS
GW_TIME = "taobao.time.get"  # answered from the config below, whatever the typed APIs hold
GW_CONFIG = {"responses": {GW_TIME: {"time": "2023-11-15 06:13:20"}}}
# The limits both servers have by default (milliseconds for times).
GW_DEFAULTS = {"max_connections": 128, "max_header_bytes": 16384, "max_body_bytes": 4194304,
               "header_timeout_ms": 10000, "request_timeout_ms": 30000,
               "keep_alive_timeout_ms": 5000}
# The server the cases run against (small bounds: a case stays small) and, for
# cases that hold the connection open, one with short timeouts.
GW_LIMITS = {"max_body_bytes": 2048, "max_header_bytes": 2048}
GW_SLOW_LIMITS = {"max_body_bytes": 2048, "max_header_bytes": 2048, "header_timeout_ms": 300,
                  "request_timeout_ms": 600, "keep_alive_timeout_ms": 300}


def gateway_request_id(method, target, body):
    """The core's rule: the first 13 hex digits of MD5("METHOD target\\nbody")."""
    return hashlib.md5(("%s %s\n" % (method, target)).encode("latin-1") + body).hexdigest()[:13]


def http_request(method, target, headers=(), body=b""):
    """Raw HTTP/1.1 request text (one character per byte)."""
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: gateway.test"]
    lines += ["%s: %s" % h for h in headers]
    if body or method == "POST":
        lines.append("Content-Length: %d" % len(body))
    return "\r\n".join(lines) + "\r\n\r\n" + body.decode("latin-1")


def gateway_call_cases():
    """TOP calls: signed here, answered as TOP would (request_id on every reply)."""
    cases = []

    def call(name, query, form=(), signed=None, secret=GW_SECRET, prefix="/router/rest",
             method="POST", expect=None, xml_text=None):
        """`query` and `form` are the pairs sent; `signed` the pairs signed
        (default: all of them, each once) with `sign_method` md5."""
        pairs = list(query) + list(form)
        sign = digest(secret, string_to_sign(pairs if signed is None else signed), "md5")
        target = prefix + "?" + urlencode(list(query) + [("sign", sign)])
        body = urlencode(form).encode("ascii")
        headers = [("Content-Type", FORM)] if form else []
        rid = gateway_request_id(method, target, body)
        reply = {"status": 200}
        if xml_text is not None:
            reply["text"] = xml_text(rid)
        else:
            reply["json"] = expect(rid)
        cases.append({
            "name": name,
            "request": {"method": method, "target": target, "headers": [list(h) for h in headers],
                        "body": body.decode("ascii")},
            "send": http_request(method, target, headers, body),
            "replies": [reply],
        })

    def system(method=GW_TIME, timestamp=None, app_key=GW_KEY, fmt="json", extra=()):
        out = [("method", method), ("app_key", app_key),
               ("timestamp", gmt8(GW_NOW) if timestamp is None else timestamp),
               ("v", "2.0"), ("sign_method", "md5"), ("format", fmt)]
        return out + list(extra)

    def data(rid):
        return {"time_get_response": {"time": "2023-11-15 06:13:20", "request_id": rid}}

    def error(code, msg, sub_msg=None):
        def body(rid):
            e = {"code": code, "msg": msg}
            if sub_msg is not None:
                e["sub_msg"] = sub_msg
            e["request_id"] = rid
            return {"error_response": e}
        return body

    call("a valid call: the reply's request_id is MD5(method, target, body)'s first 13 hex digits",
         system(), expect=data)
    call("the same call in a GET query", system(), method="GET", expect=data)
    call("a full URL as the request target (absolute form)", system(),
         prefix="http://gateway.test/router/rest", expect=data)
    call("an error reply carries a request_id too (no method: 21)",
         [p for p in system() if p[0] != "method"], expect=error(21, "Missing method"))
    call("unknown app key: 29", system(app_key="87654321"), expect=error(29, "Invalid app key"))
    call("wrong secret: 25", system(), secret="another-secret",
         expect=error(25, "Invalid signature"))
    call("an XML error reply carries a request_id", system(app_key="87654321", fmt="xml"),
         xml_text=lambda rid: '<?xml version="1.0" encoding="utf-8" ?><error_response><code>29'
                              "</code><msg>Invalid app key</msg><request_id>%s</request_id>"
                              "</error_response>" % rid)
    # The official Python SDK and py-taobao-open send epoch milliseconds.
    call("epoch-millisecond timestamp, now", system(timestamp=str(GW_NOW)), expect=data)
    call("epoch-millisecond timestamp 9 minutes early", system(timestamp=str(GW_NOW - 540000)),
         expect=data)
    late = str(GW_NOW + 660000)
    call("epoch-millisecond timestamp 11 minutes late: 31", system(timestamp=late),
         expect=error(31, "Invalid timestamp",
                      "timestamp %s is too far from the gateway's time" % late))
    secs = str(GW_NOW // 1000)
    call("epoch seconds read as milliseconds are 1970: 31", system(timestamp=secs),
         expect=error(31, "Invalid timestamp",
                      "timestamp %s is too far from the gateway's time" % secs))
    call("a timestamp neither TOP's text nor digits: 31", system(timestamp="1700000000000.0"),
         expect=error(31, "Invalid timestamp"))
    # TOP signs every parameter it receives but sign, a proxy's own ones included.
    call("an extra query parameter, signed: accepted", system(extra=[("proxy_token", "abc")]),
         expect=data)
    call("an extra query parameter, not signed: 25", system(extra=[("proxy_token", "abc")]),
         signed=system(), expect=error(25, "Invalid signature"))
    # A name sent twice: a Java servlet reads its first value (query before body).
    twice = "fields was sent more than once: TOP reads only its first value"
    call("a name in the query and the body, signed once with the query's value: accepted",
         system(extra=[("fields", "a")]), form=[("fields", "b")],
         signed=system(extra=[("fields", "a")]), expect=data)
    call("a name in the query and the body, signed with both values: 25",
         system(extra=[("fields", "a")]), form=[("fields", "b")],
         expect=error(25, "Invalid signature", twice))
    call("a name twice in the body, signed with the second value: 25",
         system(), form=[("fields", "a"), ("fields", "b")],
         signed=system() + [("fields", "b")], expect=error(25, "Invalid signature", twice))
    # A Number with bounds (min_value/max_value): 41 naming the bound.
    for quantity in ["5", "300"]:
        def bound(rid, quantity=quantity):
            return {"error_response": {
                "code": 41, "msg": "Invalid arguments:quantity", "sub_code": "isv.invalid-parameter",
                "sub_msg": "quantity: expected an integer from 10 to 200, got the string \"%s\"" % quantity,
                "request_id": rid}}
        call("tmc.messages.consume with quantity %s: 41 naming the bounds" % quantity,
             system(method=TMC_CONSUME), form=[("quantity", quantity)], expect=bound)
    # A batch over HTTP: both servers serve POST /router/batch, each call answered alone.
    bquery = [("app_key", GW_KEY), ("timestamp", gmt8(GW_NOW)), ("v", "2.0"), ("sign_method", "md5"),
              ("format", "json")]
    bbody = ("method=%s" % GW_TIME) + BATCH_SEPARATOR + "N"
    target = "/router/batch?" + urlencode(bquery + [("sign", batch_sign(GW_SECRET, bquery, bbody, "md5"))])
    body = bbody.encode("ascii")
    parts = [compact_json({"time_get_response": {"time": "2023-11-15 06:13:20",
                                                 "request_id": batch_request_id(target, body, 0)}}),
             compact_json({"error_response": {"code": 21, "msg": "Missing method",
                                              "request_id": batch_request_id(target, body, 1)}})]
    headers = [("Content-Type", BATCH_CONTENT)]
    cases.append({
        "name": "a batch: each call answered alone, the answers joined by the separator",
        "request": {"method": "POST", "target": target, "headers": [list(h) for h in headers],
                    "body": bbody},
        "send": http_request("POST", target, headers, body),
        "replies": [{"status": 200, "text": BATCH_SEPARATOR.join(parts)}],
    })
    return cases


def gateway_http_cases():
    """HTTP itself: what both servers answer before (or instead of) the core."""
    H = "Host: gateway.test\r\n"
    P = "POST /router/rest HTTP/1.1\r\n" + H
    C = P + "Transfer-Encoding: chunked\r\n\r\n"
    cases = []

    # The plain-text bodies both servers send with the statuses they answer themselves.
    texts = {408: "request timeout\n", 413: "request body too large\n",
             431: "request header fields too large\n"}

    def bad(why):
        """A 400 whose body says what was wrong, in the same words from both servers."""
        return (400, "bad request: %s\n" % why)

    def reply(s):
        status, text = s if isinstance(s, tuple) else (s, texts.get(s))
        return {"status": status} if text is None else {"status": status, "text": text}

    def raw(name, send, *statuses, hold=False):
        case = {"name": name, "send": send, "replies": [reply(s) for s in statuses]}
        if hold:
            case["hold"] = True
        cases.append(case)

    raw("a request line that is one word", "GARBAGE\r\n\r\n", bad("unknown method"))
    raw("a request line without a line end", "GARBAGE", bad("unknown method"))
    raw("HTTP/9", "GET / HTTP/9\r\n\r\n", bad("expected HTTP/1.0 or HTTP/1.1"))
    raw("HTTP/1.2", "GET /router/rest HTTP/1.2\r\n" + H + "\r\n",
        bad("expected HTTP/1.0 or HTTP/1.1"))
    raw("HTTP/2.0 in an HTTP/1 request line", "GET /router/rest HTTP/2.0\r\n" + H + "\r\n",
        bad("expected HTTP/1.0 or HTTP/1.1"))
    raw("HTTP/0.9 (no version)", "GET /router/rest\r\n\r\n", bad("expected HTTP/1.0 or HTTP/1.1"))
    raw("a lower-case version", "GET /router/rest http/1.1\r\n" + H + "\r\n",
        bad("expected HTTP/1.0 or HTTP/1.1"))
    raw("a space after the version", "GET /router/rest HTTP/1.1 \r\n" + H + "\r\n",
        bad("expected CRLF after the HTTP version"))
    raw("a space before the method", " GET /router/rest HTTP/1.1\r\n" + H + "\r\n",
        bad("unknown method"))
    raw("a tab between method and target", "GET\t/router/rest HTTP/1.1\r\n" + H + "\r\n",
        bad("unknown method"))
    raw("an unknown method", "FOO /router/rest HTTP/1.1\r\n" + H + "\r\n", bad("unknown method"))
    raw("a lower-case method", "get /router/rest HTTP/1.1\r\n" + H + "\r\n", bad("unknown method"))
    raw("a known method the gateway does not serve: 405", "PUT /router/rest HTTP/1.1\r\n" + H +
        "\r\n", 405)
    raw("CONNECT: 404", "CONNECT gateway.test:443 HTTP/1.1\r\n" + H + "\r\n", 404)
    raw("a batch is sent with POST: GET /router/batch is 405", "GET /router/batch HTTP/1.1\r\n" + H + "\r\n",
        405)
    raw("a control character in the target", "GET /router/rest\x01 HTTP/1.1\r\n" + H + "\r\n",
        bad("invalid request target"))
    raw("an 8-bit byte in the target", "GET /router/rest?a=\xe9 HTTP/1.1\r\n" + H + "\r\n",
        bad("invalid request target"))
    raw("a target that is neither a path nor a URL", "GET router/rest HTTP/1.1\r\n" + H + "\r\n",
        bad("invalid request target"))
    raw("//router/rest is another path: 404", "GET //router/rest HTTP/1.1\r\n" + H + "\r\n", 404)
    raw("/router/rest/ is another path: 404", "GET /router/rest/ HTTP/1.1\r\n" + H + "\r\n", 404)
    raw("a URL in the query is not the path: 404",
        "GET /x?u=http://h/router/rest HTTP/1.1\r\n" + H + "\r\n", 404)
    raw("a URL of another scheme: 404", "GET ftp://h/router/rest HTTP/1.1\r\n" + H + "\r\n", 404)
    raw("OPTIONS *: 404", "OPTIONS * HTTP/1.1\r\n" + H + "\r\n", 404)
    raw("HTTP/1.1 without Host", "GET /router/rest HTTP/1.1\r\n\r\n",
        bad("HTTP/1.1 needs a Host header"))
    raw("HTTP/1.0 without Host reaches the gateway (21, in XML)", "GET /router/rest HTTP/1.0\r\n\r\n",
        200)
    raw("empty lines before the request line are skipped", "\r\n\r\nGET / HTTP/1.1\r\n" + H +
        "\r\n", 404)
    raw("bare LF line ends", "GET / HTTP/1.1\n" + H.replace("\r", "") + "\n",
        bad("expected CRLF after the HTTP version"))
    raw("a bare LF after a header", "GET / HTTP/1.1\r\nHost: gateway.test\n\r\n",
        bad("lines end with CRLF"))
    raw("a space before a header's colon", "GET / HTTP/1.1\r\nHost : gateway.test\r\n\r\n",
        bad("invalid header line"))
    raw("a header line without a colon", "GET / HTTP/1.1\r\n" + H + "Nocolon\r\n\r\n",
        bad("invalid header line"))
    raw("a header without a name", "GET / HTTP/1.1\r\n" + H + ": x\r\n\r\n",
        bad("invalid header line"))
    raw("a folded header line", "GET / HTTP/1.1\r\n" + H + "X-A: a\r\n b\r\n\r\n",
        bad("invalid header line"))
    raw("a control character in a header value", "GET / HTTP/1.1\r\n" + H + "X-A: a\x01b\r\n\r\n",
        bad("invalid character in a header value"))
    raw("a NUL in a header value", "GET / HTTP/1.1\r\n" + H + "X-A: a\x00b\r\n\r\n",
        bad("invalid character in a header value"))
    raw("an 8-bit byte in a header value is allowed", "GET / HTTP/1.1\r\n" + H +
        "X-A: a\xe9b\r\n\r\n", 404)
    raw("an 8-bit byte in a header name", "GET / HTTP/1.1\r\n" + H + "X\xe9A: b\r\n\r\n",
        bad("invalid header line"))
    raw("the connection ends inside the headers", "GET / HTTP/1.1\r\n" + H,
        bad("the connection ended inside a request"))
    raw("the connection ends before any byte", "")
    raw("only empty lines, then the connection ends: no request, closed unanswered", "\r\n\r\n")
    # Content-Length: digits only, once, and the body must arrive whole.
    raw("a body shorter than Content-Length", P + "Content-Length: 10\r\n\r\nabc",
        bad("the connection ended inside a request"))
    raw("two different Content-Length headers", P + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n"
        "abcd", bad("more than one Content-Length"))
    raw("two equal Content-Length headers", P + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
        bad("more than one Content-Length"))
    raw("a Content-Length list", P + "Content-Length: 3, 3\r\n\r\nabc",
        bad("invalid Content-Length"))
    for cl in ["+3", "0x3", "-3", "", "3a"]:
        raw("Content-Length %r" % cl, P + "Content-Length: %s\r\n\r\nabc" % cl,
        bad("invalid Content-Length"))
    raw("Content-Length beyond 64 bits", P + "Content-Length: 99999999999999999999999\r\n\r\n",
        bad("invalid Content-Length"))
    raw("Content-Length with leading zeros and spaces", P + "Content-Length:  003 \r\n\r\nabc", 200)
    raw("Content-Length and Transfer-Encoding together", P + "Content-Length: 3\r\n"
        "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        bad("Transfer-Encoding with Content-Length"))
    # Chunked bodies: hex sizes only.
    raw("a chunked body", C + "3\r\nabc\r\n0\r\n\r\n", 200)
    raw("chunk extensions and trailers", C + "3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n",
        200)
    raw("Transfer-Encoding in capitals", P + "Transfer-Encoding: CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        200)
    raw("a chunk size 0x3", C + "0x3\r\nabc\r\n0\r\n\r\n", bad("invalid chunk size"))
    raw("a chunk size 0x", C + "0x\r\n\r\n", bad("invalid chunk size"))
    raw("a chunk size with an underscore", C + "1_0\r\n0123456789abcdef\r\n0\r\n\r\n",
        bad("invalid chunk size"))
    raw("a chunk size with a plus", C + "+3\r\nabc\r\n0\r\n\r\n", bad("invalid chunk size"))
    raw("a space before a chunk size", C + " 3\r\nabc\r\n0\r\n\r\n", bad("invalid chunk size"))
    raw("a space after a chunk size", C + "3 \r\nabc\r\n0\r\n\r\n", bad("invalid chunk size"))
    raw("an empty chunk extension", C + "3;\r\nabc\r\n0\r\n\r\n", bad("invalid chunk size"))
    raw("an empty chunk size", C + "\r\nabc\r\n0\r\n\r\n", bad("invalid chunk size"))
    raw("a chunk size beyond 64 bits", C + "10000000000000003\r\nabc\r\n0\r\n\r\n",
        bad("chunk size overflow"))
    raw("chunk data longer than its size", C + "3\r\nabcX\r\n0\r\n\r\n",
        bad("expected CRLF after chunk data"))
    raw("the connection ends inside a chunked body", C + "3\r\nabc\r\n",
        bad("the connection ended inside a request"))
    raw("a malformed trailer", C + "3\r\nabc\r\n0\r\nbad trailer\r\n\r\n",
        bad("invalid header line"))
    raw("gzip, chunked", P + "Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 200)
    raw("chunked, gzip", P + "Transfer-Encoding: chunked, gzip\r\n\r\nabc",
        bad("invalid Transfer-Encoding"))
    raw("Transfer-Encoding gzip alone", P + "Transfer-Encoding: gzip\r\n\r\nabc",
        bad("invalid Transfer-Encoding"))
    raw("Transfer-Encoding chunked twice", P + "Transfer-Encoding: chunked\r\n"
        "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", bad("invalid Transfer-Encoding"))
    # Keep-alive, pipelining, Expect.
    raw("two requests in one write get two replies", "GET /a HTTP/1.1\r\n" + H +
        "\r\nPOST /router/rest HTTP/1.1\r\n" + H + "Content-Length: 3\r\n\r\nabc", 404, 200)
    raw("a malformed request after a good one: the good one's reply first",
        "GET /a HTTP/1.1\r\n" + H + "\r\nGARBAGE\r\n\r\n", 404, bad("unknown method"))
    raw("two good requests, then a malformed one", "GET /a HTTP/1.1\r\n" + H +
        "\r\nGET /b HTTP/1.1\r\n" + H + "\r\nGARBAGE\r\n\r\n", 404, 404, bad("unknown method"))
    raw("a body longer than Content-Length: the rest is a malformed request",
        P + "Content-Length: 3\r\n\r\nabcd", 200, bad("unknown method"))
    raw("a good request, then a bad chunk size in the next", P + "Content-Length: 3\r\n\r\nabc" + C +
        "0x\r\n\r\n", 200, bad("invalid chunk size"))
    raw("a good request, then one with headers over the limit", "GET /a HTTP/1.1\r\n" + H +
        "\r\nGET / HTTP/1.1\r\nX: " + "a" * 4000 + "\r\n\r\n", 404, 431)
    raw("nothing is read after Connection: close", "GET / HTTP/1.1\r\n" + H +
        "Connection: close\r\n\r\nGET / HTTP/1.1\r\n" + H + "\r\n", 404)
    raw("HTTP/1.0 closes after one reply", "GET / HTTP/1.0\r\n\r\nGET / HTTP/1.1\r\n" + H +
        "\r\n", 404)
    raw("HTTP/1.0 with Connection: keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n"
        "\r\nGET / HTTP/1.1\r\n" + H + "\r\n", 404, 404)
    raw("a 413 closes the connection", P + "Content-Length: 99999999\r\n\r\nGET / HTTP/1.1\r\n" +
        H + "\r\n", 413)
    raw("Expect: 100-continue", P + "Expect: 100-continue\r\nContent-Length: 3\r\n\r\nabc", 100, 200)
    raw("Expect: 100-continue, then another request", P + "Expect: 100-continue\r\n"
        "Content-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n" + H + "\r\n", 100, 200, 404)
    raw("another Expect", P + "Expect: something\r\nContent-Length: 3\r\n\r\nabc", 417)
    # Bounds (the cases' server: 2048 bytes of headers, 2048 of body).
    raw("headers over the limit: 431", "GET / HTTP/1.1\r\n" + H + "X-Big: " + "a" * 4000 +
        "\r\n\r\n", 431)
    raw("a Content-Length over the limit: 413 before the body", P + "Content-Length: 2049\r\n\r\n",
        413)
    raw("a Content-Length far over the limit: 413", P + "Content-Length: 1000000000000\r\n\r\n", 413)
    raw("a body at the limit reaches the gateway", P + "Content-Length: 2048\r\n\r\n" + "a" * 2048,
        200)
    raw("a chunked body over the limit: 413", C + "801\r\n" + "a" * 2049 + "\r\n0\r\n\r\n", 413)
    raw("chunks adding up to over the limit: 413", C + ("400\r\n" + "a" * 1024 + "\r\n") * 3 +
        "0\r\n\r\n", 413)
    # Slow clients (the server with short timeouts; the client keeps its side open).
    raw("a connection that sends nothing: 408", "", 408, hold=True)
    raw("headers that never end: 408", "GET / HTTP/1.1\r\n" + H, 408, hold=True)
    raw("a body that never ends: 408", P + "Content-Length: 10\r\n\r\nabc", 408, hold=True)
    raw("an idle kept-alive connection is closed", "GET / HTTP/1.1\r\n" + H + "\r\n", 404,
        hold=True)
    return cases


def gateway_http_file():
    return {
        "description": "Raw HTTP requests to the local gateway's servers (python -m topwire.gateway "
                       "and npx topwire-gateway): what each must answer, byte for byte the same "
                       "decisions. See tests/README.md.",
        "now_ms": GW_NOW,
        "config": GW_CONFIG,
        "defaults": GW_DEFAULTS,
        "limits": GW_LIMITS,
        "slow_limits": GW_SLOW_LIMITS,
        "cases": gateway_call_cases() + gateway_http_cases(),
    }


# --------------------------------------------------------------------------
# fixtures of the workflow's other APIs
# --------------------------------------------------------------------------


def xml_text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_xml(name, v, items):
    """TOP's XML: a structure as nested elements; a list inside an element
    named after its field, each item named after its type (`items` maps the
    field to the item element)."""
    if isinstance(v, dict):
        return "<%s>%s</%s>" % (name, "".join(to_xml(k, x, items) for k, x in v.items()), name)
    if isinstance(v, list):
        inner = "".join(to_xml(items[name], x, items) for x in v)
        return "<%s>%s</%s>" % (name, inner, name)
    return "<%s>%s</%s>" % (name, xml_text(v), name)


def response_key(method):
    key = method[len("taobao."):] if method.startswith("taobao.") else method
    return key.replace(".", "_") + "_response"


def wrap_lists(v, items):
    """TOP's wrapped JSON: a list field holds {item_type: [...]}."""
    if isinstance(v, dict):
        return {k: {items[k]: [wrap_lists(i, items) for i in x]} if isinstance(x, list) else wrap_lists(x, items)
                for k, x in v.items()}
    return v


def texts(v):
    """What XML carries: every leaf as text."""
    if isinstance(v, dict):
        return {k: texts(x) for k, x in v.items()}
    if isinstance(v, list):
        return [texts(x) for x in v]
    return xml_text(v) if not isinstance(v, str) else v


CALLBACK_TREE = {"resp_body": {"attribute_map": "{}"}, "ret_code": "isv.success-all", "ret_msg": "操作成功"}
UPLOAD_TREE = {"resp_body": {"attribute_map": "{}", "file_name": "TB1qr_9d2a6b1f.png"},
               "ret_code": "isv.success-all", "ret_msg": "操作成功"}
DELAY_TREE = {"is_success": True, "res_code": 0, "res_msg": "成功"}
TBMA_TREE = {"resp_body": {"certificate": {
    "attributes": {"item_id": "601234567890"}, "available_num": 1, "biz_type": 3001, "code": "abc124",
    "code_status": 1, "end_time": "2024-12-31 23:59:59", "initial_num": 1, "locked_num": 0,
    "outer_id": "1753340805138544", "qr_code_url": "https://example.com/qr/abc124.png",
    "start_time": "2024-01-01 00:00:00", "used_num": 0}}, "ret_code": "isv.success-all", "ret_msg": "操作成功"}
REFUND_TREE = {"is_success": True}
TICKET_1 = {"ticket_id": "2208191159703216457", "ticket_name": "双人套餐", "total_amount": 9900,
            "real_amount": 9500, "quantity": 1, "ticket_code": "839201746512", "original_price": 12800}
TICKET_2 = {"ticket_id": "2208191159703216458", "ticket_name": "双人套餐", "total_amount": 9900,
            "real_amount": 9500, "quantity": 1, "original_price": 12800}
CONSULT_TREE = {"result": {"success": True, "value": {
    "user_phone": "*******4139", "available_quantity": 1, "ticket_info_list": [TICKET_1, TICKET_2],
    "buyer_id": "2088x1y2z3", "alsc_order_no": "8012345678901234567", "alsc_sub_order_no": "8012345678901234568",
    "item_id": "2023081000112233", "out_item_id": "SKU-42"}}}
CONSULT_ITEMS = {"ticket_info_list": "ticket_info"}


def workflow_fixture(method, tree, items, extra):
    """The shared cases of one API: its reply as TOP's XML (text leaves),
    wrapped JSON (lists inside their item element) and simplified JSON, all
    typed to the same data; numbers given as text in JSON are typed too."""
    key = response_key(method)
    xml = '<?xml version="1.0" encoding="utf-8" ?>' + to_xml(key, dict(tree, request_id=REQ_ID), items)
    cases = [
        {"name": "XML reply, every leaf as text", "method": method, "simplify": False, "body": xml,
         "expect": dict(tree, request_id=REQ_ID)},
        {"name": "wrapped JSON reply", "method": method, "simplify": False,
         "body": compact_json({key: dict(wrap_lists(tree, items), request_id=REQ_ID)}),
         "expect": dict(tree, request_id=REQ_ID)},
        {"name": "simplified JSON reply", "method": method, "simplify": True,
         "body": compact_json(tree), "expect": tree},
        {"name": "wrapped JSON with every leaf as text is typed like XML", "method": method, "simplify": False,
         "body": compact_json({key: wrap_lists(texts(tree), items)}), "expect": tree},
    ]
    return cases + extra


def workflow_fixtures():
    files = {}
    for method in [SEND, FAILSEND, AVAILABLE, CONSUME, REVERSE]:
        files[response_key(method)[:-len("_response")] + ".json"] = (
            "Parsing %s replies" % method, workflow_fixture(method, CALLBACK_TREE, {}, []))
    files["eticket_merchant_img_upload.json"] = ("Parsing taobao.eticket.merchant.img.upload replies",
                                                 workflow_fixture(UPLOAD, UPLOAD_TREE, {}, []))
    files["eticket_merchant_ma_delay.json"] = ("Parsing taobao.eticket.merchant.ma.delay replies", workflow_fixture(
        DELAY, DELAY_TREE, {}, [
            {"name": "a failed delay: res_code typed from XML text", "method": DELAY, "simplify": False,
             "body": "<eticket_merchant_ma_delay_response><is_success>false</is_success><res_code>12</res_code>"
                     "<res_msg>订单不存在</res_msg></eticket_merchant_ma_delay_response>",
             "expect": {"is_success": False, "res_code": 12, "res_msg": "订单不存在"}},
            {"name": "res_code that is not an integer is a DecodeError", "method": DELAY, "simplify": True,
             "body": compact_json({"is_success": False, "res_code": "E12"}),
             "error": {"type": "DecodeError",
                       "message": "response field `res_code`: expected an integer, got the string \"E12\""}},
        ]))
    files["eticket_merchant_tbma_get.json"] = ("Parsing taobao.eticket.merchant.tbma.get replies", workflow_fixture(
        TBMA, TBMA_TREE, {}, [
            {"name": "a 19-digit count stays exact", "method": TBMA, "simplify": True,
             "body": compact_json({"resp_body": {"certificate": {"used_num": "2106027287988611313"}}}),
             "expect": {"resp_body": {"certificate": {"used_num": 2106027287988611313}}}},
        ]))
    files["travel_ticket_order_refund.json"] = ("Parsing taobao.travel.ticket.order.refund replies",
                                                workflow_fixture(REFUND, REFUND_TREE, {}, []))
    one = {"result": {"success": True, "value": {"ticket_info_list": [TICKET_1]}}}
    files["alsc_daodian_ticket_consult.json"] = ("Parsing alibaba.alsc.daodian.ticket.consult replies", workflow_fixture(
        CONSULT, CONSULT_TREE, CONSULT_ITEMS, [
            {"name": "XML with one ticket_info is a list of one", "method": CONSULT, "simplify": False,
             "body": to_xml(response_key(CONSULT), one, CONSULT_ITEMS), "expect": one},
            {"name": "wrapped JSON with one ticket_info as an object is a list of one", "method": CONSULT,
             "simplify": False,
             "body": compact_json({response_key(CONSULT): {"result": {"success": True, "value": {
                 "ticket_info_list": {"ticket_info": TICKET_1}}}}}),
             "expect": one},
            {"name": "an empty ticket_info_list element is an empty list", "method": CONSULT, "simplify": False,
             "body": "<alibaba_alsc_daodian_ticket_consult_response><result><success>true</success><value>"
                     "<ticket_info_list/></value></result></alibaba_alsc_daodian_ticket_consult_response>",
             "expect": {"result": {"success": True, "value": {"ticket_info_list": []}}}},
            {"name": "a failed consult", "method": CONSULT, "simplify": True,
             "body": compact_json({"result": {"success": False, "error_code": "TICKET_NOT_FOUND",
                                              "error_msg": "券码不存在"}}),
             "expect": {"result": {"success": False, "error_code": "TICKET_NOT_FOUND", "error_msg": "券码不存在"}}},
        ]))
    files.update(tmc_fixtures())
    return files


TMC_MESSAGE_1 = {"content": "{\"tid\":2131800080537681929,\"status\":\"WAIT_SELLER_SEND_GOODS\"}",
                 "id": 7104300007405429232, "pub_app_key": "12497914", "pub_time": "2026-12-01 10:00:00",
                 "topic": "taobao_trade_TradePaid", "user_id": 2206611234, "user_nick": "tb_seller"}
TMC_MESSAGE_2 = {"content": "<refund><rid>9007199254740993</rid></refund>", "id": 9007199254740993,
                 "pub_app_key": "12497914", "pub_time": "2026-12-01 10:00:01",
                 "topic": "taobao_refund_RefundCreate", "user_id": 2206611234, "user_nick": "tb_seller"}
TMC_ITEMS = {"messages": "tmc_message"}


def tmc_fixtures():
    """The message channel's HTTP replies: message ids stay exact (they are
    usually beyond 2^53) in XML, wrapped JSON (messages.tmc_message[]) and
    simplified JSON; content stays the text it came as."""
    tree = {"messages": [TMC_MESSAGE_1, TMC_MESSAGE_2]}
    one = {"messages": [TMC_MESSAGE_1]}
    key = response_key(TMC_CONSUME)
    files = {}
    files["tmc_messages_consume.json"] = ("Parsing taobao.tmc.messages.consume replies", workflow_fixture(
        TMC_CONSUME, tree, TMC_ITEMS, [
            {"name": "XML with one tmc_message is a list of one", "method": TMC_CONSUME, "simplify": False,
             "body": to_xml(key, one, TMC_ITEMS), "expect": one},
            {"name": "wrapped JSON with one tmc_message as an object is a list of one", "method": TMC_CONSUME,
             "simplify": False, "body": compact_json({key: {"messages": {"tmc_message": TMC_MESSAGE_1}}}),
             "expect": one},
            {"name": "no messages: an empty messages element is an empty list", "method": TMC_CONSUME,
             "simplify": False, "body": "<%s><messages/></%s>" % (key, key), "expect": {"messages": []}},
            {"name": "no messages: a reply without messages", "method": TMC_CONSUME, "simplify": False,
             "body": compact_json({key: {"request_id": REQ_ID}}), "expect": {"request_id": REQ_ID}},
            {"name": "an id given as text in JSON is typed exactly", "method": TMC_CONSUME, "simplify": True,
             "body": compact_json({"messages": [{"id": "7104300007405429232"}]}),
             "expect": {"messages": [{"id": 7104300007405429232}]}},
            {"name": "an id that is not an integer is a DecodeError", "method": TMC_CONSUME,
             "simplify": True, "body": compact_json({"messages": [{"id": "x7104300007405429232"}]}),
             "error": {"type": "DecodeError", "message":
                       "response field `messages[0].id`: expected an integer, got the string \"x7104300007405429232\""}},
        ]))
    files["tmc_messages_confirm.json"] = ("Parsing taobao.tmc.messages.confirm replies",
                                          workflow_fixture(TMC_CONFIRM, {"is_success": True}, {}, []))
    files["tmc_user_permit.json"] = ("Parsing taobao.tmc.user.permit replies",
                                     workflow_fixture(TMC_PERMIT, {"is_success": True}, {}, []))
    return files


# --------------------------------------------------------------------------
# Batch calls (PROTOCOL.md "Batch calls")
# --------------------------------------------------------------------------

BATCH_SEPARATOR = "\r\n-S-\r\n"
BATCH_CONTENT = "text/plain;charset=UTF-8"
# The protocol's known answers, computed with the Java SDK's own signing code.
KNOWN_BATCH_SECRET = "secretsecret"
KNOWN_BATCH_QUERY = [("v", "2.0"), ("app_key", "12345678"), ("timestamp", "2016-01-08 12:00:00"),
                     ("format", "json"), ("partner_id", "top-sdk-java-20170428")]
KNOWN_BATCH_BODY = ("#PUBLIC#method=taobao.trade.fullinfo.get&fields=tid%2Cstatus%2Cpayment\r\n-S-\r\n"
                    "tid=1001&method=taobao.trade.fullinfo.get\r\n-S-\r\n"
                    "tid=1002&method=taobao.trade.fullinfo.get&session=6100a+b")
KNOWN_BATCH_SIGNS = {"md5": "50943DF83337FB38BB8BC20D0484B06A",
                     "hmac": "2C4B7D9BACB30D62FDD5D84EF2672F76",
                     "hmac-sha256": "435E0121E7489213AAE5301BBD468EBE4ABF4CADADEC7A4F21D54EC082A33014"}
KNOWN_BATCH_NOW = 1452225600000  # 2016-01-08 12:00:00 GMT+8
FULLINFO = "taobao.trade.fullinfo.get"


def batch_sign(secret, system, body, sign_method):
    """The sorted `key+value` string of the query's system parameters, then
    the body exactly as sent."""
    return digest(secret, string_to_sign(system) + body, sign_method)


def batch_line(call):
    """One call's line: its application parameters form-encoded, then its
    method and, when it has its own, its session."""
    pairs = render(call["method"], call.get("params") or {}) + [("method", call["method"])]
    if not java_blank(call.get("session")):
        pairs.append(("session", call["session"]))
    return urlencode(pairs)


def prepare_batch(case):
    c, o = case["client"], case["options"]
    sign_method = c.get("sign_method", "hmac-sha256")
    system = [("app_key", c["app_key"]), ("timestamp", gmt8(o["timestamp_ms"])), ("v", "2.0"),
              ("sign_method", sign_method), ("format", c.get("format", "json"))]
    if c.get("simplify"):
        system.append(("simplify", "true"))
    for key, value in [("session", o.get("session")), ("partner_id", c.get("partner_id")),
                       ("target_app_key", c.get("target_app_key"))]:
        if not java_blank(value):
            system.append((key, value))
    separator = o.get("separator") or BATCH_SEPARATOR
    body = separator.join(batch_line(call) for call in case["calls"])
    sign = batch_sign(c["app_secret"], system, body, sign_method)
    gateway = c.get("gateway", DEFAULT_GATEWAY)
    url = o.get("batch_url") or gateway[:-len("/router/rest")] + "/router/batch"
    headers = {"Content-Type": BATCH_CONTENT}
    if separator != BATCH_SEPARATOR:
        headers["top-api-separator"] = separator
    return {"method": "POST", "url": url + "?" + urlencode(by_key(system) + [("sign", sign)]),
            "headers": headers, "body": body,
            "params": [list(p) for p in by_key(system)] + [["sign", sign]]}


def batch_prepare_cases():
    cases = []
    s = "6100e23657fb0b2d0c78568e55a3031134be9a3a5d4b3a365753805"

    def available(code):
        return {"method": AVAILABLE, "params": {"code": code, "consume_num": 1, "outer_id": "o1",
                                                "token": "t1"}}
    tbma = {"method": TBMA, "params": {"query_tb_ma_callback_req": {"code": "abc124"}}}

    def ok(name, calls, cl=None, **options):
        options.setdefault("timestamp_ms", TS)
        case = {"kind": "prepare", "name": name, "client": cl or client(), "calls": calls,
                "options": options}
        case["expect"] = prepare_batch(case)
        cases.append(case)

    def bad(name, calls, error, cl=None, **options):
        options.setdefault("timestamp_ms", TS)
        cases.append({"kind": "prepare", "name": name, "client": cl or client(), "calls": calls,
                      "options": options, "error": error})

    workflow = [available("abc124"), available("abc125"), available("abc126"), tbma]
    for m in ["md5", "hmac", "hmac-sha256"]:
        ok("three ma.available and a tbma.get with the batch's session, " + m, workflow,
           client(sign_method=m), session=s)
    ok("a call's own session is sent in its line and overrides the batch's",
       [available("abc124"), dict(available("abc125"), session="6100a b")], session=s)
    ok("calls with their own sessions and none for the batch",
       [dict(available("abc124"), session="s-1"), dict(tbma, session="s-2")])
    ok("an untyped call without parameters is its method alone", [{"method": GW_TIME, "params": None},
                                                                  {"method": VERIFY, "params": {"order_id": 1}}])
    ok("xml, simplify off, partner_id and target_app_key are signed in the query",
       [{"method": VERIFY, "params": {"order_id": 1}}],
       client(format="xml", sign_method="md5", partner_id="topwire-0.1", target_app_key="87654321"))
    ok("simplified JSON is asked in the query", [{"method": VERIFY, "params": {"order_id": 2}}],
       client(simplify=True))
    ok("a separator of the caller's own is named in top-api-separator",
       [available("abc124"), tbma], session=s, separator="#SEP#")
    ok("the default separator given explicitly sends no header", [available("abc124"), tbma],
       session=s, separator=BATCH_SEPARATOR)
    ok("a value holding the default separator is percent-encoded, so it never splits",
       [{"method": GW_TIME, "params": {"note": "a\r\n-S-\r\nb"}}, {"method": GW_TIME, "params": {"x": "1"}}])
    ok("a value holding a custom separator is percent-encoded, so it never splits",
       [{"method": GW_TIME, "params": {"note": "a#SEP#b|c"}}, {"method": GW_TIME, "params": {"x": "#SEP#"}}],
       separator="#SEP#")
    ok("a gateway URL of its own: /router/rest becomes /router/batch", [{"method": VERIFY, "params": {"order_id": 1}}],
       client(gateway="http://127.0.0.1:8080/router/rest"))
    ok("batch_url names the endpoint", [{"method": VERIFY, "params": {"order_id": 1}}],
       client(gateway="https://proxy.example/top"), batch_url="https://proxy.example/top-batch")
    ok("structures and lists in a line are JSON text, form-encoded",
       [{"method": RESEND, "params": SEED_RESEND}, {"method": VERIFY, "params": SEED_VERIFY}], session=s)
    bad("an empty list of calls", [], verr("calls", "calls: expected at least one call, got an empty list"))
    bad("a call's wrong field is named with its index", [available("a"), available("b"),
        {"method": RESEND, "params": {"isv_ma_list": [{"code": "c", "num": "x"}], "outer_id": "o", "token": "t"}}],
        verr("calls[2].isv_ma_list[0].num",
             "calls[2].isv_ma_list[0].num: expected an integer, got the string \"x\""), session=s)
    bad("a call's missing required field is named with its index",
        [available("a"), {"method": AVAILABLE, "params": {"code": "c", "outer_id": "o", "token": "t"}}],
        verr("calls[1].consume_num", "calls[1].consume_num: expected an integer, got nothing"), session=s)
    bad("a call acting for a seller needs its own session or the batch's", [available("a")],
        verr("calls[0].session",
             "calls[0].session: expected a session: taobao.eticket.merchant.ma.available acts for a seller, got none"))
    bad("a call's method is checked", [{"method": "taobao..x", "params": {}}],
        verr("calls[0].method",
             "calls[0].method: expected a TOP method name such as \"taobao.trade.get\", got \"taobao..x\""))
    bad("a file parameter is refused: TOP does not batch uploads",
        [{"method": "taobao.custom.upload", "params": {"img": {"file_base64": "iVBORw=="}}}],
        verr("calls[0].img", "calls[0].img: expected text (TOP batches any call but file uploads), got a file"))
    sep_expected = ("visible ASCII text starting with a character form encoding always escapes "
                    "(not a letter, digit or one of * - . _ + % = &), e.g. \"#SEP#\"")
    for sep, why in [("SEP", "starting with a letter"), ("%0A", "starting with %"),
                     ("# SEP", "with a space"), ("\n-S-\n", "with line feeds"), ("", "empty")]:
        bad("a separator %s is refused" % why, [available("a")],
            verr("separator", "separator: expected %s, got %s" % (sep_expected, json.dumps(sep))),
            session=s, separator=sep)
    bad("a gateway not ending in /router/rest needs batch_url", [{"method": VERIFY, "params": {"order_id": 1}}],
        verr("batch_url", "batch_url: expected a batch URL: the gateway does not end in /router/rest, so the "
                          "/router/batch endpoint cannot be derived from it, got none"),
        client(gateway="https://proxy.example/top"))
    bad("batch_url is checked as a gateway URL is", [{"method": VERIFY, "params": {"order_id": 1}}],
        verr("batch_url", "batch_url: expected a URL without a query (TOP checks the signature over every "
                          "parameter it receives, and a query of the gateway URL is not signed), got a URL with a query"),
        batch_url="https://x.example/router/batch?token=1")
    return cases


def batch_parse_cases():
    cases = []
    verify_ok = wrapped(VERIFY, {"is_success": True, "request_id": "r1"})
    err = {"code": 15, "msg": "Remote service error", "sub_code": "isp.remote-error", "sub_msg": "down",
           "request_id": "r2"}
    err_json = compact_json({"error_response": err})
    tree = {"ret_code": "isv.success-all", "ret_msg": "ok", "resp_body": {"attribute_map": "{}"}}
    xml = ('<?xml version="1.0" encoding="utf-8" ?><eticket_merchant_ma_available_response><ret_code>'
           'isv.success-all</ret_code><ret_msg>ok</ret_msg><resp_body><attribute_map>{}</attribute_map>'
           '</resp_body></eticket_merchant_ma_available_response>')

    def api(e):
        out = {"type": "ApiError", "code": e["code"], "msg": e["msg"], "sub_code": e.get("sub_code"),
               "sub_msg": e.get("sub_msg"), "request_id": e.get("request_id"),
               "retryable": e["code"] in (7, 10) or str(e.get("sub_code", "")).startswith("isp.")}
        return out

    def case(name, methods, parts, expect=None, error=None, separator=None):
        c = {"kind": "parse", "name": name, "methods": methods,
             "body": (separator or BATCH_SEPARATOR).join(parts)}
        if separator is not None:
            c["separator"] = separator
        if error is not None:
            c["error"] = error
        else:
            c["expect"] = expect
        cases.append(c)

    case("wrapped JSON, an error_response and XML: each part parsed as its method's reply",
         [VERIFY, AVAILABLE, AVAILABLE], [verify_ok, err_json, xml],
         [{"data": {"is_success": True, "request_id": "r1"}}, {"error": api(err)}, {"data": tree}])
    case("simplified JSON parts", [VERIFY, VERIFY],
         [compact_json({"is_success": True}), compact_json({"is_success": "false"})],
         [{"data": {"is_success": True}}, {"data": {"is_success": False}}])
    case("a custom separator splits the reply", [VERIFY, AVAILABLE], [verify_ok, xml],
         [{"data": {"is_success": True, "request_id": "r1"}}, {"data": tree}], separator="#SEP#")
    case("a 64-bit id in a part stays exact", [GW_TIME],
         [compact_json({"time_get_response": {"id": 2106027287988611313}})],
         [{"data": {"id": 2106027287988611313}}])
    whole = {"code": 25, "msg": "Invalid signature", "request_id": "r9"}
    case("one error_response for three calls is the whole batch failing", [VERIFY, VERIFY, VERIFY],
         [compact_json({"error_response": whole})], error=api(whole))
    case("more parts than calls with an error_response first fail as a whole", [VERIFY],
         [compact_json({"error_response": whole}), verify_ok], error=api(whole))
    case("a part count that differs without an error_response is a DecodeError", [VERIFY, VERIFY],
         ["<html>502 Bad Gateway</html>"],
         error={"type": "DecodeError",
                "message": "expected a batch reply of 2 parts (one per call), got 1 and no error_response "
                           "first: an HTML page starting \"<html>502 Bad Gateway</html>\""})
    case("a part that is no TOP reply is a DecodeError naming it", [VERIFY, VERIFY],
         [verify_ok, "oops"],
         error={"type": "DecodeError",
                "message": "reply 1 of the batch: expected a JSON or XML TOP response, got a body starting \"oops\""})
    case("another method's reply in a part is a DecodeError naming it", [VERIFY, AVAILABLE],
         [verify_ok, verify_ok],
         error={"type": "DecodeError",
                "message": "reply 1 of the batch: expected the response `eticket_merchant_ma_available_response`, "
                           "got `travel_ticket_order_verify_response` (a response to another method?)"})
    return cases


def batch_request_id(target, body, part=None):
    """The gateway's request_id; the answer to call i of a batch hashes `#i` after the body."""
    tail = b"" if part is None else ("#%d" % part).encode("ascii")
    return hashlib.md5(("POST %s\n" % target).encode("latin-1") + body + tail).hexdigest()[:13]


def batch_gateway_cases():
    """The protocol's known answers sent to the local gateway: it accepts the
    signature (each call answered), and refuses it once the body changes."""
    cases = []
    config = {"apps": {"12345678": KNOWN_BATCH_SECRET},
              "responses": {FULLINFO: {"trade": {"tid": 1001, "status": "WAIT_SELLER_SEND_GOODS"}}}}

    def request(query, body, sign, headers=None):
        target = "/router/batch?" + urlencode(query + [("sign", sign)])
        return target, {"method": "POST", "target": target,
                        "headers": headers or [["Content-Type", BATCH_CONTENT]], "body": body}

    for m, known in KNOWN_BATCH_SIGNS.items():
        query = KNOWN_BATCH_QUERY + [("sign_method", m)]
        sign = batch_sign(KNOWN_BATCH_SECRET, query, KNOWN_BATCH_BODY, m)
        assert sign == known, (m, sign, known)  # the oracle's rule gives the Java SDK's answers
        target, req = request(query, KNOWN_BATCH_BODY, sign)
        parts = [compact_json({"trade_fullinfo_get_response": {
            "trade": {"tid": 1001, "status": "WAIT_SELLER_SEND_GOODS"},
            "request_id": batch_request_id(target, KNOWN_BATCH_BODY.encode(), i)}}) for i in range(2)]
        cases.append({"kind": "gateway", "name": "the protocol's known answer, %s: each call answered" % m,
                      "config": config, "now_ms": KNOWN_BATCH_NOW, "request": req, "sign": sign,
                      "reply": {"status": 200, "body": BATCH_SEPARATOR.join(parts)}})
    query = KNOWN_BATCH_QUERY + [("sign_method", "md5")]
    altered = KNOWN_BATCH_BODY.replace("tid=1002", "tid=1003")
    target, req = request(query, altered, KNOWN_BATCH_SIGNS["md5"])
    cases.append({"kind": "gateway", "name": "the known answer over an altered body: one error_response (25)",
                  "config": config, "now_ms": KNOWN_BATCH_NOW, "request": req,
                  "reply": {"status": 200, "body": compact_json({"error_response": {
                      "code": 25, "msg": "Invalid signature",
                      "request_id": batch_request_id(target, altered.encode())}})}})
    # A separator of the caller's own, named in the header.
    body = "tid=1001&method=taobao.trade.fullinfo.get#SEP#N#SEP#method=taobao.time.get&x=%23SEP%23"
    sign = batch_sign(KNOWN_BATCH_SECRET, query, body, "md5")
    target, req = request(query, body, sign, [["Content-Type", BATCH_CONTENT], ["top-api-separator", "#SEP#"]])
    parts = [compact_json({"trade_fullinfo_get_response": {
                 "trade": {"tid": 1001, "status": "WAIT_SELLER_SEND_GOODS"},
                 "request_id": batch_request_id(target, body.encode(), 0)}}),
             compact_json({"error_response": {"code": 21, "msg": "Missing method",
                                              "request_id": batch_request_id(target, body.encode(), 1)}}),
             compact_json({"error_response": {"code": 22, "msg": "Invalid method",
                                              "request_id": batch_request_id(target, body.encode(), 2)}})]
    cases.append({"kind": "gateway", "name": "a custom separator: N is a call without parameters (21), "
                                             "an unknown method 22, each answered alone",
                  "config": config, "now_ms": KNOWN_BATCH_NOW, "request": req,
                  "reply": {"status": 200, "body": "#SEP#".join(parts)}})
    body = "method=taobao.trade.fullinfo.get\r\n-S-\r\n\r\n-S-\r\nmethod=taobao.trade.fullinfo.get"
    sign = batch_sign(KNOWN_BATCH_SECRET, query, body, "md5")
    target, req = request(query, body, sign)
    cases.append({"kind": "gateway", "name": "an empty line is a malformed body: one error_response (41)",
                  "config": config, "now_ms": KNOWN_BATCH_NOW, "request": req,
                  "reply": {"status": 200, "body": compact_json({"error_response": {
                      "code": 41, "msg": "Invalid arguments:batch body", "sub_code": "isv.invalid-parameter",
                      "sub_msg": "call 1 of the batch is an empty line (a call without parameters is the line N)",
                      "request_id": batch_request_id(target, body.encode())}})}})
    return cases


def batch_cases():
    return batch_prepare_cases() + batch_parse_cases() + batch_gateway_cases()


# --------------------------------------------------------------------------


# --------------------------------------------------------------------------
# TMC, the message channel (PROTOCOL.md "The message channel", WebSocket)
# --------------------------------------------------------------------------

TMC_KINDS = ["connect", "connectack", "send", "sendack"]
TMC_FORMATS = ["null", "string", "byte", "int16", "int32", "int64", "date", "bytes"]
TMC_TOKEN = "34ec7ffc-fb56-442a-bd39-e55b73005e6d"
TMC_NOW = 1394864359897
TMC_SESSION = {"app_key": "12345678", "app_secret": "SECRET", "sdk": "topwire-test"}


def tmc_counted(raw):
    """An i32 little-endian byte length, then the bytes."""
    return binary.pack("<i", len(raw)) + raw


def tmc_value(fmt, v):
    """A Custom header's value: its format byte, then the payload."""
    code = TMC_FORMATS.index(fmt)
    body = {
        "null": lambda: b"",
        "string": lambda: tmc_counted(v.encode("utf-8")),
        "byte": lambda: binary.pack("<B", v),
        "int16": lambda: binary.pack("<h", v),
        "int32": lambda: binary.pack("<i", v),
        "int64": lambda: binary.pack("<q", v),
        "date": lambda: binary.pack("<q", v),
        "bytes": lambda: tmc_counted(bytes(v)),
    }[fmt]()
    return bytes([code]) + body


def tmc_encode(frame):
    """The Java encoder's bytes: version 2, the type, StatusCode if > 0,
    StatusPhrase if non-empty, Flag if > 0, Token if non-empty, one Custom
    (type 1) per content entry, then the end of headers (type 0)."""
    out = bytes([2, TMC_KINDS.index(frame["type"])])
    if frame.get("status_code", 0) > 0:
        out += binary.pack("<hi", 2, frame["status_code"])
    if frame.get("status_phrase"):
        out += binary.pack("<h", 3) + tmc_counted(frame["status_phrase"].encode("utf-8"))
    if frame.get("flag", 0) > 0:
        out += binary.pack("<hi", 4, frame["flag"])
    if frame.get("token"):
        out += binary.pack("<h", 5) + tmc_counted(frame["token"].encode("utf-8"))
    for key, fmt, v in frame.get("content", []):
        out += binary.pack("<h", 1) + tmc_counted(key.encode("utf-8")) + tmc_value(fmt, v)
    return out + binary.pack("<h", 0)


def tmc_sign(app_key, group, timestamp, secret):
    """md5 TOP sign over exactly app_key, group_name, timestamp."""
    pairs = [("app_key", app_key), ("group_name", group), ("timestamp", timestamp)]
    return digest(secret, string_to_sign(pairs), "md5")


def tmc_frame(kind, content=(), **headers):
    frame = {"type": kind}
    frame.update(headers)
    frame["content"] = [list(e) for e in content]
    return frame


def tmc_send(kind_byte, *entries, token=TMC_TOKEN):
    return tmc_frame("send", [("__kind", "byte", kind_byte)] + list(entries), token=token)


def tmc_java_length(text):
    """Java's String.length: UTF-16 units."""
    return len(text.encode("utf-16-le")) // 2


def tmc_reason(text):
    """A failure reason cut to 128 UTF-16 units, a surrogate pair kept whole."""
    out = ""
    for c in text:
        if tmc_java_length(out + c) > 128:
            break
        out += c
    return out


def tmc_error(at, what):
    return {"type": "DecodeError", "message": "TMC frame, byte %d: %s" % (at, what)}


def tmc_cases():
    big_id = 2131800080537681929
    trade = '{"tid":7104300007405429232,"buyer_nick":"买家","payment":"99.00"}'
    gz = gzip.compress(trade.encode("utf-8"), mtime=0)
    cases = []

    def codec(name, frame, note=None):
        case = {"name": name, "op": "codec", "frame": frame, "bytes": tmc_encode(frame).hex()}
        if note:
            case["note"] = note
        cases.append(case)

    # The three frames of the protocol notes (hex checked against them).
    codec("connectack_of_the_protocol_notes", tmc_frame("connectack", flag=1, token=TMC_TOKEN))
    assert len(tmc_encode(cases[-1]["frame"])) == 52
    codec("pull_of_the_protocol_notes", tmc_send(1))
    codec("confirm_above_2_53_of_the_protocol_notes", tmc_send(2, ("id", "int64", big_id)))
    assert cases[-1]["bytes"].endswith("010002000000696405" + "090099e4e0ac951d" + "0000")
    codec("refusal_frame", tmc_frame("connectack", status_code=403, status_phrase="sign invalid 签名", flag=7))
    codec("connect_without_headers", tmc_frame("connect"))
    codec("sendack", tmc_frame("sendack", token="t"))
    codec("every_value_format", tmc_frame("send", [
        ("n", "null", None), ("s", "string", "中文 😀"), ("empty", "string", ""),
        ("b0", "byte", 0), ("b255", "byte", 255),
        ("i16", "int16", -32768), ("i16max", "int16", 32767),
        ("i32", "int32", -2147483648), ("i64min", "int64", -9223372036854775808),
        ("i64max", "int64", 9223372036854775807), ("date", "date", 1700000000123),
        ("raw", "bytes", [0, 1, 127, 128, 255]), ("none", "bytes", []),
        ("", "string", "an empty key"),
        ("dup", "int32", 1), ("dup", "int32", 2),
    ], flag=2147483647))
    codec("data_frame", tmc_send(
        3, ("id", "int64", big_id), ("topic", "string", "taobao_trade_TradeBuyerPay"),
        ("content", "string", trade), ("time", "date", 1700000000000),
        ("outtime", "date", 1700086400000), ("publisher", "string", "4272"),
        ("nick", "string", "卖家"), ("userid", "int64", 9007199254740993),
        ("dataid", "int64", 7104300007405429232), ("custom", "int32", -5)))
    codec("gzip_data_frame", tmc_send(
        3, ("id", "int64", 9007199254740993), ("topic", "string", "taobao_refund_RefundCreated"),
        ("content", "bytes", list(gz))))

    # Frames Java would not write: they decode, and encode to Java's form.
    def odd(name, raw, frame, note):
        cases.append({"name": name, "op": "codec", "bytes": raw.hex(), "frame": frame,
                      "encodes_to": tmc_encode(frame).hex(), "note": note})

    odd("zero_flag_and_empty_token",
        bytes([2, 1]) + binary.pack("<hi", 4, 0) + binary.pack("<h", 5) + tmc_counted(b"") + binary.pack("<h", 0),
        tmc_frame("connectack", flag=0, token=""), "Java writes neither a Flag of 0 nor an empty Token")
    odd("headers_out_of_java_order",
        bytes([2, 1]) + binary.pack("<h", 5) + tmc_counted(b"tok") + binary.pack("<hi", 4, 3) + binary.pack("<h", 0),
        tmc_frame("connectack", flag=3, token="tok"), "Java writes the Flag before the Token")
    odd("negative_status_code",
        bytes([2, 1]) + binary.pack("<hi", 2, -1) + binary.pack("<h", 0),
        tmc_frame("connectack", status_code=-1), "Java writes a StatusCode only if > 0")

    # Bytes that are not a frame: a DecodeError naming the byte.
    def bad(name, raw, at, what):
        cases.append({"name": name, "op": "decode_error", "bytes": raw.hex(), "error": tmc_error(at, what)})

    bad("empty", b"", 0, "truncated: the protocol version needs 1 byte, 0 left")
    bad("protocol_version_1", bytes([1, 2, 0, 0]), 0, "protocol version 1, expected 2")
    bad("unknown_message_type", bytes([2, 4, 0, 0]), 1,
        "unknown message type 4 (expected 0 connect, 1 connectack, 2 send or 3 sendack)")
    bad("no_end_of_headers", bytes([2, 2]), 2, "truncated: a header type needs 2 bytes, 0 left")
    bad("unknown_header_type", bytes([2, 2, 6, 0, 0, 0]), 2, "unknown header type 6 (expected 0-5)")
    bad("length_beyond_the_buffer", bytes([2, 2]) + binary.pack("<hi", 5, 2147483647) + b"abc", 4,
        "the token declares 2147483647 bytes, only 3 left")
    bad("negative_length", bytes([2, 2]) + binary.pack("<hi", 1, -5), 4, "a content key has a negative length (-5)")
    bad("invalid_utf8", bytes([2, 2]) + binary.pack("<h", 5) + tmc_counted(b"ab\xc3(") + binary.pack("<h", 0), 10,
        "the token is not UTF-8")
    bad("unknown_value_format", bytes([2, 2]) + binary.pack("<h", 1) + tmc_counted(b"k") + bytes([8]), 9,
        "unknown value format 8 (expected 0-7)")
    bad("truncated_int64", bytes([2, 2]) + binary.pack("<h", 1) + tmc_counted(b"id") + bytes([5, 1, 2]), 11,
        "truncated: an int64 value needs 8 bytes, 2 left")
    bad("bytes_after_the_end", tmc_encode(tmc_send(1)) + b"\x00", 60, "1 byte after the end of the headers")
    bad("token_twice", bytes([2, 2]) + (binary.pack("<h", 5) + tmc_counted(b"a")) * 2 + binary.pack("<h", 0), 9,
        "the same header a second time")

    # The session: CONNECT, then what it makes of frames, confirms and fails.
    sign = tmc_sign("12345678", "default", str(TMC_NOW), "SECRET")
    assert sign == "004BF371AEC8A4917B21307A14A34CD4"  # the protocol notes' known answer
    connect = tmc_frame("connect", [
        ("app_key", "string", "12345678"), ("group_name", "string", "default"),
        ("timestamp", "string", str(TMC_NOW)), ("sign", "string", sign), ("sdk", "string", "topwire-test"),
    ], flag=1)
    cases.append({"name": "connect_signed_as_the_protocol_notes_say", "op": "connect", "session": TMC_SESSION,
                  "now": TMC_NOW, "frame": connect, "bytes": tmc_encode(connect).hex()})
    group_sign = tmc_sign("12345678", "orders", "1700000000000", "SECRET")
    connect_ip = tmc_frame("connect", [
        ("app_key", "string", "12345678"), ("group_name", "string", "orders"),
        ("timestamp", "string", "1700000000000"), ("sign", "string", group_sign),
        ("sdk", "string", "topwire-test"), ("intranet_ip", "string", "10.0.0.7"),
    ], flag=1)
    cases.append({"name": "connect_to_a_group_with_intranet_ip", "op": "connect",
                  "session": dict(TMC_SESSION, group_name="orders", intranet_ip="10.0.0.7"),
                  "now": 1700000000000, "frame": connect_ip, "bytes": tmc_encode(connect_ip).hex()})

    trade_data = {"tid": 7104300007405429232, "buyer_nick": "买家", "payment": "99.00"}

    def message(id_, topic, content, compressed=False, **fields):
        m = {"id": id_, "topic": topic, "content": content, "compressed": compressed}
        for k in ["published", "out_time", "publisher", "nick", "user_id", "data_id"]:
            m[k] = fields.get(k)
        m["extra"] = fields.get("extra", [])
        return m

    def receive(name, frame_or_raw, events, online=True, data=None, error=None):
        raw = frame_or_raw if isinstance(frame_or_raw, bytes) else tmc_encode(frame_or_raw)
        case = {"name": name, "op": "receive", "session": TMC_SESSION, "online": online}
        if online:
            case["token"] = TMC_TOKEN
        case["bytes"] = raw.hex()
        if error:
            case["error"] = error
        else:
            case["events"] = events
        if data is not None:
            case["data"] = data
        cases.append(case)

    data_frame = next(c for c in cases if c["name"] == "data_frame")
    receive("data_frame_gives_a_message", bytes.fromhex(data_frame["bytes"]), [{"type": "message", "message": message(
        big_id, "taobao_trade_TradeBuyerPay", trade, published=1700000000000, out_time=1700086400000,
        publisher="4272", nick="卖家", user_id=9007199254740993, data_id=7104300007405429232,
        extra=[["custom", "int32", -5]])}], data=trade_data)
    receive("gzip_content_is_inflated", bytes.fromhex(next(c for c in cases if c["name"] == "gzip_data_frame")["bytes"]),
            [{"type": "message", "message": message(9007199254740993, "taobao_refund_RefundCreated", trade, True)}],
            data=trade_data)
    receive("another_token_is_dropped", tmc_send(3, ("id", "int64", 1), ("topic", "string", "t"),
                                                 ("content", "string", "{}"), token="another-token"), [])
    receive("pull_from_the_server_is_dropped", tmc_send(1), [])
    receive("data_frame_without_id", tmc_send(3, ("topic", "string", "t"), ("content", "string", "{}")), None,
            error={"type": "DecodeError", "message": "TMC data frame: no `id`"})
    receive("gzip_content_that_is_not_gzip", tmc_send(3, ("id", "int64", 1), ("topic", "string", "t"),
                                                      ("content", "bytes", list(b"{}"))), None,
            error={"type": "DecodeError"})
    receive("connectack_makes_the_session_online", tmc_frame("connectack", flag=1, token="tok-2"),
            [{"type": "connected", "token": "tok-2"}], online=False)
    receive("connectack_of_another_flag_is_dropped", tmc_frame("connectack", flag=2, token="tok-2"), [], online=False)
    receive("refusal", tmc_frame("connectack", flag=1, status_code=403, status_phrase="sign invalid"),
            [{"type": "refused", "status_code": 403, "status_phrase": "sign invalid"}], online=False)
    receive("not_a_frame", b"\x01\x02\x00\x00", None, error=tmc_error(0, "protocol version 1, expected 2"))

    cases.append({"name": "confirm_above_2_53", "op": "confirm", "session": TMC_SESSION, "token": TMC_TOKEN, "id": big_id,
                  "bytes": tmc_encode(tmc_send(2, ("id", "int64", big_id))).hex()})
    cases.append({"name": "confirm_negative_id", "op": "confirm", "session": TMC_SESSION, "token": TMC_TOKEN, "id": -1,
                  "bytes": tmc_encode(tmc_send(2, ("id", "int64", -1))).hex()})
    for name, reason in [("fail_short_reason", "库存不足"),
                         ("fail_reason_cut_at_128", "x" * 300),
                         ("fail_reason_keeps_surrogate_pairs_whole", "a" + "😀" * 100)]:
        cut = tmc_reason(reason)
        assert tmc_java_length(cut) <= 128
        cases.append({"name": name, "op": "fail", "session": TMC_SESSION, "token": TMC_TOKEN, "id": big_id, "reason": reason,
                      "bytes": tmc_encode(tmc_send(20, ("id", "int64", big_id), ("msg", "string", cut))).hex()})
    return cases


def dumps(v, indent=""):
    """JSON with one case member per line and short leaves (pairs, small
    objects, scalar lists) kept on one line, so the files stay readable."""
    flat = json.dumps(v, ensure_ascii=False)
    inner = indent + "  "
    if isinstance(v, dict) and v and len(indent) + len(flat) > 100:
        items = [inner + json.dumps(k, ensure_ascii=False) + ": " + dumps(x, inner) for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(v, list) and v and len(indent) + len(flat) > 100:
        items = [inner + dumps(x, inner) for x in v]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    return flat


def write(path, description, cases):
    names = [c["name"] for c in cases]
    dup = {n for n in names if names.count(n) > 1}
    assert not dup, (path, dup)
    doc = {"description": description, "cases": cases}
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(doc) + "\n")
    print("%-55s %4d cases" % (os.path.relpath(path, ROOT), len(cases)))


def write_doc(path, doc):
    names = [c["name"] for c in doc["cases"]]
    dup = {n for n in names if names.count(n) > 1}
    assert not dup, (path, dup)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(doc) + "\n")
    print("%-55s %4d cases" % (os.path.relpath(path, ROOT), len(doc["cases"])))


# --------------------------------------------------------------------------
# The local message channel over a WebSocket, for both gateway servers (and
# the core's TmcChannel directly): frames in, exact frames out
# --------------------------------------------------------------------------

TMC_CHANNEL_CASES = os.path.join(ROOT, "tests", "http", "tmc_channel.json")
CH_NOW = TS
CH_REDELIVER = 60000
CH_FIRST_ID = 2**53 + 1  # the channel's first id: the first integer a double cannot hold


def ch_token(connection, app_key, group, timestamp):
    """The channel's token (README "The local message channel"): MD5 over the
    connection's number, app key, group and timestamp, each followed by a NUL
    byte, as lowercase hex grouped 8-4-4-4-12 like TOP's UUIDs."""
    raw = b"".join(str(part).encode("utf-8") + b"\0" for part in (connection, app_key, group, timestamp))
    h = hashlib.md5(raw).hexdigest()
    return "-".join([h[0:8], h[8:12], h[12:16], h[16:20], h[20:32]])


def ch_connect(timestamp=CH_NOW, secret=GW_SECRET, app_key=GW_KEY, group="default", flag=1):
    ts = str(timestamp)
    return tmc_frame("connect", [("app_key", "string", app_key), ("group_name", "string", group),
                                 ("timestamp", "string", ts),
                                 ("sign", "string", tmc_sign(app_key, group, ts, secret)),
                                 ("sdk", "string", "topwire-test")], flag=flag)


def ch_data(token, message):
    """A data frame as the channel writes it: __kind 3, id, topic, content,
    time (the publish time), publisher (the gateway's first app key), then
    nick, userid and dataid when the message has them."""
    entries = [("__kind", "byte", 3), ("id", "int64", message["id"]), ("topic", "string", message["topic"]),
               ("content", "string", message["content"]), ("time", "date", CH_NOW),
               ("publisher", "string", GW_KEY)]
    for key, fmt, name in [("nick", "string", "nick"), ("userid", "int64", "user_id"),
                           ("dataid", "int64", "data_id")]:
        if name in message:
            entries.append((key, fmt, message[name]))
    return tmc_frame("send", entries, token=token)


def ch_step_send(connection, frame, expect=(), close=None):
    step = {"send": connection, "frame": frame, "hex": tmc_encode(frame).hex(),
            "expect": [{"frame": f, "hex": tmc_encode(f).hex()} for f in expect]}
    if close is not None:
        step["close"] = {"code": 1008, "reason": close}
    return step


def tmc_channel_cases():
    """Scenarios, each on a fresh gateway whose clock stands at `now_ms`:
    `publish` steps give the id the channel must return; `send` steps send a
    frame on a named WebSocket (opened on first use, numbered from 1 in that
    order) and expect exactly these frames back on it, then a close when
    given. A step that expects nothing is always followed by one that
    expects a frame, so a stray frame shows up as a mismatch; `clock` moves
    the gateway's clock."""
    token1 = ch_token(1, GW_KEY, "default", CH_NOW)
    token2 = ch_token(2, GW_KEY, "default", CH_NOW)
    ack1 = tmc_frame("connectack", flag=1, token=token1)
    paid = {"id": CH_FIRST_ID, "topic": "taobao_trade_TradePaid",
            "content": '{"tid":2131800080537681929,"status":"WAIT_SELLER_SEND_GOODS"}',
            "user_id": 2206611234, "nick": "tb_seller", "data_id": 2131800080537681929}
    created = {"id": CH_FIRST_ID + 1, "topic": "taobao_trade_TradeCreate", "content": '{"tid":1}'}
    explicit = {"id": 7104300007405429232, "topic": "taobao_refund_RefundCreate", "content": "{}"}

    def publish(message, explicit_id=False):
        given = {k: v for k, v in message.items() if k != "id" or explicit_id}
        return {"publish": given, "id": message["id"]}

    pull = lambda token: tmc_send(1, token=token)  # noqa: E731
    confirm = lambda token, i: tmc_send(2, ("id", "int64", i), token=token)  # noqa: E731
    fail = lambda token, i, why: tmc_send(20, ("id", "int64", i), ("msg", "string", why), token=token)  # noqa: E731
    sign_phrase = ("TMC CONNECT of app %s: the sign does not match "
                   "(md5 over app_key, group_name, timestamp with the app secret)" % GW_KEY)
    late = CH_NOW - 11 * 60000
    late_phrase = "timestamp %d is too far from the server's time" % late
    unknown_phrase = 'unknown app_key "87654321"'
    return [
        {"name": "a signed CONNECT gets a CONNECTACK with its flag and a token derived from the handshake",
         "steps": [ch_step_send("a", ch_connect(flag=7), [tmc_frame("connectack", flag=7, token=token1)])]},
        {"name": "two connections get two tokens",
         "steps": [ch_step_send("a", ch_connect(), [ack1]),
                   ch_step_send("b", ch_connect(), [tmc_frame("connectack", flag=1, token=token2)])]},
        {"name": "a wrong sign: CONNECTACK with status 401 and the reason, then the socket closes",
         "steps": [ch_step_send("a", ch_connect(secret="not-the-secret"),
                                [tmc_frame("connectack", flag=1, status_code=401, status_phrase=sign_phrase)],
                                close=sign_phrase)]},
        {"name": "a timestamp 11 minutes off is refused",
         "steps": [ch_step_send("a", ch_connect(timestamp=late),
                                [tmc_frame("connectack", flag=1, status_code=401, status_phrase=late_phrase)],
                                close=late_phrase)]},
        {"name": "an app key the gateway does not know is refused",
         "steps": [ch_step_send("a", ch_connect(app_key="87654321"),
                                [tmc_frame("connectack", flag=1, status_code=401, status_phrase=unknown_phrase)],
                                close=unknown_phrase)]},
        {"name": "a pull gets the published messages as data frames, ids from 2^53 + 1, explicit ids as given",
         "steps": [publish(paid), publish(created), publish(explicit, explicit_id=True),
                   ch_step_send("a", ch_connect(), [ack1]),
                   ch_step_send("a", pull(token1),
                                [ch_data(token1, paid), ch_data(token1, created), ch_data(token1, explicit)])]},
        {"name": "frames before the CONNECT and frames with another token are dropped",
         "steps": [publish(paid),
                   ch_step_send("a", pull(token1)),
                   ch_step_send("a", ch_connect(), [ack1]),
                   ch_step_send("a", pull(TMC_TOKEN)),
                   ch_step_send("a", pull(token1), [ch_data(token1, paid)])]},
        {"name": "a confirm is final, a failure comes straight back, silence comes back after the delay",
         "steps": [publish(paid), publish(created),
                   ch_step_send("a", ch_connect(), [ack1]),
                   ch_step_send("a", pull(token1), [ch_data(token1, paid), ch_data(token1, created)]),
                   ch_step_send("a", confirm(token1, paid["id"])),
                   ch_step_send("a", fail(token1, created["id"], "on purpose"), [ch_data(token1, created)]),
                   ch_step_send("a", pull(token1)),
                   {"clock": CH_NOW + CH_REDELIVER},
                   ch_step_send("a", pull(token1), [ch_data(token1, created)])]},
    ]


def tmc_channel_file():
    return {"description": "The local message channel of both gateway servers over a WebSocket at /tmc "
                           "(and the core's TmcChannel directly): frames in, exact frames out. The "
                           "gateway's default app, its clock at now_ms, redelivery after redeliver_ms.",
            "now_ms": CH_NOW, "redeliver_ms": CH_REDELIVER, "cases": tmc_channel_cases()}


def main():
    os.makedirs(VECTORS, exist_ok=True)
    os.makedirs(FIXTURES, exist_ok=True)
    write(os.path.join(VECTORS, "sign.json"),
          "The bare sign: string to sign and digest (PROTOCOL.md Signing).", sign_cases())
    write(os.path.join(VECTORS, "prepare.json"),
          "TopClient(...).prepare(...): exact URL, body, headers and signed params, or the error.",
          prepare_cases())
    write(os.path.join(VECTORS, "timestamp.json"),
          "Epoch milliseconds to the GMT+8 timestamp text, whatever the host's time zone.",
          timestamp_cases())
    write(os.path.join(VECTORS, "batch.json"),
          "Batch calls (PROTOCOL.md Batch calls): prepare_batch requests, parse_batch replies, and the "
          "protocol's known answers sent to the local gateway. Each case has a `kind`.", batch_cases())
    write(os.path.join(VECTORS, "spi.json"),
          "verify_spi: inbound calls from TOP (PROTOCOL.md Inbound calls).", spi_cases())
    write(os.path.join(VECTORS, "tmc.json"),
          "TMC frames and the client session (PROTOCOL.md The message channel, WebSocket): "
          "bytes as the Java encoder writes them, the CONNECT sign, messages, confirms and fails.",
          tmc_cases())
    for name, (description, cases) in sorted(fixtures().items()):
        write(os.path.join(FIXTURES, name), description, cases)
    write_doc(HTTP_CASES, gateway_http_file())
    write_doc(TMC_CHANNEL_CASES, tmc_channel_file())


if __name__ == "__main__":
    main()
