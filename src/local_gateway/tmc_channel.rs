//! The local message channel (TMC), sans I/O: what TOP's message server
//! does, for users' tests. Both local gateways (Node and Python) hold one
//! and only carry its frames over a WebSocket (`ws://127.0.0.1:PORT/tmc`)
//! and its HTTP calls over `/router/rest`.
//!
//! A test publishes messages ([`TmcChannel::publish`]); a consumer gets them
//! either way TOP offers:
//! - **WebSocket**: after a CONNECT signed as PROTOCOL.md says (a bad
//!   signature, an unknown app key or a stale timestamp gets a CONNECTACK
//!   with a status, then the socket is closed), a CONNECTACK with a token;
//!   a pull frame asks for messages (data frames), and from then on the
//!   connection gets messages as they become ready; a confirm frame marks
//!   a message done, a failed frame puts it back in the queue at once.
//! - **HTTP**: `taobao.tmc.messages.consume` and `taobao.tmc.messages.confirm`
//!   through the gateway's checks ([`TmcChannel::handle_http`]), from the
//!   same queue.
//!
//! A message handed out and neither confirmed nor failed is handed out again
//! once `redeliver_ms` has passed; the host passes the time (`now_ms`) and
//! asks [`TmcChannel::next_deadline`] when to call [`TmcChannel::deliver`]
//! again. Message ids start above 2^53 (where a JavaScript `JSON.parse`
//! starts rounding) and count up; tokens are derived from the connection's
//! handshake: nothing here is random, so a test sees the same ids and
//! tokens on every run.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;

use crate::local_gateway::gateway::{Gateway, GatewayConfig, GatewayRequest, GatewayResponse};
use crate::rules::time::format_timestamp;
use crate::tmc::{
    connect_ack, connect_refused, data_frame, decode_frame, encode_frame, ClientRequest,
    ConnectRequest, Frame, FrameKind, TmcMessage,
};
use crate::wire::error::{Error, ValidationError};
use crate::wire::value::Value;

/// The first id a channel gives out: 2^53 + 1, the smallest integer an
/// IEEE double cannot hold, so a consumer that rounds ids fails at once.
pub const FIRST_MESSAGE_ID: i64 = (1 << 53) + 1;
/// How long a message handed out stays with its consumer before it is
/// handed out again (TOP's own delay is not documented; Java's client
/// confirms within seconds).
pub const DEFAULT_REDELIVER_MS: i64 = 60_000;
/// The most messages one pull, one delivery or one consume hands out.
pub const DEFAULT_BATCH: usize = 32;
/// The group a CONNECT or a consume names when it names none.
pub const DEFAULT_GROUP: &str = "default";
/// The status of a refused CONNECT (CONNECTACK `status_code`).
pub const REFUSED_STATUS: i32 = 401;

/// The channel's settings, as hosts give them (`{ redeliverMs, firstId,
/// batch }` in JS and JSON; an unknown key is refused).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ChannelOptions {
    /// Milliseconds before an unconfirmed message is handed out again.
    pub redeliver_ms: i64,
    /// The id of the first message published without an explicit id.
    pub first_id: i64,
    /// The most messages handed out at once (a pull, a delivery, a consume
    /// without `quantity`).
    pub batch: usize,
}

impl Default for ChannelOptions {
    fn default() -> Self {
        ChannelOptions {
            redeliver_ms: DEFAULT_REDELIVER_MS,
            first_id: FIRST_MESSAGE_ID,
            batch: DEFAULT_BATCH,
        }
    }
}

/// A message to publish ([`TmcChannel::publish`]), as hosts give it
/// (`{ topic, content, group, id, userId, nick, dataId, gzip, publishedMs }`
/// in JS and JSON; an unknown key is refused).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Publish {
    /// Its topic, e.g. `taobao_trade_TradePaid`.
    pub topic: String,
    /// Its content (JSON text, as TOP sends).
    pub content: String,
    /// The group it goes to; `None`: [`DEFAULT_GROUP`].
    pub group: Option<String>,
    /// Its id; `None`: the next free one counting up from `first_id`.
    pub id: Option<i64>,
    /// The user (seller) it concerns.
    pub user_id: Option<i64>,
    /// That user's nick.
    pub nick: Option<String>,
    /// The business id (`dataid`), e.g. a trade id.
    pub data_id: Option<i64>,
    /// Send the content over the WebSocket as gzip bytes, as TOP does for
    /// large contents (the HTTP methods always return text).
    pub gzip: bool,
    /// When it was published (epoch ms); `None`: the `now_ms` of
    /// [`TmcChannel::publish`].
    pub published_ms: Option<i64>,
}

