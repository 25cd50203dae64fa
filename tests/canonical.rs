//! Canonical decoding: every decoder of outside bytes refuses each non-canonical form, and
//! accepts everything VNS writes.
//!
//! The rejection cases are also the vectors in `tests/vectors/non_canonical.json` (hex input,
//! decoder, expected code), rebuilt here from their inputs. Regenerate (after a deliberate
//! change only) with `VNS_BLESS=1 cargo test --test canonical`.

mod common;
#[path = "canonical/rule8.rs"]
mod rule8;

use common::*;
use serde::{Deserialize, Serialize};
use vns::block::to_cbor;
use vns::entry::Entry;
use vns::sync::{DeltaQueue, Message, QueueChunk};
use vns::tree::{empty_root, Node, Tree};

/// One committed vector: `input` (hex) must be refused by `decoder` with `code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Case {
    name: String,
    decoder: String,
    input: String,
    code: String,
}

/// The entry every entry and frame case starts from: `alice.vfs` registered with one A record
/// (TTL 3600).
fn subject() -> Entry {
    reg(1, "alice", T0)
}

fn text(s: &str) -> Vec<u8> {
    to_cbor(s).unwrap()
}

/// `bytes` with the only occurrence of `from` replaced by `to`.
fn swap(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at: Vec<usize> =
        bytes.windows(from.len()).enumerate().filter(|(_, w)| *w == from).map(|(i, _)| i).collect();
    assert_eq!(at.len(), 1, "pattern {} must occur once", hex::encode(from));
    [&bytes[..at[0]], to, &bytes[at[0] + from.len()..]].concat()
}

/// The record's `ttl` key followed by `value` (the canonical one is `19 0e10`, 3600).
fn ttl(value: &[u8]) -> Vec<u8> {
    [text("ttl"), value.to_vec()].concat()
}

/// Non-canonical variants of the subject entry: (name, bytes, what the entry decoder says).
fn entry_mutations() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let entry = subject();
    let e = entry.encode();
    let ttl_ok = ttl(&[0x19, 0x0e, 0x10]);
    let with_ttl = |value: &[u8]| swap(&e, &ttl_ok, &ttl(value));
    let name = text("alice.vfs");
    let signer = [&text("signer")[..], &[0x58, 0x20]].concat();
    let ops_key = text("ops");
    let records_key = text("records");
    let ops = to_cbor(&entry.ops).unwrap();
    let records = to_cbor(&entry.records).unwrap();
    let nc = "block.not_canonical";
    vec![
        // The first finding: a TTL written as a 5-byte integer.
        ("integer_not_shortest_ttl_5_bytes", with_ttl(&[0x1a, 0, 0, 0x0e, 0x10]), nc),
        (
            "integer_not_shortest_seq_0_as_1800",
            swap(&e, &[&text("seq")[..], &[0]].concat(), &[&text("seq")[..], &[0x18, 0]].concat()),
            nc,
        ),
        ("integer_not_shortest_ttl_9_bytes", with_ttl(&[0x1b, 0, 0, 0, 0, 0, 0, 0x0e, 0x10]), nc),
        ("text_length_not_shortest", swap(&e, &name, &[&[0x78, 9][..], b"alice.vfs"].concat()), nc),
        (
            "bytes_length_not_shortest",
            swap(&e, &signer, &[&text("signer")[..], &[0x59, 0, 0x20]].concat()),
            nc,
        ),
        (
            "array_length_not_shortest",
            swap(&e, &[&ops_key[..], &[0x81]].concat(), &[&ops_key[..], &[0x98, 1]].concat()),
            nc,
        ),
        (
            "map_length_not_shortest",
            swap(&e, &[&[0xa3][..], &ttl_ok].concat(), &[&[0xb8, 3][..], &ttl_ok].concat()),
            nc,
        ),
        // The second finding: `records` before `ops`.
        (
            "map_keys_out_of_order",
            [&[0xa2][..], &records_key, &records, &ops_key, &ops].concat(),
            nc,
        ),
        (
            "map_key_duplicate",
            [&[0xa3][..], &ops_key, &ops, &ops_key, &ops, &records_key, &records].concat(),
            nc,
        ),
        ("map_key_not_text", [&[0xa2, 0x01, 0x00][..], &ops_key, &ops].concat(), nc),
        ("float_16", with_ttl(&[0xf9, 0x6b, 0x08]), nc),
        ("float_32", with_ttl(&[0xfa, 0x45, 0x61, 0, 0]), nc),
        ("float_64", with_ttl(&[0xfb, 0x40, 0xac, 0x20, 0, 0, 0, 0, 0]), nc),
        ("indefinite_text", swap(&e, &name, &[&[0x7f][..], &name, &[0xff]].concat()), nc),
        (
            "indefinite_bytes",
            swap(&e, &signer, &[&text("signer")[..], &[0x5f, 0x58, 0x20]].concat()),
            nc,
        ),
        (
            "indefinite_array",
            [
                &swap(
                    &e,
                    &[&records_key[..], &[0x81]].concat(),
                    &[&records_key[..], &[0x9f]].concat(),
                )[..],
                &[0xff],
            ]
            .concat(),
            nc,
        ),
        ("indefinite_map", [&[0xbf][..], &e[1..], &[0xff]].concat(), nc),
        ("tag_other_than_42", with_ttl(&[0xc1, 0x19, 0x0e, 0x10]), nc),
        ("tag_42_not_a_cid", with_ttl(&[0xd8, 0x2a, 0x41, 0x01]), nc),
        ("trailing_bytes", [&e[..], &[0x00]].concat(), nc),
        ("undefined", with_ttl(&[0xf7]), nc),
        ("simple_value_16", with_ttl(&[0xf0]), nc),
        ("simple_value_32", with_ttl(&[0xf8, 0x20]), nc),
        ("nested_too_deep", with_ttl(&[&[0x81; 17][..], &[0]].concat()), nc),
        // Canonical CBOR, but `null` written for an absent op field: a second encoding of the
        // same op, refused by the field decoder.
        (
            "null_for_absent_field",
            swap(
                &swap(&e, &[0xa9, 0x61, 0x76], &[0xaa, 0x61, 0x76]),
                &name,
                &[&name[..], &text("prev"), &[0xf6]].concat(),
            ),
            "entry.malformed",
        ),
        // Bad record values keep their own code.
        (
            "record_type_not_canonical",
            swap(
                &e,
                &[&text("type")[..], &text("A")].concat(),
                &[&text("type")[..], &text("a")].concat(),
            ),
            "record.not_canonical",
        ),
        ("record_bad_ipv4", swap(&e, &text("192.0.2.1"), &text("999.0.2.1")), "record.bad_ipv4"),
    ]
}

