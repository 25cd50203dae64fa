//! The shape check (rule 8 in the canonical pass) against the check it replaced: encoding what
//! was decoded and comparing it with the input byte for byte. On thousands of mutations of
//! valid entries, tree nodes, frames and queue chunks, wherever the value decodes, both accept
//! or both refuse at the same offset.

use super::shape::{Field, Shape, ENTRY, FRAME, LIGHT_CACHE, NODE, QUEUE_CHUNK, QUEUE_RECORD};
use super::shape::{QUEUE_V1, RECORD, SIGNED_OP};
use super::{from_cbor_checked, same_encoding, to_cbor, BlockError, Conformance};
use crate::entry::{EncodedEntry, Entry};
use crate::identity::Keypair;
use crate::name::Name;
use crate::params::NetworkParams;
use crate::record::Record;
use crate::sync::{Message, ProofAnswer, QueueChunk};
use crate::tree::Tree;
use crate::{build, tree};

const T0: u64 = 1_700_000_000_000;

/// A small deterministic generator (xorshift64*): the same cases on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One item of canonical CBOR: where it starts and ends, and its major type.
struct Item {
    start: usize,
    end: usize,
    major: u8,
}

/// A map's head and the range of each of its key-value pairs.
struct MapPairs {
    head: usize,
    pairs: Vec<(usize, usize)>,
}

/// Every item of canonical `bytes` (subjects only: they are well formed), and every map.
fn walk(bytes: &[u8]) -> (Vec<Item>, Vec<MapPairs>) {
    fn arg(bytes: &[u8], at: usize) -> (u64, usize) {
        match bytes[at] & 0x1f {
            info @ 0..=23 => (u64::from(info), 1),
            24 => (u64::from(bytes[at + 1]), 2),
            25 => (u64::from(u16::from_be_bytes([bytes[at + 1], bytes[at + 2]])), 3),
            26 => (u64::from(u32::from_be_bytes(bytes[at + 1..at + 5].try_into().unwrap())), 5),
            _ => (u64::from_be_bytes(bytes[at + 1..at + 9].try_into().unwrap()), 9),
        }
    }
    fn item(bytes: &[u8], at: usize, items: &mut Vec<Item>, maps: &mut Vec<MapPairs>) -> usize {
        let major = bytes[at] >> 5;
        let (n, head) = arg(bytes, at);
        let index = items.len();
        items.push(Item { start: at, end: 0, major });
        let mut end = at + head;
        match major {
            2 | 3 => end += n as usize,
            4 => (0..n).for_each(|_| end = item(bytes, end, items, maps)),
            5 => {
                let mut pairs = Vec::new();
                for _ in 0..n {
                    let start = end;
                    end = item(bytes, end, items, maps);
                    end = item(bytes, end, items, maps);
                    pairs.push((start, end));
                }
                maps.push(MapPairs { head: at, pairs });
            }
            6 => end = item(bytes, end, items, maps),
            _ => {}
        }
        items[index].end = end;
        end
    }
    let (mut items, mut maps) = (Vec::new(), Vec::new());
    item(bytes, 0, &mut items, &mut maps);
    (items, maps)
}

/// Small items put in place of another, each of another type than most fields.
const SMALL_ITEMS: &[&[u8]] = &[
    &[0x00],
    &[0x01],
    &[0x20],
    &[0x40],
    &[0x60],
    &[0x80],
    &[0xa0],
    &[0xf6],
    &[0xf5],
    &[0x41, 0x00],
    &[0x61, 0x61],
    &[0x81, 0x00],
    &[0xa1, 0x61, 0x61, 0x00],
    &[0x18, 0x2a],
];

/// One random change to `bytes`: an item's major type changed (its argument kept), an item
/// replaced by a small one, a map's pair dropped (the count lowered), a key renamed, or a
/// byte overwritten.
fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let (items, maps) = walk(bytes);
    let mut out = bytes.to_vec();
    let choice = if maps.is_empty() { 7 } else { rng.below(8) };
    match choice {
        0 | 1 => {
            let item = &items[rng.below(items.len())];
            // Text and bytes swapped half of the time: the spelling the CBOR library reads
            // most loosely.
            let major = match (item.major, rng.below(2)) {
                (2, 0) => 3,
                (3, 0) => 2,
                _ => [0, 1, 2, 3, 4, 5, 6][rng.below(7)],
            };
            out[item.start] = (major << 5) | (out[item.start] & 0x1f);
        }
        2 => {
            let item = &items[rng.below(items.len())];
            let small = SMALL_ITEMS[rng.below(SMALL_ITEMS.len())];
            out.splice(item.start..item.end, small.iter().copied());
        }
        3 => {
            let map = &maps[rng.below(maps.len())];
            let info = out[map.head] & 0x1f;
            if !map.pairs.is_empty() && info < 24 {
                let (start, end) = map.pairs[rng.below(map.pairs.len())];
                out.drain(start..end);
                out[map.head] -= 1;
            }
        }
        4 => {
            // A key's last letter changed: a field the shape does not have.
            let map = &maps[rng.below(maps.len())];
            if let Some(&(start, _)) = map.pairs.get(rng.below(map.pairs.len().max(1))) {
                let len = usize::from(out[start] & 0x1f);
                if (1..24).contains(&len) {
                    out[start + len] = b'z';
                }
            }
        }
        5 | 6 => {
            // A string, an array or a map replaced by the integer 0: the head the CBOR
            // library reads as an empty one.
            let sized: Vec<&Item> = items.iter().filter(|i| (2..=5).contains(&i.major)).collect();
            if let Some(item) = sized.get(rng.below(sized.len().max(1))) {
                out.splice(item.start..item.end, [0x00]);
            }
        }
        _ => {
            let at = rng.below(out.len());
            out[at] = rng.next() as u8;
        }
    }
    out
}

