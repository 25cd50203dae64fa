//! Rule 8 of "Canonical encoding": every field has its one CBOR type. Each case puts an item of
//! another type in a field of an entry, an op, a record, a tree node, a frame, a saved queue
//! chunk or the light cache: text for bytes, bytes for text, an integer head where an array, a
//! map, a string or a link belongs. Some of them the field's own decoding refuses
//! (`entry.malformed`, `sync.malformed`, `tree.invalid_node`); those it would read loosely are
//! `block.not_canonical`.

use super::{subject, swap, text, tree_subject};
use serde::Serialize;
use vns::block::to_cbor;
use vns::name::Name;
use vns::sync::{Message, ProofAnswer, QueueChunk};
use vns::tree::{empty_root, Tree};

/// `key` followed by `value`, as a map writes it.
fn pair(key: &str, value: &[u8]) -> Vec<u8> {
    [text(key), value.to_vec()].concat()
}

/// A byte string of `s`'s bytes: text spelled as bytes.
fn bytes_of(s: &str) -> Vec<u8> {
    to_cbor(serde_bytes::Bytes::new(s.as_bytes())).unwrap()
}

/// The same item with its major type changed to `major` (its argument and contents kept).
fn retyped(item: &[u8], major: u8) -> Vec<u8> {
    [&[(major << 5) | (item[0] & 0x1f)][..], &item[1..]].concat()
}

const NC: &str = "block.not_canonical";

/// Entry cases: (name, bytes, what the entry decoder says). Each also goes into a frame.
pub fn entry_mutations() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let entry = subject();
    let e = entry.encode();
    let op = &entry.ops[0];
    let records = to_cbor(&entry.records).unwrap();
    let ops = to_cbor(&entry.ops).unwrap();
    let op_bytes = to_cbor(&op.op).unwrap();
    let record = to_cbor(&entry.records[0]).unwrap();
    let signer = to_cbor(&op.op.signer).unwrap();
    let sig = to_cbor(&op.sig).unwrap();
    let digest = to_cbor(&op.op.records).unwrap();
    let name = text("alice.vfs");
    let malformed = "entry.malformed";
    let with = |key: &str, from: &[u8], to: &[u8]| swap(&e, &pair(key, from), &pair(key, to));
    vec![
        // Arrays: an integer head read as an empty array.
        ("rule8_records_integer_for_array", with("records", &records, &[0x00]), NC),
        ("rule8_ops_integer_for_array", with("ops", &ops, &[0x00]), "entry.empty"),
        // Maps: an integer head where a signed op, an op or a record belongs.
        ("rule8_signed_op_integer_for_map", with("ops", &ops, &[0x81, 0x00]), malformed),
        ("rule8_op_integer_for_map", with("op", &op_bytes, &[0x00]), malformed),
        ("rule8_record_integer_for_map", with("records", &records, &[0x81, 0x00]), malformed),
        // Text fields: bytes of the same UTF-8, and an integer.
        ("rule8_op_name_bytes_for_text", with("name", &name, &bytes_of("alice.vfs")), malformed),
        ("rule8_op_name_integer_for_text", with("name", &name, &[0x00]), malformed),
        (
            "rule8_op_kind_bytes_for_text",
            with("kind", &text("register"), &bytes_of("register")),
            malformed,
        ),
        ("rule8_record_type_bytes_for_text", with("type", &text("A"), &bytes_of("A")), malformed),
        (
            "rule8_record_value_bytes_for_text",
            with("value", &text("192.0.2.1"), &bytes_of("192.0.2.1")),
            malformed,
        ),
        (
            "rule8_record_value_integer_for_text",
            with("value", &text("192.0.2.1"), &[0x00]),
            malformed,
        ),
        // Byte fields: text, and an integer.
        (
            "rule8_op_signer_text_for_bytes",
            with("signer", &signer, &retyped(&signer, 3)),
            malformed,
        ),
        ("rule8_op_records_integer_for_bytes", with("records", &digest, &[0x00]), malformed),
        ("rule8_sig_text_for_bytes", with("sig", &sig, &retyped(&sig, 3)), malformed),
        ("rule8_sig_integer_for_bytes", with("sig", &sig, &[0x00]), malformed),
        // Integer fields: text, and bytes.
        ("rule8_op_seq_text_for_uint", with("seq", &[0x00], &text("")), malformed),
        ("rule8_record_ttl_bytes_for_uint", with("ttl", &[0x19, 0x0e, 0x10], &[0x40]), malformed),
        // The record's map where its array belongs, and its array where its map belongs.
        ("rule8_records_map_for_array", with("records", &records, &record), malformed),
        (
            "rule8_record_array_for_map",
            with("records", &records, &[&[0x81][..], &records].concat()),
            malformed,
        ),
    ]
}

