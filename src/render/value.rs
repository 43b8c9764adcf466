//! The plan as templates see it (`site`): serialized once, except the two parts that grow with
//! a provider's tens of thousands of accounts: the accounts of `site.pjsip.accounts` and the
//! contexts of `site.dialplan`. Those are values made from the plan as the template reads them
//! (a list item when the template reaches it, a field when the template asks for it, let go
//! after), each the same as what serializing the plan would give, so that no deep copy of every
//! account and extension is built, hashed, held and freed; and a file rendered in parts sees
//! only its part's accounts. This file says how templates see an account and the dialplan.

use crate::plan::Plan;
use crate::plan::dialplan::{Dialplan, Step, Tech};
use crate::plan::net_text;
use crate::plan::pjsip::Account;
use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use std::ops::Range;
use std::sync::Arc;

/// The template value of a plan, from which each render takes its `site`.
pub struct SiteValue {
    /// The plan serialized (without the accounts and the dialplan).
    base: Value,
    /// The plan's accounts, when it has a pjsip side.
    accounts: Option<Arc<Vec<Account>>>,
    /// `site.dialplan`.
    dialplan: Value,
}

impl SiteValue {
    pub fn new(plan: &Plan) -> SiteValue {
        SiteValue {
            base: Value::from_serialize(plan),
            accounts: plan.pjsip.as_ref().map(|p| Arc::clone(&p.accounts)),
            dialplan: Value::from_object(DialplanValue {
                dialplan: Arc::clone(&plan.dialplan),
                at: DialplanAt::Dialplan,
            }),
        }
    }

    /// `site` with `site.pjsip.accounts` holding the accounts `range` (all of them:
    /// `0..usize::MAX`).
    pub fn with_accounts(&self, range: Range<usize>) -> Value {
        let mut site = vec![("dialplan", self.dialplan.clone())];
        if let Some(accounts) = &self.accounts {
            let end = range.end.min(accounts.len());
            let list = Value::from_object(Accounts {
                accounts: Arc::clone(accounts),
                range: range.start.min(end)..end,
            });
            let pjsip = self.base.get_attr("pjsip").unwrap_or_default();
            let pjsip = Value::from_object(With {
                base: pjsip,
                replaced: vec![("accounts", list)],
            });
            site.push(("pjsip", pjsip));
        }
        Value::from_object(With {
            base: self.base.clone(),
            replaced: site,
        })
    }

    /// The serialized plan, to be let go of (see [`crate::dispose`]).
    pub fn into_base(self) -> Value {
        self.base
    }
}

/// Accounts `range` of the plan's accounts, as a sequence whose items are made when asked for.
struct Accounts {
    accounts: Arc<Vec<Account>>,
    range: Range<usize>,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "accounts {}..{}", self.range.start, self.range.end)
    }
}

impl Object for Accounts {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let index = self.range.start.checked_add(key.as_usize()?)?;
        if index >= self.range.end || index >= self.accounts.len() {
            return None;
        }
        Some(AccountValue::value(
            &self.accounts,
            index,
            AccountAt::Account,
        ))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.range.len())
    }
}

/// A part of account `index` of the plan's accounts: the account itself (`a` in
/// `{% for a in pjsip.accounts %}`) or one of its objects. Each field is made a value when the
/// template asks for it (a template reads a dozen of an endpoint's twenty fields, most of them
/// once).
struct AccountValue {
    accounts: Arc<Vec<Account>>,
    index: usize,
    at: AccountAt,
}

/// Which part of an account.
#[derive(Debug, Clone, Copy)]
enum AccountAt {
    Account,
    Endpoint,
    CallerId,
    Auths,
    Auth(usize),
    /// The password of auth `n`: `{"secret": id}`, for the `secret` filter.
    Password(usize),
    Aor,
    Identify,
    Registration,
}

impl std::fmt::Debug for AccountValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "account {} {:?}", self.index, self.at)
    }
}

