//! What pbxgen's model of a configuration ([`crate::asterisk`]) says Asterisk will load: the
//! prediction [`super::verify_dir`] compares Asterisk's objects with.

use super::objects::ObjectSets;
use crate::asterisk::{self, FileKind, ModelOptions, Pbx};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;

/// The objects pbxgen's model expects, and the files it expects Asterisk to refuse whole.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Prediction {
    pub objects: ObjectSets,
    /// Files the model says Asterisk refuses as a whole (`pjsip.conf`, `extensions.conf`).
    pub rejected: BTreeSet<String>,
}

/// Read `dir` with pbxgen's reader and predict (target Asterisk version `version`, e.g. 22).
pub fn predict_dir(dir: &Path, version: Option<u32>) -> crate::Result<Prediction> {
    let config = asterisk::load_dir(dir)?;
    let pbx = asterisk::build_model(
        config,
        &ModelOptions {
            asterisk_version: version,
        },
    );
    Ok(predict(&pbx))
}

/// The prediction of a model: pjsip objects that load (`ObjectMeta::loads`), the dialplan's
/// contexts (none when extensions.conf is invalid as a whole).
pub fn predict(pbx: &Pbx) -> Prediction {
    let mut p = Prediction::default();
    for (kind, file) in [
        (FileKind::Pjsip, "pjsip.conf"),
        (FileKind::Extensions, "extensions.conf"),
        (FileKind::Sip, "sip.conf"),
    ] {
        if pbx
            .config
            .file_of_kind(kind)
            .is_some_and(|(_, f)| f.is_invalid())
        {
            p.rejected.insert(file.to_string());
        }
    }
    if let Some(pjsip) = &pbx.pjsip {
        let loads = |m: &asterisk::model::pjsip::ObjectMeta| m.loads();
        let o = &mut p.objects;
        o.endpoints.extend(
            pjsip
                .endpoints
                .iter()
                .filter(|x| loads(&x.meta))
                .map(|x| x.meta.id.to_string()),
        );
        o.aors.extend(
            pjsip
                .aors
                .iter()
                .filter(|x| loads(&x.meta))
                .map(|x| x.meta.id.to_string()),
        );
        o.auths.extend(
            pjsip
                .auths
                .iter()
                .filter(|x| loads(&x.meta))
                .map(|x| x.meta.id.to_string()),
        );
        o.identifies.extend(
            pjsip
                .identifies
                .iter()
                .filter(|x| loads(&x.meta))
                .map(|x| x.meta.id.to_string()),
        );
        o.transports.extend(
            pjsip
                .transports
                .iter()
                .filter(|x| loads(&x.meta))
                .map(|x| x.meta.id.to_string()),
        );
        o.registrations.extend(
            pjsip
                .registrations
                .iter()
                .filter(|x| loads(&x.meta))
                .map(|x| x.meta.id.to_string()),
        );
    }
    if !p.rejected.contains("extensions.conf") {
        p.objects.contexts.extend(
            pbx.dialplan
                .contexts
                .iter()
                .map(|c| c.name.as_str().to_string()),
        );
    }
    p
}
