//! Tests of the Merkle Search Tree against simple models: a `BTreeMap`, a rebuild-from-sorted
//! reference builder, brute-force diffs and a simulated block store.

use std::collections::{BTreeMap, HashMap, HashSet};

use cid::Cid;
use proptest::prelude::*;
use vns::block::{cid_of, Block};
use vns::tree::{
    child_links, diff, empty_root, layer_of, verify_proof, DiffEntry, DiffWalk, Leaf, Node, Proof,
    Tree, TreeError,
};

fn key(i: u32) -> String {
    format!("name{i}.vfs")
}

fn val(i: u32) -> Cid {
    cid_of(format!("value {i}").as_bytes())
}

/// Reference: the canonical tree of a sorted set, built from scratch. The highest layer's keys
/// form the node; each gap between them is built recursively from the keys it holds.
fn reference_build(entries: &[(String, Cid)], blocks: &mut HashMap<Cid, Vec<u8>>) -> Option<Cid> {
    let top = entries.iter().map(|(k, _)| layer_of(k)).max()?;
    let mut node = Node::default();
    let mut start = 0;
    for (i, (k, v)) in entries.iter().enumerate() {
        if layer_of(k) == top {
            let gap = reference_build(&entries[start..i], blocks);
            node.set_gap(node.entries.len(), gap);
            node.entries.push(Leaf { key: k.clone(), value: *v, right: None });
            start = i + 1;
        }
    }
    let gap = reference_build(&entries[start..], blocks);
    node.set_gap(node.entries.len(), gap);
    let block = node.to_block();
    blocks.insert(block.cid, block.bytes);
    Some(block.cid)
}

fn reference_root(model: &BTreeMap<String, Cid>) -> Cid {
    let entries: Vec<(String, Cid)> = model.iter().map(|(k, v)| (k.clone(), *v)).collect();
    reference_build(&entries, &mut HashMap::new()).unwrap_or_else(empty_root)
}

fn tree_of(keys: impl IntoIterator<Item = u32>) -> Tree {
    let mut tree = Tree::new();
    for i in keys {
        tree.insert(&key(i), val(i));
    }
    tree
}

fn check_against_model(tree: &Tree, model: &BTreeMap<String, Cid>) {
    tree.validate().unwrap();
    assert_eq!(tree.len(), model.len());
    let listed: Vec<(String, Cid)> = tree.iter().map(|(k, v)| (k.to_string(), v)).collect();
    let expected: Vec<(String, Cid)> = model.iter().map(|(k, v)| (k.clone(), *v)).collect();
    assert_eq!(listed, expected);
    for (k, v) in model {
        assert_eq!(tree.get(k), Some(*v));
    }
    assert_eq!(tree.root(), reference_root(model));
}

/// Enough keys that several layers occur: about 1/16 of keys are layer 1, 1/256 layer 2.
#[test]
fn layers_occur() {
    let layers: Vec<u32> = (0..3000).map(|i| layer_of(&key(i))).collect();
    assert!(layers.iter().filter(|&&l| l >= 1).count() > 100);
    assert!(layers.iter().any(|&l| l >= 2));
}

#[test]
fn empty_tree() {
    let tree = Tree::new();
    let empty = Node::default().to_block();
    assert_eq!(tree.root(), empty.cid);
    assert_eq!(tree.root(), empty_root());
    // {"e": [], "l": null}
    assert_eq!(empty.bytes, [0xa2, 0x61, b'e', 0x80, 0x61, b'l', 0xf6]);
    println!("empty tree root: {}", tree.root());
    assert_eq!(tree.block(&tree.root()), Some(empty.bytes));
    assert_eq!(tree.iter().count(), 0);
    assert_eq!(tree.depth(), 0);
}

#[test]
fn links_are_dag_cbor_tag_42() {
    let mut tree = Tree::new();
    tree.insert("alice.vfs", val(1));
    let bytes = tree.block(&tree.root()).unwrap();
    // tag 42 is encoded as 0xd8 0x2a, followed by the CID bytes with a 0x00 multibase prefix.
    let mut cid_bytes = vec![0xd8, 0x2a, 0x58, 37, 0x00];
    cid_bytes.extend(val(1).to_bytes());
    assert!(bytes.windows(cid_bytes.len()).any(|w| w == cid_bytes));
}