/// A list of networks as serialized: their texts.
fn nets(nets: &[ipnet::IpNet]) -> Value {
    LAST_NETS.with_borrow_mut(|last| last.get_or_make(nets, make_nets))
}

fn make_nets(nets: &[ipnet::IpNet]) -> Value {
    Value::from_iter(
        nets.iter()
            .map(|net| net_text::with_text(net, |text| Value::from(text))),
    )
}

/// A list of codec names as serialized.
fn codecs(codecs: &[&'static str]) -> Value {
    LAST_CODECS.with_borrow_mut(|last| {
        last.get_or_make(codecs, |codecs| {
            Value::from_iter(codecs.iter().map(|c| Value::from(*c)))
        })
    })
}

/// The last list a thread made a value of, and that value. The accounts of a provider mostly
/// share their ACLs and codecs (an endpoint's `permit` is often its `contact_permit` too), so
/// a list is made once and its value shared (lists are immutable in templates) rather than
/// made again, its texts formatted again, for every account.
struct LastList<T> {
    list: Vec<T>,
    value: Option<Value>,
}

impl<T: PartialEq + Clone> LastList<T> {
    const fn new() -> Self {
        LastList {
            list: Vec::new(),
            value: None,
        }
    }

    fn get_or_make(&mut self, list: &[T], make: impl FnOnce(&[T]) -> Value) -> Value {
        if let Some(value) = self.value.as_ref().filter(|_| self.list == list) {
            return value.clone();
        }
        let value = make(list);
        self.list.clear();
        self.list.extend_from_slice(list);
        self.value = Some(value.clone());
        value
    }
}

thread_local! {
    static LAST_NETS: std::cell::RefCell<LastList<ipnet::IpNet>> =
        const { std::cell::RefCell::new(LastList::new()) };
    static LAST_CODECS: std::cell::RefCell<LastList<&'static str>> =
        const { std::cell::RefCell::new(LastList::new()) };
}

/// An optional string as serialized: none or the string.
fn optional(text: &Option<String>) -> Value {
    text.as_deref().map_or(Value::from(()), Value::from)
}

impl AccountValue {
    fn value(accounts: &Arc<Vec<Account>>, index: usize, at: AccountAt) -> Value {
        Value::from_object(AccountValue {
            accounts: Arc::clone(accounts),
            index,
            at,
        })
    }

    /// Part `at` of the same account.
    fn part(&self, at: AccountAt) -> Value {
        AccountValue::value(&self.accounts, self.index, at)
    }

    fn account(&self) -> &Account {
        &self.accounts[self.index]
    }

    /// The field names of this part, in the order serializing it gives.
    fn fields(&self) -> &'static [&'static str] {
        match self.at {
            AccountAt::Account => &[
                "kind",
                "description",
                "endpoint",
                "auths",
                "aor",
                "identify",
                "registration",
            ],
            AccountAt::Endpoint => &[
                "name",
                "template",
                "transport",
                "context",
                "message_context",
                "auth",
                "outbound_auth",
                "aors",
                "callerid",
                "codecs",
                "from_user",
                "from_domain",
                "send_pai",
                "srtp",
                "mailboxes",
                "permit",
                "contact_permit",
            ],
            AccountAt::CallerId => &["name", "number"],
            AccountAt::Auths => &[],
            AccountAt::Auth(_) => &["name", "username", "password"],
            AccountAt::Password(_) => &["secret"],
            AccountAt::Aor => &["name", "max_contacts", "contact", "qualify_frequency"],
            AccountAt::Identify => &["name", "endpoint", "matches"],
            AccountAt::Registration => &[
                "name",
                "transport",
                "outbound_auth",
                "server_uri",
                "client_uri",
                "contact_user",
            ],
        }
    }

    fn field(&self, key: &str) -> Option<Value> {
        let a = self.account();
        Some(match self.at {
            AccountAt::Account => match key {
                "kind" => Value::from_serialize(a.kind),
                "description" => Value::from(a.description.as_str()),
                "endpoint" => self.part(AccountAt::Endpoint),
                "auths" => self.part(AccountAt::Auths),
                "aor" => a
                    .aor
                    .as_ref()
                    .map_or(Value::from(()), |_| self.part(AccountAt::Aor)),
                "identify" => a
                    .identify
                    .as_ref()
                    .map_or(Value::from(()), |_| self.part(AccountAt::Identify)),
                "registration" => a
                    .registration
                    .as_ref()
                    .map_or(Value::from(()), |_| self.part(AccountAt::Registration)),
                _ => return None,
            },
            AccountAt::Endpoint => {
                let e = &a.endpoint;
                match key {
                    "name" => Value::from(e.name.as_str()),
                    "template" => Value::from(e.template),
                    "transport" => optional(&e.transport),
                    "context" => Value::from(e.context.as_str()),
                    "message_context" => Value::from(e.message_context.as_str()),
                    "auth" => optional(&e.auth),
                    "outbound_auth" => optional(&e.outbound_auth),
                    "aors" => optional(&e.aors),
                    "callerid" => e
                        .callerid
                        .as_ref()
                        .map_or(Value::from(()), |_| self.part(AccountAt::CallerId)),
                    "codecs" => codecs(&e.codecs),
                    "from_user" => optional(&e.from_user),
                    "from_domain" => optional(&e.from_domain),
                    "send_pai" => Value::from(e.send_pai),
                    "srtp" => Value::from(e.srtp),
                    "mailboxes" => optional(&e.mailboxes),
                    "permit" => nets(&e.permit),
                    "contact_permit" => nets(&e.contact_permit),
                    _ => return None,
                }
            }
            AccountAt::CallerId => {
                let callerid = a.endpoint.callerid.as_ref()?;
                match key {
                    "name" => Value::from(callerid.name.as_str()),
                    "number" => Value::from(callerid.number.as_str()),
                    _ => return None,
                }
            }
            AccountAt::Auths => return None,
            AccountAt::Auth(n) => {
                let auth = a.auths.get(n)?;
                match key {
                    "name" => Value::from(auth.name.as_str()),
                    "username" => Value::from(auth.username.as_str()),
                    "password" => self.part(AccountAt::Password(n)),
                    _ => return None,
                }
            }
            AccountAt::Password(n) => match key {
                "secret" => Value::from(a.auths.get(n)?.password.secret),
                _ => return None,
            },
            AccountAt::Aor => {
                let aor = a.aor.as_ref()?;
                match key {
                    "name" => Value::from(aor.name.as_str()),
                    "max_contacts" => aor.max_contacts.map_or(Value::from(()), Value::from),
                    "contact" => optional(&aor.contact),
                    "qualify_frequency" => Value::from(aor.qualify_frequency),
                    _ => return None,
                }
            }
            AccountAt::Identify => {
                let identify = a.identify.as_ref()?;
                match key {
                    "name" => Value::from(identify.name.as_str()),
                    "endpoint" => Value::from(identify.endpoint.as_str()),
                    "matches" => nets(&identify.matches),
                    _ => return None,
                }
            }
            AccountAt::Registration => {
                let r = a.registration.as_ref()?;
                match key {
                    "name" => Value::from(r.name.as_str()),
                    "transport" => optional(&r.transport),
                    "outbound_auth" => Value::from(r.outbound_auth.as_str()),
                    "server_uri" => Value::from(r.server_uri.as_str()),
                    "client_uri" => Value::from(r.client_uri.as_str()),
                    "contact_user" => Value::from(r.contact_user.as_str()),
                    _ => return None,
                }
            }
        })
    }
}

