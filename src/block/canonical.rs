//! The canonical-form check every decoder runs before serde sees the bytes.
//!
//! VNS accepts exactly one encoding of each value: the one it writes itself (DAG-CBOR in its
//! strict form, restricted to the types VNS formats use). Rather than decoding and re-encoding
//! to compare bytes, one pass walks the CBOR items and stops at the first departure: it costs
//! no allocation, is linear in the input, and names the offset and the problem, so an
//! implementer sees at once which byte their encoder got wrong.
//!
//! The rules (also in `docs/protocol.md`, "Canonical encoding"):
//! - every integer, length and tag number in its shortest form;
//! - no indefinite lengths;
//! - map keys are text strings, sorted by length then bytewise, no duplicates;
//! - text strings are UTF-8;
//! - no floats, and no simple values other than `false`, `true` and `null`;
//! - tag 42 only, on a byte string starting with `0x00` (a CID);
//! - nothing after the top-level item;
//! - arrays, maps and tags nested at most [`MAX_DEPTH`] deep.
//!
//! Given a [`Shape`], the same pass also notes where the bytes depart from it (rule 8: every
//! field has its one CBOR type, every field always written is there, no other): the first
//! such departure is kept in the [`Conformance`] it returns, for the decoder to report once
//! the value has been read (so that what the value's own decoding refuses keeps its code).

use super::conformance::{expected, found, Conformance, Mismatch, Place};
use super::shape::{Field, Shape};
use super::BlockError;

/// Deepest nesting of arrays, maps and tags accepted. The deepest VNS structure (an op inside
/// an entry inside a sync frame) is 8 levels deep; 16 leaves room without letting a peer make
/// the decoder recurse without bound.
pub const MAX_DEPTH: usize = 16;

/// Checks that `bytes` are exactly one canonical DAG-CBOR item, and notes where they depart
/// from `shape` ([`Shape::Any`]: nowhere).
pub(super) fn check(bytes: &[u8], shape: &'static Shape) -> Result<Conformance, BlockError> {
    let mut reader = Reader::new(bytes);
    reader.item(0, shape, Place::Top)?;
    if reader.pos != bytes.len() {
        return Err(not_canonical(reader.pos, "trailing bytes after the top-level item"));
    }
    Ok(Conformance::new(reader.mismatch, reader.embedded))
}

/// The byte ranges of the elements of the array reached from the top-level map by following
/// `keys` through nested maps, or `None` where the path is not there. For bytes [`check`]
/// accepted: a decoder that has the decoded elements gets their exact encodings from it.
pub(super) fn array_items(
    bytes: &[u8],
    keys: &[&str],
) -> Result<Option<Vec<std::ops::Range<usize>>>, BlockError> {
    let mut reader = Reader::new(bytes);
    for (depth, key) in keys.iter().enumerate() {
        let head = reader.head()?;
        if head.major != 5 {
            return Ok(None);
        }
        let mut found = false;
        for _ in 0..reader.nested(&head, depth)? {
            let key_head = reader.head()?;
            if reader.text(&key_head)? == key.as_bytes() {
                found = true;
                break;
            }
            reader.item(depth + 1, &Shape::Any, Place::Top)?;
        }
        if !found {
            return Ok(None);
        }
    }
    let head = reader.head()?;
    if head.major != 4 {
        return Ok(None);
    }
    let mut items = Vec::new();
    for _ in 0..reader.nested(&head, keys.len())? {
        let start = reader.pos;
        reader.item(keys.len() + 1, &Shape::Any, Place::Top)?;
        items.push(start..reader.pos);
    }
    Ok(Some(items))
}

fn not_canonical(offset: usize, problem: impl Into<String>) -> BlockError {
    BlockError::NotCanonical { offset, problem: problem.into() }
}

fn malformed(offset: usize, problem: &str) -> BlockError {
    BlockError::Decode(format!("{problem} at offset {offset}"))
}

pub(super) fn is_null(head: &Head) -> bool {
    head.major == 7 && head.info == 22
}

fn length(head: &Head) -> Result<usize, BlockError> {
    usize::try_from(head.arg).map_err(|_| malformed(head.at, "length does not fit memory"))
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// The first departure from the shape in the current block (lowest offset).
    mismatch: Option<Mismatch>,
    /// The first departure found inside an embedded block.
    embedded: Option<Mismatch>,
}

