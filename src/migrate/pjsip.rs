//! The pjsip.conf being written: objects in output order, unique names per type, templates
//! for options every section derived from one chan_sip template shares, and the text.
//!
//! Values are escaped for Asterisk's reader (`;` is written `\;`, the only escape it knows);
//! nothing a value holds can start a line, a section or a directive (sources are single lines).

use crate::asterisk::fast_hash::{FastMap, FastSet};
use crate::redact::{MASK, is_secret_key};
use std::borrow::Cow;

/// One `option=value` line.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Opt {
    pub name: &'static str,
    /// Most values are the same few words (`yes`, `all`, `rfc4733`): borrowed, not copied.
    pub value: Cow<'static, str>,
}

/// One section of pjsip.conf.
#[derive(Clone, Debug)]
pub struct Object {
    pub name: String,
    /// `endpoint`, `aor`, `auth`, `identify`, `registration`, `transport`, `global`, `system`.
    pub kind: &'static str,
    /// `(!)`: a template.
    pub template: bool,
    /// The template it inherits from.
    pub base: Option<String>,
    /// Comment lines written above the header (never a secret).
    pub comments: Vec<String>,
    pub options: Vec<Opt>,
    /// The chan_sip template the section came from (endpoints sharing one may share a pjsip
    /// template).
    pub group: Option<String>,
}

impl Object {
    pub fn new(kind: &'static str, name: String) -> Object {
        Object {
            name,
            kind,
            template: false,
            base: None,
            comments: Vec::new(),
            options: vec![Opt {
                name: "type",
                value: Cow::Borrowed(kind),
            }],
            group: None,
        }
    }

    pub fn set(&mut self, name: &'static str, value: impl Into<Cow<'static, str>>) {
        self.options.push(Opt {
            name,
            value: value.into(),
        });
    }

    /// The last value of an option.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|o| o.name == name)
            .map(|o| o.value.as_ref())
    }

    /// Remove every line of an option.
    pub fn remove(&mut self, name: &str) {
        self.options.retain(|o| o.name != name);
    }
}

/// The document: objects in output order.
#[derive(Debug, Default)]
pub struct Document {
    pub objects: Vec<Object>,
    /// (type, name) of every object, hashed ignoring case: res_sorcery_config keys objects per
    /// type, and config.c finds sections case-insensitively. (Hashes, not copies of 30,000
    /// names; a 64-bit collision would only rename an object with a `-2`.)
    taken: FastSet<u64>,
    /// Every section name in use, hashed ignoring case (templates must not share a name with
    /// anything).
    all_names: FastSet<u64>,
    /// Auth objects by what they hold: one set of credentials is one auth object, however many
    /// endpoints and registrations use it (two objects holding one password would read as a
    /// reused secret, and are one account).
    credentials: FastMap<Credential, String>,
    /// A document made by [`Document::fork`]: the names and credentials taken at the fork.
    forked_from: Option<Box<AtFork>>,
}

/// What a document had taken when it was forked.
#[derive(Debug)]
struct AtFork {
    taken: FastSet<u64>,
    credentials: FastMap<Credential, String>,
}

/// What an auth object holds: username, password or MD5 hash, whether it is a hash, realm.
pub type Credential = (String, String, bool, String);

impl Document {
    /// A name for a new object of `kind`: `wanted`, or `wanted-2`, `wanted-3`… when taken. The
    /// name is taken from now on (the object may be pushed later).
    pub fn unique_name(&mut self, kind: &'static str, wanted: &str) -> String {
        let free = |n: &str| !self.taken.contains(&key(kind, n));
        let name = if free(wanted) {
            wanted.to_string()
        } else {
            (2..)
                .map(|i| format!("{wanted}-{i}"))
                .find(|n| free(n))
                .expect("some suffix is free")
        };
        self.taken.insert(key(kind, &name));
        self.all_names.insert(key("", &name));
        name
    }

    /// The auth object that already holds these credentials.
    pub fn auth_for(&self, credential: &Credential) -> Option<&str> {
        self.credentials.get(credential).map(String::as_str)
    }

    /// Record that auth `name` holds these credentials.
    pub fn record_auth(&mut self, credential: Credential, name: &str) {
        self.credentials
            .entry(credential)
            .or_insert_with(|| name.to_string());
    }

    /// Whether an object of `kind` named `name` exists (case-insensitively).
    pub fn has(&self, kind: &'static str, name: &str) -> bool {
        self.taken.contains(&key(kind, name))
    }