/// `entry` (encoded) inside an `ops` frame, in place of the subject.
fn in_frame(entry: &[u8]) -> Vec<u8> {
    let good = subject();
    let frame = Message::Ops { entries: vec![good.clone().into()] }.encode();
    swap(&frame, &good.encode(), entry)
}

/// A tree of two keys sharing the prefix `alice` in one node, and that node's bytes.
fn tree_subject() -> Vec<u8> {
    let mut tree = Tree::new();
    let cid = subject().to_block().cid;
    tree.insert("alice1.vfs", cid);
    tree.insert("alice2.vfs", cid);
    let root = tree.block(&tree.root()).unwrap();
    assert_eq!(Node::decode(&root).unwrap().entries.len(), 2, "both keys in the root node");
    root
}

fn tree_mutations() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let n = tree_subject();
    let p5 = [&text("p")[..], &[5]].concat();
    let second_key = [&text("k")[..], &[0x45], b"2.vfs"].concat();
    let nc = "block.not_canonical";
    vec![
        ("integer_not_shortest", swap(&n, &p5, &[&text("p")[..], &[0x18, 5]].concat()), nc),
        ("trailing_bytes", [&n[..], &[0]].concat(), nc),
        ("float_16", swap(&n, &p5, &[&text("p")[..], &[0xf9, 0x45, 0x00]].concat()), nc),
        ("indefinite_map", [&[0xbf][..], &n[1..], &[0xff]].concat(), nc),
        // The empty tree `{e: [], l: null}` with its keys swapped, and with `l` left out.
        (
            "map_keys_out_of_order",
            [&[0xa2][..], &text("l"), &[0xf6], &text("e"), &[0x80]].concat(),
            nc,
        ),
        ("missing_null_field", [&[0xa1][..], &text("e"), &[0x80]].concat(), "tree.invalid_node"),
        // The second key written whole instead of sharing the prefix with the first.
        (
            "prefix_not_shared",
            swap(
                &swap(&n, &second_key, &[&text("k")[..], &[0x4a], b"alice2.vfs"].concat()),
                &p5,
                &[&text("p")[..], &[0]].concat(),
            ),
            "tree.invalid_node",
        ),
    ]
}

