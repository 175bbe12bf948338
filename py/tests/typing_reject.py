"""mypy --strict must reject every line that ends with an error-code comment
(checked by test_typing.py).

A dict literal passed straight to `prepare` with a known method but wrong keys
falls through to the untyped overload (Python typing cannot exclude literals
from `str`); annotating the variable with the request TypedDict catches it.
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
