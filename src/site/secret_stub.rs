//! TEMPORARY stand-in for `crate::profile::Secret` until the profile branch lands.
#![allow(dead_code)]
use crate::diag::Error;

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum SecretSource {
    Env(String),
    Inline(String),
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Secret(pub SecretSource);

impl Secret {
    pub fn source(&self) -> &SecretSource {
        &self.0
    }
    pub fn reference(&self) -> String {
        match &self.0 {
            SecretSource::Env(n) => format!("${{env:{n}}}"),
            SecretSource::Inline(_) => "<inline secret>".into(),
        }
    }
    pub fn resolve(&self) -> Result<String, Error> {
        match &self.0 {
            SecretSource::Inline(v) => Ok(v.clone()),
            SecretSource::Env(n) => std::env::var(n).map_err(|_| Error::invalid(format!("environment variable `{n}` is not set"))),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct StubPos;
impl StubPos {
    pub fn location(&self) -> crate::diag::Location {
        crate::diag::Location::new("<profile>", 0, 0)
    }
}
impl Secret {
    pub fn pos(&self) -> StubPos {
        StubPos
    }
}
