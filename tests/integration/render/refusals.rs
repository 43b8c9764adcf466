//! What render refuses, it refuses every time, whatever order its parallel work happens in.

use pbxgen::profile::{self, Origin};
use pbxgen::render::{self, RenderOptions};

/// A chan_sip trunk that registers with a password holding `@`: pjsip's `password=` can hold
/// it, a `register =>` line cannot (`user:secret@host`).
const REGISTER_WITH_AT: &str = r#"version: 1
site: { name: t, asterisk: 20, channel_drivers: [pjsip, sip] }
network: { bind: 0.0.0.0, local_nets: [192.168.1.0/24], udp: { port: 5060 } }
trunks:
  - name: prov
    host: sip.example.com
    transport: udp
    username: user1
    password: "Abcdefgh@12345678"
    register: true
    context: from-prov
    allow_from: [203.0.113.0/24]
extensions:
  - number: "101"
    name: A
    secret: "Zx8-vR2mT9pL4wZkqq"
"#;

#[test]
fn a_secret_a_register_line_cannot_hold_is_refused_every_time() {
    let profile = profile::parse(REGISTER_WITH_AT, Origin::named("register.yaml")).unwrap();
    let plan = pbxgen::plan::plan(&profile).unwrap();
    for run in 0..40 {
        let err = render::render(&plan, &RenderOptions::default())
            .map(|files| files.iter().map(|f| f.name.clone()).collect::<Vec<_>>())
            .expect_err(&format!("run {run}: the `register =>` line cannot hold `@`"));
        assert!(err.message.contains("`:@/`"), "run {run}: {err}");
        assert_eq!(err.location.as_ref().map(|l| l.line), Some(9), "run {run}: {err}");
        assert!(!err.to_string().contains("Abcdefgh"), "{err}");
    }
}
