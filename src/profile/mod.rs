//! The site profile: the YAML file a user writes to describe one Asterisk site.
//!
//! - [`types`]: the profile v1 types ([`Profile`] and its sections); `deny_unknown_fields`
//!   everywhere, doc comments double as JSON Schema descriptions.
//! - [`text`]: validated strings — one mechanism that refuses characters which would inject
//!   syntax into Asterisk files, websms.conf, TwiML or SPA3102 XML.
//! - [`span`]: positions ([`Pos`], [`Spanned`]) so semantic errors point at file:line:column.
//! - [`secret`]: secrets by reference (`${env:NAME}`, `${file:PATH}`, inline), resolved late.
//! - [`load`]: reading a profile (serde-saphyr, errors with positions and hints).
//! - [`model`]: what loading computes (presets, Twilio ranges) and helpers for the renderer.
//!
//! ```no_run
//! let profile = pbxgen::profile::load(std::path::Path::new("examples/home-lab.yaml"))?;
//! for trunk in &profile.trunks {
//!     println!("{} → {}", trunk.name, trunk.host);
//! }
//! # Ok::<(), pbxgen::Error>(())
//! ```

pub mod load;
pub mod model;
pub mod preset;
pub mod schema;
pub mod secret;
pub mod span;
pub mod text;
pub mod types;
mod validate;

pub use load::{load, parse};
pub use model::{ResolvedWebSms, SecretRole, SecretUse, Spa3102Config, TWILIO, TrunkRef};
pub use schema::schema_json;
pub use secret::{Secret, SecretSource};
pub use span::{Origin, Pos, Spanned};
pub use text::{
    ContextName, DialPattern, DialPrefix, DisplayName, Email, ExtensionNumber, FieldName, FilePath,
    HeaderName, Hostname, Name, PhoneNumber, Pin, Problem, ResponseCheck, Text, Url, UrlPath,
    Username,
};
pub use types::*;
