//! The dialplan as data: contexts of extensions of steps. Each step is one application line
//! (`exten => 101,1,Dial(PJSIP/101,20)` / `same => n,…`); templates only format them.
//!
//! Steps are a closed set on purpose: there is no step that dials a caller-chosen number
//! unfiltered, and the only steps that reach a trunk are [`Step::DialOut`] (digits only) and a
//! [`Step::Dial`] target with a fixed number.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Dialplan {
    pub contexts: Vec<Context>,
}

impl Dialplan {
    pub fn context(&self, name: &str) -> Option<&Context> {
        self.contexts.iter().find(|c| c.name == name)
    }
}

/// Who reaches a context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trust {
    /// Anyone who can call a number or send a webhook: trunks, Twilio, the PSTN line, WebSMS.
    /// Reaches only local destinations and fixed numbers.
    Untrusted,
    /// Extensions that authenticated with their secret.
    Authenticated,
    /// Reached from no entry point directly (outbound routes, included by authenticated
    /// contexts).
    Included,
    /// Reaches nothing at all (guests, refused MESSAGEs).
    Nothing,
}

#[derive(Debug, Clone, Serialize)]
pub struct Context {
    pub name: String,
    pub trust: Trust,
    /// Comment lines explaining who lands here and what it can reach.
    pub description: Vec<String>,
    pub includes: Vec<String>,
    pub extensions: Vec<Extension>,
}

/// One extension (or pattern) and its priorities.
#[derive(Debug, Clone, Serialize)]
pub struct Extension {
    /// An exact extension (`101`, `+15551234567`, `s`) or a pattern (`_0[1-9]XXXXXXXX`).
    pub pattern: String,
    pub steps: Vec<Step>,
}

/// The channel technology a dial string uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Tech {
    #[serde(rename = "PJSIP")]
    Pjsip,
    #[serde(rename = "SIP")]
    Sip,
}

impl Tech {
    /// The URI scheme `MessageSend` uses for this technology.
    pub fn message_scheme(self) -> &'static str {
        match self {
            Tech::Pjsip => "pjsip",
            Tech::Sip => "sip",
        }
    }
}

/// `TECH/resource` or `TECH/number@endpoint`.
#[derive(Debug, Clone, Serialize)]
pub struct DialTarget {
    pub tech: Tech,
    /// An endpoint/peer name, or a fixed number when `via` is set.
    pub resource: String,
    /// The trunk a fixed number is dialled through.
    pub via: Option<String>,
}

/// One application line.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "app", rename_all = "snake_case")]
pub enum Step {
    /// `Dial(T1&T2,timeout)`: local endpoints and/or fixed numbers.
    Dial {
        targets: Vec<DialTarget>,
        timeout: Option<u32>,
    },
    /// `Dial(TECH/<prepend>${FILTER(0-9+,${EXTEN:<strip>})}@trunk)`: an outbound route. Only
    /// digits (and `+`) of what the caller dialled reach the trunk.
    DialOut {
        tech: Tech,
        trunk: String,
        prepend: String,
        strip: u32,
    },
    /// `Set(CALLERID(num)=…)` with a fixed number (Twilio refuses unverified caller IDs).
    SetCallerNumber {
        number: String,
    },
    /// `VoiceMail(mailbox@context,u)`.
    VoiceMail {
        mailbox: String,
        context: String,
    },
    /// `VoiceMailMain(@context)`: asks for mailbox and PIN.
    VoiceMailMain {
        context: String,
    },
    /// `MessageSend(scheme:endpoint,FROM)` to a local endpoint. FROM is `${<sender>}` (the
    /// sender's extension number, set by [`Step::SetSender`]) when `sender` is given, else
    /// `${MESSAGE(from)}`.
    MessageSend {
        tech: Tech,
        endpoint: String,
        sender: Option<String>,
    },
    /// `Set(<variable>=<number>)`: the extension a MESSAGE comes from, known by the context its
    /// endpoint sends MESSAGEs to (never read from the message, which the sender writes).
    SetSender {
        variable: String,
        number: String,
    },
    /// `Goto(context,${FILTER(0-9+,${EXTEN})},1)`: on to the shared context, digits only.
    GotoContext {
        context: String,
    },
    /// `Set(MESSAGE(body)=${URIDECODE(${MESSAGE(body)})})`: WebSMS queues bodies URL-encoded.
    DecodeMessageBody,
    /// `AGI(websms,…)`: send an SMS out through the WebSMS bridge, digits only as destination
    /// and sender (`${<sender>}`, set by [`Step::SetSender`]).
    WebSmsSend {
        sender: String,
    },
    /// `Set(GROUP(category)=group)`: count this call in `group` (click-to-call buttons).
    JoinGroup {
        category: String,
        group: String,
    },
    /// `ExecIf($[${GROUP_COUNT(group@category)} > max]?Hangup(34))`: refuse the call (cause 34,
    /// no circuit available) when more than `max` calls are in the group, this one included.
    RefuseOverLimit {
        category: String,
        group: String,
        max: u32,
    },
    /// `Set(CALLERID(all)="name" <number>)`: replace whatever caller ID the caller sent.
    SetCallerId {
        name: String,
        number: String,
    },
    /// `Goto(exten,1)` in the same context.
    Goto {
        exten: String,
    },
    Answer,
    Hangup,
}
