use std::net::Ipv4Addr;

use cid::Cid;

use super::*;
use crate::block::{from_cbor, hash, to_cbor};

const V0: &str = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
/// `V0` as CIDv1 (dag-pb), base32: computed independently of the cid crate.
const V1: &str = "bafybeie5nqv6kd3qnfjupgvz34woh3oksc3iau6abmyajn7qvtf6d2ho34";
const V1_BASE58: &str = "zdj7Wg2Qkk4mYgAkVU1kppfQ2sMGz5zPwERVpeWmxCQLDxVoC";
const V1_UPPER: &str = "BAFYBEIE5NQV6KD3QNFJUPGVZ34WOH3OKSC3IAU6ABMYAJN7QVTF6D2HO34";
/// `V1` with one extra zero byte after the CID.
const V1_TRAILING: &str = "bafybeie5nqv6kd3qnfjupgvz34woh3oksc3iau6abmyajn7qvtf6d2ho34aa";
const PEER: &str = "12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7";

fn ok(kind: &str, value: &str) -> String {
    Record::parse(kind, value, None).unwrap_or_else(|e| panic!("{kind} {value:?}: {e}")).to_string()
}

fn code(kind: &str, value: &str) -> &'static str {
    Record::parse(kind, value, None).expect_err(value).code()
}

/// Asserts that each of `values` is parsed as `kind` into its canonical form.
fn canonical(kind: &str, values: &[(&str, &str)]) {
    for (given, canonical) in values {
        assert_eq!(ok(kind, given), *canonical, "{given:?}");
    }
}

/// Asserts that every one of `values` is refused as `kind` with `expected`.
fn refused(kind: &str, expected: &str, values: &[&str]) {
    for value in values {
        assert_eq!(code(kind, value), expected, "{value:?}");
    }
}

/// Encodes a record map with arbitrary field contents, as a peer could send it.
fn wire(kind: &str, value: &str, ttl: u32) -> Vec<u8> {
    to_cbor(&WireRecord { kind: kind.into(), value: value.into(), ttl }).unwrap()
}

#[test]
fn record_stays_small() {
    assert!(std::mem::size_of::<Record>() <= 32, "{}", std::mem::size_of::<Record>());
    assert!(std::mem::size_of::<RecordData>() <= 24);
}

#[test]
fn kinds_are_case_insensitive() {
    for kind in ["a", "A"] {
        assert_eq!(Record::parse(kind, "192.0.2.1", None).unwrap().kind(), "A");
    }
    assert_eq!(Record::parse("Aaaa", "::1", None).unwrap().kind(), "AAAA");
    assert_eq!(Record::parse("txt", "x", None).unwrap().kind(), "TXT");
    assert_eq!(Record::parse("fs", V1, None).unwrap().kind(), "FS");
    assert_eq!(Record::parse("sync", "wss://a.example", None).unwrap().kind(), "SYNC");
    for kind in ["MX", "", "CNAME", "A ", "AAAAA"] {
        assert_eq!(code(kind, "x"), "record.unknown_type", "{kind:?}");
    }
}

#[test]
fn empty_values() {
    for kind in KINDS {
        assert_eq!(code(kind, ""), "record.empty_value", "{kind}");
    }
}

#[test]
fn ipv4() {
    assert_eq!(ok("A", "192.0.2.1"), "192.0.2.1");
    assert_eq!(ok("A", "0.0.0.0"), "0.0.0.0");
    for bad in ["1.2.3", "256.1.1.1", "01.2.3.4", " 1.2.3.4", "1.2.3.4 ", "0x7f.0.0.1", "::1"] {
        assert_eq!(code("A", bad), "record.bad_ipv4", "{bad:?}");
    }
}