impl Object for AccountValue {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        match self.at {
            AccountAt::Auths => ObjectRepr::Seq,
            _ => ObjectRepr::Map,
        }
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        if let AccountAt::Auths = self.at {
            let n = key.as_usize()?;
            return (n < self.account().auths.len()).then(|| self.part(AccountAt::Auth(n)));
        }
        self.field(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.field(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        match self.at {
            AccountAt::Auths => Enumerator::Seq(self.account().auths.len()),
            _ => Enumerator::Str(self.fields()),
        }
    }
}

/// A part of the plan's dialplan (`site.dialplan`, its contexts, their extensions, their
/// steps, a Dial step's targets), its fields made values when the template asks for them.
struct DialplanValue {
    dialplan: Arc<Dialplan>,
    at: DialplanAt,
}

/// Which part of the dialplan: the dialplan, or a list or item found by its indexes (context,
/// extension, step, target).
#[derive(Debug, Clone, Copy)]
enum DialplanAt {
    Dialplan,
    Contexts,
    Context(usize),
    Extensions(usize),
    Extension(usize, usize),
    Steps(usize, usize),
    Step(usize, usize, usize),
    Targets(usize, usize, usize),
    Target(usize, usize, usize, usize),
}

impl std::fmt::Debug for DialplanValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "dialplan {:?}", self.at)
    }
}

