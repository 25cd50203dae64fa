//! libFuzzer entry point of the `namespace_apply` target; the body is [`vns_fuzz::namespace_apply`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vns_fuzz::namespace_apply(data));
