//! libFuzzer entry point of the `name_parse` target; the body is [`vns_fuzz::name_parse`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vns_fuzz::name_parse(data));
