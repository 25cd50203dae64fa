//! `.vfs` names: parsing user input into the one canonical form stored and exchanged on the wire.
//!
//! A name is a single label under the `.vfs` top-level domain. Canonical form is lower-case ASCII,
//! `label.vfs`, where the label is 3–63 characters of `a-z 0-9 - _` and does not start or end
//! with `-`. Internationalised names are stored in their IDNA (`xn--…`) form, so every name has
//! exactly one encoding and byte comparison is name comparison.
//!
//! ```
//! use vns::name::Name;
//! let name = Name::parse("  Alice ").unwrap();
//! assert_eq!(name.as_str(), "alice.vfs");
//! assert_eq!(name.label(), "alice");
//! assert_eq!(Name::parse("münchen").unwrap().as_str(), "xn--mnchen-3ya.vfs");
//! // The Kelvin sign looks like `K` but is not: it is refused, never silently turned into `k`.
//! assert_eq!(Name::parse("\u{212A}elvin").unwrap_err().code(), "name.confusable");
//! ```

use std::fmt;
use std::str::FromStr;

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

/// Names that exist from genesis on every node and can never be registered.
pub const RESERVED: [&str; 4] = ["root.vfs", "admin.vfs", "sync.vfs", "bootstrap.vfs"];

/// The top-level domain every name lives under (without the dot).
pub const TLD: &str = "vfs";

/// Shortest label, in characters of the canonical (ASCII) form.
pub const MIN_LABEL_LEN: usize = 3;

/// Longest label, in characters of the canonical (ASCII) form; the DNS label limit, so a `.vfs`
/// name can always be bridged into DNS.
pub const MAX_LABEL_LEN: usize = 63;

/// Longest raw input [`Name::parse`] looks at, in bytes. A valid label is at most 63 ASCII
/// characters, and even fully decomposed Unicode input for it stays far below this; the cap only
/// bounds the work an attacker can make IDNA processing do.
pub const MAX_INPUT_BYTES: usize = 1024;

/// The prefix of IDNA labels (ASCII-compatible encoding).
const ACE_PREFIX: &str = "xn--";

