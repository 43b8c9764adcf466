//! The plan as templates see it (`site`): serialized once, except the accounts of
//! `site.pjsip.accounts`, which a provider has tens of thousands of. Those are a list each
//! account of which becomes a template value only when the template reaches it, and each field
//! of an account or its endpoint when the template asks for it (and is let go after), so that
//! no deep copy of every account is built, held and freed; and a file rendered in parts sees
//! only its part's accounts there. This file says how templates see an account.

use crate::plan::Plan;
use crate::plan::net_text::Nets;
use crate::plan::pjsip::Account;
use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use std::ops::Range;
use std::sync::Arc;

/// The template value of a plan, from which each render takes its `site`.
pub struct SiteValue {
    /// The plan serialized (without the accounts).
    base: Value,
    /// The plan's accounts, when it has a pjsip side.
    accounts: Option<Arc<Vec<Account>>>,
}

impl SiteValue {
    pub fn new(plan: &Plan) -> SiteValue {
        SiteValue {
            base: Value::from_serialize(plan),
            accounts: plan.pjsip.as_ref().map(|p| Arc::clone(&p.accounts)),
        }
    }

    /// `site` with `site.pjsip.accounts` holding the accounts `range` (all of them:
    /// `0..usize::MAX`).
    pub fn with_accounts(&self, range: Range<usize>) -> Value {
        let Some(accounts) = &self.accounts else {
            return self.base.clone();
        };
        let end = range.end.min(accounts.len());
        let list = Value::from_object(Accounts {
            accounts: Arc::clone(accounts),
            range: range.start.min(end)..end,
        });
        let pjsip = self.base.get_attr("pjsip").unwrap_or_default();
        Value::from_object(With {
            base: self.base.clone(),
            key: "pjsip",
            value: Value::from_object(With {
                base: pjsip,
                key: "accounts",
                value: list,
            }),
        })
    }

    /// The serialized plan, to be let go of (see [`crate::dispose`]).
    pub fn into_base(self) -> Value {
        self.base
    }
}

/// Accounts `range` of the plan's accounts, as a sequence whose items are serialized when asked
/// for.
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
        if index >= self.range.end {
            return None;
        }
        (index < self.accounts.len()).then(|| {
            Value::from_object(AccountValue {
                accounts: Arc::clone(&self.accounts),
                index,
            })
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.range.len())
    }
}

/// Account `index` of the plan's accounts (`a` in `{% for a in pjsip.accounts %}`): each field
/// made a value when the template asks for it, the endpoint too (a template reads a dozen of its
/// twenty fields, most of them once).
struct AccountValue {
    accounts: Arc<Vec<Account>>,
    index: usize,
}

impl std::fmt::Debug for AccountValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "account {}", self.index)
    }
}

impl AccountValue {
    fn account(&self) -> &Account {
        &self.accounts[self.index]
    }
}

const ACCOUNT_FIELDS: &[&str] = &[
    "kind",
    "description",
    "endpoint",
    "auths",
    "aor",
    "identify",
    "registration",
];

impl Object for AccountValue {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let a = self.account();
        Some(match key {
            "kind" => Value::from_serialize(a.kind),
            "description" => Value::from(a.description.as_str()),
            "endpoint" => Value::from_object(EndpointValue(Arc::clone(self))),
            "auths" => Value::from_serialize(&a.auths),
            "aor" => Value::from_serialize(&a.aor),
            "identify" => Value::from_serialize(&a.identify),
            "registration" => Value::from_serialize(&a.registration),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(ACCOUNT_FIELDS)
    }
}

/// The endpoint of an account (`a.endpoint`).
#[derive(Debug)]
struct EndpointValue(Arc<AccountValue>);

const ENDPOINT_FIELDS: &[&str] = &[
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
];

/// An optional string as serialized: none or the string.
fn optional(text: &Option<String>) -> Value {
    text.as_deref().map_or(Value::from(()), Value::from)
}

impl Object for EndpointValue {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let e = &self.0.account().endpoint;
        Some(match key {
            "name" => Value::from(e.name.as_str()),
            "template" => Value::from(e.template),
            "transport" => optional(&e.transport),
            "context" => Value::from(e.context.as_str()),
            "message_context" => Value::from(e.message_context.as_str()),
            "auth" => optional(&e.auth),
            "outbound_auth" => optional(&e.outbound_auth),
            "aors" => optional(&e.aors),
            "callerid" => Value::from_serialize(&e.callerid),
            "codecs" => Value::from_serialize(&e.codecs),
            "from_user" => optional(&e.from_user),
            "from_domain" => optional(&e.from_domain),
            "send_pai" => Value::from(e.send_pai),
            "srtp" => Value::from(e.srtp),
            "mailboxes" => optional(&e.mailboxes),
            "permit" => Value::from_serialize(Nets(&e.permit)),
            "contact_permit" => Value::from_serialize(Nets(&e.contact_permit)),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(ENDPOINT_FIELDS)
    }
}

/// Map `base` with the value of `key` replaced.
#[derive(Debug)]
struct With {
    base: Value,
    key: &'static str,
    value: Value,
}

impl Object for With {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match key.as_str() {
            Some(name) => self.get_value_by_str(name),
            None => self.base.as_object()?.get_value(key),
        }
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        if key == self.key {
            return Some(self.value.clone());
        }
        self.base.as_object()?.get_value_by_str(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let mut keys: Vec<Value> = self
            .base
            .try_iter()
            .map(|keys| keys.collect())
            .unwrap_or_default();
        if !keys.iter().any(|k| k.as_str() == Some(self.key)) {
            keys.push(Value::from(self.key));
        }
        Enumerator::Values(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_sees_its_accounts_and_the_rest_of_the_plan() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/small-office.yaml");
        let plan = crate::plan::plan(&crate::profile::load(&path).unwrap()).unwrap();
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
}
