//! The auditor: rules over the PBX model, reachability, suppressions, output formats.
