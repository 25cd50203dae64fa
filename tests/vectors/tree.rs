//! `tree.json`: a small merkle search tree (three layers): each name's layer, every node
//! block with its CID (root first, then level by level), the root, and proofs.

use cid::Cid;
use serde::{Deserialize, Serialize};
use vns::block::cid_of;
use vns::tree::{child_links, layer_of, verify_proof, Tree};

use super::kit::{hex, VectorFile};

/// A name and its value: the CID of the name's entry block (any CID will do for the tree).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    name: String,
    value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    pairs: Vec<Pair>,
    /// Names to prove, present or absent.
    prove: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    name: String,
    layer: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeBlock {
    cid: String,
    cbor: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProofOut {
    name: String,
    /// CIDs of the proof's blocks, root first (their bytes are under `nodes`).
    blocks: Vec<String>,
    /// The entry CID the proof shows, or `null` for a proof of absence.
    value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outputs {
    layers: Vec<Layer>,
    root: String,
    nodes: Vec<NodeBlock>,
    proofs: Vec<ProofOut>,
}

fn build(i: &Inputs) -> Outputs {
    let mut tree = Tree::new();
    for p in &i.pairs {
        tree.insert(&p.name, Cid::try_from(p.value.as_str()).unwrap());
    }
    let root = tree.root();
    let mut nodes = Vec::new();
    let mut level = vec![root];
    while !level.is_empty() {
        let mut next = Vec::new();
        for cid in level {
            let bytes = tree.block(&cid).unwrap();
            assert_eq!(cid_of(&bytes), cid);
            next.extend(child_links(&bytes).unwrap());
            nodes.push(NodeBlock { cid: cid.to_string(), cbor: hex(&bytes) });
        }
        level = next;
    }
    let proofs = i
        .prove
        .iter()
        .map(|name| {
            let proof = tree.prove(name);
            let value = verify_proof(&root, name, &proof).unwrap();
            let blocks = proof.blocks.iter().map(|b| cid_of(b).to_string()).collect();
            ProofOut { name: name.clone(), blocks, value: value.map(|c| c.to_string()) }
        })
        .collect();
    let layers =
        i.pairs.iter().map(|p| Layer { name: p.name.clone(), layer: layer_of(&p.name) }).collect();
    Outputs { layers, root: root.to_string(), nodes, proofs }
}

/// Twelve names, then the first names of layer 1 and layer 2 after them, so the tree has
/// three levels.
fn inputs() -> Inputs {
    let name = |i: u32| format!("n{i:04}.vfs");
    let mut names: Vec<String> = (0..12).map(name).collect();
    for wanted in [1, 2] {
        let i = (12..100_000).find(|&i| layer_of(&name(i)) == wanted).unwrap();
        names.push(name(i));
    }
    let pairs = names
        .iter()
        .map(|n| Pair {
            name: n.clone(),
            value: cid_of(format!("entry of {n}").as_bytes()).to_string(),
        })
        .collect();
    Inputs { pairs, prove: vec![names[0].clone(), names[13].clone(), "absent.vfs".into()] }
}

#[test]
fn tree_vectors() {
    let mut file = VectorFile::open("tree.json");
    file.section(
        "trees",
        vec![
            ("empty", Inputs { pairs: vec![], prove: vec!["alice.vfs".into()] }),
            ("three levels", inputs()),
        ],
        build,
    );
    file.finish();
}