#[test]
fn many_keys_match_reference_and_reverse_order() {
    let n = 3000;
    let forward = tree_of(0..n);
    let backward = tree_of((0..n).rev());
    assert_eq!(forward.root(), backward.root());
    let model: BTreeMap<String, Cid> = (0..n).map(|i| (key(i), val(i))).collect();
    check_against_model(&forward, &model);
    println!("3000 keys: depth {}, {} nodes", forward.depth(), forward.node_count());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Same set, different insertion orders and removals: same root as the reference builder.
    #[test]
    fn order_independence(
        (keys, order_a, order_b) in prop::collection::btree_set(0u32..5000, 0..400)
            .prop_flat_map(|set| {
                let keys: Vec<u32> = set.into_iter().collect();
                (Just(keys.clone()), Just(keys.clone()).prop_shuffle(), Just(keys).prop_shuffle())
            }),
        removed_mask in prop::collection::vec(any::<bool>(), 400),
    ) {
        let removed: Vec<u32> = keys.iter().zip(&removed_mask).filter(|(_, &r)| r).map(|(&k, _)| k).collect();
        // A: insert everything in one order, then remove some keys.
        let mut a = tree_of(order_a.iter().copied());
        for &k in &removed {
            prop_assert_eq!(a.remove(&key(k)), Some(val(k)));
        }
        // B: insert the removed keys last in another order, then remove them in reverse.
        let removed_set: HashSet<u32> = removed.iter().copied().collect();
        let mut b = tree_of(order_b.iter().copied().filter(|k| !removed_set.contains(k)));
        for &k in &removed {
            b.insert(&key(k), val(k));
        }
        for &k in removed.iter().rev() {
            b.remove(&key(k));
        }
        let model: BTreeMap<String, Cid> = keys
            .iter()
            .filter(|k| !removed_set.contains(k))
            .map(|&k| (key(k), val(k)))
            .collect();
        prop_assert_eq!(a.root(), b.root());
        check_against_model(&a, &model);
        check_against_model(&b, &model);
    }

    /// Random inserts, overwrites and removals agree with a BTreeMap; the tree keeps its
    /// invariants; take_changes keeps a simulated store equal to the reachable nodes.
    #[test]
    fn random_operations_match_model(
        ops in prop::collection::vec((any::<bool>(), 0u32..400, 0u32..3, any::<bool>()), 1..400),
    ) {
        let mut tree = Tree::new();
        let mut model = BTreeMap::new();
        let mut store: HashMap<Cid, Vec<u8>> = HashMap::new();
        for (is_insert, k, v, save) in ops {
            let (name, value) = (key(k), val(k * 10 + v));
            if is_insert {
                prop_assert_eq!(tree.insert(&name, value), model.insert(name.clone(), value));
            } else {
                prop_assert_eq!(tree.remove(&name), model.remove(&name));
            }
            prop_assert_eq!(tree.get(&name), model.get(&name).copied());
            if save {
                let changes = tree.take_changes();
                for block in changes.new_blocks {
                    prop_assert!(!store.contains_key(&block.cid), "block written twice");
                    store.insert(block.cid, block.bytes);
                }
                for cid in changes.dropped {
                    prop_assert!(store.remove(&cid).is_some(), "dropped a block never written");
                }
                let reachable: HashSet<Cid> = tree.reachable_cids().collect();
                let stored: HashSet<Cid> = store.keys().copied().collect();
                prop_assert_eq!(reachable, stored);
                let loaded = Tree::from_blocks(tree.root(), store.clone()).unwrap();
                prop_assert_eq!(loaded.root(), tree.root());
            }
        }
        check_against_model(&tree, &model);
    }

    /// The diff equals a brute-force comparison of the two maps, in both directions.
    #[test]
    fn diff_matches_brute_force(
        base in prop::collection::btree_set(0u32..3000, 0..500),
        changes in prop::collection::vec((0u32..3000, 0u32..3), 0..60),
    ) {
        let local = tree_of(base.iter().copied());
        let mut remote = local.clone();
        for (k, v) in changes {
            match v {
                0 => { remote.remove(&key(k)); }
                1 => { remote.insert(&key(k), val(k)); }
                _ => { remote.insert(&key(k), val(k + 100_000)); }
            }
        }
        for (a, b) in [(&local, &remote), (&remote, &local)] {
            let d = diff(a, b.root(), &mut |cid| b.block(cid)).unwrap();
            let ma: BTreeMap<String, Cid> = a.iter().collect();
            let mb: BTreeMap<String, Cid> = b.iter().collect();
            let keys: std::collections::BTreeSet<&str> = ma.keys().chain(mb.keys()).map(String::as_str).collect();
            let expected: Vec<DiffEntry> = keys
                .into_iter()
                .filter(|k| ma.get(*k) != mb.get(*k))
                .map(|k| DiffEntry { key: k.to_string(), local: ma.get(k).copied(), remote: mb.get(k).copied() })
                .collect();
            prop_assert_eq!(&d.entries, &expected);
            prop_assert!(d.fetched <= b.node_count());
            let b_only = b.reachable_cids().filter(|c| !a.has_node(c)).count();
            prop_assert!(d.fetched <= b_only, "fetched a node the local tree holds");
        }
    }
}