/// A Dial step's targets, if `step` is one.
fn targets(step: &Step) -> &[crate::plan::dialplan::DialTarget] {
    match step {
        Step::Dial { targets, .. } => targets,
        _ => &[],
    }
}

/// A technology as serialized.
fn tech(tech: Tech) -> Value {
    Value::from(match tech {
        Tech::Pjsip => "PJSIP",
        Tech::Sip => "SIP",
    })
}

/// A step's fields, in the order serializing it gives (`app` first: the step's tag).
fn step_fields(step: &Step) -> &'static [&'static str] {
    match step {
        Step::Dial { .. } => &["app", "targets", "timeout"],
        Step::DialOut { .. } => &["app", "tech", "trunk", "prepend", "strip"],
        Step::SetCallerNumber { .. } => &["app", "number"],
        Step::VoiceMail { .. } => &["app", "mailbox", "context"],
        Step::VoiceMailMain { .. } => &["app", "context"],
        Step::MessageSend { .. } => &["app", "tech", "endpoint", "sender"],
        Step::SetSender { .. } => &["app", "variable", "number"],
        Step::GotoContext { .. } => &["app", "context"],
        Step::DecodeMessageBody => &["app"],
        Step::WebSmsSend { .. } => &["app", "sender"],
        Step::JoinGroup { .. } => &["app", "category", "group"],
        Step::RefuseOverLimit { .. } => &["app", "category", "group", "max"],
        Step::SetCallerId { .. } => &["app", "name", "number"],
        Step::Goto { .. } => &["app", "exten"],
        Step::Answer => &["app"],
        Step::Hangup => &["app"],
    }
}

/// A step's `app`: its serialized tag.
fn step_app(step: &Step) -> &'static str {
    match step {
        Step::Dial { .. } => "dial",
        Step::DialOut { .. } => "dial_out",
        Step::SetCallerNumber { .. } => "set_caller_number",
        Step::VoiceMail { .. } => "voice_mail",
        Step::VoiceMailMain { .. } => "voice_mail_main",
        Step::MessageSend { .. } => "message_send",
        Step::SetSender { .. } => "set_sender",
        Step::GotoContext { .. } => "goto_context",
        Step::DecodeMessageBody => "decode_message_body",
        Step::WebSmsSend { .. } => "web_sms_send",
        Step::JoinGroup { .. } => "join_group",
        Step::RefuseOverLimit { .. } => "refuse_over_limit",
        Step::SetCallerId { .. } => "set_caller_id",
        Step::Goto { .. } => "goto",
        Step::Answer => "answer",
        Step::Hangup => "hangup",
    }
}

