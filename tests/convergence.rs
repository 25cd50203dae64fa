//! Property: any set of valid versions, applied in any order and with duplicates, leaves every
//! replica with the same state (guarantee 3).

mod common;

use common::*;
use proptest::prelude::*;
use vns::build;
use vns::entry::Entry;
use vns::namespace::Namespace;

/// What to do next in one lineage's random history.
#[derive(Debug, Clone, Copy)]
enum Step {
    Update(u8),
    Transfer(u8),
    Renew,
    /// Go back to an earlier version of this lineage and branch from it (equivocation,
    /// double sale, stale writer).
    Fork(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => any::<u8>().prop_map(Step::Update),
        2 => (1u8..5).prop_map(Step::Transfer),
        1 => Just(Step::Renew),
        2 => any::<u8>().prop_map(Step::Fork),
    ]
}

/// Builds every version of a lineage's history (including forks) from a random walk.
fn history(owner: u8, label: &str, start: u64, steps: &[Step]) -> Vec<Entry> {
    let p = params();
    let mut versions = vec![reg(owner, label, start)];
    let mut current = 0usize;
    for (i, s) in steps.iter().enumerate() {
        let ts = start + (i as u64 + 1) * 1000;
        let base = versions[current].clone();
        let signer = key(owner_index(&base));
        let next = match *s {
            Step::Update(x) => build::update(&base, &signer, vec![a(&format!("10.0.0.{x}"))], ts)
                .expect("valid records"),
            Step::Transfer(to) if to != owner_index(&base) => {
                build::transfer(&base, &signer, key(to).public(), ts)
            }
            Step::Transfer(_) | Step::Renew => build::renew(&base, &signer, &p, ts),
            Step::Fork(back) => {
                current = back as usize % versions.len();
                continue;
            }
        };
        versions.push(next);
        current = versions.len() - 1;
    }
    versions
}

fn owner_index(entry: &Entry) -> u8 {
    (1..=5).find(|&k| key(k).public() == entry.owner()).expect("owners are keys 1..=5")
}

fn shuffled(pool: &[Entry], mut seed: u64, duplicates: usize) -> Vec<Entry> {
    let mut out: Vec<Entry> = pool.to_vec();
    out.extend(pool.iter().take(duplicates).cloned());
    for i in (1..out.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    out
}

fn replay(entries: &[Entry], now: u64) -> Namespace {
    let mut ns = Namespace::new(params());
    for e in entries {
        let _ = ns.apply(e.clone(), now);
    }
    ns
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_order_with_duplicates_converges(
        lineages in prop::collection::vec(
            (1u8..=5, 0u8..3, 0u64..300_000, prop::collection::vec(step(), 0..8)),
            1..6,
        ),
        seeds in (1u64.., 1u64..),
        duplicates in 0usize..10,
    ) {
        let labels = ["alice", "bob", "carol"];
        let mut pool = Vec::new();
        for (owner, label, start, steps) in &lineages {
            pool.extend(history(*owner, labels[*label as usize], T0 + start, steps));
        }
        let now = T0 + 10 * MIN;
        let left = replay(&shuffled(&pool, seeds.0, duplicates), now);
        let right = replay(&shuffled(&pool, seeds.1, duplicates), now);
        for label in labels {
            let n = name(label);
            prop_assert_eq!(left.get(&n), right.get(&n), "{} diverged", label);
            // The winner is the greatest version of the pool under the total order.
            let best = pool
                .iter()
                .filter(|e| e.name() == &n)
                .max_by(|x, y| vns::rules::compare(x, y));
            prop_assert_eq!(left.get(&n), best);
        }
        prop_assert_eq!(left.len(), right.len());
    }
}