#[test]
fn ipv6_is_canonicalised() {
    assert_eq!(ok("AAAA", "2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
    assert_eq!(ok("AAAA", "::ffff:192.0.2.1"), "::ffff:192.0.2.1");
    for bad in ["2001:db8::1::2", "1.2.3.4", "[::1]", "2001:db8::g"] {
        assert_eq!(code("AAAA", bad), "record.bad_ipv6", "{bad:?}");
    }
}

#[test]
fn txt_rules() {
    assert_eq!(ok("TXT", "hello world"), "hello world");
    assert_eq!(ok("TXT", "  spaces kept  "), "  spaces kept  ");
    assert_eq!(ok("TXT", "ünïcödé ✓"), "ünïcödé ✓");
    let max = "x".repeat(MAX_TXT_BYTES);
    assert_eq!(ok("TXT", &max), max);
    assert_eq!(code("TXT", &"x".repeat(MAX_TXT_BYTES + 1)), "record.txt_too_long");
    // The limit is in bytes: 128 two-byte characters are 256 bytes.
    assert_eq!(code("TXT", &"é".repeat(128)), "record.txt_too_long");
    for bad in ["a\nb", "a\tb", "a\rb", "\0", "a\u{7f}", "a\u{85}", "a\u{202E}b", "\u{2066}"] {
        assert_eq!(code("TXT", bad), "record.txt_control_char", "{bad:?}");
    }
    let err = Record::parse("TXT", "ab\ncd", None).unwrap_err();
    assert_eq!(err, RecordError::TxtControlChar { code: 0x0a, position: 2 });
}

#[test]
fn fs_cids_are_canonicalised() {
    assert_eq!(ok("FS", V0), V1);
    assert_eq!(ok("FS", V1), V1);
    assert_eq!(ok("FS", V1_BASE58), V1);
    assert_eq!(ok("FS", V1_UPPER), V1);
    // The block CIDs VNS itself makes are valid FS values too.
    let block = crate::block::cid_of(b"x").to_string();
    assert_eq!(ok("FS", &block), block);
}

#[test]
fn fs_rejections() {
    for bad in
        ["Qm", "hello", "bafy", V1_TRAILING, "/ipfs/QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"]
    {
        assert_eq!(code("FS", bad), "record.bad_cid", "{bad:?}");
    }
    let prefixed = format!("x/ipfs/{V1}");
    assert_eq!(code("FS", &prefixed), "record.bad_cid");
    assert_eq!(code("FS", &format!("b{}", "a".repeat(300))), "record.value_too_long");
}

#[test]
fn sync_urls() {
    canonical(
        "SYNC",
        &[
            ("wss://node.example.com/vns", "wss://node.example.com/vns"),
            ("WSS://Node.Example.COM/Path", "wss://node.example.com/Path"),
            ("ws://127.0.0.1:8080", "ws://127.0.0.1:8080"),
            ("ws://host.example:80/x", "ws://host.example/x"),
            ("wss://host.example:0443", "wss://host.example"),
            ("wss://[2001:DB8::1]:9000/s?x=1", "wss://[2001:db8::1]:9000/s?x=1"),
            ("wss://localhost?token=a", "wss://localhost?token=a"),
        ],
    );
    let bad = [
        "http://node.example.com",
        "node.example.com",
        "wss://",
        "wss:///path",
        "wss://user@node.example.com",
        "wss://good.example@evil.example",
        "wss://node.example.com/#frag",
        "wss://node example.com",
        "wss://node.example.com/a b",
        "wss://nöde.example",
        "wss://node.example.com:",
        "wss://node.example.com:0",
        "wss://node.example.com:65536",
        "wss://node.example.com:+80",
        "wss://-node.example",
        "wss://node..example",
        "wss://node.example.",
        "wss://127.1",
        "wss://[::1",
        "wss://[::1]x",
        "wss://[zz]",
        "wss://a_b.example",
    ];
    refused("SYNC", "record.bad_sync", &bad);
    let long = format!("wss://{}.example", "a".repeat(MAX_VALUE_BYTES));
    assert_eq!(code("SYNC", &long), "record.value_too_long");
}

#[test]
fn sync_multiaddrs() {
    let good = [
        "/ip4/1.2.3.4/tcp/4001/ws",
        "/ip6/::1/tcp/443/wss",
        "/dns4/node.example.com/tcp/443/wss",
        "/dns/node.example.com/tcp/443/tls/ws",
        "/dns6/node.example.com/udp/4001/quic-v1",
        "/ip4/1.2.3.4/udp/9090/webrtc-direct/certhash/uEiAtcRZCtyawRAFifKn7rDL1yFMPsZA8xNsCJYcXkhpIgQ",
    ];
    for addr in good {
        assert_eq!(ok("SYNC", addr), addr);
    }
    let with_peer = format!("/dns4/node.example.com/tcp/443/wss/p2p/{PEER}");
    assert_eq!(ok("SYNC", &with_peer), with_peer);
    let rsa_peer = "/ip4/1.2.3.4/tcp/1/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";
    assert_eq!(ok("SYNC", rsa_peer), rsa_peer);
    // Values are re-printed canonically.
    assert_eq!(ok("SYNC", "/ip6/2001:DB8:0::1/tcp/0443/wss"), "/ip6/2001:db8::1/tcp/443/wss");
    assert_eq!(ok("SYNC", "/dns4/Node.Example/tcp/1"), "/dns4/node.example/tcp/1");
    let bad = [
        "/",
        "//ip4/1.2.3.4",
        "/ip4/1.2.3.4/",
        "/ip4/1.2.3.4//tcp/1",
        "/ip4",
        "/ip4/1.2.3",
        "/ip6/1.2.3.4",
        "/tcp/4001",
        "/p2p/12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7",
        "/ip4/1.2.3.4/tcp/99999",
        "/ip4/1.2.3.4/tcp/0",
        "/ip4/1.2.3.4/tcp/x",
        "/ip4/1.2.3.4/http",
        "/ip4/1.2.3.4/tcp/1/tcp/2",
        "/ip4/1.2.3.4/p2p/QmNotAPeerId/tcp/1",
        "/ip4/1.2.3.4/tcp/1/p2p/0OIl",
        "/ip4/1.2.3.4/tcp/1/p2p/12D3",
        "/dns4/bad_host/tcp/1",
        "/ip4/1.2.3.4/udp/1/webrtc-direct/certhash/zQmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
        "/ip4/1.2.3.4/udp/1/webrtc-direct/certhash/uAAAA",
        "/ip4/1.2.3.4/tcp/1 /ws",
    ];
    refused("SYNC", "record.bad_sync", &bad);
}

#[test]
fn ttl_bounds() {
    assert_eq!(Record::parse("A", "1.2.3.4", None).unwrap().ttl, DEFAULT_TTL);
    assert_eq!(Record::parse("A", "1.2.3.4", Some(MIN_TTL)).unwrap().ttl, MIN_TTL);
    assert_eq!(Record::parse("A", "1.2.3.4", Some(MAX_TTL)).unwrap().ttl, MAX_TTL);
    for ttl in [0, MAX_TTL + 1, u32::MAX] {
        let err = Record::parse("A", "1.2.3.4", Some(ttl)).unwrap_err();
        assert_eq!(err, RecordError::TtlOutOfRange { ttl });
    }
}

fn one_of_each() -> Vec<Record> {
    vec![
        Record::parse("A", "192.0.2.1", None).unwrap(),
        Record::parse("AAAA", "2001:db8::1", Some(60)).unwrap(),
        Record::parse("TXT", "hello ✓", Some(1)).unwrap(),
        Record::parse("FS", V0, Some(MAX_TTL)).unwrap(),
        Record::parse("SYNC", "wss://node.example.com/vns", None).unwrap(),
        Record::parse("SYNC", "/ip4/1.2.3.4/tcp/4001/ws", None).unwrap(),
    ]
}

#[test]
fn cbor_round_trip() {
    let records = one_of_each();
    validate_records(&records).unwrap();
    let bytes = to_cbor(&records).unwrap();
    let back: Vec<Record> = from_cbor(&bytes).unwrap();
    assert_eq!(back, records);
    assert_eq!(to_cbor(&back).unwrap(), bytes);
    // The map is DAG-CBOR canonical: keys ordered by length, so "ttl", "type", "value".
    let one = to_cbor(&records[0]).unwrap();
    assert_eq!(one, wire("A", "192.0.2.1", DEFAULT_TTL));
    let ttl_at = one.windows(3).position(|w| w == b"ttl").unwrap();
    let type_at = one.windows(4).position(|w| w == b"type").unwrap();
    assert!(ttl_at < type_at);
}

#[test]
fn non_canonical_encodings_are_rejected_on_decode() {
    let cases = [
        ("a", "192.0.2.1", DEFAULT_TTL),
        ("AAAA", "2001:DB8::1", DEFAULT_TTL),
        ("AAAA", "2001:db8:0:0:0:0:0:1", DEFAULT_TTL),
        ("FS", V0, DEFAULT_TTL),
        ("FS", V1_BASE58, DEFAULT_TTL),
        ("SYNC", "WSS://node.example.com", DEFAULT_TTL),
        ("SYNC", "wss://node.example.com:443", DEFAULT_TTL),
        ("SYNC", "/ip4/1.2.3.4/tcp/0080", DEFAULT_TTL),
    ];
    for (kind, value, ttl) in cases {
        let err = from_cbor::<Record>(&wire(kind, value, ttl)).unwrap_err();
        assert!(err.to_string().contains("not canonical"), "{kind} {value}: {err}");
    }
    // Invalid content is refused with the parse error.
    for (kind, value, ttl) in [("A", "1.2.3", 60), ("MX", "x", 60), ("A", "1.2.3.4", 0)] {
        assert!(from_cbor::<Record>(&wire(kind, value, ttl)).is_err(), "{kind} {value}");
    }
    // Unknown, missing and mistyped fields.
    #[derive(serde::Serialize)]
    struct Extra<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        value: &'a str,
        ttl: u32,
        extra: u8,
    }
    let extra = to_cbor(&Extra { kind: "A", value: "1.2.3.4", ttl: 60, extra: 1 }).unwrap();
    assert!(from_cbor::<Record>(&extra).is_err());
    #[derive(serde::Serialize)]
    struct Missing<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        value: &'a str,
    }
    let missing = to_cbor(&Missing { kind: "A", value: "1.2.3.4" }).unwrap();
    assert!(from_cbor::<Record>(&missing).is_err());
    assert!(from_cbor::<Record>(&to_cbor(&("A", "1.2.3.4", 60)).unwrap()).is_err());
}

