# Placeholder stub: the Python package work replaces everything outside the generated block.
from datetime import datetime
from typing import Any, Literal, Mapping, Optional, Union, overload

from . import apis

class PreparedRequest: ...

class TopClient:
    # --- generated: prepare/parse overloads (make types) ---
    @overload
    def prepare(
        self,
        method: Literal["taobao.eticket.merchant.ma.resend"],
        params: apis.TaobaoEticketMerchantMaResendRequest,
        *,
        session: str,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def prepare(
        self,
        method: Literal["alibaba.alsc.daodian.ticket.reserve"],
        params: apis.AlibabaAlscDaodianTicketReserveRequest,
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def prepare(
        self,
        method: Literal["taobao.travel.ticket.order.verify"],
        params: apis.TaobaoTravelTicketOrderVerifyRequest,
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def parse(self, method: Literal["taobao.eticket.merchant.ma.resend"], body: Union[bytes, str]) -> apis.TaobaoEticketMerchantMaResendResponse: ...
    @overload
    def parse(self, method: Literal["alibaba.alsc.daodian.ticket.reserve"], body: Union[bytes, str]) -> apis.AlibabaAlscDaodianTicketReserveResponse: ...
    @overload
    def parse(self, method: Literal["taobao.travel.ticket.order.verify"], body: Union[bytes, str]) -> apis.TaobaoTravelTicketOrderVerifyResponse: ...
    # --- end generated ---
    @overload
    def prepare(self, method: str, params: Optional[Mapping[str, Any]] = ..., *, session: Optional[str] = ..., timestamp: Union[datetime, int, None] = ..., allow_unknown: bool = ...) -> PreparedRequest: ...
    @overload
    def parse(self, method: str, body: Union[bytes, str]) -> dict[str, Any]: ...
