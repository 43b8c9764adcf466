//! What the benchmarks share: the synthetic input generator.

pub mod synth;