/// Where a published message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageState {
    /// Waiting to be handed out (again).
    Queued,
    /// Handed out, neither confirmed nor failed yet.
    Delivered,
    /// Confirmed: never handed out again.
    Confirmed,
}

impl MessageState {
    /// `queued`, `delivered` or `confirmed`.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageState::Queued => "queued",
            MessageState::Delivered => "delivered",
            MessageState::Confirmed => "confirmed",
        }
    }
}

/// What happened, for the host to report (tests wait on these).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChannelEvent {
    /// A connection's CONNECT was accepted.
    Connected {
        /// The connection.
        connection: u64,
        /// The app key it signed with.
        app_key: String,
        /// Its group.
        group: String,
    },
    /// A connection's CONNECT was refused.
    Refused {
        /// The connection.
        connection: u64,
        /// Why (the CONNECTACK's status phrase).
        reason: String,
    },
    /// A message was handed out (`connection` is `None` for an HTTP consume).
    Delivered {
        /// The message.
        id: i64,
        /// The connection it went to.
        connection: Option<u64>,
        /// How many times it has been handed out, this one included.
        attempt: u32,
    },
    /// A message was confirmed.
    Confirmed {
        /// The message.
        id: i64,
    },
    /// A consumer reported a message failed; it is queued again.
    Failed {
        /// The message.
        id: i64,
        /// The consumer's reason.
        reason: String,
    },
}

impl ChannelEvent {
    /// The event as a record every host hands on: `{type, ...}` with
    /// `type` one of `connected`, `refused`, `delivered`, `confirmed`,
    /// `failed`, and the fields `connection`, `app`, `group`, `reason`,
    /// `id` (exact), `attempt` as the kind has them.
    pub fn to_value(&self) -> Value {
        // Connection numbers count up from 1: always within i64.
        let number = |c: u64| Value::Int(i64::try_from(c).unwrap_or(i64::MAX));
        let connection = |c: u64| ("connection", number(c));
        match self {
            ChannelEvent::Connected {
                connection: c,
                app_key,
                group,
            } => Value::object([
                ("type", Value::from("connected")),
                connection(*c),
                ("app", Value::from(app_key.as_str())),
                ("group", Value::from(group.as_str())),
            ]),
            ChannelEvent::Refused {
                connection: c,
                reason,
            } => Value::object([
                ("type", Value::from("refused")),
                connection(*c),
                ("reason", Value::from(reason.as_str())),
            ]),
            ChannelEvent::Delivered {
                id,
                connection: c,
                attempt,
            } => Value::object([
                ("type", Value::from("delivered")),
                ("id", Value::Int(*id)),
                ("connection", c.map_or(Value::Null, number)),
                ("attempt", Value::Int(i64::from(*attempt))),
            ]),
            ChannelEvent::Confirmed { id } => {
                Value::object([("type", Value::from("confirmed")), ("id", Value::Int(*id))])
            }
            ChannelEvent::Failed { id, reason } => Value::object([
                ("type", Value::from("failed")),
                ("id", Value::Int(*id)),
                ("reason", Value::from(reason.as_str())),
            ]),
        }
    }
}

/// Frames to send on connections, events to report, and connections to close.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChannelOutput {
    /// `(connection, frame bytes)`: one binary WebSocket message each.
    pub frames: Vec<(u64, Vec<u8>)>,
    /// What happened.
    pub events: Vec<ChannelEvent>,
    /// `(connection, reason)`: close these after sending their frames.
    pub close: Vec<(u64, String)>,
}

struct Stored {
    message: TmcMessage,
    group: String,
    state: MessageState,
    /// While delivered: when it is handed out again.
    until_ms: i64,
    /// While delivered over a WebSocket: the connection holding it.
    holder: Option<u64>,
    attempts: u32,
}

struct Connection {
    /// Set by an accepted CONNECT.
    online: Option<Online>,
}

struct Online {
    token: String,
    group: String,
    /// It has pulled: messages go to it as they become ready.
    pulling: bool,
}

