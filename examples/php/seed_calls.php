<?php
// The three seed calls, and one deliberate error, from PHP through topwire's
// C library (FFI), sent with PHP's own HTTP streams. Exits 0 only if the three
// calls returned data and the deliberate call failed with ApiError code 25.
//
//   python -m topwire.gateway &     # the local gateway on 127.0.0.1:8080
//   TOPWIRE_LIB=target/release/libtopwire_c.so php examples/php/seed_calls.php
//   TOP_GATEWAY=... TOP_APP_KEY=... TOP_APP_SECRET=... TOP_SESSION=... php seed_calls.php

declare(strict_types=1);

require __DIR__ . '/Topwire.php';

use Topwire\ApiError;
use Topwire\TopClient;
use Topwire\TopError;

const SEED_CALLS = [
    ['taobao.eticket.merchant.ma.resend', [
        'biz_type' => 3001,
        'isv_ma_list' => [['code' => 'abc124', 'num' => 1, 'qr_image' => '111.png']],
        'outer_id' => '1753340805138544',
        'token' => '31231231231',
    ]],
    ['alibaba.alsc.daodian.ticket.reserve', [
        'ticket_reverse_top_request' => [
            'ticket_use_trans_id' => '2106027287988611313',
            'biz_date' => '2022-08-11 11:11:11',
            'request_id' => '20190729111040030200660600011777',
            'ticket_id' => '2208191159703216457',
        ],
    ]],
    ['taobao.travel.ticket.order.verify', [
        'check_num' => 1,
        'order_id' => 12345678,
        'return_num' => 0,
        'total_num' => 1,
        'out_order_id' => '12345',
        'confirm_code' => '2516352',
        'voucher_infos' => [['confirm_code' => '2516352', 'used_quantity' => 1, 'used_date' => '2020-01-11 14:00:00']],
        'write_off_type' => 0,
    ]],
];

/** Gateway, app key, secret and session from the environment (local gateway defaults). */
function settings(): array
{
    $gateway = getenv('TOP_GATEWAY') ?: 'http://127.0.0.1:8080/router/rest';
    $local = in_array(parse_url($gateway, PHP_URL_HOST), ['127.0.0.1', 'localhost', '[::1]'], true);
    $key = getenv('TOP_APP_KEY') ?: ($local ? '12345678' : null);
    $secret = getenv('TOP_APP_SECRET') ?: ($local ? 'topwire-local-secret' : null);
    if ($key === null || $secret === null) {
        fwrite(STDERR, "TOP_GATEWAY is $gateway: set TOP_APP_KEY and TOP_APP_SECRET too\n");
        exit(2);
    }
    $session = getenv('TOP_SESSION') ?: ($local ? 'local-session' : null);
    return [$gateway, $key, $secret, $session];
}

/** Prepare, send over HTTP and parse one call; throws a TopError. */
function send(TopClient $client, string $method, array $params, ?string $session): mixed
{
    $req = $client->prepare($method, $params, $session === null ? [] : ['session' => $session]);
    echo "--> {$req->method} {$req->url}\n    {$req->body}\n";
    $headers = [];
    foreach ($req->headers as $name => $value) {
        $headers[] = "$name: $value";
    }
    $context = stream_context_create(['http' => [
        'method' => $req->method,
        'header' => $headers,
        'content' => $req->body,
        'timeout' => 30,
        'ignore_errors' => true,   // TOP's errors are in the body; parse decides
    ]]);
    $body = file_get_contents($req->url, false, $context);
    if ($body === false) {
        throw new RuntimeException("no answer from {$req->url}");
    }
    return $client->parse($method, $body);
}

[$gateway, $key, $secret, $session] = settings();
echo 'topwire ' . Topwire\version() . " through PHP FFI, gateway $gateway\n";
$client = new TopClient(['appKey' => $key, 'appSecret' => $secret, 'gateway' => $gateway]);
$failures = 0;
foreach (SEED_CALLS as [$method, $params]) {
    try {
        $data = send($client, $method, $params, $session);
        echo "<-- $method: " . json_encode($data, JSON_UNESCAPED_UNICODE) . "\n";
    } catch (TopError $e) {
        echo "<-- $method: " . get_class($e) . ': ' . $e->getMessage() . "\n";
        $failures++;
    }
}

echo "a batch: two ma.available and a tbma.get in one /router/batch request\n";
try {
    $codes = ['abc124', 'abc125'];
    $calls = array_map(fn ($code) => ['method' => 'taobao.eticket.merchant.ma.available', 'params' =>
        ['code' => $code, 'consume_num' => 1, 'outer_id' => '1753340805138544', 'token' => '31231231231']], $codes);
    $calls[] = ['method' => 'taobao.eticket.merchant.tbma.get', 'params' => ['query_tb_ma_callback_req' => ['code' => 'abc124']]];
    $batch = $client->prepareBatch($calls, ['session' => $session]);
    echo "--> {$batch->method} {$batch->url}\n";
    $body = file_get_contents($batch->url, false, stream_context_create(['http' => [
        'method' => $batch->method, 'content' => $batch->body, 'timeout' => 30, 'ignore_errors' => true,
        'header' => array_map(fn ($k, $v) => "$k: $v", array_keys($batch->headers), $batch->headers)]]));
    foreach ($client->parseBatch($batch, (string)$body) as $i => $item) {
        $text = $item instanceof TopError ? get_class($item) . ': ' . $item->getMessage() : json_encode($item, JSON_UNESCAPED_UNICODE);
        echo "<-- {$batch->methods[$i]}: $text\n";
        $failures += $item instanceof TopError ? 1 : 0;
    }
} catch (TopError $e) {
    echo '<-- batch: ' . get_class($e) . ': ' . $e->getMessage() . "\n";
    $failures++;
}

echo "deliberate error: the verify call signed with a wrong secret\n";
$wrong = new TopClient(['appKey' => $key, 'appSecret' => "$secret-wrong", 'gateway' => $gateway]);
try {
    $data = send($wrong, 'taobao.travel.ticket.order.verify', ['order_id' => 12345678, 'check_num' => 1], null);
    echo '<-- ' . json_encode($data) . " (NOT the expected ApiError code 25)\n";
    $failures++;
} catch (ApiError $e) {
    $expected = $e->getCode() === 25;
    echo '<-- ApiError ' . $e->getCode() . ': ' . $e->getMessage()
        . ($expected ? ' (as expected)' : ' (NOT the expected code 25)') . "\n";
    $failures += $expected ? 0 : 1;
}
exit($failures === 0 ? 0 : 1);
