<?php
// Checks of the PHP host through the C ABI (run by `make c-test`): exact
// values, typed errors with every field, bytes that are not UTF-8. The seed
// calls over HTTP are seed_calls.php. Prints "N passed, N failed".

declare(strict_types=1);

require __DIR__ . '/Topwire.php';

use Topwire\{ApiError, ClosedError, DecodeError, SignatureError, TopClient, ValidationError};

$passed = 0;
$failed = 0;
function check(string $name, callable $test): void
{
    global $passed, $failed;
    try {
        $test();
        $passed++;
        echo "ok   $name\n";
    } catch (Throwable $e) {
        $failed++;
        echo "FAIL $name: " . get_class($e) . ': ' . $e->getMessage() . "\n";
    }
}
function same(mixed $got, mixed $want): void
{
    if ($got !== $want) {
        throw new RuntimeException('got ' . var_export($got, true) . ', want ' . var_export($want, true));
    }
}
/** The TopError a call throws, or a failure if it returns. */
function thrown(string $class, callable $call): Topwire\TopError
{
    try {
        $call();
    } catch (Topwire\TopError $e) {
        same(get_class($e), $class);
        return $e;
    }
    throw new RuntimeException("no $class");
}

const VERIFY = 'taobao.travel.ticket.order.verify';
$client = new TopClient(['appKey' => '12345678', 'appSecret' => 'test-secret', 'signMethod' => 'md5']);

check('version is the workspace version', function () {
    preg_match('/^version = "(.+)"/m', file_get_contents(__DIR__ . '/../../Cargo.toml'), $m);
    same(Topwire\version(), $m[1]);
});

check('prepare: the protocol known answer and exact 64-bit ids', function () use ($client) {
    $req = $client->prepare(VERIFY, ['order_id' => PHP_INT_MAX, 'check_num' => 1], ['timestamp' => 1700000000000]);
    same($req->method, 'POST');
    same($req->body, 'order_id=9223372036854775807&check_num=1');
    same($req->headers, ['Content-Type' => 'application/x-www-form-urlencoded;charset=utf-8']);
    same(str_contains($req->url, '&timestamp=2023-11-15+06%3A13%3A20&'), true);
    // MD5(secret + sorted pairs + secret), computed here without topwire.
    $pairs = ['app_key' => '12345678', 'check_num' => '1', 'format' => 'json', 'method' => VERIFY,
        'order_id' => '9223372036854775807', 'sign_method' => 'md5', 'timestamp' => '2023-11-15 06:13:20', 'v' => '2.0'];
    $text = '';
    foreach ($pairs as $k => $v) {
        $text .= $k . $v;
    }
    same(substr($req->url, -37), 'sign=' . strtoupper(md5("test-secret{$text}test-secret")));
});

check('parse: integers beyond 64 bits arrive exact, as strings', function () use ($client) {
    $body = '{"custom_call_response":{"id":2106027287988611313,"big":123456789012345678901234567890,"ok":true}}';
    same($client->parse('taobao.custom.call', $body), ['id' => 2106027287988611313, 'big' => '123456789012345678901234567890', 'ok' => true]);
});

check('ApiError carries every field', function () use ($client) {
    $body = '{"error_response":{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count","sub_msg":"This ban will last for 23 more seconds","request_id":"abc"}}';
    $e = thrown(ApiError::class, fn () => $client->parse(VERIFY, $body));
    same([$e->getCode(), $e->msg(), $e->subCode(), $e->requestId(), $e->retryable(), $e->retryAfter()],
        [7, 'App Call Limited', 'accesscontrol.limited-by-app-access-count', 'abc', true, 23]);
    same($e->isSessionError(), false);
    $e = thrown(ApiError::class, fn () => $client->parse(VERIFY, '{"error_response":{"code":27,"msg":"Invalid session"}}'));
    same([$e->isSessionError(), $e->retryable()], [true, false]);
});

check('ValidationError names the field', function () use ($client) {
    $e = thrown(ValidationError::class, fn () => $client->prepare(VERIFY, ['order_id' => 'x', 'check_num' => 1]));
    same($e->field(), 'order_id');
    $e = thrown(ValidationError::class, fn () => new TopClient(['appKey' => '1', 'appSecret' => 's', 'sign_method' => 'md5']));
    same([$e->field(), $e->record['expected']], ['sign_method', 'a known option (did you mean signMethod?)']);
});

check('bytes that are not UTF-8 are errors, not guesses', function () use ($client) {
    $e = thrown(ValidationError::class, fn () => $client->prepare("taobao.\xff.get"));
    same($e->record['got'], 'invalid UTF-8 at byte 7');
    thrown(DecodeError::class, fn () => $client->parse(VERIFY, "{\"a\":\"\xff\"}"));
    thrown(DecodeError::class, fn () => $client->parse(VERIFY, '<html>busy</html>'));
});

