//! pbxgen's one integration-test crate (ripgrep style): each module tests one capability
//! through the public library API or the real binary.

mod util;

mod architecture;
mod asterisk;
mod audit;
mod bench_inputs;
mod cli;
mod corpus;
mod live;
mod migrate;
mod profile;
mod render;
mod twilio;
mod twilio_webhook;