/// The local message channel. Mutable: the host keeps one per gateway and
/// calls it from one thread (or behind a lock).
pub struct TmcChannel {
    apps: Vec<(String, String)>,
    max_skew_ms: i64,
    options: ChannelOptions,
    next_id: i64,
    /// In publish order; `index` finds one by id. The sets below hold
    /// positions in it, so each step costs a logarithm of the queue, never
    /// a scan of every message ever published.
    messages: Vec<Stored>,
    index: HashMap<i64, usize>,
    /// Queued messages, per group, in publish order.
    ready: HashMap<String, BTreeSet<usize>>,
    /// Delivered messages by the time they fall due again.
    due: BTreeSet<(i64, usize)>,
    /// Delivered messages per WebSocket connection holding them.
    held: HashMap<u64, BTreeSet<usize>>,
    connections: HashMap<u64, Connection>,
    opened: u64,
}

impl std::fmt::Debug for TmcChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TmcChannel")
            .field(
                "app_keys",
                &self.apps.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("options", &self.options)
            .field("messages", &self.messages.len())
            .field("connections", &self.connections.len())
            .finish()
    }
}

impl TmcChannel {
    /// A channel accepting the gateway configuration's apps (and its clock skew).
    pub fn new(
        config: &GatewayConfig,
        options: ChannelOptions,
    ) -> Result<TmcChannel, ValidationError> {
        if options.redeliver_ms < 1 {
            return Err(ValidationError::new(
                "redeliver_ms",
                "a positive number of milliseconds",
                format!("the number {}", options.redeliver_ms),
            ));
        }
        if options.batch < 1 {
            return Err(ValidationError::new(
                "batch",
                "a positive number of messages",
                "the number 0",
            ));
        }
        Ok(TmcChannel {
            apps: config.apps.clone(),
            max_skew_ms: config.max_skew_ms,
            next_id: options.first_id,
            options,
            messages: Vec::new(),
            index: HashMap::new(),
            ready: HashMap::new(),
            due: BTreeSet::new(),
            held: HashMap::new(),
            connections: HashMap::new(),
            opened: 0,
        })
    }

    /// Queues a message and returns its id. An explicit id already
    /// published is a [`ValidationError`] (confirms would be ambiguous).
    pub fn publish(&mut self, publish: Publish, now_ms: i64) -> Result<i64, ValidationError> {
        if publish.topic.trim().is_empty() {
            return Err(ValidationError::new("topic", "a topic name", "nothing"));
        }
        let id = match publish.id {
            Some(id) if self.index.contains_key(&id) => {
                return Err(ValidationError::new(
                    "id",
                    "an id not published yet",
                    format!("the number {id}, already published"),
                ))
            }
            Some(id) => id,
            None => self.free_id()?,
        };
        if id >= self.next_id {
            self.next_id = id.saturating_add(1);
        }
        let publisher = self.apps.first().map(|(k, _)| k.clone());
        let message = TmcMessage {
            compressed: publish.gzip,
            published: Some(publish.published_ms.unwrap_or(now_ms)),
            publisher,
            nick: publish.nick,
            user_id: publish.user_id,
            data_id: publish.data_id,
            ..TmcMessage::new(id, publish.topic, publish.content)
        };
        let group = publish.group.unwrap_or_else(|| DEFAULT_GROUP.to_owned());
        let position = self.messages.len();
        self.index.insert(id, position);
        self.ready
            .entry(group.clone())
            .or_default()
            .insert(position);
        self.messages.push(Stored {
            message,
            group,
            state: MessageState::Queued,
            until_ms: 0,
            holder: None,
            attempts: 0,
        });
        Ok(id)
    }

    fn free_id(&mut self) -> Result<i64, ValidationError> {
        while self.index.contains_key(&self.next_id) {
            self.next_id = self.next_id.checked_add(1).ok_or_else(|| {
                ValidationError::new("id", "a free message id", "none left below 2^63")
            })?;
        }
        Ok(self.next_id)
    }

    /// Where message `id` is, and how many times it was handed out.
    pub fn message_state(&self, id: i64) -> Option<(MessageState, u32)> {
        self.stored(id).map(|m| (m.state, m.attempts))
    }

    fn stored(&self, id: i64) -> Option<&Stored> {
        self.index.get(&id).and_then(|&i| self.messages.get(i))
    }

    /// A new WebSocket connection: its number, for [`TmcChannel::receive`].
    pub fn open(&mut self) -> u64 {
        self.opened += 1;
        self.connections
            .insert(self.opened, Connection { online: None });
        self.opened
    }

