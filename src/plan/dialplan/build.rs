//! The dialplan of a site, from its routes.
//!
//! - One **inbound** context per context name used by Twilio origination, a trunk or a PSTN
//!   line: the routes from those sources, reaching extensions, voicemail and fixed forward
//!   numbers only. Never an include, never a caller-chosen number.
//! - **internal**: what authenticated extensions reach (every extension, voicemail) plus the
//!   outbound routes allowed to every extension; `internal-<ext>` adds the routes allowed to
//!   that extension alone.
//! - One **route-<name>** context per outbound route: strict patterns, digits only to the trunk.
//! - **messages-EXT** per extension allowed to text: its endpoint's `message_context`; says
//!   who sends (the endpoint, never the message) and goes on to **messages** (to an extension,
//!   or out through WebSMS); **reject** for everyone else, guests and the Twilio termination
//!   endpoint.
//! - The **WebSMS** call-file contexts: deliver a message to extensions, cannot dial.
//! - One **click-to-call-<name>** context per click-to-call button (a public account): every
//!   number dialled rings the button's callee, at most `max_concurrent` calls at once. No
//!   include, no jump out, no `${EXTEN}`.
//!
//! Every dial string uses the driver that serves the party dialled (pjsip.conf or sip.conf), and
//! extensions are dialled by their device names (`ext<number>`), never by number.

use super::contexts::{Context, DialTarget, Dialplan, Extension, Step, Tech, Trust};
use crate::asterisk::fast_hash::{FastMap, FastSet};
use crate::diag::Error;
use crate::plan::names::{
    CLICK_TO_CALL_GROUP, CLICK_TO_CALL_PREFIX, INTERNAL_CONTEXT, INTERNAL_RING_SECONDS,
    MESSAGES_CONTEXT, REJECT_CONTEXT, SMS_SENDER_VARIABLE, TWILIO_TERMINATION, VOICEMAIL_CONTEXT,
    VOICEMAIL_MAIN, click_to_call_name,
};
use crate::profile::resolved::{TWILIO, TrunkRef, extension_device_name};
use crate::profile::{Allowed, ChannelDriver, Fallback, InboundRoute, Profile};

/// Patterns of a route without a DID: anything a trunk may send as the called number.
const ANY_NUMBER: [&str; 2] = ["_[+0-9].", "_[+0-9]"];
const ROUTE_PREFIX: &str = "route-";

/// Build the dialplan.
pub fn build(profile: &Profile) -> Result<Dialplan, Error> {
    check_reserved_names(profile)?;
    let mut contexts = inbound_contexts(profile)?;
    contexts.extend(internal_contexts(profile));
    contexts.extend(route_contexts(profile)?);
    contexts.extend(messages_contexts(profile));
    contexts.extend(websms_contexts(profile));
    contexts.extend(click_to_call_contexts(profile));
    contexts.push(Context {
        name: REJECT_CONTEXT.to_string(),
        trust: Trust::Nothing,
        description: vec![
            "Reaches nothing: chan_sip guests (refused anyway), MESSAGEs from parties that may not"
                .into(),
            "text, and anything identified as the Twilio termination endpoint.".into(),
        ],
        includes: Vec::new(),
        extensions: any_number_to(vec![Step::Hangup]),
    });
    Ok(Dialplan { contexts })
}

/// The dial technology of a channel driver.
fn tech(driver: ChannelDriver) -> Tech {
    match driver {
        ChannelDriver::Pjsip => Tech::Pjsip,
        ChannelDriver::Sip => Tech::Sip,
    }
}

/// Extension `number`, dialled by its device name with the driver that serves it.
fn extension_target(profile: &Profile, number: &str) -> DialTarget {
    let driver = profile.extension(number).map_or_else(
        || profile.default_driver(),
        |e| profile.driver(e.driver.as_ref()),
    );
    DialTarget {
        tech: tech(driver),
        resource: extension_device_name(number),
        via: None,
    }
}

/// `s` with `steps`, and every number jumping there.
fn any_number_to(steps: Vec<Step>) -> Vec<Extension> {
    let mut out = vec![Extension {
        pattern: "s".into(),
        steps,
    }];
    out.extend(ANY_NUMBER.iter().map(|p| Extension {
        pattern: p.to_string(),
        steps: vec![Step::Goto { exten: "s".into() }],
    }));
    out
}