/// Every case, in the order of the vector file.
fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let mut push = |name: &str, decoder: &str, input: &[u8], code: &str| {
        out.push(Case {
            name: name.into(),
            decoder: decoder.into(),
            input: hex::encode(input),
            code: code.into(),
        })
    };
    for (name, bytes, code) in entry_mutations() {
        push(name, "entry", &bytes, code);
        // Inside a frame, what is not CBOR-level becomes a malformed message.
        let frame_code = if code == "block.not_canonical" { code } else { "sync.malformed" };
        let frame = match name {
            // Bytes after the entry would be read as the frame's next key: the frame itself
            // gets the trailing byte instead.
            "trailing_bytes" => [&in_frame(&subject().encode())[..], &[0]].concat(),
            _ => in_frame(&bytes),
        };
        push(name, "frame", &frame, frame_code);
    }
    // A `hello` whose `v` is written as 0x18 0x02 instead of 0x02.
    let hello = Message::Hello {
        network: serde_bytes::ByteArray::new(params().network_id()),
        root: empty_root(),
        clock: 1_700_000_000_000,
    };
    let bytes = hello.encode();
    let version = vns::sync::PROTOCOL_VERSION as u8;
    let v = [&text("v")[..], &[version]].concat();
    push(
        "hello_version_not_shortest",
        "frame",
        &swap(&bytes, &v, &[&text("v")[..], &[0x18, version]].concat()),
        "block.not_canonical",
    );
    for (name, bytes, code) in tree_mutations() {
        push(name, "tree_node", &bytes, code);
    }
    for (name, bytes, code) in rule8::entry_mutations() {
        push(name, "entry", &bytes, code);
        let frame_code = if code == "block.not_canonical" { code } else { "sync.malformed" };
        push(name, "frame", &in_frame(&bytes), frame_code);
    }
    for (name, bytes, code) in rule8::tree_mutations() {
        push(name, "tree_node", &bytes, code);
    }
    for (name, bytes, code) in rule8::frame_mutations() {
        push(name, "frame", &bytes, code);
    }
    for (name, bytes, code) in rule8::chunk_mutations() {
        push(name, "queue_chunk", &bytes, code);
    }
    for (name, bytes, code) in rule8::light_cache_mutations() {
        push(name, "light_cache", &bytes, code);
    }
    out
}

/// The code `decoder` gives for `input`, or `None` if it accepts it.
fn run(decoder: &str, input: &[u8]) -> Option<String> {
    match decoder {
        "entry" => Entry::decode(input).err().map(|e| e.code().to_string()),
        "frame" => Message::decode(input).err().map(|e| e.code().to_string()),
        "tree_node" => Node::decode(input).err().map(|e| e.code().to_string()),
        "queue_chunk" => QueueChunk::decode(input).err().map(|e| e.code().to_string()),
        "light_cache" => {
            light_client().restore_cache(input, T0).err().map(|e| e.code().to_string())
        }
        other => panic!("unknown decoder {other}"),
    }
}

fn light_client() -> vns::light::LightClient {
    vns::light::LightClient::new(params(), vns::light::LightConfig::default())
}

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/non_canonical.json");

#[test]
fn vectors_match_their_inputs() {
    let computed = cases();
    if std::env::var_os("VNS_BLESS").is_some() {
        std::fs::write(VECTORS, serde_json::to_string_pretty(&computed).unwrap() + "\n").unwrap();
    }
    let committed: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string(VECTORS).expect("vector file")).unwrap();
    assert_eq!(committed, computed, "vectors changed: rebless deliberately");
}

