"""mypy --strict must reject every line that ends with an error-code comment
(checked by test_typing.py).

A typed method's name with params that do not match its request type cannot be
kept from matching the untyped `str` overload (Python typing cannot take a
literal out of `str`), so a guard overload catches it first and returns
`ParamsDoNotMatchTheTypedMethod`: any use of the result is an error. The four
mistakes of issue 17 (as tsc reports them) are the `consume*` lines.
"""

from topwire import TopClient
from topwire.apis import TaobaoEticketMerchantMaResendRequest, TaobaoTravelTicketOrderVerifyRequest

client = TopClient("k", "s")
p1: TaobaoTravelTicketOrderVerifyRequest = {"order_id": "not a number"}  # E: typeddict-item
p2: TaobaoTravelTicketOrderVerifyRequest = {"order_idd": 1}  # E: typeddict-unknown-key
p3: TaobaoEticketMerchantMaResendRequest = {"outer_id": "1", "token": "t"}  # E: typeddict-item
flag: str = client.parse("taobao.travel.ticket.order.verify", b"{}")["is_success"]  # E: assignment
typo = client.parse("taobao.travel.ticket.order.verify", b"{}")["is_sucess"]  # E: typeddict-item
client.prepare("taobao.any.thing", {"x": 1}, timestamp="now")  # E: call-overload
client.prepare("taobao.any.thing", [("x", "1")])  # E: call-overload
TopClient("k", "s", sign_method="sha1")  # E: arg-type
client.parse("taobao.any.thing", 42)  # E: call-overload
client.prepare("taobao.any.thing").url = "x"  # E: misc
typed_batch = client.prepare_batch([("taobao.eticket.merchant.ma.available", {"code": "c", "consume_num": 1, "outer_id": "o", "token": "t"})])
bad_field: bool = client.parse_batch(typed_batch, b"")[0]["is_success"]  # E: index
client.prepare_batch([("taobao.time.get", None)], separator=1)  # E: call-overload

import topwire
no_token = client.prepare("taobao.eticket.merchant.ma.consume", {"outer_id": "1", "code": "c", "consume_num": 1, "serial_num": "s"}, session="s")
no_token.url  # E: attr-defined
misspelled = client.prepare("taobao.eticket.merchant.ma.consume", {"token": "t", "outer_id": "1", "code": "c", "consume_num": 1, "serial_no": "s"}, session="s")
misspelled.url  # E: attr-defined
wrong_type = client.prepare("taobao.eticket.merchant.ma.consume", {"token": "t", "outer_id": "1", "code": "c", "consume_num": "1", "serial_num": "s"}, session="s")
wrong_type.url  # E: attr-defined
no_session = client.prepare("taobao.eticket.merchant.ma.consume", {"token": "t", "outer_id": "1", "code": "c", "consume_num": 1, "serial_num": "s"})
no_session.url  # E: attr-defined
consumed = topwire.call(client, "taobao.eticket.merchant.ma.consume", {"token": "t", "outer_id": "1", "code": "c", "consume_num": 1, "serial_num": "s"})
consumed["ret_code"]  # E: index
ok: str = topwire.call(client, "taobao.travel.ticket.order.verify", {"order_id": 1})["is_success"]  # E: assignment