/// Tree node cases: (name, bytes, what the node decoder says).
pub fn tree_mutations() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let n = tree_subject();
    let second_key = pair("k", &bytes_of("2.vfs"));
    let empty = [&[0xa2][..], &pair("e", &[0x80]), &pair("l", &[0xf6])].concat();
    let invalid = "tree.invalid_node";
    vec![
        // The empty tree with its entry list an integer 0 (a fuzz finding).
        ("rule8_entries_integer_for_array", swap(&empty, &[0x80], &[0x00]), NC),
        ("rule8_entries_map_for_array", swap(&empty, &[0x80], &[0xa0]), invalid),
        ("rule8_left_integer_for_link", swap(&empty, &[0xf6], &[0x00]), invalid),
        ("rule8_key_text_for_bytes", swap(&n, &second_key, &pair("k", &text("2.vfs"))), invalid),
        ("rule8_key_integer_for_bytes", swap(&n, &second_key, &pair("k", &[0x00])), NC),
        ("rule8_prefix_text_for_uint", swap(&n, &pair("p", &[5]), &pair("p", &text(""))), invalid),
    ]
}

/// Frame cases beyond the entry ones: (name, bytes, what the frame decoder says).
pub fn frame_mutations() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let root = empty_root();
    let link = to_cbor(&root).unwrap();
    let name = Name::parse("alice").unwrap();
    let entry = subject();
    let mut tree = Tree::new();
    tree.insert(name.as_str(), entry.to_block().cid);
    let answer = ProofAnswer::new(name.clone(), Some(b"abc".to_vec()), tree.prove(name.as_str()));
    let encode = |m: Message| m.encode();
    let get_nodes = encode(Message::GetNodes { id: 1, cids: vec![] });
    let nodes = encode(Message::Nodes { id: 1, root, blocks: vec![b"abc".to_vec().into()] });
    let get_entries = encode(Message::GetEntries { id: 1, names: vec![name.clone()] });
    let bye = encode(Message::Bye { code: "sync.shutdown".into(), reason: "bye".into() });
    let no_answers = encode(Message::Proofs { id: 1, root, answers: vec![] });
    let proofs = encode(Message::Proofs { id: 1, root, answers: vec![answer] });
    let watch = encode(Message::Watch { names: vec![] });
    let ops = encode(Message::Ops { entries: vec![entry.clone().into()] });
    let entries = encode(Message::Entries { id: 1, entries: vec![entry.clone().into()] });
    let announce = encode(Message::Root { root });
    let hello = encode(Message::Hello {
        network: serde_bytes::ByteArray::new(super::params().network_id()),
        root,
        clock: 5,
    });
    let abc = bytes_of("abc");
    let alice = text("alice.vfs");
    let malformed = "sync.malformed";
    let entry_list = [&[0x81][..], &entry.encode()].concat();
    vec![
        (
            "rule8_cids_integer_for_array",
            swap(&get_nodes, &pair("cids", &[0x80]), &pair("cids", &[0x00])),
            NC,
        ),
        ("rule8_block_integer_for_bytes", swap(&nodes, &abc, &[0x00]), NC),
        ("rule8_block_text_for_bytes", swap(&nodes, &abc, &text("abc")), malformed),
        (
            "rule8_requested_name_bytes_for_text",
            swap(&get_entries, &alice, &bytes_of("alice.vfs")),
            malformed,
        ),
        (
            "rule8_bye_code_bytes_for_text",
            swap(&bye, &text("sync.shutdown"), &bytes_of("sync.shutdown")),
            malformed,
        ),
        (
            "rule8_bye_reason_bytes_for_text",
            swap(&bye, &pair("reason", &text("bye")), &pair("reason", &bytes_of("bye"))),
            malformed,
        ),
        (
            "rule8_answers_integer_for_array",
            swap(&no_answers, &pair("answers", &[0x80]), &pair("answers", &[0x00])),
            NC,
        ),
        (
            "rule8_answer_entry_integer_for_bytes",
            swap(&proofs, &pair("entry", &abc), &pair("entry", &[0x00])),
            NC,
        ),
        (
            "rule8_answer_entry_text_for_bytes",
            swap(&proofs, &pair("entry", &abc), &pair("entry", &text("abc"))),
            malformed,
        ),
        (
            "rule8_answer_name_bytes_for_text",
            swap(&proofs, &alice, &bytes_of("alice.vfs")),
            malformed,
        ),
        (
            "rule8_watch_names_integer_for_array",
            swap(&watch, &pair("names", &[0x80]), &pair("names", &[0x00])),
            NC,
        ),
        // An entry list that is an integer 0 is not where the decoder looks for the entries.
        ("rule8_ops_entries_integer_for_array", swap(&ops, &entry_list, &[0x00]), malformed),
        (
            "rule8_entries_entries_integer_for_array",
            swap(&entries, &entry_list, &[0x00]),
            malformed,
        ),
        ("rule8_root_bytes_for_link", swap(&announce, &link, &link[2..]), malformed),
        (
            "rule8_hello_clock_text_for_uint",
            swap(&hello, &pair("clock", &[5]), &pair("clock", &text(""))),
            malformed,
        ),
        (
            "rule8_message_integer_for_map",
            swap(
                &announce,
                &[&text("root")[..], &[0xa1], &pair("root", &link)].concat(),
                &pair("root", &[0x00]),
            ),
            malformed,
        ),
    ]
}

