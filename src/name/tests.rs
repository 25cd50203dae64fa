use super::*;
use crate::block::{from_cbor, to_cbor};

fn ok(input: &str) -> String {
    Name::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}")).to_string()
}

fn code(input: &str) -> &'static str {
    Name::parse(input).expect_err(input).code()
}

#[test]
fn ascii_normalisation() {
    assert_eq!(ok("alice"), "alice.vfs");
    assert_eq!(ok("alice.vfs"), "alice.vfs");
    assert_eq!(ok("ALICE"), "alice.vfs");
    assert_eq!(ok("AlIcE.VfS"), "alice.vfs");
    assert_eq!(ok("  alice \t\n"), "alice.vfs");
    assert_eq!(ok("a_b-c9"), "a_b-c9.vfs");
    assert_eq!(ok("123"), "123.vfs");
    assert_eq!(ok("a-b"), "a-b.vfs");
}

#[test]
fn empty_and_whitespace() {
    assert_eq!(code(""), "name.empty");
    assert_eq!(code("   \t"), "name.empty");
    assert_eq!(code(".vfs"), "name.empty_label");
    assert_eq!(code("alice."), "name.empty_label");
}

#[test]
fn length_limits() {
    assert_eq!(code("ab"), "name.too_short");
    assert_eq!(code("ab.vfs"), "name.too_short");
    assert_eq!(ok("abc"), "abc.vfs");
    let max = "a".repeat(63);
    assert_eq!(ok(&max), format!("{max}.vfs"));
    assert_eq!(code(&"a".repeat(64)), "name.too_long");
    assert_eq!(code(&"a".repeat(MAX_INPUT_BYTES + 1)), "name.input_too_long");
}

#[test]
fn hyphens_at_edges() {
    assert_eq!(code("-alice"), "name.hyphen_edge");
    assert_eq!(code("alice-"), "name.hyphen_edge");
    assert_eq!(code("alice-.vfs"), "name.hyphen_edge");
    assert_eq!(ok("al--ice"), "al--ice.vfs");
    // Unicode labels too, although their xn-- form would not show the hyphen.
    assert_eq!(code("-münchen"), "name.hyphen_edge");
    assert_eq!(code("münchen-"), "name.hyphen_edge");
    assert_eq!(code("münchen-.vfs"), "name.hyphen_edge");
    assert_eq!(ok("mün-chen"), "xn--mn-chen-n2a.vfs");
    // ...and an xn-- label whose decoded text has an edge hyphen.
    let ace = format!("xn--{}", idna::punycode::encode_str("ü-").unwrap());
    assert!(!ace.ends_with('-'), "{ace}");
    assert_eq!(code(&ace), "name.bad_punycode", "{ace}");
    // Underscores may lead (service-style labels).
    assert_eq!(ok("_alice"), "_alice.vfs");
}

#[test]
fn bad_characters() {
    for input in ["ali/ce", "ali ce", "ali@ce", "ali+ce", "ali\u{0}ce", "ali:ce", "ali%ce"] {
        assert_eq!(code(input), "name.bad_char", "{input:?}");
    }
    let err = Name::parse("ali@ce").unwrap_err();
    assert_eq!(err, NameError::BadChar { ch: '@', position: 3 });
    assert!(err.to_string().contains("'@'"));
}

#[test]
fn tld_and_dots() {
    assert_eq!(code("alice.com"), "name.wrong_tld");
    assert_eq!(code("alice.vfsx"), "name.wrong_tld");
    assert_eq!(code("a.b.vfs"), "name.subdomain");
    assert_eq!(code("www.alice.vfs"), "name.subdomain");
    assert_eq!(code("alice.vfs."), "name.subdomain");
    assert_eq!(code("alice..vfs"), "name.subdomain");
}

#[test]
fn reserved_names_parse() {
    for r in RESERVED {
        let name = Name::parse(r).unwrap();
        assert_eq!(name.as_str(), r);
        assert!(name.is_reserved());
    }
    assert!(Name::parse("root").unwrap().is_reserved());
    assert!(!Name::parse("rooted").unwrap().is_reserved());
}

#[test]
fn idn_maps_to_punycode() {
    assert_eq!(ok("münchen"), "xn--mnchen-3ya.vfs");
    assert_eq!(ok("MÜNCHEN.vfs"), "xn--mnchen-3ya.vfs");
    // Decomposed input (u + combining diaeresis) is the same name after NFC.
    assert_eq!(ok("mu\u{308}nchen"), "xn--mnchen-3ya.vfs");
    assert_eq!(ok("日本語"), "xn--wgv71a119e.vfs");
    let name = Name::parse("münchen").unwrap();
    assert_eq!(name.label(), "xn--mnchen-3ya");
}