    /// The connection is gone: the messages it held and did not confirm
    /// are queued again at once (its consumer can no longer confirm them).
    pub fn closed(&mut self, connection: u64) {
        self.connections.remove(&connection);
        self.release_held_by(connection);
    }

    /// One binary WebSocket message from `connection` at `now_ms`: the
    /// frames to answer with, what happened, and whether to close.
    /// Frames that cannot be read close the connection; frames with
    /// another session's token are dropped, as TOP's server drops them.
    pub fn receive(&mut self, connection: u64, bytes: &[u8], now_ms: i64) -> ChannelOutput {
        let mut out = ChannelOutput::default();
        if !self.connections.contains_key(&connection) {
            out.close
                .push((connection, "unknown connection".to_owned()));
            return out;
        }
        let frame = match decode_frame(bytes) {
            Ok(frame) => frame,
            Err(e) => {
                out.close.push((connection, e.message));
                return out;
            }
        };
        match frame.kind {
            FrameKind::Connect => self.handshake(connection, &frame, now_ms, &mut out),
            FrameKind::Send => self.on_send(connection, &frame, now_ms, &mut out),
            // A client sends neither; nothing to answer.
            FrameKind::ConnectAck | FrameKind::SendAck => {}
        }
        out
    }

    /// Hands ready messages (new, failed, or past their redelivery time) to
    /// the connections that pull. Call it after [`TmcChannel::publish`] and
    /// at [`TmcChannel::next_deadline`].
    pub fn deliver(&mut self, now_ms: i64) -> ChannelOutput {
        let mut out = ChannelOutput::default();
        let mut pulling: Vec<u64> = self
            .connections
            .iter()
            .filter(|(_, c)| c.online.as_ref().is_some_and(|o| o.pulling))
            .map(|(id, _)| *id)
            .collect();
        pulling.sort_unstable();
        for connection in pulling {
            self.hand_out(connection, now_ms, &mut out);
        }
        out
    }

    /// When a delivered message falls due to be handed out again (epoch
    /// ms), if any is out: the host calls [`TmcChannel::deliver`] then.
    pub fn next_deadline(&self) -> Option<i64> {
        self.due.first().map(|(until, _)| *until)
    }

