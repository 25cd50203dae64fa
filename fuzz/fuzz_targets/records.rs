//! libFuzzer entry point of the `records` target; the body is [`vns_fuzz::records`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vns_fuzz::records(data));