#[test]
fn record_count_limit() {
    let records: Vec<Record> = (0..=MAX_RECORDS as u8)
        .map(|i| Record::parse("A", &format!("10.0.0.{i}"), None).unwrap())
        .collect();
    validate_records(&records[..MAX_RECORDS]).unwrap();
    let err = validate_records(&records).unwrap_err();
    assert_eq!(err, RecordError::TooMany { count: 21, max: MAX_RECORDS });
    validate_records(&[]).unwrap();
}

#[test]
fn record_set_size_limit() {
    let full = |i: usize| {
        let text = format!("{i:03}{}", "x".repeat(MAX_TXT_BYTES - 3));
        Record::parse("TXT", &text, None).unwrap()
    };
    // The documented figure: 20 maximal TXT records encode to about 5.6 KB.
    let twenty: Vec<Record> = (0..MAX_RECORDS).map(full).collect();
    assert_eq!(to_cbor(&twenty).unwrap().len(), 5601);
    let fits: Vec<Record> = (0..14).map(full).collect();
    validate_records(&fits).unwrap();
    let err = validate_records(&twenty[..15]).unwrap_err();
    assert_eq!(err.code(), "record.too_large");
    assert!(err.to_string().contains("4096"), "{err}");
}

#[test]
fn duplicates_rejected() {
    let a = Record::parse("A", "192.0.2.1", Some(60)).unwrap();
    let same_other_ttl = Record::parse("A", "192.0.2.1", Some(120)).unwrap();
    let err = validate_records(&[a.clone(), same_other_ttl]).unwrap_err();
    assert_eq!(err.code(), "record.duplicate");
    // Same value, different type, is not a duplicate.
    let txt = Record::parse("TXT", "192.0.2.1", Some(60)).unwrap();
    validate_records(&[a, txt]).unwrap();
    // V0 and V1 spellings of one CID are the same record.
    let v0 = Record::parse("FS", V0, None).unwrap();
    let v1 = Record::parse("FS", V1, None).unwrap();
    assert_eq!(validate_records(&[v0, v1]).unwrap_err().code(), "record.duplicate");
}

