<?php
// topwire for PHP 8 through the FFI extension: a thin wrapper over the C ABI
// (bindings/c/include/topwire.h, libtopwire_c.so). Values cross as JSON text;
// every error comes back as a TopError subclass carrying the C record's fields.
//
//   $client = new Topwire\TopClient(['appKey' => '12345678', 'appSecret' => $secret]);
//   $req = $client->prepare('taobao.travel.ticket.order.verify', ['order_id' => 12345678]);
//   // send $req->method, $req->url, $req->headers, $req->body with curl or streams
//   $data = $client->parse('taobao.travel.ticket.order.verify', $responseBody);
//
// The library and header are found through TOPWIRE_LIB and TOPWIRE_HEADER, or
// passed to Topwire\Library::load().

declare(strict_types=1);

namespace Topwire;

/** Any topwire error; getCode() is TOP's error code for an ApiError, 0 otherwise. */
class TopError extends \RuntimeException
{
    /** @param array<string, mixed> $record the C ABI's error record */
    public function __construct(public readonly array $record)
    {
        parent::__construct((string)($record['message'] ?? ''), (int)($record['code'] ?? 0));
    }

    public function field(): ?string { return $this->record['field'] ?? null; }
}

/** Bad input: field(), $record['expected'], $record['got']. */
final class ValidationError extends TopError {}

/**
 * A call on a TopClient or TmcSession after its __destruct() (or one not
 * made by its constructor): the native object is gone, so nothing is done.
 */
final class ClosedError extends TopError
{
    public function __construct(string $message = 'the client is closed')
    {
        parent::__construct(['kind' => 'ClosedError', 'message' => $message]);
    }
}

/** The gateway's error_response: getCode(), subCode(), retryable(), retryAfter(), isSessionError(). */
final class ApiError extends TopError
{
    public function msg(): string { return $this->record['msg']; }
    public function subCode(): ?string { return $this->record['sub_code']; }
    public function subMsg(): ?string { return $this->record['sub_msg']; }
    public function requestId(): ?string { return $this->record['request_id']; }
    public function retryable(): bool { return $this->record['retryable']; }

    /** Seconds until a ban ends; PHP_INT_MAX for a ban longer than PHP_INT_MAX seconds. */
    public function retryAfter(): ?int
    {
        $seconds = $this->record['retry_after'];
        // Beyond PHP_INT_MAX the record's integer is decoded as its digits.
        return is_string($seconds) ? PHP_INT_MAX : $seconds;
    }

    /** Code 26 or 27: the seller must authorise the app again. */
    public function isSessionError(): bool { return $this->record['is_session_error']; }
}

/** The body is not a TOP response for that method. */
final class DecodeError extends TopError {}

/** An inbound SPI call failed its check: reason() is missing_sign, mismatch, ... */
final class SignatureError extends TopError
{
    public function reason(): string { return $this->record['reason']; }
}

/** A signed request, ready for curl or a stream context. */
final class PreparedRequest
{
    /** @param array<string, string> $headers */
    public function __construct(
        public readonly string $method,
        public readonly string $url,
        public readonly array $headers,
        public readonly string $body,
    ) {}
}

/** A signed batch (`/router/batch`): a request plus the calls' methods, for parseBatch. */
final class PreparedBatch
{
    /**
     * @param array<string, string> $headers
     * @param list<string> $methods
     */
    public function __construct(
        public readonly string $method,
        public readonly string $url,
        public readonly array $headers,
        public readonly string $body,
        public readonly array $methods,
    ) {}

    /** The separator the reply is split on (named in top-api-separator when not the default). */
    public function separator(): ?string
    {
        return $this->headers['top-api-separator'] ?? null;
    }
}

/** Loads libtopwire_c once per process. */
final class Library
{
    private static ?\FFI $ffi = null;