/// Contexts pbxgen names itself may not be used by the profile.
fn check_reserved_names(profile: &Profile) -> Result<(), Error> {
    let mut named = Vec::new();
    if let Some(o) = profile.twilio.as_ref().and_then(|t| t.origination.as_ref()) {
        named.push(&o.context);
    }
    named.extend(profile.trunks.iter().map(|t| &t.context));
    named.extend(profile.pstn_lines().map(|(_, p)| &p.context));
    let websms = profile.websms();
    if let Some(w) = websms {
        named.push(&w.channel_context);
        named.push(&w.text_context);
    }
    for context in named {
        let name = context.as_str();
        let reserved = [INTERNAL_CONTEXT, MESSAGES_CONTEXT, REJECT_CONTEXT].contains(&name)
            || name.starts_with(&format!("{INTERNAL_CONTEXT}-"))
            || name.starts_with(&format!("{MESSAGES_CONTEXT}-"))
            || name.starts_with(ROUTE_PREFIX)
            || name.starts_with(CLICK_TO_CALL_PREFIX);
        if reserved {
            return Err(Error::at(
                context.pos().location(),
                format!("context `{name}` is a name pbxgen uses for its own contexts"),
            )
            .with_hint(format!(
                "pbxgen uses `{INTERNAL_CONTEXT}`, `{INTERNAL_CONTEXT}-EXT`, `{ROUTE_PREFIX}NAME`, `{CLICK_TO_CALL_PREFIX}NAME`, `{MESSAGES_CONTEXT}`, `{MESSAGES_CONTEXT}-EXT` and `{REJECT_CONTEXT}`; name inbound contexts like `from-…`"
            )));
        }
    }
    if let Some(w) = websms {
        let inbound = inbound_sources(profile);
        for context in [&w.channel_context, &w.text_context] {
            if inbound.iter().any(|(_, c)| c == context.as_str()) {
                return Err(Error::at(
                    context.pos().location(),
                    format!("WebSMS context `{context}` is also the inbound context of a trunk"),
                )
                .with_hint("WebSMS contexts deliver messages only; give them their own names"));
            }
        }
    }
    Ok(())
}

/// `(source name, context)` of every inbound source, in profile order.
fn inbound_sources(profile: &Profile) -> Vec<(String, String)> {
    let mut sources = Vec::new();
    if let Some(o) = profile.twilio.as_ref().and_then(|t| t.origination.as_ref()) {
        sources.push((TWILIO.to_string(), o.context.to_string()));
    }
    sources.extend(
        profile
            .trunks
            .iter()
            .map(|t| (t.name.to_string(), t.context.to_string())),
    );
    sources.extend(
        profile
            .pstn_lines()
            .map(|(_, p)| (p.trunk.to_string(), p.context.to_string())),
    );
    sources
}

/// How calls to a trunk are dialled.
struct TrunkDial {
    /// The endpoint (pjsip) or peer (chan_sip) name.
    name: String,
    /// The driver serving it.
    tech: Tech,
    /// The caller number to present there.
    caller: Option<String>,
}

/// How calls to `trunk` (a route's trunk name) are dialled.
fn trunk_dial(profile: &Profile, trunk: &str) -> Result<TrunkDial, Error> {
    let Some(found) = profile.trunk_ref(trunk) else {
        return Err(Error::invalid(format!(
            "a route names `{trunk}`, which is not a trunk"
        )));
    };
    let (name, caller) = match found {
        TrunkRef::Twilio(twilio) => match &twilio.termination {
            Some(t) => (
                TWILIO_TERMINATION.to_string(),
                t.caller_id.as_ref().map(|c| c.to_string()),
            ),
            None => {
                return Err(Error::invalid(format!(
                    "a route sends calls out through `{TWILIO}`, but `twilio.termination` is not configured"
                )));
            }
        },
        TrunkRef::Trunk(t) => (
            t.name.to_string(),
            t.caller_id.as_ref().map(|c| c.to_string()),
        ),
        TrunkRef::Pstn(_, p) => (p.trunk.to_string(), None),
    };
    Ok(TrunkDial {
        name,
        tech: tech(profile.trunk_ref_driver(&found)),
        caller,
    })
}

fn voicemail_enabled(profile: &Profile, number: &str) -> bool {
    profile
        .extension(number)
        .and_then(|e| e.voicemail.as_ref())
        .is_some_and(|v| v.enabled)
}

