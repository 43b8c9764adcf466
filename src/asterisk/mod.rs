//! A faithful Asterisk configuration reader and the PBX model built from it.