/// Why a string is not a valid `.vfs` name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Nothing but whitespace.
    #[error("name is empty")]
    Empty,
    /// The raw input exceeds [`MAX_INPUT_BYTES`].
    #[error("name input is {len} bytes, more than the {max} accepted")]
    InputTooLong {
        /// Input length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A label is empty (`.vfs`, `alice.`).
    #[error("name has an empty label")]
    EmptyLabel,
    /// The label is shorter than [`MIN_LABEL_LEN`].
    #[error("label {label:?} is {len} characters, at least {min} are required")]
    TooShort {
        /// The offending label.
        label: String,
        /// Its length.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// The label is longer than [`MAX_LABEL_LEN`].
    #[error("label is {len} characters, at most {max} are allowed")]
    TooLong {
        /// Its length.
        len: usize,
        /// The maximum.
        max: usize,
    },
    /// A character outside `a-z 0-9 - _` (after lower-casing).
    #[error("character {ch:?} at position {position} is not allowed (only a-z, 0-9, '-', '_')")]
    BadChar {
        /// The offending character.
        ch: char,
        /// Its position in characters, counted in the trimmed input or in the label.
        position: usize,
    },
    /// The label starts or ends with `-`.
    #[error("label {label:?} starts or ends with '-'")]
    HyphenEdge {
        /// The offending label.
        label: String,
    },
    /// The name ends in a top-level domain other than `.vfs`.
    #[error("top-level domain {tld:?} is not supported, names end in .vfs")]
    WrongTld {
        /// The top-level domain found.
        tld: String,
    },
    /// The name has more than one label before `.vfs` (`a.b.vfs`).
    #[error("name {input:?} has sub-labels; only one label before .vfs is allowed")]
    Subdomain {
        /// The input (lower-cased).
        input: String,
    },
    /// A non-ASCII character that UTS-46 would turn into ASCII (or into nothing): accepting it
    /// would silently register a look-alike of an ASCII name.
    #[error("character {ch:?} (U+{code:04X}) would become {mapped:?}; type the plain ASCII name instead")]
    Confusable {
        /// The offending character.
        ch: char,
        /// Its code point.
        code: u32,
        /// What UTS-46 maps it to.
        mapped: String,
    },
    /// UTS-46/IDNA processing rejected the input (disallowed code point, bad mark placement,
    /// bidi or joiner rules).
    #[error("name {input:?} is not a valid internationalised name (UTS-46 rejected it)")]
    Idna {
        /// The (trimmed) input.
        input: String,
    },
    /// An `xn--` label that is not valid Punycode or not the canonical encoding of its text.
    #[error("label {label:?} is not the canonical IDNA encoding of any name")]
    BadPunycode {
        /// The offending label.
        label: String,
    },
    /// A stored or received name that is valid but not written in canonical form.
    #[error("name {input:?} is not canonical (expected {canonical:?})")]
    NotCanonical {
        /// What was received.
        input: String,
        /// Its canonical form.
        canonical: String,
    },
}

impl NameError {
    /// Stable machine-readable code, e.g. `name.too_short`.
    ///
    /// ```
    /// use vns::name::Name;
    /// assert_eq!(Name::parse("ab").unwrap_err().code(), "name.too_short");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            NameError::Empty => "name.empty",
            NameError::InputTooLong { .. } => "name.input_too_long",
            NameError::EmptyLabel => "name.empty_label",
            NameError::TooShort { .. } => "name.too_short",
            NameError::TooLong { .. } => "name.too_long",
            NameError::BadChar { .. } => "name.bad_char",
            NameError::HyphenEdge { .. } => "name.hyphen_edge",
            NameError::WrongTld { .. } => "name.wrong_tld",
            NameError::Subdomain { .. } => "name.subdomain",
            NameError::Confusable { .. } => "name.confusable",
            NameError::Idna { .. } => "name.idna",
            NameError::BadPunycode { .. } => "name.bad_punycode",
            NameError::NotCanonical { .. } => "name.not_canonical",
        }
    }
}

/// A valid `.vfs` name in canonical form (`label.vfs`, lower-case ASCII).
///
/// Held as one boxed string (16 bytes) because the store keeps a million of them.
///
/// ```
/// use vns::name::Name;
/// let a: Name = "Bob".parse().unwrap();
/// assert_eq!(a.to_string(), "bob.vfs");
/// assert!(Name::parse("root").unwrap().is_reserved());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Box<str>);

