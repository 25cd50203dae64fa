//! Shared fixtures for the benchmarks.
#![allow(dead_code)]

use vns::build;
use vns::entry::Entry;
use vns::identity::Keypair;
use vns::name::Name;
use vns::params::NetworkParams;
use vns::record::Record;

pub const T0: u64 = 1_793_491_200_000;

pub fn params() -> NetworkParams {
    NetworkParams::testing()
}

pub fn two_records(i: u32) -> Vec<Record> {
    let ip = format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);
    vec![Record::parse("A", &ip, None).unwrap(), Record::parse("TXT", "v=vns1", None).unwrap()]
}

pub fn label(i: u32) -> Name {
    Name::parse(&format!("name{i:07}")).unwrap()
}

/// `n` valid, signed registrations by `n` distinct keys (PoW at the test difficulty).
pub fn registrations(n: u32) -> Vec<(Keypair, Entry)> {
    (0..n)
        .map(|i| {
            let mut secret = [7u8; 32];
            secret[..4].copy_from_slice(&i.to_le_bytes());
            let key = Keypair::from_secret(&secret);
            let entry = build::register(&params(), &key, &label(i), two_records(i), T0).unwrap();
            (key, entry)
        })
        .collect()
}

/// `n` entries of realistic size for names `name0000000..`, cloned from one signed template
/// with the name swapped. Their signatures do not verify: use them only where signatures are
/// not checked (memory, resolve after `restore`).
pub fn unsigned_copies(n: u32) -> Vec<Entry> {
    let (_, template) = registrations(1).pop().unwrap();
    (0..n)
        .map(|i| {
            let mut e = template.clone();
            e.ops[0].op.name = label(i);
            e.records = two_records(i);
            e
        })
        .collect()
}