    /// Answers an HTTP request as the gateway does, with
    /// `taobao.tmc.messages.consume` and `taobao.tmc.messages.confirm`
    /// served from this channel's queue once the call passed every check.
    pub fn handle_http(
        &mut self,
        gateway: &Gateway,
        req: &GatewayRequest<'_>,
        now_ms: i64,
    ) -> (GatewayResponse, Vec<ChannelEvent>) {
        let mut events = Vec::new();
        let response = gateway.handle_served(req, now_ms, &mut |method, params| {
            let get = |k: &str| {
                params
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.as_str())
                    .filter(|v| !v.is_empty())
            };
            match method {
                "taobao.tmc.messages.consume" => {
                    let group = get("group_name").unwrap_or(DEFAULT_GROUP);
                    // The gateway has checked it: 10 to 200.
                    let quantity = get("quantity")
                        .and_then(|q| q.parse::<usize>().ok())
                        .unwrap_or(self.options.batch);
                    Some(self.consume(group, quantity, now_ms, &mut events))
                }
                "taobao.tmc.messages.confirm" => {
                    let ids = get("s_message_ids").unwrap_or("");
                    for id in ids.split(',').filter_map(|t| t.parse::<i64>().ok()) {
                        self.confirm(id, &mut events);
                    }
                    Some(Value::object([("is_success", Value::Bool(true))]))
                }
                _ => None,
            }
        });
        (response, events)
    }

    // ---- the handshake ----

    fn handshake(&mut self, connection: u64, frame: &Frame, now_ms: i64, out: &mut ChannelOutput) {
        match self.check_connect(frame, now_ms) {
            Ok(request) => {
                let token = token(connection, &request);
                self.release_held_by(connection);
                if let Some(c) = self.connections.get_mut(&connection) {
                    c.online = Some(Online {
                        token: token.clone(),
                        group: request.group_name.clone(),
                        pulling: false,
                    });
                }
                push_frame(out, connection, &connect_ack(request.flag, &token));
                out.events.push(ChannelEvent::Connected {
                    connection,
                    app_key: request.app_key,
                    group: request.group_name,
                });
            }
            Err(reason) => {
                let refusal = connect_refused(frame.flag, REFUSED_STATUS, &reason);
                push_frame(out, connection, &refusal);
                out.events.push(ChannelEvent::Refused {
                    connection,
                    reason: reason.clone(),
                });
                out.close.push((connection, reason));
            }
        }
    }

    /// The CONNECT if it is signed right (the md5 TOP sign over `app_key`,
    /// `group_name` and `timestamp`, PROTOCOL.md) by a known app, its
    /// timestamp within the gateway's skew; else the refusal's phrase.
    fn check_connect(&self, frame: &Frame, now_ms: i64) -> Result<ConnectRequest, String> {
        let request = ConnectRequest::from_frame(frame).map_err(|e| e.message)?;
        let Some((_, secret)) = self.apps.iter().find(|(k, _)| *k == request.app_key) else {
            return Err(format!("unknown app_key {:?}", request.app_key));
        };
        let Some(at) = request.timestamp_ms() else {
            return Err(format!(
                "timestamp {:?} is not epoch milliseconds",
                request.timestamp
            ));
        };
        if now_ms.saturating_sub(at).saturating_abs() > self.max_skew_ms {
            return Err(format!("timestamp {at} is too far from the server's time"));
        }
        request.verify(secret).map_err(|e| e.message)?;
        Ok(request)
    }

    // ---- messages from a connection ----

    fn on_send(&mut self, connection: u64, frame: &Frame, now_ms: i64, out: &mut ChannelOutput) {
        let Some(online) = self
            .connections
            .get_mut(&connection)
            .and_then(|c| c.online.as_mut())
        else {
            return;
        };
        if frame.token.as_deref() != Some(online.token.as_str()) {
            return;
        }
        match ClientRequest::from_frame(frame) {
            Ok(ClientRequest::Pull) => {
                online.pulling = true;
                self.hand_out(connection, now_ms, out);
            }
            Ok(ClientRequest::Confirm { id }) => self.confirm(id, &mut out.events),
            Ok(ClientRequest::Failed { id, reason }) => {
                self.fail(id, &reason, &mut out.events);
                // The failed message is ready again, and this connection pulls.
                self.hand_out(connection, now_ms, out);
            }
            // Nothing a TMC server does; a confirm without an id names no message.
            Ok(ClientRequest::Other(_)) | Err(_) => {}
        }
    }

    fn confirm(&mut self, id: i64, events: &mut Vec<ChannelEvent>) {
        let Some(&i) = self.index.get(&id) else {
            return;
        };
        if self.unqueue(i) {
            if let Some(m) = self.messages.get_mut(i) {
                m.state = MessageState::Confirmed;
            }
            events.push(ChannelEvent::Confirmed { id });
        }
    }

    fn fail(&mut self, id: i64, reason: &str, events: &mut Vec<ChannelEvent>) {
        let Some(&i) = self.index.get(&id) else {
            return;
        };
        let delivered = self
            .messages
            .get(i)
            .is_some_and(|m| m.state == MessageState::Delivered);
        if delivered && self.unqueue(i) {
            self.queue(i);
            events.push(ChannelEvent::Failed {
                id,
                reason: reason.to_owned(),
            });
        }
    }

    /// Takes message `i` out of the set its state keeps it in; false if it
    /// is confirmed (in none).
    fn unqueue(&mut self, i: usize) -> bool {
        let Some(m) = self.messages.get_mut(i) else {
            return false;
        };
        match m.state {
            MessageState::Queued => {
                if let Some(set) = self.ready.get_mut(&m.group) {
                    set.remove(&i);
                }
            }
            MessageState::Delivered => {
                self.due.remove(&(m.until_ms, i));
                if let Some(set) = m.holder.take().and_then(|c| self.held.get_mut(&c)) {
                    set.remove(&i);
                }
            }
            MessageState::Confirmed => return false,
        }
        true
    }

    /// Puts message `i` (taken out of its set) back in its group's queue.
    fn queue(&mut self, i: usize) {
        if let Some(m) = self.messages.get_mut(i) {
            m.state = MessageState::Queued;
            m.holder = None;
            self.ready.entry(m.group.clone()).or_default().insert(i);
        }
    }

    // ---- handing out ----

    /// Up to a batch of ready messages of the connection's group, as data frames.
    fn hand_out(&mut self, connection: u64, now_ms: i64, out: &mut ChannelOutput) {
        let Some(online) = self
            .connections
            .get(&connection)
            .and_then(|c| c.online.as_ref())
        else {
            return;
        };
        let (token, group) = (online.token.clone(), online.group.clone());
        for i in self.take_ready(&group, self.options.batch, now_ms) {
            let Some(m) = self.messages.get_mut(i) else {
                continue;
            };
            m.attempts += 1;
            m.holder = Some(connection);
            self.held.entry(connection).or_default().insert(i);
            let frame = data_frame(&token, &m.message);
            push_frame(out, connection, &frame);
            out.events.push(ChannelEvent::Delivered {
                id: m.message.id,
                connection: Some(connection),
                attempt: m.attempts,
            });
        }
    }

    /// The positions of up to `n` messages of `group` ready at `now_ms`
    /// (queued, or delivered and fallen due), oldest first, marked delivered
    /// until `now_ms + redeliver_ms`.
    fn take_ready(&mut self, group: &str, n: usize, now_ms: i64) -> Vec<usize> {
        while let Some(&(until, i)) = self.due.first() {
            if until > now_ms {
                break;
            }
            self.unqueue(i);
            self.queue(i);
        }
        let until = now_ms.saturating_add(self.options.redeliver_ms);
        let mut taken = Vec::new();
        while taken.len() < n {
            let Some(i) = self.ready.get_mut(group).and_then(BTreeSet::pop_first) else {
                break;
            };
            if let Some(m) = self.messages.get_mut(i) {
                m.state = MessageState::Delivered;
                m.until_ms = until;
                self.due.insert((until, i));
                taken.push(i);
            }
        }
        taken
    }

    fn consume(
        &mut self,
        group: &str,
        quantity: usize,
        now_ms: i64,
        events: &mut Vec<ChannelEvent>,
    ) -> Value {
        let mut items = Vec::new();
        for i in self.take_ready(group, quantity, now_ms) {
            let Some(m) = self.messages.get_mut(i) else {
                continue;
            };
            m.attempts += 1;
            m.holder = None;
            events.push(ChannelEvent::Delivered {
                id: m.message.id,
                connection: None,
                attempt: m.attempts,
            });
            items.push(http_message(&m.message));
        }
        if items.is_empty() {
            // TOP leaves `messages` out when there are none.
            return Value::Object(Vec::new());
        }
        Value::object([("messages", Value::List(items))])
    }

    /// Messages held by a connection that is gone (or connected anew) are queued again.
    fn release_held_by(&mut self, connection: u64) {
        for i in self.held.remove(&connection).unwrap_or_default() {
            self.unqueue(i);
            self.queue(i);
        }
    }
}

