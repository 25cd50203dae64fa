//! Why a string is not a valid `.vfs` name, with a stable code per reason.

/// Why a string is not a valid `.vfs` name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Nothing but whitespace.
    #[error("name is empty")]
    Empty,
    /// The raw input exceeds [`MAX_INPUT_BYTES`](super::MAX_INPUT_BYTES).
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
    /// The label is shorter than [`MIN_LABEL_LEN`](super::MIN_LABEL_LEN).
    #[error("label {label:?} is {len} characters, at least {min} are required")]
    TooShort {
        /// The offending label.
        label: String,
        /// Its length.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// The label is longer than [`MAX_LABEL_LEN`](super::MAX_LABEL_LEN).
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