/// Inserts `extra` fresh keys one at a time into a tree of `n` keys and reports the new blocks
/// each insert creates.
fn blocks_per_insert(n: u32, extra: u32) -> (usize, f64, usize, usize) {
    let mut tree = tree_of(0..n);
    tree.take_new_blocks();
    let depth = tree.depth();
    let (mut max, mut total, mut max_layer0) = (0, 0, 0);
    for i in n..n + extra {
        tree.insert(&key(i), val(i));
        let new = tree.take_new_blocks().len();
        assert!(new <= 2 * depth + 1, "insert of {} wrote {new} blocks at depth {depth}", key(i));
        if layer_of(&key(i)) == 0 {
            max_layer0 = max_layer0.max(new);
        }
        max = max.max(new);
        total += new;
        tree.remove(&key(i));
        tree.take_new_blocks();
    }
    (depth, total as f64 / extra as f64, max, max_layer0)
}

/// Measured over 300 fresh keys (deterministic): at 1k keys depth 3, 2.99 new blocks per
/// insert on average (max 4); at 10k keys depth 4, 4.06 on average (max 6). A layer-0 key rewrites at most `depth`
/// nodes; a higher key also splits the subtrees below it (at most 2 nodes per level).
#[test]
fn insert_writes_only_a_path() {
    for n in [1_000, 10_000] {
        let (depth, avg, max, max_layer0) = blocks_per_insert(n, 300);
        println!(
            "{n} keys: depth {depth}, new blocks per insert avg {avg:.2}, max {max} (layer 0: max {max_layer0})"
        );
        assert!(max_layer0 <= depth);
        assert!(max <= depth + 2);
    }
}

#[test]
fn remove_writes_only_a_path() {
    let mut tree = tree_of(0..10_000);
    tree.take_new_blocks();
    let depth = tree.depth();
    for i in (0..10_000).step_by(97) {
        tree.remove(&key(i));
        let changes = tree.take_changes();
        assert!(changes.new_blocks.len() <= depth + 2);
        assert!(changes.dropped.len() <= 2 * depth + 1);
    }
    tree.validate().unwrap();
}

#[test]
fn proofs_of_inclusion_and_absence() {
    let tree = tree_of(0..2000);
    for i in (0..2000).step_by(37) {
        let proof = tree.prove(&key(i));
        assert!(proof.blocks.len() <= tree.depth());
        assert_eq!(verify_proof(&tree.root(), &key(i), &proof), Ok(Some(val(i))));
    }
    for i in (5000..5100).step_by(7) {
        let proof = tree.prove(&key(i));
        assert_eq!(verify_proof(&tree.root(), &key(i), &proof), Ok(None));
    }
    let empty = Tree::new();
    assert_eq!(verify_proof(&empty.root(), "a.vfs", &empty.prove("a.vfs")), Ok(None));
    // Proofs travel as DAG-CBOR.
    let proof = tree.prove(&key(3));
    let bytes = vns::block::to_cbor(&proof).unwrap();
    let back: Proof = vns::block::from_cbor(&bytes).unwrap();
    assert_eq!(back, proof);
}

/// A key whose proof path is the longest, to exercise tampering at every depth.
fn deepest_key(tree: &Tree, keys: impl Iterator<Item = u32>) -> u32 {
    keys.max_by_key(|&i| tree.prove(&key(i)).blocks.len()).unwrap()
}