/// The head of one item: major type, argument, and where the item starts.
pub(super) struct Head {
    pub(super) major: u8,
    pub(super) info: u8,
    pub(super) arg: u64,
    pub(super) at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0, mismatch: None, embedded: None }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], BlockError> {
        let end = self.pos.checked_add(n).filter(|&end| end <= self.bytes.len());
        let Some(end) = end else {
            return Err(malformed(self.pos, "unexpected end of input"));
        };
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    /// Reads an item head, requiring its argument in shortest form.
    fn head(&mut self) -> Result<Head, BlockError> {
        let at = self.pos;
        let first = self.take(1)?[0];
        let (major, info) = (first >> 5, first & 0x1f);
        let (arg, min) = match info {
            0..=23 => (u64::from(info), 0),
            24 => (u64::from(self.take(1)?[0]), 24),
            25 => (u64::from(u16::from_be_bytes(self.fixed()?)), 1 << 8),
            26 => (u64::from(u32::from_be_bytes(self.fixed()?)), 1 << 16),
            27 => (u64::from_be_bytes(self.fixed()?), 1 << 32),
            // Well-formed CBOR (strings, arrays, maps), but never canonical.
            31 if (2..=5).contains(&major) => {
                return Err(not_canonical(at, "an indefinite length is not allowed"));
            }
            // A break outside an indefinite-length item is not CBOR at all.
            31 if major == 7 => return Err(malformed(at, "unexpected break code")),
            _ => return Err(malformed(at, "reserved additional information")),
        };
        // Floats (major 7, info 25-27) carry a value, not an argument: reported by the caller.
        if arg < min && major != 7 {
            let what = match major {
                0 | 1 => "integer",
                6 => "tag number",
                _ => "length",
            };
            return Err(not_canonical(at, format!("{what} {arg} is not in its shortest form")));
        }
        Ok(Head { major, info, arg, at })
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N], BlockError> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }

    fn item(
        &mut self,
        depth: usize,
        shape: &'static Shape,
        place: Place,
    ) -> Result<(), BlockError> {
        if let Shape::Embedded(inner) = shape {
            return self.embedded_item(depth, inner, place);
        }
        let head = self.head()?;
        let shape = self.conform(&head, shape, place);
        match head.major {
            0 | 1 => Ok(()),
            2 => self.take(length(&head)?).map(|_| ()),
            3 => self.text(&head).map(|_| ()),
            4 => {
                let count = self.nested(&head, depth)?;
                let (element, place) = match (shape, place) {
                    (Shape::Array(element), Place::Field(key) | Place::Element(key)) => {
                        (*element, Place::Element(key))
                    }
                    (Shape::Array(element), Place::Top) => (*element, Place::Top),
                    _ => (&Shape::Any, place),
                };
                (0..count).try_for_each(|_| self.item(depth + 1, element, place))
            }
            5 => self.map(&head, depth, shape),
            6 => self.tag(&head, depth),
            _ => match head.info {
                20..=22 => Ok(()),
                23 => Err(not_canonical(head.at, "`undefined` is not allowed")),
                24 => {
                    Err(not_canonical(head.at, format!("simple value {} is not allowed", head.arg)))
                }
                25..=27 => Err(not_canonical(head.at, "floats are not allowed")),
                _ => Err(not_canonical(
                    head.at,
                    format!("simple value {} is not allowed", head.info),
                )),
            },
        }
    }

    /// A block embedded whole (an entry in a frame): its departures are its own, counted from
    /// its first byte, and only the first embedded block's is kept.
    fn embedded_item(
        &mut self,
        depth: usize,
        shape: &'static Shape,
        place: Place,
    ) -> Result<(), BlockError> {
        let start = self.pos;
        let outside = self.mismatch.take();
        let walked = self.item(depth, shape, place);
        let inside = std::mem::replace(&mut self.mismatch, outside);
        if let (None, Some(mut mismatch)) = (&self.embedded, inside) {
            mismatch.offset -= start;
            self.embedded = Some(mismatch);
        }
        walked
    }

    /// Whether the item `head` starts fits `shape`: the shape to check its contents with, or
    /// [`Shape::Any`] after noting the departure.
    fn conform(&mut self, head: &Head, shape: &'static Shape, place: Place) -> &'static Shape {
        let fits = match shape {
            Shape::Any => true,
            Shape::Uint => head.major == 0,
            Shape::Text => head.major == 3,
            Shape::Bytes => head.major == 2,
            Shape::Link => head.major == 6,
            Shape::Array(_) => head.major == 4,
            Shape::Map(_) => head.major == 5,
            Shape::OneOf(_) => head.major == 5 && head.arg == 1,
            Shape::Nullable(_) if is_null(head) => return &Shape::Any,
            Shape::Nullable(inner) | Shape::Embedded(inner) => {
                return self.conform(head, inner, place);
            }
        };
        if fits {
            return shape;
        }
        self.note(head.at, || format!("{place} is {}, not {}", found(head), expected(shape)));
        &Shape::Any
    }

    /// Keeps the departure at `offset` if it is the first in the bytes so far.
    fn note(&mut self, offset: usize, problem: impl FnOnce() -> String) {
        if self.mismatch.as_ref().is_none_or(|m| offset < m.offset) {
            self.mismatch = Some(Mismatch { offset, problem: problem() });
        }
    }

    /// The element count of an array or map, once the depth bound is checked.
    fn nested(&mut self, head: &Head, depth: usize) -> Result<usize, BlockError> {
        if depth >= MAX_DEPTH {
            return Err(not_canonical(head.at, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        length(head)
    }

    fn text(&mut self, head: &Head) -> Result<&'a [u8], BlockError> {
        let at = self.pos;
        let bytes = self.take(length(head)?)?;
        std::str::from_utf8(bytes).map_err(|_| malformed(at, "text string is not UTF-8"))?;
        Ok(bytes)
    }

    fn map(&mut self, head: &Head, depth: usize, shape: &'static Shape) -> Result<(), BlockError> {
        let count = self.nested(head, depth)?;
        // Fields are in key order, as the keys must be: each key is looked for after the
        // last one found.
        let mut next_field = 0;
        let mut previous: Option<&'a [u8]> = None;
        for _ in 0..count {
            let key_head = self.head()?;
            if key_head.major != 3 {
                return Err(not_canonical(key_head.at, "map key is not a text string"));
            }
            let key = self.text(&key_head)?;
            if let Some(previous) = previous {
                // DAG-CBOR order: shorter keys first, then bytewise.
                match (previous.len(), previous).cmp(&(key.len(), key)) {
                    std::cmp::Ordering::Less => {}
                    std::cmp::Ordering::Equal => {
                        return Err(not_canonical(key_head.at, "duplicate map key"))
                    }
                    std::cmp::Ordering::Greater => {
                        return Err(not_canonical(key_head.at, "map keys out of order"))
                    }
                }
            }
            previous = Some(key);
            let (value, place) = match shape {
                Shape::Map(fields) => self.map_field(head, fields, &mut next_field, key),
                Shape::OneOf(variants) => self.variant(head, variants, key),
                _ => (&Shape::Any, Place::Top),
            };
            self.item(depth + 1, value, place)?;
        }
        if let Shape::Map(fields) = shape {
            self.note_missing(head, &fields[next_field..]);
        }
        Ok(())
    }

    /// The shape of the value of `key` in a map of `fields`, looked for from `next` on (both
    /// are in key order), noting a key the shape does not have and the fields always written
    /// that the key skipped.
    fn map_field(
        &mut self,
        head: &Head,
        fields: &'static [Field],
        next: &mut usize,
        key: &[u8],
    ) -> (&'static Shape, Place) {
        let Some(skip) = fields[*next..].iter().position(|f| f.key.as_bytes() == key) else {
            self.note_unknown(head, key);
            return (&Shape::Any, Place::Top);
        };
        self.note_missing(head, &fields[*next..*next + skip]);
        let field = &fields[*next + skip];
        *next += skip + 1;
        (field.shape, Place::Field(field.key))
    }

    /// The shape of the fields of the variant named `key`.
    fn variant(
        &mut self,
        head: &Head,
        variants: &'static [Field],
        key: &[u8],
    ) -> (&'static Shape, Place) {
        match variants.iter().find(|v| v.key.as_bytes() == key) {
            Some(variant) => (variant.shape, Place::Field(variant.key)),
            None => {
                self.note_unknown(head, key);
                (&Shape::Any, Place::Top)
            }
        }
    }

    /// A key the map's shape does not have: the map is noted (the encoder would write it
    /// with one key fewer).
    fn note_unknown(&mut self, head: &Head, key: &[u8]) {
        let key = String::from_utf8_lossy(key);
        self.note(head.at, || format!("field `{key}` is not one of the map's fields"));
    }

    /// Fields always written among `skipped`, missing from the map: the map is noted.
    fn note_missing(&mut self, head: &Head, skipped: &'static [Field]) {
        if let Some(missing) = skipped.iter().find(|f| f.always) {
            let key = missing.key;
            self.note(head.at, || format!("field `{key}` is missing; it is always written"));
        }
    }

    fn tag(&mut self, head: &Head, depth: usize) -> Result<(), BlockError> {
        if head.arg != 42 {
            return Err(not_canonical(
                head.at,
                format!("tag {} is not allowed (only 42)", head.arg),
            ));
        }
        if depth >= MAX_DEPTH {
            return Err(not_canonical(head.at, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        let content = self.head()?;
        if content.major != 2 {
            return Err(not_canonical(content.at, "tag 42 does not hold a byte string"));
        }
        let bytes = self.take(length(&content)?)?;
        if bytes.first() != Some(&0x00) {
            return Err(not_canonical(content.at, "a CID under tag 42 must start with 0x00"));
        }
        // The CID's own varints must be minimal and it must fill the byte string: a CID
        // decoder reads a CID from the front and would ignore what follows it, or accept a
        // longer spelling of the same varint, giving one link several encodings.
        let binary = &bytes[1..];
        match cid::Cid::try_from(binary) {
            Ok(cid) if encodes_to(&cid, binary) => Ok(()),
            Ok(_) => Err(not_canonical(
                content.at,
                "the CID under tag 42 is not in its shortest binary form or has bytes after it",
            )),
            Err(_) => Err(not_canonical(content.at, "tag 42 does not hold a CID")),
        }
    }
}

/// Whether `cid`'s binary form is exactly `binary`, written into a buffer on the stack: a
/// tree node links every name's entry, and this runs for each of those links on a load.
fn encodes_to(cid: &cid::Cid, binary: &[u8]) -> bool {
    // Two varints of at most 10 bytes each, then a multihash of at most 64 digest bytes with
    // its own two varints: 104 bytes at most.
    let mut buffer = [0u8; 128];
    let mut out = &mut buffer[..];
    match cid.write_bytes(&mut out) {
        Ok(written) => buffer[..written] == *binary,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_any(bytes: &[u8]) -> Result<(), BlockError> {
        check(bytes, &Shape::Any)?.result()
    }

    fn problem(hex_input: &str) -> String {
        match check_any(&hex::decode(hex_input).unwrap()) {
            Err(BlockError::NotCanonical { offset, problem }) => format!("{offset}: {problem}"),
            other => panic!("{hex_input}: expected NotCanonical, got {other:?}"),
        }
    }

    #[test]
    fn accepts_canonical_items() {
        for ok in [
            "00",
            "17",
            "1818",
            "190100",
            "1a00010000",
            "1b0000000100000000",
            "20",
            "3818",
            "f4",
            "f5",
            "f6",
            "40",
            "60",
            "80",
            "a0",
            "a261610061620b",
            "a2616101626161f6",
            "d82a450001550000",
        ] {
            check_any(&hex::decode(ok).unwrap()).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
    }

    #[test]
    fn a_link_holds_exactly_one_canonical_cid() {
        // The identity-hashed CIDv1 of nothing, then bytes after it, then a two-byte spelling
        // of its version varint, then something that is no CID at all.
        check_any(&hex::decode("d82a450001550000").unwrap()).unwrap();
        for bad in ["d82a46000155000000", "d82a46008100550000", "d82a42000f"] {
            let e = check_any(&hex::decode(bad).unwrap()).unwrap_err();
            assert_eq!(e.code(), "block.not_canonical", "{bad}: {e}");
        }
    }

    #[test]
    fn names_offset_and_problem() {
        assert_eq!(problem("821801"), "1: integer 1 is not in its shortest form");
        assert_eq!(problem("3800"), "0: integer 0 is not in its shortest form");
        assert_eq!(problem("580100"), "0: length 1 is not in its shortest form");
        assert_eq!(problem("a2616200616100"), "4: map keys out of order");
        assert_eq!(problem("a26161006161f5"), "4: duplicate map key");
        assert_eq!(problem("a178016100"), "1: length 1 is not in its shortest form");
        assert_eq!(problem("a1010f"), "1: map key is not a text string");
        assert_eq!(problem("f93c00"), "0: floats are not allowed");
        assert_eq!(problem("f7"), "0: `undefined` is not allowed");
        assert_eq!(problem("f0"), "0: simple value 16 is not allowed");
        assert_eq!(problem("f820"), "0: simple value 32 is not allowed");
        assert_eq!(problem("9fff"), "0: an indefinite length is not allowed");
        assert_eq!(problem("c100"), "0: tag 1 is not allowed (only 42)");
        assert_eq!(problem("d82a4101"), "2: a CID under tag 42 must start with 0x00");
        assert_eq!(problem("d82a00"), "2: tag 42 does not hold a byte string");
        assert_eq!(problem("d9002a4100"), "0: tag number 42 is not in its shortest form");
        assert_eq!(problem("0000"), "1: trailing bytes after the top-level item");
        assert_eq!(problem(&"81".repeat(17)), "16: nested deeper than 16 levels");
    }

    #[test]
    fn malformed_input_is_a_decode_error() {
        for bad in ["", "18", "62ff", "1c", "62c328", "ff", "3f"] {
            let err = check_any(&hex::decode(bad).unwrap()).unwrap_err();
            assert_eq!(err.code(), "block.decode", "{bad}: {err}");
        }
        // Depth exactly at the bound is fine.
        check_any(&hex::decode(format!("{}00", "81".repeat(16))).unwrap()).unwrap();
    }
}
