//! Random sparse graphs for the scale runs, and connected regions of them to cut off.

use std::collections::{BTreeSet, VecDeque};

use super::net::Rng;

/// A connected random graph on `n` nodes: a random spanning tree (each node links to a random
/// earlier one), then every node dials `extra` more random peers. Average degree is about
/// `2 × (extra + 1)`. Links are `(i, j)` with `i < j`.
pub fn random_sparse(n: usize, extra: usize, rng: &mut Rng) -> BTreeSet<(usize, usize)> {
    let mut links = BTreeSet::new();
    let pair = |a: usize, b: usize| (a.min(b), a.max(b));
    for i in 1..n {
        links.insert(pair(i, rng.below(i)));
    }
    for i in 0..n {
        for _ in 0..extra {
            let j = rng.below(n);
            if j != i {
                links.insert(pair(i, j));
            }
        }
    }
    links
}

/// Neighbour sets of `links`.
pub fn adjacency(n: usize, links: &BTreeSet<(usize, usize)>) -> Vec<BTreeSet<usize>> {
    let mut adj = vec![BTreeSet::new(); n];
    for &(i, j) in links {
        adj[i].insert(j);
        adj[j].insert(i);
    }
    adj
}

/// `size` nodes reached first by a breadth-first walk from `start`: a connected region (like
/// the peers of one network cut off from the rest).
pub fn region(adj: &[BTreeSet<usize>], start: usize, size: usize) -> Vec<usize> {
    let mut seen = BTreeSet::from([start]);
    let mut order = Vec::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        if order.len() == size {
            break;
        }
        order.push(node);
        for &p in &adj[node] {
            if seen.insert(p) {
                queue.push_back(p);
            }
        }
    }
    order
}