fn route_steps(profile: &Profile, route: &InboundRoute) -> Result<Vec<Step>, Error> {
    let mut steps = Vec::new();
    if !route.ring.is_empty() {
        let targets = route
            .ring
            .iter()
            .map(|n| extension_target(profile, n))
            .collect();
        steps.push(Step::Dial {
            targets,
            timeout: Some(route.timeout.value),
        });
    }
    if let Some(forward) = &route.forward {
        let trunk = trunk_dial(profile, &forward.via)?;
        if let Some(number) = trunk.caller {
            steps.push(Step::SetCallerNumber { number });
        }
        let target = DialTarget {
            tech: trunk.tech,
            resource: forward.number.to_string(),
            via: Some(trunk.name),
        };
        steps.push(Step::Dial {
            targets: vec![target],
            timeout: None,
        });
    }
    if let Fallback::Voicemail(number) = &route.fallback {
        if !voicemail_enabled(profile, number) {
            return Err(Error::at(
                number.pos().location(),
                format!("fallback `voicemail:{number}`: extension {number} has no voicemail box"),
            )
            .with_hint(format!(
                "give extension {number} `voicemail: {{ pin: … }}`, or use `fallback: hangup`"
            )));
        }
        steps.push(Step::VoiceMail {
            mailbox: number.to_string(),
            context: VOICEMAIL_CONTEXT.to_string(),
        });
    }
    steps.push(Step::Hangup);
    Ok(steps)
}

fn inbound_contexts(profile: &Profile) -> Result<Vec<Context>, Error> {
    let sources = inbound_sources(profile);
    let mut contexts: Vec<Context> = Vec::new();
    // Context name → index in `contexts`, and the numbers each context answers: a provider
    // has thousands of trunks and DIDs.
    let mut index_of: FastMap<&str, usize> = FastMap::default();
    let mut answered: Vec<FastSet<String>> = Vec::new();
    for (source, context_name) in &sources {
        let index = *index_of.entry(context_name).or_insert_with(|| {
            contexts.push(Context {
                name: context_name.clone(),
                trust: Trust::Untrusted,
                description: Vec::new(),
                includes: Vec::new(),
                extensions: Vec::new(),
            });
            answered.push(FastSet::default());
            contexts.len() - 1
        });
        let context = &mut contexts[index];
        let who = if source == TWILIO {
            "Calls from Twilio (shared Twilio addresses: any Twilio customer can send calls here)"
                .to_string()
        } else {
            format!("Calls from `{source}` (anyone who can call its numbers)")
        };
        context.description.push(format!("{who}."));
        for route in profile.inbound_from(source) {
            let steps = route_steps(profile, route)?;
            let patterns: Vec<String> = match &route.did {
                Some(did) => vec![did.to_string()],
                None => vec!["s".to_string()],
            };
            for pattern in patterns {
                if !answered[index].insert(pattern.clone()) {
                    return Err(Error::at(
                        route.from.pos().location(),
                        format!(
                            "two inbound routes of context `{}` answer the same number ({})",
                            context.name,
                            if pattern == "s" {
                                "every number: neither has a `did`".to_string()
                            } else {
                                pattern.clone()
                            }
                        ),
                    )
                    .with_hint(
                        "give the routes different `did`s, or the sources different contexts",
                    ));
                }
                context.extensions.push(Extension {
                    pattern,
                    steps: steps.clone(),
                });
            }
        }
    }
    for context in &mut contexts {
        context
            .description
            .push("Reaches local destinations and fixed forward numbers only: no include, no dialled number.".into());
        if context.extensions.iter().any(|e| e.pattern == "s") {
            // A route without `did`: every called number takes it.
            context
                .extensions
                .extend(ANY_NUMBER.iter().map(|p| Extension {
                    pattern: p.to_string(),
                    steps: vec![Step::Goto { exten: "s".into() }],
                }));
        } else if context.extensions.is_empty() {
            context
                .description
                .push("No inbound route: every call is refused.".into());
            context.extensions = any_number_to(vec![Step::Hangup]);
        }
    }
    Ok(contexts)
}

fn route_context_name(route: &str) -> String {
    format!("{ROUTE_PREFIX}{route}")
}