impl Name {
    /// Normalises user input into a name: trims whitespace, lower-cases ASCII, appends `.vfs`
    /// when there is no top-level domain, and maps Unicode to its IDNA `xn--` form.
    ///
    /// ```
    /// use vns::name::Name;
    /// assert_eq!(Name::parse("ALICE.VFS").unwrap().as_str(), "alice.vfs");
    /// assert_eq!(Name::parse("alice.com").unwrap_err().code(), "name.wrong_tld");
    /// ```
    pub fn parse(input: &str) -> Result<Name, NameError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(NameError::Empty);
        }
        if trimmed.len() > MAX_INPUT_BYTES {
            return Err(NameError::InputTooLong { len: trimmed.len(), max: MAX_INPUT_BYTES });
        }
        // Refuse bad ASCII up front: the error can then point at the character the user typed,
        // and IDNA never sees separators or punctuation it might treat specially.
        for (position, ch) in trimmed.chars().enumerate() {
            if ch.is_ascii() && !(is_label_char(ch.to_ascii_lowercase()) || ch == '.') {
                return Err(NameError::BadChar { ch, position });
            }
        }
        // Checked on the input as typed: a Unicode label such as `-ü` has an ACE form
        // (`xn---…`) that no longer starts with '-', but users would still see the hyphen.
        let typed_label = trimmed.split('.').next().unwrap_or_default();
        if typed_label.starts_with('-') || typed_label.ends_with('-') {
            return Err(NameError::HyphenEdge { label: typed_label.to_owned() });
        }
        let ascii = if trimmed.is_ascii() {
            trimmed.to_ascii_lowercase()
        } else {
            unicode_to_ascii(trimmed)?
        };
        let label = match ascii.split_once('.') {
            None => ascii.as_str(),
            Some((label, rest)) => {
                if rest.contains('.') {
                    return Err(NameError::Subdomain { input: ascii.clone() });
                }
                if rest.is_empty() {
                    return Err(NameError::EmptyLabel);
                }
                if rest != TLD {
                    return Err(NameError::WrongTld { tld: rest.to_owned() });
                }
                label
            }
        };
        check_label(label)?;
        if label.starts_with(ACE_PREFIX) {
            check_ace_label(label)?;
        }
        Ok(Name(format!("{label}.{TLD}").into_boxed_str()))
    }

    /// Accepts only a name that is already canonical: the form found in stored blocks and on
    /// the wire, where one name must have exactly one encoding.
    ///
    /// ```
    /// use vns::name::Name;
    /// assert!(Name::from_canonical("alice.vfs").is_ok());
    /// assert_eq!(Name::from_canonical("Alice.vfs").unwrap_err().code(), "name.not_canonical");
    /// assert_eq!(Name::from_canonical("alice").unwrap_err().code(), "name.not_canonical");
    /// ```
    pub fn from_canonical(input: &str) -> Result<Name, NameError> {
        let name = Name::parse(input)?;
        if name.as_str() != input {
            return Err(NameError::NotCanonical {
                input: input.to_owned(),
                canonical: name.as_str().to_owned(),
            });
        }
        Ok(name)
    }

    /// The canonical name, e.g. `alice.vfs`.
    ///
    /// ```
    /// # use vns::name::Name;
    /// assert_eq!(Name::parse("alice").unwrap().as_str(), "alice.vfs");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The label without the `.vfs` suffix, e.g. `alice`.
    ///
    /// ```
    /// # use vns::name::Name;
    /// assert_eq!(Name::parse("alice.vfs").unwrap().label(), "alice");
    /// ```
    pub fn label(&self) -> &str {
        // Every Name ends in ".vfs" by construction; `get` keeps this panic-free regardless.
        self.0.get(..self.0.len().saturating_sub(TLD.len() + 1)).unwrap_or_default()
    }

    /// Whether this is one of the [`RESERVED`] genesis names, which nobody can register.
    /// Parsing accepts them because they are valid names that must be resolvable; the rules
    /// layer refuses registrations.
    ///
    /// ```
    /// # use vns::name::Name;
    /// assert!(Name::parse("admin").unwrap().is_reserved());
    /// assert!(!Name::parse("alice").unwrap().is_reserved());
    /// ```
    pub fn is_reserved(&self) -> bool {
        RESERVED.contains(&self.as_str())
    }
}

fn is_label_char(ch: char) -> bool {
    matches!(ch, 'a'..='z' | '0'..='9' | '-' | '_')
}

/// The label rules, applied to the canonical ASCII label.
fn check_label(label: &str) -> Result<(), NameError> {
    if label.is_empty() {
        return Err(NameError::EmptyLabel);
    }
    let len = label.chars().count();
    if len < MIN_LABEL_LEN {
        return Err(NameError::TooShort { label: label.to_owned(), len, min: MIN_LABEL_LEN });
    }
    if len > MAX_LABEL_LEN {
        return Err(NameError::TooLong { len, max: MAX_LABEL_LEN });
    }
    if let Some((position, ch)) = label.chars().enumerate().find(|(_, c)| !is_label_char(*c)) {
        return Err(NameError::BadChar { ch, position });
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(NameError::HyphenEdge { label: label.to_owned() });
    }
    Ok(())
}