    /// Room for `objects` more objects under `names` more names (the vector and the name sets
    /// grow once, not by doubling).
    pub fn reserve(&mut self, objects: usize, names: usize) {
        self.objects.reserve(objects);
        self.taken.reserve(objects);
        self.all_names.reserve(names);
    }

    /// An empty document that knows the names and credentials taken so far (to make objects
    /// on another thread that [`Document::join`] appends).
    pub fn fork(&self) -> Document {
        Document {
            objects: Vec::new(),
            taken: self.taken.clone(),
            all_names: self.all_names.clone(),
            credentials: self.credentials.clone(),
            forked_from: Some(Box::new(AtFork {
                taken: self.taken.clone(),
                credentials: self.credentials.clone(),
            })),
        }
    }

    /// Whether `other`, forked from this document, made no object name and no credentials
    /// that this one made since the fork.
    pub fn can_join(&self, other: &Document) -> bool {
        let Some(AtFork { taken, credentials }) = other.forked_from.as_deref() else {
            return false;
        };
        other
            .taken
            .iter()
            .all(|k| taken.contains(k) || !self.taken.contains(k))
            && other
                .credentials
                .keys()
                .all(|c| credentials.contains_key(c) || !self.credentials.contains_key(c))
    }

    /// Append the objects of `other` (see [`Document::can_join`]).
    pub fn join(&mut self, other: Document) {
        self.objects.extend(other.objects);
        self.taken.extend(other.taken);
        self.all_names.extend(other.all_names);
        for (c, n) in other.credentials {
            self.credentials.entry(c).or_insert(n);
        }
    }

    /// Add an object; returns its index.
    pub fn push(&mut self, object: Object) -> usize {
        self.taken.insert(key(object.kind, &object.name));
        self.all_names.insert(key("", &object.name));
        self.objects.push(object);
        self.objects.len() - 1
    }