fn internal_contexts(profile: &Profile) -> Vec<Context> {
    let mut extensions: Vec<Extension> = profile
        .extensions
        .iter()
        .map(|ext| {
            let number = ext.number.to_string();
            let mut steps = vec![Step::Dial {
                targets: vec![extension_target(profile, &number)],
                timeout: Some(INTERNAL_RING_SECONDS),
            }];
            if voicemail_enabled(profile, &number) {
                steps.push(Step::VoiceMail {
                    mailbox: number.clone(),
                    context: VOICEMAIL_CONTEXT.to_string(),
                });
            }
            steps.push(Step::Hangup);
            Extension {
                pattern: number,
                steps,
            }
        })
        .collect();
    if profile
        .extensions
        .iter()
        .any(|e| voicemail_enabled(profile, &e.number))
    {
        extensions.push(Extension {
            pattern: VOICEMAIL_MAIN.to_string(),
            steps: vec![
                Step::VoiceMailMain {
                    context: VOICEMAIL_CONTEXT.to_string(),
                },
                Step::Hangup,
            ],
        });
    }
    let mut contexts = vec![Context {
        name: INTERNAL_CONTEXT.to_string(),
        trust: Trust::Authenticated,
        description: vec![
            "Calls from extensions (authenticated by their secrets): every extension, voicemail,"
                .into(),
            "and the outbound routes every extension may use.".into(),
        ],
        includes: profile
            .outbound
            .iter()
            .filter(|r| r.allowed == Allowed::AllExtensions)
            .map(|r| route_context_name(&r.name))
            .collect(),
        extensions,
    }];
    for ext in &profile.extensions {
        let restricted: Vec<String> = profile
            .routes_restricted_to(&ext.number)
            .map(|r| route_context_name(&r.name))
            .collect();
        if restricted.is_empty() {
            continue;
        }
        let mut includes = vec![INTERNAL_CONTEXT.to_string()];
        includes.extend(restricted);
        contexts.push(Context {
            name: format!("{INTERNAL_CONTEXT}-{}", ext.number),
            trust: Trust::Authenticated,
            description: vec![format!(
                "Calls from extension {} ({}): everything of `{INTERNAL_CONTEXT}`, and the routes allowed to it alone.",
                ext.number, ext.name
            )],
            includes,
            extensions: Vec::new(),
        });
    }
    contexts
}

