"""Type stubs of topwire. The block between the `generated` markers is
written by the core from its API descriptions (`make types`); do not edit it by hand."""

from datetime import datetime, timedelta
from typing import (
    Any,
    Awaitable,
    Callable,
    Dict,
    Generic,
    Iterable,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
    Union,
    overload,
)

from . import apis as apis
from ._errors import ApiError as ApiError
from ._errors import DecodeError as DecodeError
from ._errors import SignatureError as SignatureError
from ._errors import TopError as TopError
from ._errors import ValidationError as ValidationError
from ._send import RedactedRequest as RedactedRequest

__version__: str
DEFAULT_GATEWAY: str

_Pairs = Union[Mapping[str, str], Iterable[Tuple[str, str]]]
_Body = Union[bytes, bytearray, memoryview, str]
_T = TypeVar("_T")
_Sleep = Callable[[float], object]
_AsyncSleep = Callable[[float], Awaitable[object]]

def sign(params: _Pairs, secret: str, sign_method: Literal["md5", "hmac", "hmac-sha256"]) -> str:
    """The TOP signature of `params` (pairs with an empty value and `sign` are skipped): upper-case hex."""

def string_to_sign(params: _Pairs) -> str:
    """The canonical text the signature covers: sorted `key`+`value` pairs (for debugging error 25)."""

def verify_spi(
    *,
    query: str,
    headers: _Pairs,
    body: _Body,
    secret: str,
    content_type: Optional[str] = ...,
    now: Union[datetime, int, None] = ...,
    max_skew: Union[int, float, timedelta, None] = ...,
) -> None:
    """Checks an inbound (SPI) call from TOP. Raises SignatureError (with `reason`) or ValidationError."""

class Gateway:
    """A local TOP gateway without I/O: checks a request as TOP does and returns TOP's reply.
    Immutable and safe to share between threads; `repr` never shows a secret."""

    def __init__(
        self,
        config: Optional[str] = None,
        *,
        app_key: Optional[str] = None,
        app_secret: Optional[str] = None,
    ) -> None:
        """`config`: the JSON text of a config file; `app_key`/`app_secret` (together) replace its apps."""
    def handle(
        self,
        method: str,
        target: str,
        headers: _Pairs,
        body: _Body,
        now_ms: Union[datetime, int, None] = None,
    ) -> Tuple[int, List[Tuple[str, str]], bytes]:
        """The reply to one HTTP request: `(status, headers, body)`. `target` is path and query."""
    @property
    def app_keys(self) -> List[str]: ...

class FileItem:
    """A file to upload (TOP's `byte[]`) with the file name and content type sent in its part.
    Plain `bytes`, `bytearray` or `memoryview` (named after the parameter, application/octet-stream)
    and `(filename, data)` or `(filename, data, content_type)` tuples upload too."""

    def __init__(
        self,
        data: Union[bytes, bytearray, memoryview],
        filename: Optional[str] = None,
        content_type: Optional[str] = None,
    ) -> None: ...
    @property
    def data(self) -> bytes: ...
    @property
    def filename(self) -> Optional[str]: ...
    @property
    def content_type(self) -> Optional[str]: ...
    def __len__(self) -> int: ...

