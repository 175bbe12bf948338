//! The typed APIs, described once from the platform's documentation pages.
//!
//! To type another API, add an [`ApiSpec`] here and list it in [`ALL`];
//! validation, response typing and the generated TypeScript and Python
//! declarations follow from it (`make types` regenerates the declarations).

use crate::spec::{ApiSpec, Field, Struct, Type};

/// `taobao.eticket.merchant.ma.resend`: the merchant resends electronic vouchers.
pub static ETICKET_MERCHANT_MA_RESEND: ApiSpec = ApiSpec {
    name: "taobao.eticket.merchant.ma.resend",
    summary: "Resend electronic vouchers (码商重发电子凭证回调接口).",
    session_required: true,
    request: &[
        Field::new("biz_type", Type::Number, "Business type (业务类型).").default("3001"),
        Field::new(
            "isv_ma_list",
            Type::ObjectList(&ISV_MA),
            "The codes to resend (待重发的码列表).",
        )
        .required()
        .max_items(200),
        Field::new(
            "outer_id",
            Type::String,
            "Business id: the order number (业务id(订单号)).",
        )
        .required(),
        Field::new(
            "token",
            Type::String,
            "The token received with the send-code notification (需要跟发码通知获取到的参数一致).",
        )
        .required(),
    ],
    response: &[
        Field::new(
            "resp_body",
            Type::Object(&SEND_MA_CALLBACK_RESP),
            "Reply parameters (回复参数).",
        ),
        Field::new(
            "ret_code",
            Type::String,
            "Sub result code, `isv.success-all` on success (子结果码).",
        ),
        Field::new("ret_msg", Type::String, "Sub result message (子结果信息)."),
    ],
    example_response: r#"{"resp_body":{"attribute_map":"{}"},"ret_code":"isv.success-all","ret_msg":"操作成功"}"#,
};

static ISV_MA: Struct = Struct {
    name: "IsvMa",
    fields: &[
        Field::new("code", Type::String, "The code's value (串码码值).").required(),
        Field::new("num", Type::Number, "How many times the code can be redeemed (码的可核销份数).").required(),
        Field::new(
            "qr_image",
            Type::String,
            "QR image file name from taobao.eticket.merchant.img.upload, for merchants that upload QR codes (二维码图片文件名).",
        ),
    ],
};

static SEND_MA_CALLBACK_RESP: Struct = Struct {
    name: "SendMaCallbackResp",
    fields: &[Field::new(
        "attribute_map",
        Type::String,
        "Reply key-values, as JSON text (回复业务KV).",
    )],
};

/// `alibaba.alsc.daodian.ticket.reserve`: reverse (roll back) an external voucher.
pub static ALSC_DAODIAN_TICKET_RESERVE: ApiSpec = ApiSpec {
    name: "alibaba.alsc.daodian.ticket.reserve",
    summary: "Reverse an external voucher write-off (外部券冲正).",
    session_required: false,
    request: &[Field::new(
        "ticket_reverse_top_request",
        Type::Object(&TICKET_REVERSE_TOP_REQUEST),
        "The reversal request (凭证冲正请求).",
    )],
    response: &[Field::new(
        "result",
        Type::Object(&RESERVE_RESULT),
        "The result (返回结构体).",
    )],
    example_response: r#"{"result":{"success":true,"error_code":"SYSTEM_ERROR","retry":false,"error_msg":"系统繁忙"}}"#,
};

static TICKET_REVERSE_TOP_REQUEST: Struct = Struct {
    name: "TicketReverseTopRequest",
    fields: &[
        Field::new(
            "ticket_use_trans_id",
            Type::String,
            "The write-off transaction id (凭证核销流水id).",
        ),
        Field::new(
            "biz_date",
            Type::Date,
            "When the business happened; empty means the call time (业务发生时间).",
        ),
        Field::new("request_id", Type::String, "Request id (请求id).").required(),
        Field::new("ticket_id", Type::String, "Koubei voucher id (口碑凭证id).").required(),
    ],
};

static RESERVE_RESULT: Struct = Struct {
    name: "TicketReserveResult",
    fields: &[
        Field::new(
            "success",
            Type::Boolean,
            "Whether the reversal succeeded (处理结果是否成功).",
        ),
        Field::new(
            "error_code",
            Type::String,
            "Error code when success is false (错误码).",
        ),
        Field::new(
            "retry",
            Type::Boolean,
            "Whether the call may be retried when success is false (是否可重试).",
        ),
        Field::new(
            "error_msg",
            Type::String,
            "Error text when success is false (错误文案).",
        ),
    ],
};

/// `taobao.travel.ticket.order.verify`: notify Fliggy of a ticket write-off.
pub static TRAVEL_TICKET_ORDER_VERIFY: ApiSpec = ApiSpec {
    name: "taobao.travel.ticket.order.verify",
    summary: "Notify Fliggy that tickets were written off (飞猪门票核销通知).",
    session_required: false,
    request: &[
        Field::new("check_num", Type::Number, "Number of write-offs (核销次数)."),
        Field::new("order_id", Type::Number, "The order id (下单订单ID)."),
        Field::new("return_num", Type::Number, "Number of cancelled tickets (门票取消数量)."),
        Field::new("total_num", Type::Number, "Total write-offs allowed (门票总共允许核销次数)."),
        Field::new("out_order_id", Type::String, "External order id (外部订单ID)."),
        Field::new(
            "confirm_code",
            Type::String,
            "Confirmation number the user received by SMS; new integrations use voucher_infos (用户短信会收到的确认号).",
        ),
        Field::new("voucher_infos", Type::ObjectList(&VOUCHER_INFO_DTO), "Vouchers used (使用凭证信息).").max_items(999),
        Field::new(
            "write_off_type",
            Type::Number,
            "0: this write-off's quantity (usual); 1: total quantity used so far including this one (供应商核销回调类型).",
        )
        .allowed(&["0", "1"]),
    ],
    response: &[Field::new("is_success", Type::Boolean, "Whether the notification succeeded (成功状态).")],
    example_response: r#"{"is_success":true}"#,
};

static VOUCHER_INFO_DTO: Struct = Struct {
    name: "VoucherInfoDto",
    fields: &[
        Field::new(
            "confirm_code",
            Type::String,
            "Confirmation number the user received by SMS (用户短信会收到的确认号).",
        ),
        Field::new(
            "used_quantity",
            Type::Number,
            "Times the voucher was used (凭证使用次数).",
        ),
        Field::new(
            "used_date",
            Type::Date,
            "When the voucher was used (凭证使用时间).",
        ),
    ],
};

/// Every typed API.
pub static ALL: [&ApiSpec; 3] = [
    &ETICKET_MERCHANT_MA_RESEND,
    &ALSC_DAODIAN_TICKET_RESERVE,
    &TRAVEL_TICKET_ORDER_VERIFY,
];

/// The description of a method, if it is typed.
pub fn find(method: &str) -> Option<&'static ApiSpec> {
    ALL.iter().copied().find(|spec| spec.name == method)
}
