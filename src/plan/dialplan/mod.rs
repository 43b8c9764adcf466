//! `extensions.conf`: the dialplan as data (`contexts`: contexts of extensions of steps) and
//! how the routes of a profile become it (`build`).

mod build;
mod contexts;

pub use build::build;
pub use contexts::*;
