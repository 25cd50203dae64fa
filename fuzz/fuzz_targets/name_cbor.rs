//! libFuzzer entry point of the `name_cbor` target; the body is [`vns_fuzz::name_cbor`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vns_fuzz::name_cbor(data));