class PreparedRequest:
    """A signed request: send `method` to `url` with `headers` and `body` using any HTTP client.
    A call with a file has a `multipart/form-data` body; every other call a urlencoded one."""

    @property
    def method(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def headers(self) -> Dict[str, str]: ...
    @property
    def content_type(self) -> str: ...
    @property
    def body(self) -> bytes: ...
    @property
    def is_multipart(self) -> bool: ...
    @property
    def redacted_body(self) -> str:
        """The body as logs may show it: secret values (a customer's card secret) as `***`."""
    @property
    def params(self) -> List[Tuple[str, str]]: ...

class PreparedBatch(PreparedRequest, Generic[_T]):
    """A signed batch (`/router/batch`): a PreparedRequest with a text body, plus the calls' methods.
    `_T` is the reply type `parse_batch` gives each call (typed for a batch of one known method)."""

    @property
    def methods(self) -> List[str]:
        """The calls' methods, in request order."""
    @property
    def separator(self) -> str:
        """The separator the reply is split on."""

class TopClient:
    """An application's credentials and settings: immutable and safe to share between threads."""

    def __init__(
        self,
        app_key: str,
        app_secret: str,
        *,
        sign_method: Literal["md5", "hmac", "hmac-sha256"] = "hmac-sha256",
        format: Literal["json", "xml"] = "json",
        simplify: bool = False,
        gateway: str = "https://eco.taobao.com/router/rest",
        partner_id: Optional[str] = None,
        target_app_key: Optional[str] = None,
    ) -> None: ...
    @property
    def app_key(self) -> str: ...
    @property
    def sign_method(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def simplify(self) -> bool: ...
    @property
    def gateway(self) -> str: ...
    @property
    def partner_id(self) -> Optional[str]: ...
    @property
    def target_app_key(self) -> Optional[str]: ...
    # --- generated: prepare/parse overloads (make types) ---
    @overload
    def prepare(
        self,
        method: Literal["alibaba.alsc.daodian.ticket.consult"],
        params: apis.AlibabaAlscDaodianTicketConsultRequest,
        *,
        session: Optional[str] = ...,
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
        method: Literal["taobao.eticket.merchant.img.upload"],
        params: apis.TaobaoEticketMerchantImgUploadRequest,
        *,
        session: str,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def prepare(
        self,
        method: Literal["taobao.eticket.merchant.ma.available"],
        params: apis.TaobaoEticketMerchantMaAvailableRequest,
        *,
        session: str,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def prepare(
        self,
        method: Literal["taobao.eticket.merchant.ma.consume"],
        params: apis.TaobaoEticketMerchantMaConsumeRequest,
        *,
        session: str,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def prepare(
        self,
        method: Literal["taobao.eticket.merchant.ma.delay"],
        params: apis.TaobaoEticketMerchantMaDelayRequest,
        *,
        session: str,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def prepare(
        self,
        method: Literal["taobao.eticket.merchant.ma.failsend"],
        params: apis.TaobaoEticketMerchantMaFailsendRequest,
        *,
        session: str,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
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
        method: Literal["taobao.eticket.merchant.ma.reverse"],
        params: apis.TaobaoEticketMerchantMaReverseRequest,
        *,
        session: str,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def prepare(
        self,
        method: Literal["taobao.eticket.merchant.ma.send"],
        params: apis.TaobaoEticketMerchantMaSendRequest,
        *,
        session: str,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def prepare(
        self,
        method: Literal["taobao.eticket.merchant.tbma.get"],
        params: apis.TaobaoEticketMerchantTbmaGetRequest,
        *,
        session: str,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def prepare(
        self,
        method: Literal["taobao.tmc.messages.confirm"],
        params: apis.TaobaoTmcMessagesConfirmRequest,
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def prepare(
        self,
        method: Literal["taobao.tmc.messages.consume"],
        params: apis.TaobaoTmcMessagesConsumeRequest,
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def prepare(
        self,
        method: Literal["taobao.tmc.user.permit"],
        params: apis.TaobaoTmcUserPermitRequest,
        *,
        session: str,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def prepare(
        self,
        method: Literal["taobao.travel.ticket.order.refund"],
        params: apis.TaobaoTravelTicketOrderRefundRequest,
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
    def prepare(  # type: ignore[overload-overlap]
        self,
        method: apis.KnownMethod,
        params: Any = ...,
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> apis.ParamsDoNotMatchTheTypedMethod: ...
    @overload
    def prepare(
        self,
        method: str,
        params: Optional[Mapping[str, Any]] = ...,
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        allow_unknown: bool = ...,
    ) -> PreparedRequest: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["alibaba.alsc.daodian.ticket.consult"], apis.AlibabaAlscDaodianTicketConsultRequest], Tuple[Literal["alibaba.alsc.daodian.ticket.consult"], apis.AlibabaAlscDaodianTicketConsultRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.AlibabaAlscDaodianTicketConsultResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["alibaba.alsc.daodian.ticket.reserve"], apis.AlibabaAlscDaodianTicketReserveRequest], Tuple[Literal["alibaba.alsc.daodian.ticket.reserve"], apis.AlibabaAlscDaodianTicketReserveRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.AlibabaAlscDaodianTicketReserveResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["taobao.eticket.merchant.ma.available"], apis.TaobaoEticketMerchantMaAvailableRequest], Tuple[Literal["taobao.eticket.merchant.ma.available"], apis.TaobaoEticketMerchantMaAvailableRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.TaobaoEticketMerchantMaAvailableResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["taobao.eticket.merchant.ma.consume"], apis.TaobaoEticketMerchantMaConsumeRequest], Tuple[Literal["taobao.eticket.merchant.ma.consume"], apis.TaobaoEticketMerchantMaConsumeRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.TaobaoEticketMerchantMaConsumeResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["taobao.eticket.merchant.ma.delay"], apis.TaobaoEticketMerchantMaDelayRequest], Tuple[Literal["taobao.eticket.merchant.ma.delay"], apis.TaobaoEticketMerchantMaDelayRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.TaobaoEticketMerchantMaDelayResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["taobao.eticket.merchant.ma.failsend"], apis.TaobaoEticketMerchantMaFailsendRequest], Tuple[Literal["taobao.eticket.merchant.ma.failsend"], apis.TaobaoEticketMerchantMaFailsendRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.TaobaoEticketMerchantMaFailsendResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["taobao.eticket.merchant.ma.resend"], apis.TaobaoEticketMerchantMaResendRequest], Tuple[Literal["taobao.eticket.merchant.ma.resend"], apis.TaobaoEticketMerchantMaResendRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.TaobaoEticketMerchantMaResendResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["taobao.eticket.merchant.ma.reverse"], apis.TaobaoEticketMerchantMaReverseRequest], Tuple[Literal["taobao.eticket.merchant.ma.reverse"], apis.TaobaoEticketMerchantMaReverseRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.TaobaoEticketMerchantMaReverseResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["taobao.eticket.merchant.ma.send"], apis.TaobaoEticketMerchantMaSendRequest], Tuple[Literal["taobao.eticket.merchant.ma.send"], apis.TaobaoEticketMerchantMaSendRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.TaobaoEticketMerchantMaSendResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["taobao.eticket.merchant.tbma.get"], apis.TaobaoEticketMerchantTbmaGetRequest], Tuple[Literal["taobao.eticket.merchant.tbma.get"], apis.TaobaoEticketMerchantTbmaGetRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.TaobaoEticketMerchantTbmaGetResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["taobao.tmc.messages.confirm"], apis.TaobaoTmcMessagesConfirmRequest], Tuple[Literal["taobao.tmc.messages.confirm"], apis.TaobaoTmcMessagesConfirmRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.TaobaoTmcMessagesConfirmResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["taobao.tmc.messages.consume"], apis.TaobaoTmcMessagesConsumeRequest], Tuple[Literal["taobao.tmc.messages.consume"], apis.TaobaoTmcMessagesConsumeRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.TaobaoTmcMessagesConsumeResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["taobao.tmc.user.permit"], apis.TaobaoTmcUserPermitRequest], Tuple[Literal["taobao.tmc.user.permit"], apis.TaobaoTmcUserPermitRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.TaobaoTmcUserPermitResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["taobao.travel.ticket.order.refund"], apis.TaobaoTravelTicketOrderRefundRequest], Tuple[Literal["taobao.travel.ticket.order.refund"], apis.TaobaoTravelTicketOrderRefundRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.TaobaoTravelTicketOrderRefundResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[Literal["taobao.travel.ticket.order.verify"], apis.TaobaoTravelTicketOrderVerifyRequest], Tuple[Literal["taobao.travel.ticket.order.verify"], apis.TaobaoTravelTicketOrderVerifyRequest, Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[apis.TaobaoTravelTicketOrderVerifyResponse]: ...
    @overload
    def prepare_batch(
        self,
        calls: Sequence[Union[Tuple[str, Optional[Mapping[str, Any]]], Tuple[str, Optional[Mapping[str, Any]], Optional[str]]]],
        *,
        session: Optional[str] = ...,
        timestamp: Union[datetime, int, None] = ...,
        separator: Optional[str] = ...,
        batch_url: Optional[str] = ...,
    ) -> PreparedBatch[Dict[str, Any]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: PreparedBatch[_T], body: _Body, *, separator: Optional[str] = ...) -> List[Union[_T, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["alibaba.alsc.daodian.ticket.consult"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.AlibabaAlscDaodianTicketConsultResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["alibaba.alsc.daodian.ticket.reserve"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.AlibabaAlscDaodianTicketReserveResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["taobao.eticket.merchant.ma.available"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.TaobaoEticketMerchantMaAvailableResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["taobao.eticket.merchant.ma.consume"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.TaobaoEticketMerchantMaConsumeResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["taobao.eticket.merchant.ma.delay"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.TaobaoEticketMerchantMaDelayResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["taobao.eticket.merchant.ma.failsend"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.TaobaoEticketMerchantMaFailsendResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["taobao.eticket.merchant.ma.resend"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.TaobaoEticketMerchantMaResendResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["taobao.eticket.merchant.ma.reverse"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.TaobaoEticketMerchantMaReverseResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["taobao.eticket.merchant.ma.send"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.TaobaoEticketMerchantMaSendResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["taobao.eticket.merchant.tbma.get"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.TaobaoEticketMerchantTbmaGetResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["taobao.tmc.messages.confirm"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.TaobaoTmcMessagesConfirmResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["taobao.tmc.messages.consume"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.TaobaoTmcMessagesConsumeResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["taobao.tmc.user.permit"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.TaobaoTmcUserPermitResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["taobao.travel.ticket.order.refund"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.TaobaoTravelTicketOrderRefundResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[Literal["taobao.travel.ticket.order.verify"]], body: _Body, *, separator: Optional[str] = ...) -> List[Union[apis.TaobaoTravelTicketOrderVerifyResponse, ApiError]]: ...
    @overload
    def parse_batch(self, methods_or_prepared: Sequence[str], body: _Body, *, separator: Optional[str] = ...) -> List[Union[Dict[str, Any], ApiError]]: ...
    @overload
    def parse(self, method: Literal["alibaba.alsc.daodian.ticket.consult"], body: Union[bytes, str]) -> apis.AlibabaAlscDaodianTicketConsultResponse: ...
    @overload
    def parse(self, method: Literal["alibaba.alsc.daodian.ticket.reserve"], body: Union[bytes, str]) -> apis.AlibabaAlscDaodianTicketReserveResponse: ...
    @overload
    def parse(self, method: Literal["taobao.eticket.merchant.img.upload"], body: Union[bytes, str]) -> apis.TaobaoEticketMerchantImgUploadResponse: ...
    @overload
    def parse(self, method: Literal["taobao.eticket.merchant.ma.available"], body: Union[bytes, str]) -> apis.TaobaoEticketMerchantMaAvailableResponse: ...
    @overload
    def parse(self, method: Literal["taobao.eticket.merchant.ma.consume"], body: Union[bytes, str]) -> apis.TaobaoEticketMerchantMaConsumeResponse: ...
    @overload
    def parse(self, method: Literal["taobao.eticket.merchant.ma.delay"], body: Union[bytes, str]) -> apis.TaobaoEticketMerchantMaDelayResponse: ...
    @overload
    def parse(self, method: Literal["taobao.eticket.merchant.ma.failsend"], body: Union[bytes, str]) -> apis.TaobaoEticketMerchantMaFailsendResponse: ...
    @overload
    def parse(self, method: Literal["taobao.eticket.merchant.ma.resend"], body: Union[bytes, str]) -> apis.TaobaoEticketMerchantMaResendResponse: ...
    @overload
    def parse(self, method: Literal["taobao.eticket.merchant.ma.reverse"], body: Union[bytes, str]) -> apis.TaobaoEticketMerchantMaReverseResponse: ...
    @overload
    def parse(self, method: Literal["taobao.eticket.merchant.ma.send"], body: Union[bytes, str]) -> apis.TaobaoEticketMerchantMaSendResponse: ...
    @overload
    def parse(self, method: Literal["taobao.eticket.merchant.tbma.get"], body: Union[bytes, str]) -> apis.TaobaoEticketMerchantTbmaGetResponse: ...
    @overload
    def parse(self, method: Literal["taobao.tmc.messages.confirm"], body: Union[bytes, str]) -> apis.TaobaoTmcMessagesConfirmResponse: ...
    @overload
    def parse(self, method: Literal["taobao.tmc.messages.consume"], body: Union[bytes, str]) -> apis.TaobaoTmcMessagesConsumeResponse: ...
    @overload
    def parse(self, method: Literal["taobao.tmc.user.permit"], body: Union[bytes, str]) -> apis.TaobaoTmcUserPermitResponse: ...
    @overload
    def parse(self, method: Literal["taobao.travel.ticket.order.refund"], body: Union[bytes, str]) -> apis.TaobaoTravelTicketOrderRefundResponse: ...
    @overload
    def parse(self, method: Literal["taobao.travel.ticket.order.verify"], body: Union[bytes, str]) -> apis.TaobaoTravelTicketOrderVerifyResponse: ...
    # --- end generated ---
    @overload
    def parse(self, method: str, body: _Body) -> Dict[str, Any]: ...

# Optional senders: prepare, send with the HTTP client you have, parse, retry what TOP marks
# retryable. `http`: a requests.Session or an httpx.Client (call; None: urllib), an
# httpx.AsyncClient or an aiohttp.ClientSession (acall). `timeout` in seconds per attempt.
# --- generated: call/acall overloads (make types) ---
@overload
def call(
    client: TopClient,
    method: Literal["alibaba.alsc.daodian.ticket.consult"],
    params: apis.AlibabaAlscDaodianTicketConsultRequest,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.AlibabaAlscDaodianTicketConsultResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["alibaba.alsc.daodian.ticket.reserve"],
    params: apis.AlibabaAlscDaodianTicketReserveRequest,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.AlibabaAlscDaodianTicketReserveResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.img.upload"],
    params: apis.TaobaoEticketMerchantImgUploadRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoEticketMerchantImgUploadResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.available"],
    params: apis.TaobaoEticketMerchantMaAvailableRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoEticketMerchantMaAvailableResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.consume"],
    params: apis.TaobaoEticketMerchantMaConsumeRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoEticketMerchantMaConsumeResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.delay"],
    params: apis.TaobaoEticketMerchantMaDelayRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoEticketMerchantMaDelayResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.failsend"],
    params: apis.TaobaoEticketMerchantMaFailsendRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoEticketMerchantMaFailsendResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.resend"],
    params: apis.TaobaoEticketMerchantMaResendRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoEticketMerchantMaResendResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.reverse"],
    params: apis.TaobaoEticketMerchantMaReverseRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoEticketMerchantMaReverseResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.send"],
    params: apis.TaobaoEticketMerchantMaSendRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoEticketMerchantMaSendResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.tbma.get"],
    params: apis.TaobaoEticketMerchantTbmaGetRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoEticketMerchantTbmaGetResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.tmc.messages.confirm"],
    params: apis.TaobaoTmcMessagesConfirmRequest,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoTmcMessagesConfirmResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.tmc.messages.consume"],
    params: apis.TaobaoTmcMessagesConsumeRequest,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoTmcMessagesConsumeResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.tmc.user.permit"],
    params: apis.TaobaoTmcUserPermitRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoTmcUserPermitResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.travel.ticket.order.refund"],
    params: apis.TaobaoTravelTicketOrderRefundRequest,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoTravelTicketOrderRefundResponse: ...
@overload
def call(
    client: TopClient,
    method: Literal["taobao.travel.ticket.order.verify"],
    params: apis.TaobaoTravelTicketOrderVerifyRequest,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.TaobaoTravelTicketOrderVerifyResponse: ...
@overload
def call(  # type: ignore[overload-overlap]
    client: TopClient,
    method: apis.KnownMethod,
    params: Any = ...,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> apis.ParamsDoNotMatchTheTypedMethod: ...
@overload
def call(
    client: TopClient,
    method: str,
    params: Optional[Mapping[str, Any]] = ...,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any = ...,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_Sleep] = ...,
) -> Dict[str, Any]: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["alibaba.alsc.daodian.ticket.consult"],
    params: apis.AlibabaAlscDaodianTicketConsultRequest,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.AlibabaAlscDaodianTicketConsultResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["alibaba.alsc.daodian.ticket.reserve"],
    params: apis.AlibabaAlscDaodianTicketReserveRequest,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.AlibabaAlscDaodianTicketReserveResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.img.upload"],
    params: apis.TaobaoEticketMerchantImgUploadRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoEticketMerchantImgUploadResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.available"],
    params: apis.TaobaoEticketMerchantMaAvailableRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoEticketMerchantMaAvailableResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.consume"],
    params: apis.TaobaoEticketMerchantMaConsumeRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoEticketMerchantMaConsumeResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.delay"],
    params: apis.TaobaoEticketMerchantMaDelayRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoEticketMerchantMaDelayResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.failsend"],
    params: apis.TaobaoEticketMerchantMaFailsendRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoEticketMerchantMaFailsendResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.resend"],
    params: apis.TaobaoEticketMerchantMaResendRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoEticketMerchantMaResendResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.reverse"],
    params: apis.TaobaoEticketMerchantMaReverseRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoEticketMerchantMaReverseResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.ma.send"],
    params: apis.TaobaoEticketMerchantMaSendRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoEticketMerchantMaSendResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.eticket.merchant.tbma.get"],
    params: apis.TaobaoEticketMerchantTbmaGetRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoEticketMerchantTbmaGetResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.tmc.messages.confirm"],
    params: apis.TaobaoTmcMessagesConfirmRequest,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoTmcMessagesConfirmResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.tmc.messages.consume"],
    params: apis.TaobaoTmcMessagesConsumeRequest,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoTmcMessagesConsumeResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.tmc.user.permit"],
    params: apis.TaobaoTmcUserPermitRequest,
    *,
    session: str,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoTmcUserPermitResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.travel.ticket.order.refund"],
    params: apis.TaobaoTravelTicketOrderRefundRequest,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoTravelTicketOrderRefundResponse: ...
@overload
async def acall(
    client: TopClient,
    method: Literal["taobao.travel.ticket.order.verify"],
    params: apis.TaobaoTravelTicketOrderVerifyRequest,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.TaobaoTravelTicketOrderVerifyResponse: ...
@overload
async def acall(  # type: ignore[overload-overlap]
    client: TopClient,
    method: apis.KnownMethod,
    params: Any = ...,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> apis.ParamsDoNotMatchTheTypedMethod: ...
@overload
async def acall(
    client: TopClient,
    method: str,
    params: Optional[Mapping[str, Any]] = ...,
    *,
    session: Optional[str] = ...,
    timestamp: Union[datetime, int, None] = ...,
    allow_unknown: bool = ...,
    http: Any,
    timeout: float = ...,
    retries: int = ...,
    sleep: Optional[_AsyncSleep] = ...,
) -> Dict[str, Any]: ...
# --- end generated senders ---
