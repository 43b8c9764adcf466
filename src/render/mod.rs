//! Rendering: minijinja templates (embedded, overridable) → files; atomic writing, diff, check.
