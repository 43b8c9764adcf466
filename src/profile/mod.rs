//! The site profile: the YAML file a user writes to describe one Asterisk site.
//!
//! - [`types`]: the profile v1 types ([`Profile`] and its sections); `deny_unknown_fields`
//!   everywhere, doc comments double as JSON Schema descriptions.
//! - [`safe_text`]: validated strings — one mechanism that refuses characters which would inject
//!   syntax into Asterisk files, websms.conf, TwiML or SPA3102 XML.
//! - [`span`]: positions ([`Pos`], [`Spanned`]) so semantic errors point at file:line:column.
//! - [`secret`]: secrets by reference (`${env:NAME}`, `${file:PATH}`, inline), resolved late.
//! - [`load`]: reading a profile (serde-saphyr, errors with positions and hints); a large
//!   profile's `extensions:` list on two threads (`load_parts`).
//! - [`resolved`]: what loading computes (presets, Twilio ranges) and the lookups the planner
//!   uses.
//!
//! ```no_run
//! let profile = pbxgen::profile::load(std::path::Path::new("examples/home-lab.yaml"))?;
//! for trunk in &profile.trunks {
//!     println!("{} → {}", trunk.name, trunk.host);
//! }
//! # Ok::<(), pbxgen::Error>(())
//! ```

mod block_yaml;
pub mod load;
mod load_parts;
pub mod preset;
pub mod resolved;
pub mod safe_text;
pub mod schema;
pub mod secret;
pub mod span;
pub mod types;
mod validate;

pub use load::{LoadOptions, load, load_with, load_with_text, parse, parse_with};
pub use resolved::{
    FEATURE_CODES, ResolvedWebSms, SecretField, SecretRole, SecretUse, Spa3102Config, TWILIO,
    TrunkRef, VOICEMAIL_MAIN,
};
pub use safe_text::{
    ContextName, DialPattern, DialPrefix, DisplayName, Email, ExtensionNumber, FieldName, FilePath,
    HeaderName, Hostname, Name, PhoneNumber, Pin, Problem, ResponseCheck, Text, Url, UrlPath,
    Username,
};
pub use schema::schema_json;
pub use secret::{Secret, SecretSource};
pub use span::{Origin, Pos, Spanned};
pub use types::*;