#[test]
fn directly_built_records_are_validated() {
    let v0: Cid = V0.parse().unwrap();
    let cases = [
        (RecordData::Txt("a\nb".into()), "record.txt_control_char"),
        (RecordData::Txt("".into()), "record.empty_value"),
        (RecordData::Fs(Box::new(v0)), "record.not_canonical"),
        (RecordData::Sync("WSS://x.example".into()), "record.not_canonical"),
        (RecordData::Sync("http://x.example".into()), "record.bad_sync"),
    ];
    for (data, expected) in cases {
        let record = Record { data, ttl: DEFAULT_TTL };
        assert_eq!(record.validate().unwrap_err().code(), expected, "{record:?}");
        assert_eq!(validate_records(&[record]).unwrap_err().code(), expected);
    }
    let zero_ttl = Record { data: RecordData::A(Ipv4Addr::LOCALHOST), ttl: 0 };
    assert_eq!(validate_records(&[zero_ttl]).unwrap_err().code(), "record.ttl_out_of_range");
}

#[test]
fn hash_is_of_the_canonical_encoding() {
    let records = one_of_each();
    assert_eq!(records_hash(&records), hash(&to_cbor(&records).unwrap()));
    let mut reversed = records.clone();
    reversed.reverse();
    assert_ne!(records_hash(&records), records_hash(&reversed));
    let mut changed = records.clone();
    changed[0].ttl += 1;
    assert_ne!(records_hash(&records), records_hash(&changed));
}