/// What a check said: `None` (accepted) or the offset it refused at.
fn verdict(result: Result<(), BlockError>) -> Option<usize> {
    match result {
        Ok(()) => None,
        Err(BlockError::NotCanonical { offset, .. }) => Some(offset),
        Err(other) => panic!("rule 8 answered {other:?}"),
    }
}

/// How the comparison went over all cases, so a run that compares nothing fails.
#[derive(Default, Debug)]
struct Tally {
    decoded_and_accepted: usize,
    decoded_and_refused: usize,
}

impl Tally {
    fn compare(&mut self, input: &[u8], shape: Conformance, reencoded: Result<(), BlockError>) {
        let (new, old) = (verdict(shape.result()), verdict(reencoded));
        assert_eq!(new, old, "shape check and re-encode disagree on {}", hex(input));
        match new {
            None => self.decoded_and_accepted += 1,
            Some(_) => self.decoded_and_refused += 1,
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs `cases` mutations of each subject through `check`, which compares the two checks
/// wherever the value decodes.
/// At least `least_refused` of them must be values that decode but depart from the shape.
fn mutations(
    subjects: &[Vec<u8>],
    cases: usize,
    least_refused: usize,
    mut check: impl FnMut(&[u8], &mut Tally),
) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut tally = Tally::default();
    for subject in subjects {
        check(subject, &mut tally);
    }
    assert_eq!(tally.decoded_and_refused, 0, "a subject is refused");
    for _ in 0..cases {
        let subject = &subjects[rng.below(subjects.len())];
        let mut bytes = mutate(subject, &mut rng);
        // Two changes at a time now and then: two departures, which one comes first.
        if rng.below(4) == 0 && !bytes.is_empty() && walk_is_safe(&bytes) {
            bytes = mutate(&bytes, &mut rng);
        }
        check(&bytes, &mut tally);
    }
    // The comparison must have been made, both ways, many times.
    println!("{cases} mutations: {tally:?}");
    assert!(tally.decoded_and_refused >= least_refused, "{tally:?}");
    assert!(tally.decoded_and_accepted >= subjects.len(), "{tally:?}");
}

/// Whether `bytes` can be walked again by [`walk`] (well formed and canonical).
fn walk_is_safe(bytes: &[u8]) -> bool {
    super::canonical::check(bytes, &Shape::Any).is_ok()
}

fn params() -> NetworkParams {
    NetworkParams::testing()
}

/// Entries of every kind of op: registrations with and without records, an update, a
/// renewal, a transfer, and a chain of them.
fn entries() -> Vec<Entry> {
    let p = params();
    let (alice, bob) = (Keypair::from_secret(&[1; 32]), Keypair::from_secret(&[2; 32]));
    let name = Name::parse("alice").unwrap();
    let a = Record::parse("A", "192.0.2.1", Some(3600)).unwrap();
    let txt = Record::parse("TXT", "hello", None).unwrap();
    // No records: the list a CBOR decoder would also read from the integer 0.
    let bare = build::register(&p, &alice, &Name::parse("bob").unwrap(), vec![], T0).unwrap();
    let reg = build::register(&p, &alice, &name, vec![a, txt.clone()], T0).unwrap();
    let updated = build::update(&reg, &alice, vec![txt], T0 + 1).unwrap();
    let renewed = build::renew(&updated, &alice, &p, T0 + 2);
    let moved = build::transfer(&renewed, &alice, bob.public(), T0 + 3);
    let again = build::update(&moved, &bob, vec![], T0 + 4).unwrap();
    vec![bare, reg, updated, renewed, moved, again]
}

#[test]
fn entries_shape_check_agrees_with_the_reencode() {
    let subjects: Vec<Vec<u8>> = entries().iter().map(Entry::encode).collect();
    mutations(&subjects, 4000, 10, |bytes, tally| {
        if let Ok((entry, shape)) = Entry::decode_checked(bytes) {
            tally.compare(bytes, shape, same_encoding(bytes, &entry.encode()));
        }
    });
}

#[test]
fn tree_nodes_shape_check_agrees_with_the_reencode() {
    let cid = entries()[0].to_block().cid;
    let mut tree = Tree::new();
    let mut subjects = vec![tree.block(&tree.root()).unwrap()];
    for i in 0..60 {
        tree.insert(&format!("name{i}.vfs"), cid);
    }
    subjects.extend(tree.reachable_cids().map(|c| tree.block(&c).unwrap()));
    mutations(&subjects, 3000, 50, |bytes, tally| {
        if let Ok((reencoded, shape)) = tree::Node::decode_checked_reencoded(bytes) {
            tally.compare(bytes, shape, same_encoding(bytes, &reencoded));
        }
    });
}

/// Frames of every message, with entries, blocks, names and answers in them.
fn frames() -> Vec<Vec<u8>> {
    let entries: Vec<EncodedEntry> = entries().into_iter().map(EncodedEntry::new).collect();
    let mut tree = Tree::new();
    for e in &entries {
        tree.insert(e.name().as_str(), *e.cid());
    }
    let root = tree.root();
    let names: Vec<Name> = entries.iter().map(|e| e.name().clone()).collect();
    let held = entries[0].clone();
    let answers = vec![
        ProofAnswer::new(held.name().clone(), Some(held.bytes().to_vec()), tree.prove("bob.vfs")),
        ProofAnswer::new(Name::parse("carol").unwrap(), None, tree.prove("carol.vfs")),
    ];
    let network = serde_bytes::ByteArray::new(params().network_id());
    let messages = vec![
        Message::Hello { network, root, clock: T0 },
        Message::Ops { entries: entries[..3].to_vec() },
        Message::Root { root },
        Message::GetNodes { id: 7, cids: vec![root, root] },
        Message::Nodes { id: 300, root, blocks: vec![tree.block(&root).unwrap().into()] },
        Message::GetEntries { id: 0, names: names.clone() },
        Message::Entries { id: 1 << 20, entries: entries[3..].to_vec() },
        Message::LightHello { network },
        Message::GetProofs { id: 2, names: names[..2].to_vec() },
        Message::Proofs { id: 3, root, answers },
        Message::Watch { names },
        Message::Bye { code: "sync.shutdown".into(), reason: "going away".into() },
    ];
    messages.iter().map(Message::encode).collect()
}

/// What the frame decoder compared before: each entry with its encoding, then the frame.
fn frame_reencoded(bytes: &[u8], message: &Message) -> Result<(), BlockError> {
    if let Message::Ops { entries } | Message::Entries { entries, .. } = message {
        for entry in entries {
            same_encoding(entry.bytes(), &entry.entry().encode())?;
        }
    }
    same_encoding(bytes, &message.encode())
}

#[test]
fn frames_shape_check_agrees_with_the_reencode() {
    mutations(&frames(), 5000, 35, |bytes, tally| {
        if let Ok((message, shape)) = Message::decode_checked(bytes) {
            tally.compare(bytes, shape, frame_reencoded(bytes, &message));
        }
    });
}

#[test]
fn queue_chunks_shape_check_agrees_with_the_reencode() {
    let entries: Vec<EncodedEntry> = entries().into_iter().map(EncodedEntry::new).collect();
    let chunk = |n, entries: &[EncodedEntry]| QueueChunk { n, entries: entries.to_vec() };
    let subjects =
        vec![chunk(0, &entries[..1]).encode().bytes, chunk(300, &entries).encode().bytes];
    mutations(&subjects, 1500, 8, |bytes, tally| {
        if let Ok((chunk, shape)) = from_cbor_checked::<QueueChunk>(bytes, &QUEUE_CHUNK) {
            tally.compare(bytes, shape, same_encoding(bytes, &to_cbor(&chunk).unwrap()));
        }
    });
}

/// Every map's fields are listed in canonical key order (shorter first, then bytewise), as the
/// check's search for each key in turn needs, and no field is listed twice.
#[test]
fn shapes_list_their_fields_in_key_order() {
    fn visit(shape: &'static Shape, seen: &mut Vec<*const Shape>) {
        if seen.contains(&(shape as *const Shape)) {
            return;
        }
        seen.push(shape);
        match shape {
            Shape::Map(fields) => {
                for pair in fields.windows(2) {
                    let (a, b) = (pair[0].key, pair[1].key);
                    assert!((a.len(), a) < (b.len(), b), "{a} before {b}");
                }
                fields.iter().for_each(|f: &Field| visit(f.shape, seen));
            }
            Shape::OneOf(variants) => variants.iter().for_each(|v| visit(v.shape, seen)),
            Shape::Nullable(inner) | Shape::Array(inner) | Shape::Embedded(inner) => {
                visit(inner, seen)
            }
            _ => {}
        }
    }
    let mut seen = Vec::new();
    for shape in [&ENTRY, &SIGNED_OP, &RECORD, &NODE, &FRAME, &QUEUE_V1, &QUEUE_RECORD] {
        visit(shape, &mut seen);
    }
    visit(&QUEUE_CHUNK, &mut seen);
    visit(&LIGHT_CACHE, &mut seen);
}