#[test]
fn tampered_proofs_fail() {
    let tree = tree_of(0..2000);
    let root = tree.root();
    for (target, present) in
        [(deepest_key(&tree, 0..2000), true), (deepest_key(&tree, 9000..9100), false)]
    {
        let k = key(target);
        let proof = tree.prove(&k);
        assert!(proof.blocks.len() >= 3);
        assert_eq!(verify_proof(&root, &k, &proof).unwrap().is_some(), present);
        // A byte changed anywhere in any block.
        for b in 0..proof.blocks.len() {
            for pos in [0, proof.blocks[b].len() / 2, proof.blocks[b].len() - 1] {
                let mut bad = proof.clone();
                bad.blocks[b][pos] ^= 0x01;
                let err = verify_proof(&root, &k, &bad).unwrap_err();
                assert_eq!(err.code(), "proof.hash_mismatch", "{err}");
            }
        }
        // A node dropped: the last one, or one in the middle.
        let mut short = proof.clone();
        short.blocks.pop();
        assert_eq!(verify_proof(&root, &k, &short).unwrap_err().code(), "proof.incomplete");
        let mut gap = proof.clone();
        gap.blocks.remove(1);
        assert_eq!(verify_proof(&root, &k, &gap).unwrap_err().code(), "proof.hash_mismatch");
        // A node added.
        let mut long = proof.clone();
        long.blocks.push(proof.blocks[0].clone());
        assert_eq!(verify_proof(&root, &k, &long).unwrap_err().code(), "proof.extra_blocks");
        // A proof for another root.
        let mut other = tree.clone();
        other.insert("zzz.vfs", val(1));
        let err = verify_proof(&other.root(), &k, &proof).unwrap_err();
        assert_eq!(err.code(), "proof.hash_mismatch");
        assert!(err.to_string().contains(&other.root().to_string()));
    }
    // A proof for one key used for another key whose path differs.
    let (a, b) = (key(deepest_key(&tree, 0..2000)), key(7));
    assert_ne!(tree.prove(&a), tree.prove(&b));
    assert!(verify_proof(&root, &b, &tree.prove(&a)).is_err());
    assert!(verify_proof(&root, &a, &tree.prove(&b)).is_err());
}

#[test]
fn forged_but_hash_consistent_proof_is_rejected() {
    // A root whose child breaks the layer rule (child layer not below parent): hashes match,
    // structure does not.
    let low = (0..).map(key).find(|k| layer_of(k) == 0).unwrap();
    let low2 = (0..).map(key).find(|k| layer_of(k) == 0 && *k > low).unwrap();
    let child =
        Node { left: None, entries: vec![Leaf { key: low2.clone(), value: val(2), right: None }] }
            .to_block();
    let root = Node {
        left: None,
        entries: vec![Leaf { key: low.clone(), value: val(1), right: Some(child.cid) }],
    }
    .to_block();
    let proof = Proof { blocks: vec![root.bytes.clone(), child.bytes.clone()] };
    let err = verify_proof(&root.cid, &low2, &proof).unwrap_err();
    assert_eq!(err.code(), "proof.invalid_node");
    assert!(err.to_string().contains(&child.cid.to_string()), "{err}");
    let blocks = HashMap::from([(root.cid, root.bytes), (child.cid, child.bytes)]);
    let err = Tree::from_blocks(root.cid, blocks).unwrap_err();
    assert_eq!(
        err,
        TreeError::InvalidNode {
            cid: child.cid,
            reason: "child node's layer is not below its parent's".into()
        }
    );
}

#[test]
fn diff_fetches_only_differing_paths() {
    let local = tree_of(0..10_000);
    let depth = local.depth();
    // Identical trees: nothing fetched.
    let same = diff(&local, local.root(), &mut |_| panic!("nothing to fetch")).unwrap();
    assert_eq!(same.fetched, 0);
    assert!(same.entries.is_empty());
    // One changed value, one added key, one removed key: a path each.
    for change in 0..3 {
        let mut remote = local.clone();
        match change {
            0 => {
                remote.insert(&key(4242), val(1));
            }
            1 => {
                remote.insert(&key(20_000), val(1));
            }
            _ => {
                remote.remove(&key(4242));
            }
        }
        let mut rounds = 0;
        let mut walk = DiffWalk::new(&local, remote.root());
        loop {
            let wanted = walk.advance().unwrap();
            if wanted.is_empty() {
                break;
            }
            rounds += 1;
            assert_eq!(local.missing(&wanted), wanted);
            for cid in wanted {
                walk.supply(cid, remote.block(&cid).unwrap()).unwrap();
            }
        }
        let d = walk.finish();
        assert_eq!(d.entries.len(), 1);
        println!(
            "10k keys, depth {depth}: one-key change {change} fetched {} nodes in {rounds} rounds",
            d.fetched
        );
        assert!(d.fetched <= depth + 1, "fetched {}", d.fetched);
        assert!(rounds <= depth + 1);
    }
    // Against an empty tree, every remote node is fetched once.
    let d = diff(&Tree::new(), local.root(), &mut |cid| local.block(cid)).unwrap();
    assert_eq!(d.entries.len(), 10_000);
    assert_eq!(d.fetched, local.node_count());
}

