//! libFuzzer entry point of the `tree_node` target; the body is [`vns_fuzz::tree_node`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vns_fuzz::tree_node(data));