fn route_contexts(profile: &Profile) -> Result<Vec<Context>, Error> {
    profile
        .outbound
        .iter()
        .map(|route| {
            let trunk = trunk_dial(profile, &route.trunk)?;
            let mut steps = Vec::new();
            if let Some(number) = trunk.caller {
                steps.push(Step::SetCallerNumber { number });
            }
            steps.push(Step::DialOut {
                tech: trunk.tech,
                trunk: trunk.name,
                prepend: route
                    .prepend
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
                strip: u32::from(route.prefix_strip.value),
            });
            steps.push(Step::Hangup);
            let who = match &route.allowed {
                Allowed::AllExtensions => "every extension".to_string(),
                Allowed::Extensions(list) => {
                    format!(
                        "extensions {}",
                        list.iter()
                            .map(|n| n.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            };
            Ok(Context {
                name: route_context_name(&route.name),
                trust: Trust::Included,
                description: vec![
                    format!(
                        "Outbound route `{}` via `{}`, for {who}.",
                        route.name, route.trunk
                    ),
                    "Only digits of the dialled number reach the trunk.".into(),
                ],
                includes: Vec::new(),
                extensions: route
                    .patterns
                    .iter()
                    .map(|p| Extension {
                        pattern: p.to_string(),
                        steps: steps.clone(),
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The MESSAGE contexts: one per extension that may text (its endpoint's `message_context`,
/// which alone knows who sends), all going on to the shared `messages`. Texting is pjsip's
/// (validation refuses `sms` on a chan_sip extension).
fn messages_contexts(profile: &Profile) -> Vec<Context> {
    let senders: Vec<_> = profile.extensions.iter().filter(|e| e.sms).collect();
    if senders.is_empty() {
        return Vec::new();
    }
    let mut contexts: Vec<Context> = senders
        .iter()
        .map(|ext| Context {
            name: format!("{MESSAGES_CONTEXT}-{}", ext.number),
            trust: Trust::Authenticated,
            description: vec![
                format!(
                    "SIP MESSAGEs from extension {} ({}), authenticated: the sender is {},",
                    ext.number, ext.name, ext.number
                ),
                "whatever the message says about itself.".into(),
            ],
            includes: Vec::new(),
            extensions: ANY_NUMBER
                .iter()
                .map(|p| Extension {
                    pattern: p.to_string(),
                    steps: vec![
                        Step::SetSender {
                            variable: SMS_SENDER_VARIABLE.to_string(),
                            number: ext.number.to_string(),
                        },
                        Step::GotoContext {
                            context: MESSAGES_CONTEXT.to_string(),
                        },
                    ],
                })
                .collect(),
        })
        .collect();
    let mut extensions: Vec<Extension> = profile
        .extensions
        .iter()
        .map(|ext| Extension {
            pattern: ext.number.to_string(),
            steps: if ext.sms {
                vec![
                    Step::MessageSend {
                        tech: Tech::Pjsip,
                        endpoint: extension_device_name(&ext.number),
                        sender: Some(SMS_SENDER_VARIABLE.to_string()),
                    },
                    Step::Hangup,
                ]
            } else {
                vec![Step::Hangup]
            },
        })
        .collect();
    let mut description = vec![
        format!(
            "SIP MESSAGEs of extensions that may text, from their `{MESSAGES_CONTEXT}-EXT` contexts (which set"
        ),
        format!("{SMS_SENDER_VARIABLE}): to an extension that may text, from the sender's number,"),
    ];
    if profile.websms().is_some() {
        description.push("or to any other number through the WebSMS bridge (digits only).".into());
        extensions.push(Extension {
            pattern: ANY_NUMBER[0].to_string(),
            steps: vec![
                Step::WebSmsSend {
                    sender: SMS_SENDER_VARIABLE.to_string(),
                },
                Step::Hangup,
            ],
        });
    } else {
        description.push("and nowhere else.".into());
    }
    contexts.push(Context {
        name: MESSAGES_CONTEXT.to_string(),
        trust: Trust::Authenticated,
        description,
        includes: Vec::new(),
        extensions,
    });
    contexts
}

fn websms_contexts(profile: &Profile) -> Vec<Context> {
    let Some(websms) = profile.websms() else {
        return Vec::new();
    };
    let mut deliver: Vec<Step> = vec![Step::DecodeMessageBody];
    deliver.extend(websms.deliver_to.iter().map(|n| Step::MessageSend {
        tech: Tech::Pjsip,
        endpoint: extension_device_name(n),
        sender: None,
    }));
    deliver.push(Step::Hangup);
    vec![
        Context {
            name: websms.channel_context.to_string(),
            trust: Trust::Untrusted,
            description: vec![
                "WebSMS call files start here (websms.conf channel_context): answer so the message".into(),
                "can be delivered. Reached by anyone the webhook accepts. Dials nothing.".into(),
            ],
            includes: Vec::new(),
            extensions: vec![Extension { pattern: ANY_NUMBER[0].to_string(), steps: vec![Step::Answer, Step::Hangup] }],
        },
        Context {
            name: websms.text_context.to_string(),
            trust: Trust::Untrusted,
            description: vec![
                "WebSMS delivers incoming messages here (websms.conf context): to the extensions that".into(),
                "receive them. Reached by anyone the webhook accepts. Dials nothing.".into(),
            ],
            includes: Vec::new(),
            extensions: vec![Extension { pattern: ANY_NUMBER[0].to_string(), steps: deliver }],
        },
    ]
}

/// What a click-to-call caller may dial: anything made of digits, `*`, `#` and `+` (letters are
/// left out so that no pattern matches the special extensions `h`, `i`, `t`…). Each jumps to
/// `s`, which ignores what was dialled.
const CLICK_TO_CALL_NUMBERS: [&str; 2] = ["_[0-9*#+].", "_[0-9*#+]"];

fn click_to_call_contexts(profile: &Profile) -> Vec<Context> {
    profile
        .click_to_call
        .iter()
        .map(|button| {
            let account = click_to_call_name(&button.name);
            let max = button.max_concurrent.value;
            let steps = vec![
                Step::JoinGroup {
                    category: CLICK_TO_CALL_GROUP.to_string(),
                    group: button.name.to_string(),
                },
                Step::RefuseOverLimit {
                    category: CLICK_TO_CALL_GROUP.to_string(),
                    group: button.name.to_string(),
                    max,
                },
                Step::SetCallerId {
                    name: button.caller_id.to_string(),
                    number: account.clone(),
                },
                // The callee's device, with the driver serving it (the button's own account is
                // pjsip's; the call may cross to chan_sip).
                Step::Dial {
                    targets: vec![extension_target(profile, &button.callee)],
                    timeout: Some(INTERNAL_RING_SECONDS),
                },
                Step::Hangup,
            ];
            let mut extensions = vec![Extension {
                pattern: "s".into(),
                steps,
            }];
            extensions.extend(CLICK_TO_CALL_NUMBERS.iter().map(|p| Extension {
                pattern: p.to_string(),
                steps: vec![Step::Goto { exten: "s".into() }],
            }));
            Context {
                name: account.clone(),
                trust: Trust::Untrusted,
                description: vec![
                    format!(
                        "Click-to-call button `{}`: its account `{account}` is PUBLIC (the web page holds its",
                        button.name
                    ),
                    format!(
                        "credentials). Whatever is dialled rings extension {} only, as \"{}\", at most {max} at once.",
                        button.callee, button.caller_id
                    ),
                ],
                includes: Vec::new(),
                extensions,
            }
        })
        .collect()
}