#[test]
fn every_vector_is_refused_with_its_code() {
    let committed: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string(VECTORS).expect("vector file")).unwrap();
    assert!(committed.len() > 50);
    let mut wrong = Vec::new();
    for case in &committed {
        let got = run(&case.decoder, &hex::decode(&case.input).unwrap());
        if got.as_deref() != Some(case.code.as_str()) {
            wrong.push(format!(
                "{} ({}): expected {}, got {got:?}",
                case.name, case.decoder, case.code
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_subjects_themselves_are_accepted() {
    // Each case differs from an accepted input only by its one defect.
    let entry = subject();
    assert_eq!(Entry::decode(&entry.encode()).unwrap(), entry);
    assert_eq!(
        Message::decode(&in_frame(&entry.encode())).unwrap(),
        Message::Ops { entries: vec![entry.into()] }
    );
    Node::decode(&tree_subject()).unwrap();
    Node::decode(&[&[0xa2][..], &text("e"), &[0x80], &text("l"), &[0xf6]].concat()).unwrap();
    let chunk = QueueChunk { n: 3, entries: vec![subject().into()] };
    assert_eq!(QueueChunk::decode(&chunk.encode().bytes).unwrap(), chunk);
    assert_eq!(light_client().restore_cache(&rule8::light_cache_subject(), T0).unwrap(), 1);
}

#[test]
fn errors_name_the_offset_and_the_problem() {
    let e = subject().encode();
    let ttl_at = e.windows(4).position(|w| w == ttl(&[0x19, 0x0e, 0x10])[..4].as_ref()).unwrap();
    let five = swap(&e, &ttl(&[0x19, 0x0e, 0x10]), &ttl(&[0x1a, 0, 0, 0x0e, 0x10]));
    let err = Entry::decode(&five).unwrap_err().to_string();
    let expected = format!("offset {}: integer 3600 is not in its shortest form", ttl_at + 4);
    assert!(err.contains(&expected), "{err}");
}

#[test]
fn saved_queue_must_be_canonical() {
    let mut queue = DeltaQueue::new(8);
    queue.push(subject());
    let bytes = queue.encode();
    assert_eq!(DeltaQueue::decode(&bytes, 8).unwrap().len(), 1);
    let five = swap(&bytes, &ttl(&[0x19, 0x0e, 0x10]), &ttl(&[0x1a, 0, 0, 0x0e, 0x10]));
    let err = DeltaQueue::decode(&five, 8).unwrap_err();
    assert_eq!(err.code(), "sync.queue_corrupt");
    assert!(err.to_string().contains("not in its shortest form"), "{err}");
    let err = DeltaQueue::decode(&[&bytes[..], &[0]].concat(), 8).unwrap_err();
    assert!(err.to_string().contains("trailing bytes"), "{err}");
}

#[test]
fn oversized_entries_have_one_code_everywhere() {
    // Decoding and verification refuse an oversized entry with the same code.
    let mut big = subject();
    big.records = (0..70).map(|i| txt(&format!("{i:0>250}"))).collect();
    assert!(big.encode().len() > vns::entry::MAX_ENTRY_BYTES);
    assert_eq!(vns::rules::verify_entry(&big, &params()).unwrap_err().code(), "entry.too_large");
    assert_eq!(Entry::decode(&big.encode()).unwrap_err().code(), "entry.too_large");
}

mod round_trip {
    use super::*;
    use proptest::prelude::*;
    use vns::build;

    #[derive(Debug, Clone)]
    enum Step {
        Update(Vec<u8>),
        Renew,
        Transfer,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            proptest::collection::btree_set(any::<u8>(), 0..4)
                .prop_map(|octets| Step::Update(octets.into_iter().collect())),
            Just(Step::Renew),
            Just(Step::Transfer),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Whatever chain honest builders produce, its entry, its frame and the tree nodes
        /// holding it pass the strict decoders and come back equal.
        #[test]
        fn what_vns_writes_strict_decoding_reads_back(
            steps in proptest::collection::vec(step(), 0..8),
            ttl in any::<u32>(),
            label in "[a-z]{3,12}",
        ) {
            let p = params();
            let mut owner = 1u8;
            let mut ts = T0;
            let record = vns::record::Record::parse("TXT", "x", Some(ttl));
            let records: Vec<_> = record.into_iter().collect();
            let mut entry = build::register(&p, &key(owner), &name(&label), records, ts).unwrap();
            for s in steps {
                ts += MIN;
                entry = match s {
                    Step::Update(octets) => {
                        let records = octets.iter().map(|o| a(&format!("10.0.0.{o}"))).collect();
                        build::update(&entry, &key(owner), records, ts).unwrap()
                    }
                    Step::Renew => build::renew(&entry, &key(owner), &p, ts),
                    Step::Transfer => {
                        owner = owner % 3 + 1;
                        let from = if owner == 1 { 3 } else { owner - 1 };
                        build::transfer(&entry, &key(from), key(owner).public(), ts)
                    }
                };
                vns::rules::verify_entry(&entry, &p).unwrap();
            }
            prop_assert_eq!(&Entry::decode(&entry.encode()).unwrap(), &entry);
            let frame = Message::Entries { id: u64::from(ttl), entries: vec![entry.clone().into()] };
            prop_assert_eq!(&Message::decode(&frame.encode()).unwrap(), &frame);
            let mut tree = Tree::new();
            tree.insert(entry.name().as_str(), entry.to_block().cid);
            tree.insert("other.vfs", entry.to_block().cid);
            for cid in tree.reachable_cids().collect::<Vec<_>>() {
                Node::decode(&tree.block(&cid).unwrap()).unwrap();
            }
        }
    }
}

#[test]
fn saved_root_pointer_must_be_exactly_a_cid() {
    use pollster::block_on;
    use vns::blockstore::{Blockstore, MemoryBlockstore};
    use vns::namespace::{Limits, Namespace};
    use vns::persist::{self, ROOT_KEY};

    let mut ns = Namespace::new(params());
    ns.apply(subject(), T0).unwrap();
    let store = MemoryBlockstore::new();
    block_on(persist::save(&mut ns, &store, &[])).unwrap();
    let root = block_on(store.get_state(ROOT_KEY)).unwrap().unwrap();
    assert_eq!(block_on(persist::load(&store, params(), Limits::default())).unwrap().len(), 1);
    let trailing = [&root[..], &[0]].concat();
    block_on(store.commit(&[], &[(ROOT_KEY.to_string(), Some(trailing))])).unwrap();
    let err = block_on(persist::load(&store, params(), Limits::default())).unwrap_err();
    assert_eq!(err.code(), "load.bad_root");
    assert!(err.to_string().contains("trailing bytes"), "{err}");
}