/// Saved queue chunk cases: (name, bytes, what `QueueChunk::decode` says).
pub fn chunk_mutations() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let entry = subject();
    let chunk = QueueChunk { n: 3, entries: vec![entry.clone().into()] }.encode().bytes;
    let list = [&[0x81][..], &entry.encode()].concat();
    let corrupt = "sync.queue_corrupt";
    vec![
        (
            "rule8_chunk_entries_integer_for_array",
            swap(&chunk, &pair("entries", &list), &pair("entries", &[0x00])),
            corrupt,
        ),
        (
            "rule8_chunk_number_text_for_uint",
            swap(&chunk, &pair("n", &[3]), &pair("n", &text(""))),
            corrupt,
        ),
        (
            "rule8_chunk_entry_name_bytes_for_text",
            swap(&chunk, &text("alice.vfs"), &bytes_of("alice.vfs")),
            corrupt,
        ),
    ]
}

/// The saved light cache, as `LightClient::export_cache` writes it (keys sorted by the encoder).
#[derive(Serialize)]
struct SavedCache {
    v: u64,
    names: Vec<SavedName>,
}

#[derive(Serialize)]
struct SavedName {
    at: u64,
    name: String,
    entry: Option<()>,
}

/// One name proven absent, saved.
pub fn light_cache_subject() -> Vec<u8> {
    let names = vec![SavedName { at: 5, name: "alice.vfs".into(), entry: None }];
    to_cbor(&SavedCache { v: 1, names }).unwrap()
}

/// Saved light cache cases: (name, bytes, what `LightClient::restore_cache` says).
pub fn light_cache_mutations() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let saved = light_cache_subject();
    let names = to_cbor(&vec![SavedName { at: 5, name: "alice.vfs".into(), entry: None }]).unwrap();
    let corrupt = "light.cache_corrupt";
    let entry_null = pair("entry", &[0xf6]);
    vec![
        (
            "rule8_cached_name_bytes_for_text",
            swap(&saved, &text("alice.vfs"), &bytes_of("alice.vfs")),
            corrupt,
        ),
        ("rule8_cached_name_integer_for_text", swap(&saved, &text("alice.vfs"), &[0x00]), corrupt),
        (
            "rule8_cached_names_integer_for_array",
            swap(&saved, &pair("names", &names), &pair("names", &[0x00])),
            corrupt,
        ),
        // `entry` left out instead of written as null, the map's count lowered to match.
        (
            "rule8_cached_entry_missing",
            swap(&swap(&saved, &entry_null, &[]), &[0xa3], &[0xa2]),
            corrupt,
        ),
    ]
}
