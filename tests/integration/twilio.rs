//! Integration tests: twilio.