/// What UTS-46 maps one character to (its output may carry U+FFFD when the character is not
/// valid on its own, e.g. a lone combining mark; that is never ASCII, so it never hides a
/// look-alike).
fn uts46_map(ch: char) -> String {
    let mut buf = [0u8; 4];
    let (mapped, _) = Uts46::new().to_unicode(
        ch.encode_utf8(&mut buf).as_bytes(),
        AsciiDenyList::EMPTY,
        Hyphens::Allow,
    );
    mapped.into_owned()
}

/// Maps non-ASCII input to its IDNA ASCII form, refusing any character that would turn into
/// ASCII or vanish: that is exactly how a look-alike of an ASCII name would be produced
/// (Kelvin sign → `k`, fullwidth `ａ` → `a`, soft hyphen → nothing, `ﬁ` → `fi`).
fn unicode_to_ascii(input: &str) -> Result<String, NameError> {
    for ch in input.chars().filter(|c| !c.is_ascii()) {
        let mapped = uts46_map(ch);
        if mapped.is_empty() || mapped.chars().any(|m| m.is_ascii()) {
            return Err(NameError::Confusable { ch, code: u32::from(ch), mapped });
        }
    }
    // The deny list stays empty because our own character rules run on the result; STD3 would
    // also refuse `_`, which `.vfs` labels allow. Edge hyphens are checked on the Unicode text,
    // where users see them (this also covers decoded `xn--` labels).
    Uts46::new()
        .to_ascii(
            input.as_bytes(),
            AsciiDenyList::EMPTY,
            Hyphens::CheckFirstLast,
            DnsLength::Ignore,
        )
        .map(|ascii| ascii.into_owned())
        .map_err(|_| NameError::Idna { input: input.to_owned() })
}

/// An `xn--` label typed or received as ASCII must be exactly what [`unicode_to_ascii`] makes of
/// its decoded text; otherwise it would be a second encoding of a name (or smuggle in a
/// confusable character that parsing the Unicode would refuse).
fn check_ace_label(label: &str) -> Result<(), NameError> {
    let bad = || NameError::BadPunycode { label: label.to_owned() };
    let (unicode, result) =
        Uts46::new().to_unicode(label.as_bytes(), AsciiDenyList::EMPTY, Hyphens::Allow);
    if result.is_err() || unicode.is_ascii() {
        return Err(bad());
    }
    match unicode_to_ascii(&unicode) {
        Ok(ascii) if ascii == label => Ok(()),
        Ok(_) => Err(bad()),
        Err(e @ NameError::Confusable { .. }) => Err(e),
        Err(_) => Err(bad()),
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Same as [`Name::parse`]: user input.
impl FromStr for Name {
    type Err = NameError;

    fn from_str(s: &str) -> Result<Name, NameError> {
        Name::parse(s)
    }
}

/// Same as [`Name::parse`]: user input. Stored and wire names are decoded with
/// [`Name::from_canonical`] (which is what deserialisation does).
impl TryFrom<String> for Name {
    type Error = NameError;

    fn try_from(s: String) -> Result<Name, NameError> {
        Name::parse(&s)
    }
}

/// Same as [`Name::parse`]: user input.
impl TryFrom<&str> for Name {
    type Error = NameError;

    fn try_from(s: &str) -> Result<Name, NameError> {
        Name::parse(s)
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.0.into()
    }
}

/// Serialises as the canonical string.
impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Deserialises strictly: only the canonical string is accepted (see [`Name::from_canonical`]).
impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Name, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a canonical .vfs name")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Name, E> {
                Name::from_canonical(v).map_err(E::custom)
            }
        }
        // `any`, not `str`: the CBOR library's string decoding would also read a byte string
        // (see `block::text`); this visitor takes only text.
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
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
        assert_eq!(
            Name::from_canonical("xn--mnchen-3ya.vfs").unwrap().as_str(),
            "xn--mnchen-3ya.vfs"
        );
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
}