#[test]
fn diff_reports_missing_and_corrupt_remote_blocks() {
    let local = tree_of(0..100);
    let remote = tree_of(50..200);
    let err = diff(&local, remote.root(), &mut |_| None).unwrap_err();
    assert_eq!(err, TreeError::MissingBlock { cid: remote.root() });
    let err = diff(&local, remote.root(), &mut |_| Some(b"junk".to_vec())).unwrap_err();
    assert_eq!(err.code(), "tree.corrupt_block");
    assert!(err.to_string().contains(&remote.root().to_string()));
}

#[test]
fn from_blocks_round_trip_and_errors() {
    let tree = tree_of(0..3000);
    let blocks: HashMap<Cid, Vec<u8>> =
        tree.reachable_cids().map(|c| (c, tree.block(&c).unwrap())).collect();
    let loaded = Tree::from_blocks(tree.root(), blocks.clone()).unwrap();
    assert_eq!(loaded.root(), tree.root());
    assert_eq!(loaded.len(), tree.len());
    assert!(loaded.iter().eq(tree.iter()));
    loaded.validate().unwrap();

    // Walking level by level with child_links reaches every node.
    let mut seen = 0;
    let mut level = vec![tree.root()];
    while !level.is_empty() {
        seen += level.len();
        level = level.iter().flat_map(|c| child_links(&blocks[c]).unwrap()).collect();
    }
    assert_eq!(seen, tree.node_count());

    // A corrupted (non-root) block is rejected, naming its CID.
    let victim = child_links(&blocks[&tree.root()]).unwrap()[0];
    let mut bad = blocks.clone();
    bad.get_mut(&victim).unwrap()[3] ^= 0x40;
    let err = Tree::from_blocks(tree.root(), bad).unwrap_err();
    assert_eq!(err.code(), "tree.corrupt_block");
    assert!(err.to_string().contains(&victim.to_string()), "{err}");

    // A missing block.
    let mut missing = blocks.clone();
    missing.remove(&victim);
    assert_eq!(
        Tree::from_blocks(tree.root(), missing).unwrap_err(),
        TreeError::MissingBlock { cid: victim }
    );

    // An intact block that is not a node.
    let not_node = Block::encode(&("hello", 1u8)).unwrap();
    let err = Tree::from_blocks(not_node.cid, HashMap::from([(not_node.cid, not_node.bytes)]))
        .unwrap_err();
    assert_eq!(err.code(), "tree.invalid_node");
    assert!(err.to_string().contains(&not_node.cid.to_string()));

    // Keys out of order and keys of mixed layers within a node.
    let (k0, k1) = ("b.vfs".to_string(), "a.vfs".to_string());
    let unsorted = Node {
        left: None,
        entries: vec![
            Leaf { key: k0, value: val(0), right: None },
            Leaf { key: k1, value: val(1), right: None },
        ],
    }
    .to_block();
    assert_eq!(Node::decode(&unsorted.bytes).unwrap_err().code(), "tree.invalid_node");
    let high = (0..).map(key).find(|k| layer_of(k) > 0).unwrap();
    let low = (0..).map(key).find(|k| layer_of(k) == 0 && *k > high).unwrap();
    let mixed = Node {
        left: None,
        entries: vec![
            Leaf { key: high, value: val(0), right: None },
            Leaf { key: low, value: val(1), right: None },
        ],
    }
    .to_block();
    let err = Tree::from_blocks(mixed.cid, HashMap::from([(mixed.cid, mixed.bytes)])).unwrap_err();
    assert!(err.to_string().contains("layer"), "{err}");
}
