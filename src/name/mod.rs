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

mod error;
mod label;

use std::fmt;
use std::str::FromStr;

pub use error::NameError;
use label::{check_ace_label, check_label, is_label_char, unicode_to_ascii};

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
        // Typed with its suffix, the lower-cased input is the name already: no second copy.
        if label.len() < ascii.len() {
            return Ok(Name(ascii.into_boxed_str()));
        }
        let mut name = String::with_capacity(label.len() + 1 + TLD.len());
        name.push_str(label);
        name.push('.');
        name.push_str(TLD);
        Ok(Name(name.into_boxed_str()))
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
mod tests;