/// Field `key` of `step` other than `app` and `targets`.
fn step_field(step: &Step, key: &str) -> Option<Value> {
    let text = |s: &String| Value::from(s.as_str());
    Some(match (step, key) {
        (Step::Dial { timeout, .. }, "timeout") => timeout.map_or(Value::from(()), Value::from),
        (Step::DialOut { tech: t, .. }, "tech") => tech(*t),
        (Step::DialOut { trunk, .. }, "trunk") => text(trunk),
        (Step::DialOut { prepend, .. }, "prepend") => text(prepend),
        (Step::DialOut { strip, .. }, "strip") => Value::from(*strip),
        (Step::SetCallerNumber { number }, "number") => text(number),
        (Step::VoiceMail { mailbox, .. }, "mailbox") => text(mailbox),
        (Step::VoiceMail { context, .. }, "context") => text(context),
        (Step::VoiceMailMain { context }, "context") => text(context),
        (Step::MessageSend { tech: t, .. }, "tech") => tech(*t),
        (Step::MessageSend { endpoint, .. }, "endpoint") => text(endpoint),
        (Step::MessageSend { sender, .. }, "sender") => optional(sender),
        (Step::SetSender { variable, .. }, "variable") => text(variable),
        (Step::SetSender { number, .. }, "number") => text(number),
        (Step::GotoContext { context }, "context") => text(context),
        (Step::WebSmsSend { sender }, "sender") => text(sender),
        (Step::JoinGroup { category, .. }, "category") => text(category),
        (Step::JoinGroup { group, .. }, "group") => text(group),
        (Step::RefuseOverLimit { category, .. }, "category") => text(category),
        (Step::RefuseOverLimit { group, .. }, "group") => text(group),
        (Step::RefuseOverLimit { max, .. }, "max") => Value::from(*max),
        (Step::SetCallerId { name, .. }, "name") => text(name),
        (Step::SetCallerId { number, .. }, "number") => text(number),
        (Step::Goto { exten }, "exten") => text(exten),
        _ => return None,
    })
}

impl DialplanValue {
    fn part(&self, at: DialplanAt) -> Value {
        Value::from_object(DialplanValue {
            dialplan: Arc::clone(&self.dialplan),
            at,
        })
    }

    /// The length of a list part.
    fn len(&self) -> Option<usize> {
        let contexts = &self.dialplan.contexts;
        Some(match self.at {
            DialplanAt::Contexts => contexts.len(),
            DialplanAt::Extensions(c) => contexts[c].extensions.len(),
            DialplanAt::Steps(c, e) => contexts[c].extensions[e].steps.len(),
            DialplanAt::Targets(c, e, s) => targets(&contexts[c].extensions[e].steps[s]).len(),
            _ => return None,
        })
    }

    /// Item `n` of a list part.
    fn item(&self, n: usize) -> Option<Value> {
        if n >= self.len()? {
            return None;
        }
        Some(self.part(match self.at {
            DialplanAt::Contexts => DialplanAt::Context(n),
            DialplanAt::Extensions(c) => DialplanAt::Extension(c, n),
            DialplanAt::Steps(c, e) => DialplanAt::Step(c, e, n),
            DialplanAt::Targets(c, e, s) => DialplanAt::Target(c, e, s, n),
            _ => return None,
        }))
    }

