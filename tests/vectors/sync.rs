//! `sync.json`: every sync message with its fields, encoded as a frame.

use cid::Cid;
use serde::{Deserialize, Serialize};
use serde_bytes::{ByteArray, ByteBuf};
use vns::entry::EncodedEntry;
use vns::name::Name;
use vns::sync::{Message, ProofAnswer};

use super::kit::{hex, unhex, unhex32, VectorFile};

/// A message's fields: byte strings and entries as hex, CIDs as strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Inputs {
    Hello { network: String, root: String, clock: u64 },
    Ops { entries: Vec<String> },
    Root { root: String },
    GetNodes { id: u64, cids: Vec<String> },
    Nodes { id: u64, root: String, blocks: Vec<String> },
    GetEntries { id: u64, names: Vec<String> },
    Entries { id: u64, entries: Vec<String> },
    LightHello { network: String },
    GetProofs { id: u64, names: Vec<String> },
    Proofs { id: u64, root: String, answers: Vec<Answer> },
    Watch { names: Vec<String> },
    Bye { code: String, reason: String },
}

/// One answer of a `proofs` reply: the entry block and the proof blocks as hex.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    entry: Option<String>,
    proof: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outputs {
    frame: String,
}

fn cid(s: &str) -> Cid {
    Cid::try_from(s).unwrap()
}

fn entries(list: &[String]) -> Vec<EncodedEntry> {
    list.iter().map(|h| EncodedEntry::decode(&unhex(h)).unwrap()).collect()
}

fn canonical(names: &[String]) -> Vec<Name> {
    names.iter().map(|n| Name::from_canonical(n).unwrap()).collect()
}

fn message(i: &Inputs) -> Message {
    match i {
        Inputs::Hello { network, root, clock } => Message::Hello {
            network: ByteArray::new(unhex32(network)),
            root: cid(root),
            clock: *clock,
        },
        Inputs::Ops { entries: e } => Message::Ops { entries: entries(e) },
        Inputs::Root { root } => Message::Root { root: cid(root) },
        Inputs::GetNodes { id, cids } => {
            Message::GetNodes { id: *id, cids: cids.iter().map(|c| cid(c)).collect() }
        }
        Inputs::Nodes { id, root, blocks } => Message::Nodes {
            id: *id,
            root: cid(root),
            blocks: blocks.iter().map(|b| ByteBuf::from(unhex(b))).collect(),
        },
        Inputs::GetEntries { id, names } => Message::GetEntries {
            id: *id,
            names: names.iter().map(|n| Name::from_canonical(n).unwrap()).collect(),
        },
        Inputs::Entries { id, entries: e } => Message::Entries { id: *id, entries: entries(e) },
        Inputs::LightHello { network } => {
            Message::LightHello { network: ByteArray::new(unhex32(network)) }
        }
        Inputs::GetProofs { id, names } => Message::GetProofs { id: *id, names: canonical(names) },
        Inputs::Proofs { id, root, answers } => Message::Proofs {
            id: *id,
            root: cid(root),
            answers: answers
                .iter()
                .map(|a| ProofAnswer {
                    name: Name::from_canonical(&a.name).unwrap(),
                    entry: a.entry.as_ref().map(|e| ByteBuf::from(unhex(e))),
                    proof: a.proof.iter().map(|b| ByteBuf::from(unhex(b))).collect(),
                })
                .collect(),
        },
        Inputs::Watch { names } => Message::Watch { names: canonical(names) },
        Inputs::Bye { code, reason } => Message::Bye { code: code.clone(), reason: reason.clone() },
    }
}

fn build(i: &Inputs) -> Outputs {
    let message = message(i);
    let frame = message.encode();
    assert_eq!(Message::decode(&frame).unwrap(), message, "the frame decodes back");
    // As documented: an entry travels as its block's exact bytes, embedded in the frame.
    if let Inputs::Ops { entries } | Inputs::Entries { entries, .. } = i {
        for e in entries {
            let block = unhex(e);
            assert!(
                frame.windows(block.len()).any(|w| w == block),
                "the frame embeds the entry block"
            );
        }
    }
    Outputs { frame: hex(frame) }
}

#[test]
fn sync_vectors() {
    let chain = super::chain();
    let entry = |i: usize| hex(chain.entries[i].1.to_block().bytes);
    let mut tree = vns::tree::Tree::new();
    let (_, registered) = &chain.entries[0];
    tree.insert(registered.name().as_str(), registered.to_block().cid);
    let root = tree.root();
    let empty = vns::tree::empty_root().to_string();
    let network = hex(vns::params::NetworkParams::testing().network_id());
    let list = vec![
        (
            "hello",
            Inputs::Hello {
                network: network.clone(),
                root: empty.clone(),
                clock: 1_764_547_200_000,
            },
        ),
        ("ops", Inputs::Ops { entries: vec![entry(0), entry(4)] }),
        ("root", Inputs::Root { root: root.to_string() }),
        ("get_nodes", Inputs::GetNodes { id: 1, cids: vec![root.to_string()] }),
        (
            "nodes",
            Inputs::Nodes {
                id: 1,
                root: root.to_string(),
                blocks: vec![hex(tree.block(&root).unwrap())],
            },
        ),
        (
            "get_entries",
            Inputs::GetEntries {
                id: 2,
                names: vec!["alice.vfs".into(), "xn--mnchen-3ya.vfs".into()],
            },
        ),
        ("entries", Inputs::Entries { id: 2, entries: vec![entry(4)] }),
        ("light_hello", Inputs::LightHello { network: network.clone() }),
        (
            "get_proofs",
            Inputs::GetProofs { id: 3, names: vec!["alice.vfs".into(), "bob.vfs".into()] },
        ),
        (
            "proofs",
            Inputs::Proofs {
                id: 3,
                root: root.to_string(),
                answers: vec![
                    Answer {
                        name: "alice.vfs".into(),
                        entry: Some(entry(0)),
                        proof: tree.prove("alice.vfs").blocks.into_iter().map(hex).collect(),
                    },
                    Answer {
                        name: "bob.vfs".into(),
                        entry: None,
                        proof: tree.prove("bob.vfs").blocks.into_iter().map(hex).collect(),
                    },
                ],
            },
        ),
        ("watch", Inputs::Watch { names: vec!["alice.vfs".into()] }),
        (
            "bye",
            Inputs::Bye {
                code: "sync.network_mismatch".into(),
                reason: "peer is on another network".into(),
            },
        ),
    ];
    let mut file = VectorFile::open("sync.json");
    file.section("messages", list, build);
    file.finish();
}