#[test]
fn confusables_are_refused() {
    // Kelvin sign would become `k`.
    let err = Name::parse("\u{212A}elvin").unwrap_err();
    assert_eq!(err.code(), "name.confusable");
    assert!(err.to_string().contains("U+212A"), "{err}");
    // Fullwidth letters would become ASCII.
    assert_eq!(code("ａｌｉｃｅ"), "name.confusable");
    assert_eq!(code("alｉce"), "name.confusable");
    // Fullwidth / ideographic dots would become separators.
    assert_eq!(code("alice．vfs"), "name.confusable");
    assert_eq!(code("alice。vfs"), "name.confusable");
    // Soft hyphen vanishes, ligature becomes two ASCII letters, mathematical bold `a`.
    assert_eq!(code("ali\u{AD}ce"), "name.confusable");
    assert_eq!(code("\u{FB01}sh"), "name.confusable");
    assert_eq!(code("\u{1D41A}lice"), "name.confusable");
    // Non-ASCII whitespace inside the name would become a space.
    assert_eq!(code("ali\u{3000}ce"), "name.confusable");
}

#[test]
fn idna_rejections() {
    // A lone combining mark cannot start a label.
    assert_eq!(code("\u{308}abc"), "name.idna");
    // U+FFFD is disallowed by UTS-46.
    assert_eq!(code("ab\u{FFFD}c"), "name.idna");
}

#[test]
fn ace_labels_must_be_canonical() {
    assert_eq!(ok("xn--mnchen-3ya"), "xn--mnchen-3ya.vfs");
    assert_eq!(ok("XN--MNCHEN-3YA.vfs"), "xn--mnchen-3ya.vfs");
    // Punycode of pure ASCII (`alice` → `alice-`) would be a second spelling of an ASCII
    // name; it always ends in '-', so the label rules already refuse it.
    assert_eq!(code("xn--alice-"), "name.hyphen_edge");
    // Not valid punycode at all.
    assert_eq!(code("xn--99999999999"), "name.bad_punycode");
    // Punycode of upper-case or decomposed text is not the canonical encoding.
    let upper = format!("xn--{}", idna::punycode::encode_str("MÜnchen").unwrap());
    assert_eq!(code(&upper), "name.bad_punycode", "{upper}");
    let nfd = format!("xn--{}", idna::punycode::encode_str("mu\u{308}nchen").unwrap());
    assert_eq!(code(&nfd), "name.bad_punycode", "{nfd}");
    // Punycode of the Kelvin-sign spelling is refused like the Unicode input.
    let kelvin = format!("xn--{}", idna::punycode::encode_str("\u{212A}elvin").unwrap());
    assert!(matches!(code(&kelvin), "name.confusable" | "name.bad_punycode"), "{kelvin}");
}

#[test]
fn strict_canonical_decoding() {
    assert_eq!(Name::from_canonical("alice.vfs").unwrap().as_str(), "alice.vfs");
    assert_eq!(Name::from_canonical("xn--mnchen-3ya.vfs").unwrap().as_str(), "xn--mnchen-3ya.vfs");
    for input in ["Alice.vfs", "alice", " alice.vfs", "münchen.vfs", "ALICE.VFS"] {
        assert_eq!(Name::from_canonical(input).unwrap_err().code(), "name.not_canonical");
    }
    assert_eq!(Name::from_canonical("ab.vfs").unwrap_err().code(), "name.too_short");
}

#[test]
fn serde_round_trip_and_strictness() {
    let name = Name::parse("alice").unwrap();
    let bytes = to_cbor(&name).unwrap();
    assert_eq!(bytes, to_cbor("alice.vfs").unwrap());
    assert_eq!(from_cbor::<Name>(&bytes).unwrap(), name);
    assert!(from_cbor::<Name>(&to_cbor("Alice.vfs").unwrap()).is_err());
    assert!(from_cbor::<Name>(&to_cbor("alice").unwrap()).is_err());
    assert!(from_cbor::<Name>(&to_cbor(&7u32).unwrap()).is_err());
}

#[test]
fn traits() {
    let a: Name = "alice".parse().unwrap();
    let b = Name::try_from(String::from("ALICE")).unwrap();
    assert_eq!(a, b);
    assert_eq!(Name::try_from("bob").unwrap().as_str(), "bob.vfs");
    assert!(Name::parse("abc").unwrap() < Name::parse("abd").unwrap());
    assert_eq!(String::from(a), "alice.vfs");
    assert_eq!(std::mem::size_of::<Name>(), 16);
}

#[test]
fn every_error_has_a_code_and_message() {
    for input in ["", "ab", "-ab", "a@b", "a.com", "a.b.vfs", "\u{212A}x"] {
        let err = Name::parse(input).unwrap_err();
        assert!(err.code().starts_with("name."));
        assert!(!err.to_string().is_empty());
    }
}

proptest::proptest! {
    /// Any input either fails with an error or yields a name that is its own canonical
    /// form (parsing is idempotent), and nothing panics.
    #[test]
    fn parse_is_total_and_idempotent(
        input in "(?s)\\PC{0,80}|[a-zA-Z0-9._ -]{0,70}|[a-zà-öø-ÿĀ-ſА-я0-9_-]{1,30}(\\.vfs)?",
    ) {
        if let Ok(name) = Name::parse(&input) {
            proptest::prop_assert_eq!(Name::from_canonical(name.as_str()), Ok(name.clone()));
            proptest::prop_assert_eq!(Name::parse(name.as_str()), Ok(name));
        }
    }
}
