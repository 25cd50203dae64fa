//! The fuzz targets' bodies, one function per target, in one place.
//!
//! The `cargo fuzz` binaries (`fuzz/fuzz_targets/*.rs`) call these functions, and so does the
//! stable replay test (`tests/fuzz_replay.rs`, which includes this file with `#[path]`), so a
//! replay runs exactly what the fuzzer ran. Every target takes arbitrary bytes, must never
//! panic, and asserts the properties that hold for whatever its decoder accepts. The bodies
//! only call the crate's public decoding entry points.
//!
//! ```text
//! cargo +nightly fuzz run entry          # or: bash scripts/fuzz.sh entry --seconds 60
//! ```

use std::fmt::Debug;

use vns::block::{from_cbor, from_cbor_exact, to_cbor};
use vns::entry::{Entry, MAX_ENTRY_BYTES};
use vns::name::{Name, MAX_INPUT_BYTES, MAX_LABEL_LEN, MIN_LABEL_LEN};
use vns::namespace::{Applied, Delta};
use vns::record::{records_hash, validate_records, Record};
use vns::rules;
use vns::sync::{Message, MAX_FRAME_BYTES};
use vns::tree::{child_links, verify_proof, Node, Tree};

#[path = "fixture.rs"]
pub mod fixture;

/// Whether every decoder refuses non-canonical DAG-CBOR. While it is `false`, a target checks
/// that what its decoder accepts re-encodes to bytes that decode to the same value; once it is
/// `true`, also that those bytes are exactly the input (one value, one encoding). Tree nodes
/// are held to the byte-exact rule already: their decoder checks it.
pub const STRICT_DECODING: bool = true;

/// One fuzz target: its name (the `cargo fuzz` binary and the corpus folder), its body, and
/// the longest input worth generating for it.
pub struct Target {
    /// Binary name in `fuzz/Cargo.toml`, folder name under `fuzz/corpus/` and `fuzz/regressions/`.
    pub name: &'static str,
    /// The body: arbitrary bytes in, a panic on any broken property.
    pub run: fn(&[u8]),
    /// libFuzzer's `-max_len`: one byte past the decoder's own size bound, so the refusal of
    /// oversized input is reached too (`scripts/fuzz.sh` passes these figures).
    pub max_len: usize,
}

/// Every target. `tests/fuzz_replay.rs` checks this list against `fuzz/Cargo.toml`, the
/// corpus folders and the `-max_len` table of `scripts/fuzz.sh`.
pub const TARGETS: &[Target] = &[
    Target { name: "entry", run: entry, max_len: MAX_ENTRY_BYTES + 1 },
    // A record set travels inside an entry, so the entry's bound is the set's bound.
    Target { name: "records", run: records, max_len: MAX_ENTRY_BYTES + 1 },
    Target { name: "sync_frame", run: sync_frame, max_len: MAX_FRAME_BYTES + 1 },
    // Tree nodes travel in `nodes` frames: the frame bound is theirs.
    Target { name: "tree_node", run: tree_node, max_len: MAX_FRAME_BYTES + 1 },
    // `Name::parse` trims before its length check: leave room for surrounding whitespace.
    Target { name: "name_parse", run: name_parse, max_len: 2 * MAX_INPUT_BYTES + 1 },
    Target { name: "name_cbor", run: name_cbor, max_len: 2 * MAX_INPUT_BYTES + 1 },
    Target { name: "namespace_apply", run: namespace_apply, max_len: MAX_ENTRY_BYTES + 1 },
];

/// The property every decoder owes its callers: an accepted value re-encodes to bytes the
/// decoder accepts as the same value, and, once decoding is strict, to the input itself.
fn assert_reencodes<T, E>(
    input: &[u8],
    value: &T,
    bytes: &[u8],
    decode: impl Fn(&[u8]) -> Result<T, E>,
) where
    T: PartialEq + Debug,
    E: Debug,
{
    match decode(bytes) {
        Ok(again) => assert_eq!(&again, value, "the re-encoding decodes to another value"),
        Err(e) => panic!("the re-encoding of an accepted value is refused: {e:?}"),
    }
    if STRICT_DECODING && bytes != input {
        let at = bytes.iter().zip(input).take_while(|(a, b)| a == b).count();
        panic!(
            "a non-canonical encoding was accepted: the {}-byte input differs from its {}-byte \
             re-encoding at byte {at}",
            input.len(),
            bytes.len()
        );
    }
}

/// `Entry::decode`, then everything a node reads from an entry before verifying it.
pub fn entry(data: &[u8]) {
    let Ok(entry) = Entry::decode(data) else { return };
    // The accessors index the op list; decoding must have made them safe.
    let _ = (entry.name(), entry.owner(), entry.lineage(), entry.chain().len());
    let _ = (entry.seq(), entry.expires(), entry.registered_at());
    let _ = rules::check_bounds(&entry);
    assert_reencodes(data, &entry, &entry.encode(), Entry::decode);
}

/// A record set as it appears in an entry (`records`), decoded as strictly as the entry
/// decoder does (`from_cbor_exact`), then the set-level rules.
pub fn records(data: &[u8]) {
    let Ok(set) = from_cbor_exact::<Vec<Record>>(data) else { return };
    let _ = validate_records(&set);
    let _ = records_hash(&set);
    for record in &set {
        // A decoded record is canonical: its text form parses back to it.
        let text = record.to_string();
        match Record::parse(record.kind(), &text, Some(record.ttl)) {
            Ok(again) => {
                assert_eq!(&again, record, "{} {text:?} parses to another record", record.kind())
            }
            Err(e) => panic!("decoded {} record {text:?} does not parse: {e}", record.kind()),
        }
    }
    let bytes = to_cbor(&set).expect("a decoded record set encodes");
    assert_reencodes(data, &set, &bytes, from_cbor_exact::<Vec<Record>>);
}