    /// The field names of a record part, in the order serializing it gives.
    fn fields(&self) -> &'static [&'static str] {
        let contexts = &self.dialplan.contexts;
        match self.at {
            DialplanAt::Dialplan => &["contexts"],
            DialplanAt::Context(_) => &["name", "trust", "description", "includes", "extensions"],
            DialplanAt::Extension(..) => &["pattern", "steps"],
            DialplanAt::Step(c, e, s) => step_fields(&contexts[c].extensions[e].steps[s]),
            DialplanAt::Target(..) => &["tech", "resource", "via"],
            _ => &[],
        }
    }

    /// Field `key` of a record part.
    fn field(&self, key: &str) -> Option<Value> {
        let contexts = &self.dialplan.contexts;
        let strings =
            |list: &[String]| Value::from_iter(list.iter().map(|s| Value::from(s.as_str())));
        Some(match self.at {
            DialplanAt::Dialplan => match key {
                "contexts" => self.part(DialplanAt::Contexts),
                _ => return None,
            },
            DialplanAt::Context(c) => {
                let context = &contexts[c];
                match key {
                    "name" => Value::from(context.name.as_str()),
                    "trust" => Value::from_serialize(context.trust),
                    "description" => strings(&context.description),
                    "includes" => strings(&context.includes),
                    "extensions" => self.part(DialplanAt::Extensions(c)),
                    _ => return None,
                }
            }
            DialplanAt::Extension(c, e) => match key {
                "pattern" => Value::from(contexts[c].extensions[e].pattern.as_str()),
                "steps" => self.part(DialplanAt::Steps(c, e)),
                _ => return None,
            },
            DialplanAt::Step(c, e, s) => {
                let step = &contexts[c].extensions[e].steps[s];
                match key {
                    "app" => Value::from(step_app(step)),
                    "targets" if matches!(step, Step::Dial { .. }) => {
                        self.part(DialplanAt::Targets(c, e, s))
                    }
                    _ => return step_field(step, key),
                }
            }
            DialplanAt::Target(c, e, s, t) => {
                let target = &targets(&contexts[c].extensions[e].steps[s])[t];
                match key {
                    "tech" => tech(target.tech),
                    "resource" => Value::from(target.resource.as_str()),
                    "via" => optional(&target.via),
                    _ => return None,
                }
            }
            _ => return None,
        })
    }
}

impl Object for DialplanValue {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        match self.len() {
            Some(_) => ObjectRepr::Seq,
            None => ObjectRepr::Map,
        }
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match self.len() {
            Some(_) => self.item(key.as_usize()?),
            None => self.field(key.as_str()?),
        }
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.field(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        match self.len() {
            Some(len) => Enumerator::Seq(len),
            None => Enumerator::Str(self.fields()),
        }
    }
}