check('an upload is a multipart body of bytes', function () use ($client) {
    $png = "\x89PNG\r\n\x1a\n\x00\xff";
    $req = $client->prepare('taobao.eticket.merchant.img.upload', null, ['session' => 's', 'timestamp' => 1700000000000],
        [['name' => 'img_bytes', 'content' => $png, 'filename' => 'qr.png', 'content_type' => 'image/png']]);
    $type = $req->headers['Content-Type'];
    $boundary = substr($type, strrpos($type, 'boundary=') + 9);
    same(str_starts_with($type, 'multipart/form-data'), true);
    same($req->body, "--$boundary\r\nContent-Disposition: form-data; name=\"img_bytes\"; filename=\"qr.png\"\r\n"
        . "Content-Type: image/png\r\n\r\n$png\r\n--$boundary--\r\n");
    $e = thrown(ValidationError::class, fn () => $client->prepare('taobao.custom.upload', null, [],
        [['name' => 'f', 'content' => 'x', 'filename' => 'a"b']]));
    same($e->field(), 'f.filename');
});

check('sign and verify_spi', function () {
    $params = ['method' => 'taobao.user.seller.get', 'timestamp' => '2013-05-06 13:52:03', 'format' => 'xml',
        'app_key' => 'test', 'v' => '2.0', 'fields' => 'nick', 'sign_method' => 'md5', 'session' => 'test'];
    same(Topwire\sign($params, 'test', 'md5'), '72CB4D809B375A54502C09360D879C64');
    $e = thrown(SignatureError::class, fn () => Topwire\verify_spi(['query' => 'timestamp=x', 'secret' => 's'], ''));
    same($e->reason(), 'missing_sign');
});

check('prepareBatch: lines, a custom separator and the batch signature', function () use ($client) {
    $calls = [
        ['method' => VERIFY, 'params' => ['order_id' => PHP_INT_MAX]],
        ['method' => 'taobao.time.get', 'params' => ['note' => 'a#SEP#b'], 'session' => 'own session'],
        ['method' => 'taobao.time.get'],
    ];
    $req = $client->prepareBatch($calls, ['timestamp' => 1700000000000, 'separator' => '#SEP#']);
    $body = 'order_id=9223372036854775807&method=' . VERIFY
        . '#SEP#note=a%23SEP%23b&method=taobao.time.get&session=own+session#SEP#method=taobao.time.get';
    same($req->body, $body);
    same($req->headers, ['Content-Type' => 'text/plain;charset=UTF-8', 'top-api-separator' => '#SEP#']);
    same($req->methods, [VERIFY, 'taobao.time.get', 'taobao.time.get']);
    same(str_starts_with($req->url, 'https://eco.taobao.com/router/batch?app_key=12345678&'), true);
    // MD5(secret + sorted system pairs (no method) + body + secret), computed here without topwire.
    $signed = 'app_key12345678formatjsonsign_methodmd5timestamp2023-11-15 06:13:20v2.0';
    same(str_ends_with($req->url, '&sign=' . strtoupper(md5("test-secret$signed{$body}test-secret"))), true);
    $e = thrown(ValidationError::class, fn () => $client->prepareBatch([
        ['method' => VERIFY, 'params' => ['order_id' => 1]], ['method' => VERIFY, 'params' => ['order_id' => 'x']],
    ]));
    same($e->field(), 'calls[1].order_id');
    same(thrown(ValidationError::class, fn () => $client->prepareBatch([['method' => VERIFY, 'sesion' => 's']]))->field(),
        'calls[0].sesion');
});

check('parseBatch: data or an ApiError per call; a whole-batch error throws', function () use ($client) {
    $ok = '{"travel_ticket_order_verify_response":{"is_success":true,"order_id":9223372036854775807}}';
    $err = '{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isp.down"}}';
    $items = $client->parseBatch([VERIFY, VERIFY], "$ok\r\n-S-\r\n$err");
    same($items[0], ['is_success' => true, 'order_id' => PHP_INT_MAX]);
    same(get_class($items[1]), ApiError::class);
    same([$items[1]->getCode(), $items[1]->subCode(), $items[1]->retryable()], [15, 'isp.down', true]);
    $e = thrown(ApiError::class, fn () => $client->parseBatch([VERIFY, VERIFY, VERIFY],
        '{"error_response":{"code":25,"msg":"Invalid signature"}}'));
    same($e->getCode(), 25);
    same($client->parseBatch([VERIFY, VERIFY], "{}#SEP#{}", '#SEP#'), [[], []]);
});