#[test]
fn errors_have_codes_and_clip_input() {
    let huge_kind = "Z".repeat(10_000);
    let err = Record::parse(&huge_kind, "x", None).unwrap_err();
    assert!(err.to_string().len() < 200, "{err}");
    assert!(err.code().starts_with("record."));
    assert_eq!(RecordError::Encode("x".into()).code(), "record.encode");
}

proptest::proptest! {
    /// Parsing never panics, and whatever it accepts validates and survives an encode/decode
    /// round trip unchanged.
    #[test]
    fn parse_is_total_and_round_trips(
        kind in proptest::sample::select(&KINDS[..]),
        value in "(?s)\\PC{0,40}|[0-9a-fA-F.:/]{1,40}|(wss?|WS)://[a-z0-9.:-]{1,30}",
    ) {
        if let Ok(record) = Record::parse(kind, &value, None) {
            proptest::prop_assert!(record.validate().is_ok());
            let bytes = to_cbor(&record).unwrap();
            proptest::prop_assert_eq!(from_cbor::<Record>(&bytes).unwrap(), record);
        }
    }

    /// Arbitrary bytes never make decoding panic.
    #[test]
    fn decode_is_total(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
        let _ = from_cbor::<Vec<Record>>(&bytes);
        let _ = from_cbor::<Record>(&bytes);
    }
}