/// Map `base` with the values of some keys replaced (or added).
#[derive(Debug)]
struct With {
    base: Value,
    replaced: Vec<(&'static str, Value)>,
}

impl Object for With {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match key.as_str() {
            Some(name) => self.get_value_by_str(name),
            None => self.base.as_object()?.get_value(key),
        }
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        if let Some((_, value)) = self.replaced.iter().find(|(k, _)| *k == key) {
            return Some(value.clone());
        }
        self.base.as_object()?.get_value_by_str(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let mut keys: Vec<Value> = self
            .base
            .try_iter()
            .map(|keys| keys.collect())
            .unwrap_or_default();
        for (key, _) in &self.replaced {
            if !keys.iter().any(|k| k.as_str() == Some(key)) {
                keys.push(Value::from(*key));
            }
        }
        Enumerator::Values(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> Plan {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        crate::plan::plan(&crate::profile::load(&path).unwrap()).unwrap()
    }

    #[test]
    fn a_part_sees_its_accounts_and_the_rest_of_the_plan() {
        let plan = example("small-office.yaml");
        let accounts = &plan.pjsip.as_ref().unwrap().accounts;
        let site = SiteValue::new(&plan);
        let name_of = |v: Value| {
            v.get_attr("endpoint")
                .unwrap()
                .get_attr("name")
                .unwrap()
                .to_string()
        };
        let all = site.with_accounts(0..usize::MAX);
        let listed = all.get_attr("pjsip").unwrap().get_attr("accounts").unwrap();
        assert_eq!(listed.len(), Some(accounts.len()));
        let names: Vec<String> = listed.try_iter().unwrap().map(name_of).collect();
        let expected: Vec<&str> = accounts.iter().map(|a| a.endpoint.name.as_str()).collect();
        assert_eq!(names, expected);

        let part = site.with_accounts(1..3);
        let pjsip = part.get_attr("pjsip").unwrap();
        let listed = pjsip.get_attr("accounts").unwrap();
        let names: Vec<String> = listed.try_iter().unwrap().map(name_of).collect();
        assert_eq!(names, expected[1..3]);
        assert!(listed.get_item_by_index(2).unwrap().is_undefined());
        // Everything else is the plan as serialized.
        assert_eq!(
            pjsip.get_attr("transports").unwrap().len(),
            Some(plan.pjsip.as_ref().unwrap().transports.len())
        );
        assert_eq!(
            part.get_attr("name").unwrap().as_str(),
            Some(plan.name.as_str())
        );
        assert!(part.get_attr("sip").unwrap().is_none() == plan.sip.is_none());
    }

    /// `value` written out whole: kinds, map keys in their order, items, scalars.
    fn dump(value: &Value, out: &mut String) {
        use minijinja::value::ValueKind;
        out.push_str(&format!("{:?}", value.kind()));
        match value.kind() {
            ValueKind::Map => {
                out.push('{');
                for key in value.try_iter().unwrap() {
                    out.push_str(&format!("{key:?}:"));
                    dump(&value.get_item(&key).unwrap(), out);
                    out.push(',');
                }
                out.push('}');
            }
            ValueKind::Seq => {
                out.push('[');
                assert_eq!(value.len(), Some(value.try_iter().unwrap().count()));
                for item in value.try_iter().unwrap() {
                    dump(&item, out);
                    out.push(',');
                }
                out.push(']');
            }
            _ => out.push_str(&format!("{value:?}")),
        }
    }

    fn dumped(value: &Value) -> String {
        let mut out = String::new();
        dump(value, &mut out);
        out
    }

    #[test]
    fn the_dialplan_and_account_objects_read_as_their_serialization() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let mut seen_steps = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let Ok(profile) = crate::profile::load(&path) else {
                continue;
            };
            let Ok(plan) = crate::plan::plan(&profile) else {
                continue;
            };
            let site = SiteValue::new(&plan).with_accounts(0..usize::MAX);
            let dialplan = site.get_attr("dialplan").unwrap();
            assert_eq!(
                dumped(&dialplan),
                dumped(&Value::from_serialize(&*plan.dialplan)),
                "{}",
                path.display()
            );
            for context in &plan.dialplan.contexts {
                for extension in &context.extensions {
                    seen_steps.extend(extension.steps.iter().map(step_app));
                }
            }
            let Some(pjsip) = &plan.pjsip else { continue };
            let listed = site
                .get_attr("pjsip")
                .unwrap()
                .get_attr("accounts")
                .unwrap();
            for (account, value) in pjsip.accounts.iter().zip(listed.try_iter().unwrap()) {
                let field = |name| value.get_attr(name).unwrap();
                let endpoint = field("endpoint");
                let same = |lazy: Value, serialized: Value| {
                    assert_eq!(dumped(&lazy), dumped(&serialized), "{}", path.display())
                };
                same(field("auths"), Value::from_serialize(&account.auths));
                same(field("aor"), Value::from_serialize(&account.aor));
                same(field("identify"), Value::from_serialize(&account.identify));
                same(
                    field("registration"),
                    Value::from_serialize(&account.registration),
                );
                same(field("kind"), Value::from_serialize(account.kind));
                same(
                    endpoint.get_attr("callerid").unwrap(),
                    Value::from_serialize(&account.endpoint.callerid),
                );
                same(
                    endpoint.get_attr("codecs").unwrap(),
                    Value::from_serialize(&account.endpoint.codecs),
                );
                same(
                    endpoint.get_attr("permit").unwrap(),
                    Value::from_serialize(net_text::Nets(&account.endpoint.permit)),
                );
                same(
                    endpoint.get_attr("contact_permit").unwrap(),
                    Value::from_serialize(net_text::Nets(&account.endpoint.contact_permit)),
                );
                let keys: Vec<String> = value.try_iter().unwrap().map(|k| k.to_string()).collect();
                assert_eq!(keys.len(), 7);
                assert_eq!(endpoint.try_iter().unwrap().count(), 17);
            }
        }
        // The examples hold most kinds of step (every one the equivalence above has checked).
        assert!(seen_steps.len() >= 8, "{seen_steps:?}");
    }
}
