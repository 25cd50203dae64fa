//! Where canonical bytes depart from the [`Shape`] of the structure they should be (rule 8 of
//! "Canonical encoding"), found by the canonical pass and reported by the decoder once it has
//! read the value, in words that name the field and both CBOR types.

use super::canonical::{is_null, Head};
use super::shape::Shape;
use super::BlockError;

/// Where canonical bytes depart from the shape they were checked against (rule 8), if they do.
#[must_use = "a departure from the shape is reported by `result`"]
#[derive(Debug)]
pub(crate) struct Conformance {
    /// The first departure outside embedded blocks (the lowest offset).
    outside: Option<Mismatch>,
    /// The first departure inside the first embedded block that has one, its offset counted
    /// from that block's first byte.
    embedded: Option<Mismatch>,
}

impl Conformance {
    pub(super) fn new(outside: Option<Mismatch>, embedded: Option<Mismatch>) -> Conformance {
        Conformance { outside, embedded }
    }

    /// `block.not_canonical` for the first departure (one inside an embedded block first),
    /// or `Ok` when the bytes have the shape.
    pub(crate) fn result(self) -> Result<(), BlockError> {
        match self.embedded.or(self.outside) {
            Some(Mismatch { offset, problem }) => Err(BlockError::NotCanonical { offset, problem }),
            None => Ok(()),
        }
    }
}

/// One departure from the shape: where, and what.
#[derive(Debug)]
pub(super) struct Mismatch {
    pub(super) offset: usize,
    pub(super) problem: String,
}

/// Where an item sits, for naming it in a departure.
#[derive(Clone, Copy)]
pub(super) enum Place {
    Top,
    Field(&'static str),
    Element(&'static str),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Top => f.write_str("the top-level item"),
            Place::Field(key) => write!(f, "field `{key}`"),
            Place::Element(key) => write!(f, "an element of `{key}`"),
        }
    }
}

/// What the item `head` starts is, in words.
pub(super) fn found(head: &Head) -> &'static str {
    match head.major {
        0 => "an unsigned integer",
        1 => "a negative integer",
        2 => "a byte string",
        3 => "a text string",
        4 => "an array",
        5 if head.arg == 1 => "a map of one key",
        5 => "a map",
        6 => "a link",
        _ if is_null(head) => "null",
        _ => "a boolean",
    }
}

/// What an item of `shape` is, in words.
pub(super) fn expected(shape: &Shape) -> String {
    match shape {
        Shape::Any => "anything".into(),
        Shape::Uint => "an unsigned integer".into(),
        Shape::Text => "a text string".into(),
        Shape::Bytes => "a byte string".into(),
        Shape::Link => "a link".into(),
        Shape::Array(_) => "an array".into(),
        Shape::Map(_) => "a map".into(),
        Shape::OneOf(_) => "a map of one key (the message's name)".into(),
        Shape::Nullable(inner) => format!("{} or null", expected(inner)),
        Shape::Embedded(inner) => expected(inner),
    }
}