/// A message as `taobao.tmc.messages.consume` returns it.
fn http_message(m: &TmcMessage) -> Value {
    let mut pairs = vec![
        ("content".into(), Value::String(m.content.clone().into())),
        ("id".into(), Value::Int(m.id)),
    ];
    if let Some(p) = &m.publisher {
        pairs.push(("pub_app_key".into(), Value::String(p.clone().into())));
    }
    if let Some(text) = m.published.and_then(|ms| format_timestamp(ms).ok()) {
        pairs.push(("pub_time".into(), Value::String(text.into())));
    }
    pairs.push(("topic".into(), Value::String(m.topic.clone().into())));
    if let Some(u) = m.user_id {
        pairs.push(("user_id".into(), Value::Int(u)));
    }
    if let Some(n) = &m.nick {
        pairs.push(("user_nick".into(), Value::String(n.clone().into())));
    }
    Value::Object(pairs)
}

fn push_frame(out: &mut ChannelOutput, connection: u64, frame: &Frame) {
    match encode_frame(frame) {
        Ok(bytes) => out.frames.push((connection, bytes)),
        // Only a value too long for the format's length field fails; the
        // connection cannot be served that message.
        Err(e) => out.close.push((connection, Error::from(e).to_string())),
    }
}

/// A session token shaped like the UUID TOP sends, derived from the
/// connection and its handshake (the core draws no random numbers).
fn token(connection: u64, request: &ConnectRequest) -> String {
    use md5::{Digest, Md5};
    let mut h = Md5::new();
    let n = connection.to_string();
    for part in [
        &n,
        &request.app_key,
        &request.group_name,
        &request.timestamp,
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let hex = crate::rules::sign::upper_hex(&h.finalize()).to_ascii_lowercase();
    let part = |a: usize, b: usize| hex.get(a..b).unwrap_or("");
    format!(
        "{}-{}-{}-{}-{}",
        part(0, 8),
        part(8, 12),
        part(12, 16),
        part(16, 20),
        part(20, 32)
    )
}