    public static function load(?string $lib = null, ?string $header = null): \FFI
    {
        if (self::$ffi !== null) {
            return self::$ffi;
        }
        $header ??= getenv('TOPWIRE_HEADER') ?: __DIR__ . '/../../bindings/c/include/topwire.h';
        $lib ??= getenv('TOPWIRE_LIB') ?: 'libtopwire_c.so';
        $text = file_get_contents($header);
        if ($text === false) {
            throw new \RuntimeException("cannot read the topwire header at $header");
        }
        // PHP's FFI reads declarations only: drop the C++ guard and the
        // preprocessor lines of the generated header.
        $decls = preg_replace(['/#ifdef __cplusplus.*?#endif[^\n]*\n/s', '/^#.*$/m'], '', $text);
        return self::$ffi = \FFI::cdef($decls, $lib);
    }

    /** Takes the bytes of a buffer topwire filled, and frees it. */
    public static function take(\FFI\CData $buffer): string
    {
        $ffi = self::load();
        $bytes = $buffer->len > 0 ? \FFI::string($buffer->ptr, $buffer->len) : '';
        $ffi->topwire_buffer_free(\FFI::addr($buffer));
        return $bytes;
    }

    /** Throws the error of a failed call (its record is freed here). */
    public static function check(int $status, \FFI\CData $error): void
    {
        if ($status === self::load()->TOPWIRE_STATUS_OK) {
            return;
        }
        $record = json_decode(self::take($error), true, 512, JSON_BIGINT_AS_STRING | JSON_THROW_ON_ERROR);
        throw match ($record['kind']) {
            'ValidationError' => new ValidationError($record),
            'ApiError' => new ApiError($record),
            'DecodeError' => new DecodeError($record),
            'SignatureError' => new SignatureError($record),
            default => new TopError($record),
        };
    }

    /** JSON text for topwire: integers exact, UTF-8 as is; NULL for nothing. */
    public static function json(?array $value): ?string
    {
        return $value === null || $value === [] ? null
            : json_encode($value, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
    }

    /** Decodes topwire's JSON: objects as arrays, integers beyond 64 bits as strings. */
    public static function decode(string $json): mixed
    {
        return json_decode($json, true, 512, JSON_BIGINT_AS_STRING | JSON_THROW_ON_ERROR);
    }
}

/**
 * An app's credentials and settings; one client may serve every call. It owns
 * one native client: `clone` throws an \Error (share the object instead), and
 * after __destruct() every call throws ClosedError.
 */
final class TopClient
{
    private \FFI $ffi;
    private ?\FFI\CData $handle = null;

    /** @param array<string, mixed> $options appKey, appSecret, signMethod, format, simplify, gateway, partnerId, targetAppKey */
    public function __construct(array $options)
    {
        if ($this->handle !== null) {
            throw new \Error('a TopClient is constructed once');
        }
        $this->ffi = Library::load();
        $json = Library::json($options) ?? '{}';
        $out = $this->ffi->new('TopwireClient*');
        $error = $this->ffi->new('TopwireBuffer');
        $status = $this->ffi->topwire_client_new($json, strlen($json), \FFI::addr($out), \FFI::addr($error));
        Library::check($status, $error);
        $this->handle = $out;
    }

    /** Frees the native client once; later calls throw ClosedError. */
    public function __destruct()
    {
        if ($this->handle !== null) {
            $handle = $this->handle;
            $this->handle = null;
            $this->ffi->topwire_client_free($handle);
        }
    }

    /** Two objects would free one native client twice. */
    public function __clone()
    {
        $this->handle = null; // the copy is dropped now: it must free nothing
        throw new \Error('a TopClient cannot be cloned: it owns a native client; share the object instead');
    }

    /** The live native client, or ClosedError. */
    private function live(): \FFI\CData
    {
        return $this->handle ?? throw new ClosedError();
    }

    /**
     * @param array<string, mixed>|null $params the API's parameters
     * @param array<string, mixed> $options session, timestamp (epoch ms; default: now), allowUnknown
     * @param list<array{name: string, content: string, filename?: string, content_type?: string}> $files
     *        uploads (TOP's byte[] parameters): the request becomes multipart/form-data
     */
    public function prepare(string $method, ?array $params = null, array $options = [], array $files = []): PreparedRequest
    {
        $handle = $this->live();
        $p = Library::json($params);
        $o = Library::json($options);
        [$f, $keep] = $this->files($files);
        $out = $this->ffi->new('TopwireRequest*');
        $error = $this->ffi->new('TopwireBuffer');
        $status = $this->ffi->topwire_prepare(
            $handle, $method, strlen($method),
            $p, $p === null ? 0 : strlen($p), $o, $o === null ? 0 : strlen($o), $f, count($files),
            \FFI::addr($out), \FFI::addr($error),
        );
        Library::check($status, $error);
        $r = $out[0];
        $slice = fn (\FFI\CData $s): string => $s->len > 0 ? \FFI::string($s->ptr, $s->len) : '';
        $request = new PreparedRequest(
            $slice($r->method), $slice($r->url), Library::decode($slice($r->headers)), $slice($r->body),
        );
        $this->ffi->topwire_request_free($out);
        return $request;
    }

