//! libFuzzer entry point of the `entry` target; the body is [`vns_fuzz::entry`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vns_fuzz::entry(data));
