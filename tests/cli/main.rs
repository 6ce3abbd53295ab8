//! End-to-end tests of the `husk` binary. Each submodule covers one area;
//! shared helpers live in `cli/common.rs`.

mod common;

mod binary;
mod diff;
mod encodings;
mod naming;
mod rule_errors;
mod rules_test;
mod samples;
mod seeds;
mod stdin;
mod user_rules;