check('TMC: the CONNECT sign of the protocol notes, exact ids, timers', function () {
    $tmc = new Topwire\TmcSession(['appKey' => '12345678', 'appSecret' => 'SECRET', 'pullIntervalMs' => 1000]);
    $connect = Topwire\tmc_decode_frame($tmc->connect(1394864359897));
    same($connect['content'][3], ['sign', 'string', '004BF371AEC8A4917B21307A14A34CD4']);
    same($tmc->nextDeadline(), null);
    $ack = Topwire\tmc_encode_frame(['type' => 'connectack', 'flag' => $connect['flag'], 'token' => 'tok']);
    same($tmc->receive($ack, 1394864359897), [['type' => 'connected', 'token' => 'tok']]);
    $pull = $tmc->poll(1394864359897);
    same(Topwire\tmc_decode_frame($pull[0]['bytes'])['content'], [['__kind', 'byte', 1]]);
    same($tmc->nextDeadline(), 1394864360897);
    $data = Topwire\tmc_encode_frame(['type' => 'send', 'token' => 'tok', 'content' => [
        ['__kind', 'byte', 3], ['id', 'int64', 2131800080537681929], ['topic', 'string', 't'],
        ['content', 'string', '{"tid":7104300007405429232}']]]);
    [$event] = $tmc->receive($data, 1394864359900);
    same($event['message']['id'], 2131800080537681929);
    same(json_decode($event['message']['content'], true)['tid'], 7104300007405429232);
    same(bin2hex(substr($tmc->confirm($event['message']['id']), -13)), '6964050900' . '99e4e0ac951d0000');
    $tmc->closed(1394864360000);
    same($tmc->poll(1394864370000), [['type' => 'reconnect']]);
    $e = thrown(ValidationError::class, fn () => $tmc->confirm(1));
    same($e->field(), 'session');
    thrown(DecodeError::class, fn () => Topwire\tmc_decode_frame("\x01\x02"));
    $tmc->__destruct();
    same(thrown(ClosedError::class, fn () => $tmc->poll(1))->getMessage(), 'the TMC session is closed');
    $tmc->__destruct(); // again: nothing to free
});

check('a client cannot be cloned: the original stays usable', function () {
    $c = new TopClient(['appKey' => '12345678', 'appSecret' => 'test-secret', 'signMethod' => 'md5']);
    try {
        $copy = clone $c;
        throw new RuntimeException('clone returned a copy');
    } catch (Error $e) {
        same(str_contains($e->getMessage(), 'cannot be cloned'), true);
    }
    gc_collect_cycles();
    same($c->prepare(VERIFY, ['order_id' => 1, 'check_num' => 1], ['timestamp' => 1700000000000])->body,
        'order_id=1&check_num=1');
});

check('after __destruct() every call is a ClosedError, and freeing again does nothing', function () {
    $c = new TopClient(['appKey' => '12345678', 'appSecret' => 'test-secret', 'signMethod' => 'md5']);
    $c->__destruct();
    $e = thrown(ClosedError::class, fn () => $c->prepare(VERIFY, ['order_id' => 1, 'check_num' => 1]));
    same([$e->getMessage(), $e->record['kind']], ['the client is closed', 'ClosedError']);
    thrown(ClosedError::class, fn () => $c->parse(VERIFY, '{"a":1}'));
    thrown(ClosedError::class, fn () => $c->prepareBatch([['method' => VERIFY]]));
    thrown(ClosedError::class, fn () => $c->parseBatch([VERIFY], '{"a":1}'));
    $c->__destruct();
    unset($c); // the destructor runs a third time: still nothing to free
    // A client made without its constructor holds nothing either.
    $bare = (new ReflectionClass(TopClient::class))->newInstanceWithoutConstructor();
    thrown(ClosedError::class, fn () => $bare->parse(VERIFY, '{"a":1}'));
});

check('constructing a client twice is refused (the first native client is kept)', function () {
    $c = new TopClient(['appKey' => '12345678', 'appSecret' => 'test-secret', 'signMethod' => 'md5']);
    try {
        $c->__construct(['appKey' => '1', 'appSecret' => 'other']);
        throw new RuntimeException('constructed twice');
    } catch (Error $e) {
        same($e->getMessage(), 'a TopClient is constructed once');
    }
    same(str_contains($c->prepare(VERIFY, ['order_id' => 1, 'check_num' => 1])->url, 'app_key=12345678'), true);
});

check('retryAfter() of a ban longer than PHP_INT_MAX seconds is PHP_INT_MAX', function () use ($client) {
    $body = '{"error_response":{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count","sub_msg":"This ban will last for 18446744073709551615 more seconds"}}';
    $e = thrown(ApiError::class, fn () => $client->parse(VERIFY, $body));
    same([$e->retryable(), $e->retryAfter()], [true, PHP_INT_MAX]);
});

echo "$passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