    /// Factor the endpoints of every group of two or more into a template holding the options
    /// they all share; the template is named after the chan_sip template when no other section
    /// uses that name. Returns the templates made: (group, template name).
    pub fn factor_templates(&mut self) -> Vec<(String, String)> {
        let mut groups: FastMap<String, Vec<usize>> = FastMap::default();
        let mut order: Vec<String> = Vec::new();
        for (i, o) in self.objects.iter().enumerate() {
            if o.kind != "endpoint" || o.template {
                continue;
            }
            if let Some(g) = &o.group {
                let entry = groups.entry(g.clone()).or_default();
                if entry.is_empty() {
                    order.push(g.clone());
                }
                entry.push(i);
            }
        }
        let mut made = Vec::new();
        let mut inserts: Vec<(usize, Object)> = Vec::new();
        // One member's units at a time, in buffers reused from member to member (the units of
        // 10,000 endpoints held at once were megabytes of small vectors).
        let mut units = Units::default();
        for group in order {
            let members = &groups[&group];
            if members.len() < 2 {
                continue;
            }
            // The first member's units that every other member has too, in its order.
            let first_opts = self.objects[members[0]].options.as_slice();
            units.fill(first_opts);
            let mut common: Vec<(&'static str, Vec<Opt>)> = (0..units.units.len())
                .map(|u| {
                    (
                        units.units[u].key,
                        units.opts(u, first_opts).cloned().collect(),
                    )
                })
                .collect();
            for &i in &members[1..] {
                if common.is_empty() {
                    break;
                }
                let opts = self.objects[i].options.as_slice();
                units.fill(opts);
                common.retain(|(key, lines)| units.has(opts, key, lines));
            }
            // `type` alone is not worth a template.
            if common.iter().filter(|(key, _)| *key != "type").count() < 2 {
                continue;
            }
            let name = if self.all_names.contains(&key("", &group)) {
                let mut n = format!("{group}-template");
                let mut i = 2;
                while self.all_names.contains(&key("", &n)) {
                    n = format!("{group}-template-{i}");
                    i += 1;
                }
                n
            } else {
                group.clone()
            };
            self.all_names.insert(key("", &name));
            let mut template = Object::new("endpoint", name.clone());
            template.template = true;
            template.options.clear();
            template.comments.push(format!(
                "What every endpoint from sip.conf's [{group}] shares."
            ));
            for (_, opts) in &common {
                template.options.extend(opts.iter().cloned());
            }
            let mut shared: Vec<bool> = Vec::new();
            for &i in members {
                let object = &mut self.objects[i];
                units.fill(&object.options);
                shared.clear();
                shared.resize(object.options.len(), false);
                for u in 0..units.units.len() {
                    let key = units.units[u].key;
                    let in_common = common.iter().any(|(k, opts)| {
                        *k == key
                            && opts.len() == units.units[u].len as usize
                            && opts.iter().eq(units.opts(u, &object.options))
                    });
                    if in_common {
                        for &j in units.indices(u) {
                            shared[j as usize] = true;
                        }
                    }
                }
                let mut j = 0;
                object.options.retain(|_| {
                    j += 1;
                    !shared[j - 1]
                });
                object.base = Some(name.clone());
            }
            inserts.push((members[0], template));
            made.push((group, name));
        }
        // Insert from the back so earlier indices stay valid; a template goes just above its
        // first member (and that member's comments, which belong to it).
        inserts.sort_by_key(|(i, _)| std::cmp::Reverse(*i));
        for (i, template) in inserts {
            self.objects.insert(i, template);
        }
        made
    }

    /// The text of pjsip.conf; secrets replaced by the mask when `mask`.
    pub fn render(&self, header: &[String], mask: bool) -> String {
        let mut out = String::with_capacity(self.objects.len() * 160 + 512);
        for line in header {
            push_comment(&mut out, line);
        }
        for o in &self.objects {
            out.push('\n');
            for c in &o.comments {
                push_comment(&mut out, c);
            }
            out.push('[');
            push_escaped(&mut out, &o.name);
            out.push(']');
            match (o.template, &o.base) {
                (true, Some(b)) => {
                    out.push_str("(!,");
                    push_escaped(&mut out, b);
                    out.push(')');
                }
                (true, None) => out.push_str("(!)"),
                (false, Some(b)) => {
                    out.push('(');
                    push_escaped(&mut out, b);
                    out.push(')');
                }
                (false, None) => {}
            }
            out.push('\n');
            for opt in &o.options {
                out.push_str(opt.name);
                out.push('=');
                if mask && is_secret_key(opt.name) && !opt.value.is_empty() {
                    out.push_str(MASK);
                } else {
                    push_escaped(&mut out, &opt.value);
                }
                out.push('\n');
            }
        }
        out
    }

    /// Every secret value written (to mask them wherever else they might appear): the
    /// passwords and hashes of auth objects.
    pub fn secret_values(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .objects
            .iter()
            .filter(|o| o.kind == "auth")
            .flat_map(|o| o.options.iter())
            .filter(|o| (o.name == "password" || o.name == "md5_cred") && !o.value.is_empty())
            .map(|o| o.value.to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// The hash of (type, name) ignoring ASCII case.
fn key(kind: &str, name: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = crate::asterisk::fast_hash::Fnv::default();
    h.write(kind.as_bytes());
    h.write(&[0xff]);
    for b in name.bytes() {
        h.write(&[b.to_ascii_lowercase()]);
    }
    h.finish()
}

/// A comment line: `; text` (a comment cannot end early: nothing after `;` is read).
fn push_comment(out: &mut String, text: &str) {
    out.push_str("; ");
    for c in text.chars() {
        out.push(if c.is_control() { ' ' } else { c });
    }
    out.push('\n');
}

/// A value or name for Asterisk's reader: `;` escaped, control characters (which a source line
/// cannot hold) dropped.
fn push_escaped(out: &mut String, text: &str) {
    // The usual case: nothing to escape.
    if !text
        .bytes()
        .any(|b| b == b';' || (b.is_ascii_control() && b != b'\t'))
    {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            ';' => out.push_str("\\;"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
}

/// Options that only mean something together, in order: the codec list, the ACL, the contact
/// ACL. Sharing one of them means sharing all its lines.
fn family(name: &str) -> Option<&'static str> {
    match name {
        "allow" | "disallow" => Some("codecs"),
        "permit" | "deny" | "acl" => Some("acl"),
        "contact_permit" | "contact_deny" | "contact_acl" => Some("contact_acl"),
        "set_var" => Some("set_var"),
        _ => None,
    }
}

/// A unit of sharing: one option, or all lines of a family (indices into the options): its
/// indices are `Units::idx[start..start + len]`.
#[derive(Debug)]
struct Unit {
    key: &'static str,
    start: u32,
    len: u32,
}

/// One object's units, in the order of their first line, with the buffers they are made in
/// (reused from object to object).
#[derive(Debug, Default)]
struct Units {
    units: Vec<Unit>,
    /// The indices of every unit's lines, unit after unit.
    idx: Vec<u32>,
    /// The unit of each option (while filling).
    unit_of: Vec<u32>,
}

impl Units {
    fn fill(&mut self, options: &[Opt]) {
        self.units.clear();
        self.unit_of.clear();
        for o in options {
            let unit = match family(o.name) {
                Some(f) => match self.units.iter().position(|u| u.key == f) {
                    Some(u) => u,
                    None => {
                        self.units.push(Unit {
                            key: f,
                            start: 0,
                            len: 0,
                        });
                        self.units.len() - 1
                    }
                },
                None => {
                    self.units.push(Unit {
                        key: o.name,
                        start: 0,
                        len: 0,
                    });
                    self.units.len() - 1
                }
            };
            self.units[unit].len += 1;
            self.unit_of.push(unit as u32);
        }
        let mut start = 0;
        for u in &mut self.units {
            u.start = start;
            start += u.len;
            u.len = 0;
        }
        self.idx.clear();
        self.idx.resize(options.len(), 0);
        for (i, &unit) in self.unit_of.iter().enumerate() {
            let u = &mut self.units[unit as usize];
            self.idx[(u.start + u.len) as usize] = i as u32;
            u.len += 1;
        }
    }

    fn indices(&self, unit: usize) -> &[u32] {
        let u = &self.units[unit];
        &self.idx[u.start as usize..(u.start + u.len) as usize]
    }

    /// The options of a unit, in order.
    fn opts<'o>(
        &self,
        unit: usize,
        options: &'o [Opt],
    ) -> impl Iterator<Item = &'o Opt> + use<'o, '_> {
        self.indices(unit)
            .iter()
            .map(move |&i| &options[i as usize])
    }

    /// Whether one of these units (of `options`) holds exactly `lines` under `key`.
    fn has(&self, options: &[Opt], key: &str, lines: &[Opt]) -> bool {
        (0..self.units.len()).any(|u| {
            self.units[u].key == key
                && self.units[u].len as usize == lines.len()
                && self.opts(u, options).eq(lines.iter())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(name: &str, group: Option<&str>, opts: &[(&'static str, &str)]) -> Object {
        let mut o = Object::new("endpoint", name.into());
        for (k, v) in opts {
            o.set(k, v.to_string());
        }
        o.group = group.map(String::from);
        o
    }

    #[test]
    fn values_and_names_are_escaped_and_secrets_masked() {
        let mut d = Document::default();
        let mut a = Object::new("auth", "a;b".into());
        a.set("password", "p;w");
        a.set("username", "u");
        d.push(a);
        let text = d.render(&["head".into()], false);
        assert_eq!(
            text,
            "; head\n\n[a\\;b]\ntype=auth\npassword=p\\;w\nusername=u\n"
        );
        let masked = d.render(&[], true);
        assert!(masked.contains("password=********") && !masked.contains("p\\;w"));
        assert_eq!(d.secret_values(), vec!["p;w".to_string()]);
    }

    #[test]
    fn names_are_unique_per_type_case_insensitively() {
        let mut d = Document::default();
        d.push(Object::new("auth", "Bob".into()));
        assert_eq!(d.unique_name("auth", "bob"), "bob-2");
        assert_eq!(d.unique_name("endpoint", "bob"), "bob");
    }

    #[test]
    fn shared_options_move_into_a_template() {
        let mut d = Document::default();
        let common = [
            ("context", "phones"),
            ("language", "fr"),
            ("disallow", "all"),
            ("allow", "ulaw"),
        ];
        let mut a = endpoint("a", Some("phone"), &common);
        a.set("auth", "a");
        a.comments.push("from a".into());
        d.push(a);
        let mut b = endpoint("b", Some("phone"), &common);
        b.set("auth", "b");
        b.set("allow", "alaw");
        d.push(b);
        d.push(endpoint("c", None, &common));
        let made = d.factor_templates();
        assert_eq!(made, vec![("phone".to_string(), "phone".to_string())]);
        let text = d.render(&[], false);
        assert_eq!(
            text,
            "\n; What every endpoint from sip.conf's [phone] shares.\n[phone](!)\ntype=endpoint\ncontext=phones\nlanguage=fr\n\n\
             ; from a\n[a](phone)\ndisallow=all\nallow=ulaw\nauth=a\n\n\
             [b](phone)\ndisallow=all\nallow=ulaw\nauth=b\nallow=alaw\n\n\
             [c]\ntype=endpoint\ncontext=phones\nlanguage=fr\ndisallow=all\nallow=ulaw\n"
        );
    }
}
