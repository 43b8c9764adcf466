//! Integration tests: asterisk.