    /** The files as a C array; the second value keeps its memory alive during the call. */
    private function files(array $files): array
    {
        if ($files === []) {
            return [null, []];
        }
        $items = $this->ffi->new('TopwireFile[' . count($files) . ']');
        $keep = [$items];
        $bytes = function (?string $s) use (&$keep): ?\FFI\CData {
            if ($s === null || $s === '') {
                return null;
            }
            $buf = $this->ffi->new('char[' . strlen($s) . ']');
            \FFI::memcpy($buf, $s, strlen($s));
            $keep[] = $buf;
            return \FFI::addr($buf[0]);
        };
        foreach (array_values($files) as $i => $file) {
            $item = $items[$i];
            $item->name = $bytes($file['name']);
            $item->name_len = strlen($file['name']);
            $item->content = $bytes($file['content']);
            $item->content_len = strlen($file['content']);
            $item->filename = $bytes($file['filename'] ?? null);
            $item->filename_len = strlen($file['filename'] ?? '');
            $item->content_type = $bytes($file['content_type'] ?? null);
            $item->content_type_len = strlen($file['content_type'] ?? '');
        }
        return [$items, $keep];
    }

    /**
     * Signs many calls as one /router/batch request.
     * @param list<array{method: string, params?: array<string, mixed>|null, session?: string}> $calls
     * @param array<string, mixed> $options session, timestamp (epoch ms; default: now), separator, batchUrl
     */
    public function prepareBatch(array $calls, array $options = []): PreparedBatch
    {
        // An empty PHP array is a JSON list: params without members are sent as null.
        $list = array_map(fn (array $c): array => ['params' => ($c['params'] ?? []) === [] ? null : $c['params']] + $c, $calls);
        $c = json_encode($list, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
        $o = Library::json($options);
        $out = $this->ffi->new('TopwireRequest*');
        $error = $this->ffi->new('TopwireBuffer');
        $status = $this->ffi->topwire_prepare_batch(
            $this->live(), $c, strlen($c), $o, $o === null ? 0 : strlen($o), \FFI::addr($out), \FFI::addr($error),
        );
        Library::check($status, $error);
        $r = $out[0];
        $slice = fn (\FFI\CData $s): string => $s->len > 0 ? \FFI::string($s->ptr, $s->len) : '';
        $batch = new PreparedBatch(
            $slice($r->method), $slice($r->url), Library::decode($slice($r->headers)), $slice($r->body),
            array_map(fn (array $call) => $call['method'], $calls),
        );
        $this->ffi->topwire_request_free($out);
        return $batch;
    }

    /**
     * Parses a batch reply: per call in request order, its data or its ApiError
     * (returned, not thrown). A failure of the whole batch throws.
     * @param PreparedBatch|list<string> $methodsOrPrepared
     * @return list<mixed>
     */
    public function parseBatch(PreparedBatch|array $methodsOrPrepared, string $body, ?string $separator = null): array
    {
        if ($methodsOrPrepared instanceof PreparedBatch) {
            [$methods, $separator] = [$methodsOrPrepared->methods, $methodsOrPrepared->separator()];
        } else {
            $methods = $methodsOrPrepared;
        }
        $m = json_encode(array_values($methods), JSON_THROW_ON_ERROR);
        $out = $this->ffi->new('TopwireBuffer');
        $error = $this->ffi->new('TopwireBuffer');
        $status = $this->ffi->topwire_parse_batch(
            $this->live(), $m, strlen($m), $separator, $separator === null ? 0 : strlen($separator),
            $body, strlen($body), \FFI::addr($out), \FFI::addr($error),
        );
        Library::check($status, $error);
        return array_map(
            fn (array $item) => array_key_exists('data', $item) ? $item['data'] : new ApiError($item['error']),
            Library::decode(Library::take($out)),
        );
    }

    /** The reply's data (arrays; integers beyond 64 bits as strings), or a TopError. */
    public function parse(string $method, string $body): mixed
    {
        $handle = $this->live();
        $out = $this->ffi->new('TopwireBuffer');
        $error = $this->ffi->new('TopwireBuffer');
        $status = $this->ffi->topwire_parse(
            $handle, $method, strlen($method), $body, strlen($body),
            \FFI::addr($out), \FFI::addr($error),
        );
        Library::check($status, $error);
        return Library::decode(Library::take($out));
    }
}

/** The sign of name => value pairs (md5, hmac or hmac-sha256). */
function sign(array $params, string $secret, string $signMethod): string
{
    $ffi = Library::load();
    $p = json_encode((object)$params, JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
    $out = $ffi->new('TopwireBuffer');
    $error = $ffi->new('TopwireBuffer');
    $status = $ffi->topwire_sign(
        $p, strlen($p), $secret, strlen($secret), $signMethod, strlen($signMethod),
        \FFI::addr($out), \FFI::addr($error),
    );
    Library::check($status, $error);
    return Library::take($out);
}

/**
 * Checks an inbound SPI call; throws SignatureError if forged or stale.
 * @param array<string, mixed> $request query, headers ([name, value] pairs), contentType, secret, now, maxSkewMs
 */
function verify_spi(array $request, string $body): void
{
    $ffi = Library::load();
    $r = json_encode((object)$request, JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
    $error = $ffi->new('TopwireBuffer');
    $status = $ffi->topwire_verify_spi($r, strlen($r), $body, strlen($body), \FFI::addr($error));
    Library::check($status, $error);
}

/**
 * A TMC client session without I/O (TOP's message channel): you own the
 * WebSocket and the clock. Send connect() on open, hand every binary message
 * to receive(), send confirm($id) once a message is handled, call poll() at
 * nextDeadline(). Times are epoch milliseconds; message ids are exact ints.
 *
 *   $tmc = new Topwire\TmcSession(['appKey' => $key, 'appSecret' => $secret]);
 *   $ws->send($tmc->connect(now()));
 *   foreach ($tmc->receive($frame, now()) as $event) {
 *       if ($event['type'] === 'message') { handle($event['message']); $ws->send($tmc->confirm($event['message']['id'])); }
 *   }
 */
final class TmcSession
{
    private \FFI $ffi;
    private ?\FFI\CData $handle = null;

    /** @param array<string, mixed> $options appKey, appSecret, groupName, sdk, intranetIp, pullIntervalMs, pingIntervalMs, reconnectIntervalMs, maxContentBytes */
    public function __construct(array $options)
    {
        if ($this->handle !== null) {
            throw new \Error('a TmcSession is constructed once');
        }
        $this->ffi = Library::load();
        $json = Library::json($options) ?? '{}';
        $out = $this->ffi->new('TopwireTmcSession*');
        $error = $this->ffi->new('TopwireBuffer');
        $status = $this->ffi->topwire_tmc_session_new($json, strlen($json), \FFI::addr($out), \FFI::addr($error));
        Library::check($status, $error);
        $this->handle = $out;
    }

    /** Frees the native session once; later calls throw ClosedError. */
    public function __destruct()
    {
        if ($this->handle !== null) {
            $handle = $this->handle;
            $this->handle = null;
            $this->ffi->topwire_tmc_session_free($handle);
        }
    }

    /** Two objects would free one native session twice. */
    public function __clone()
    {
        $this->handle = null; // the copy is dropped now: it must free nothing
        throw new \Error('a TmcSession cannot be cloned: it owns a native session');
    }

    /** The live native session, or ClosedError. */
    private function live(): \FFI\CData
    {
        return $this->handle ?? throw new ClosedError('the TMC session is closed');
    }

    /** Runs a call that fills one buffer; returns its bytes. */
    private function buffer(callable $call): string
    {
        $out = $this->ffi->new('TopwireBuffer');
        $error = $this->ffi->new('TopwireBuffer');
        Library::check($call(\FFI::addr($out), \FFI::addr($error)), $error);
        return Library::take($out);
    }

    /** The CONNECT frame (bytes) for a freshly opened socket. */
    public function connect(int $nowMs): string
    {
        return $this->buffer(fn ($out, $err) => $this->ffi->topwire_tmc_connect($this->live(), $nowMs, $out, $err));
    }

    /**
     * The events of one binary message: ['type' => 'connected', 'token'],
     * ['type' => 'message', 'message' => [id, topic, content, ...]], ['type' => 'refused', ...].
     * @return list<array<string, mixed>>
     */
    public function receive(string $frame, int $nowMs): array
    {
        return Library::decode($this->buffer(fn ($out, $err) => $this->ffi->topwire_tmc_receive(
            $this->live(), $frame, strlen($frame), $nowMs, $out, $err)));
    }

    /** The frame confirming message $id, once handled. */
    public function confirm(int $id): string
    {
        return $this->buffer(fn ($out, $err) => $this->ffi->topwire_tmc_confirm($this->live(), $id, $out, $err));
    }

    /** The frame failing message $id (the reason cut to 128 UTF-16 units); it comes again. */
    public function fail(int $id, string $reason = ''): string
    {
        return $this->buffer(fn ($out, $err) => $this->ffi->topwire_tmc_fail(
            $this->live(), $id, $reason, strlen($reason), $out, $err));
    }

    /**
     * What is due: ['type' => 'send', 'bytes' => string], ['type' => 'ping'], ['type' => 'reconnect'].
     * @return list<array<string, mixed>>
     */
    public function poll(int $nowMs): array
    {
        $actions = Library::decode($this->buffer(fn ($out, $err) => $this->ffi->topwire_tmc_poll($this->live(), $nowMs, $out, $err)));
        foreach ($actions as &$action) {
            if ($action['type'] === 'send') {
                $action['bytes'] = pack('C*', ...$action['bytes']);
            }
        }
        return $actions;
    }

    /** When to poll next (epoch ms), or null while waiting for a CONNECTACK or a connect. */
    public function nextDeadline(): ?int
    {
        $at = $this->ffi->new('int64_t');
        $has = $this->ffi->new('bool');
        $error = $this->ffi->new('TopwireBuffer');
        $status = $this->ffi->topwire_tmc_next_deadline($this->live(), \FFI::addr($at), \FFI::addr($has), \FFI::addr($error));
        Library::check($status, $error);
        return $has->cdata ? $at->cdata : null;
    }

    /** The socket closed (or could not open): poll() asks for a reconnect later. */
    public function closed(int $nowMs): void
    {
        $error = $this->ffi->new('TopwireBuffer');
        Library::check($this->ffi->topwire_tmc_closed($this->live(), $nowMs, \FFI::addr($error)), $error);
    }

    /** @return array{appKey: string, groupName: string, state: string, token?: string} */
    public function state(): array
    {
        return Library::decode($this->buffer(fn ($out, $err) => $this->ffi->topwire_tmc_session_state($this->live(), $out, $err)));
    }
}

/** Reads one TMC frame: [type, flag?, token?, statusCode?, statusPhrase?, content => [[key, format, value]]]. */
function tmc_decode_frame(string $frame): array
{
    $ffi = Library::load();
    $out = $ffi->new('TopwireBuffer');
    $error = $ffi->new('TopwireBuffer');
    Library::check($ffi->topwire_tmc_decode_frame($frame, strlen($frame), \FFI::addr($out), \FFI::addr($error)), $error);
    return Library::decode(Library::take($out));
}

/** Writes a TMC frame (as tmc_decode_frame gives it; bytes values as lists of byte values). */
function tmc_encode_frame(array $frame): string
{
    $ffi = Library::load();
    $json = json_encode($frame, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
    $out = $ffi->new('TopwireBuffer');
    $error = $ffi->new('TopwireBuffer');
    Library::check($ffi->topwire_tmc_encode_frame($json, strlen($json), \FFI::addr($out), \FFI::addr($error)), $error);
    return Library::take($out);
}

function version(): string
{
    return Library::load()->topwire_version();
}
