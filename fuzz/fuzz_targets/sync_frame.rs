//! libFuzzer entry point of the `sync_frame` target; the body is [`vns_fuzz::sync_frame`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vns_fuzz::sync_frame(data));