/// `Message::decode` on one sync frame; a refused frame's `bye` must itself be a valid frame
/// (its reason quotes parts of the refused input).
pub fn sync_frame(data: &[u8]) {
    match Message::decode(data) {
        Ok(message) => {
            let _ = message.kind();
            assert_reencodes(data, &message, &message.encode(), Message::decode);
        }
        Err(error) => {
            let bye = Message::bye(&error);
            match Message::decode(&bye.encode()) {
                Ok(again) => assert_eq!(again, bye),
                Err(e) => panic!("the bye for {error:?} is not a valid frame: {e}"),
            }
        }
    }
}

/// `Node::decode` on one tree-node block; a node without children is also loaded as a whole
/// tree and every key proved against its root.
pub fn tree_node(data: &[u8]) {
    let Ok(node) = Node::decode(data) else {
        assert!(child_links(data).is_err(), "child_links accepts a node Node::decode refuses");
        return;
    };
    let block = node.to_block();
    assert_eq!(block.bytes, data, "a non-canonical tree node was accepted");
    assert_eq!(child_links(data).ok(), Some(node.children().collect::<Vec<_>>()));
    for (i, entry) in node.entries.iter().enumerate() {
        assert_eq!(
            node.search(&entry.key),
            Ok(i),
            "key {:?} is not where the node says",
            entry.key
        );
    }
    if node.children().next().is_some() {
        return;
    }
    // A leaf may still be refused as a root (e.g. keys of a layer a lone root cannot have).
    let Ok(tree) = Tree::from_blocks(block.cid, [(block.cid, block.bytes)].into()) else { return };
    assert_eq!(tree.len(), node.entries.len());
    for entry in &node.entries {
        assert_eq!(tree.get(&entry.key), Some(entry.value));
        let proof = tree.prove(&entry.key);
        assert_eq!(verify_proof(&tree.root(), &entry.key, &proof), Ok(Some(entry.value)));
    }
}

/// `Name::parse` on arbitrary UTF-8: a name that parses is canonical, parses to itself, and
/// does not depend on the case of ASCII input.
pub fn name_parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(name) = Name::parse(text) else { return };
    let canonical = name.as_str();
    assert!(canonical.ends_with(".vfs"), "{canonical:?} is not a .vfs name");
    let label = name.label();
    assert!(
        (MIN_LABEL_LEN..=MAX_LABEL_LEN).contains(&label.len()),
        "label {label:?} out of bounds"
    );
    assert!(
        label.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_')),
        "label {label:?} is not lower-case ASCII"
    );
    assert_eq!(
        Name::parse(canonical).as_ref(),
        Ok(&name),
        "{canonical:?} does not parse to itself"
    );
    assert_eq!(
        Name::from_canonical(canonical).as_ref(),
        Ok(&name),
        "{canonical:?} is not canonical"
    );
    if text.is_ascii() {
        let upper = text.to_ascii_uppercase();
        assert_eq!(Name::parse(&upper).as_ref(), Ok(&name), "{upper:?} parses to another name");
    }
}

/// The CBOR name decoder (names inside ops, requests and frames).
pub fn name_cbor(data: &[u8]) {
    let Ok(name) = from_cbor::<Name>(data) else { return };
    assert_eq!(Name::from_canonical(name.as_str()).as_ref(), Ok(&name));
    let bytes = to_cbor(&name).expect("a name encodes");
    assert_reencodes(data, &name, &bytes, from_cbor::<Name>);
}

/// The bytes decoded as an entry and applied to a namespace holding a few live names
/// ([`fixture`]) at a fixed clock. Whatever happens: an accepted entry is held, emitted once
/// and moves the root, and its replay is a no-op; anything else changes nothing; and no
/// version outlives its expiry and grace period.
pub fn namespace_apply(data: &[u8]) {
    let Ok(entry) = Entry::decode(data) else { return };
    let fixture = fixture::get();
    let mut ns = fixture.namespace.clone();
    let now = fixture::NOW;
    match ns.apply(entry.clone(), now) {
        Ok(Applied::Accepted) => {
            assert_eq!(ns.get(entry.name()), Some(&entry), "an accepted entry is not held");
            assert_eq!(ns.take_deltas(), vec![Delta { entry: entry.clone().into() }]);
            assert_ne!(ns.merkle_root(), fixture.root, "an accepted entry left the root as it was");
            assert_eq!(ns.apply(entry, now), Ok(Applied::Duplicate), "a replay changed something");
            assert!(ns.take_deltas().is_empty(), "a replay was emitted");
        }
        Ok(Applied::Duplicate) | Err(_) => {
            assert!(ns.take_deltas().is_empty(), "a refused or duplicate entry was emitted");
            assert_eq!(
                ns.merkle_root(),
                fixture.root,
                "a refused or duplicate entry moved the root"
            );
            assert_eq!(ns.len(), fixture.namespace.len());
        }
    }
    // The latest expiry a version valid at `now` can carry is a renewal signed at the edge of
    // the clock skew; past it and the grace period every name is free again.
    let params = ns.params().clone();
    let free =
        now + params.max_future_skew_ms + params.registration_period_ms + params.grace_period_ms;
    ns.sweep_expired(free);
    assert!(ns.is_empty(), "a name outlives its expiry and grace period");
}
