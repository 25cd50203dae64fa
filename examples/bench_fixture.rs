//! Writes a namespace of N names (default 100,000) as one file of blocks, for the storage
//! benchmark (`scripts/bench-storage.mjs`): `cargo run --release --example bench_fixture --
//! 100000 target/bench-storage/fixture-100000.bin`. Building it natively takes seconds; through
//! the package it would take minutes of signing and proof-of-work.
//!
//! Format: the root CID (u16 length, little-endian, then its bytes), then each block as a
//! u16 CID length, the CID, a u32 byte length and the bytes.

use std::io::Write;

use vns::build;
use vns::identity::Keypair;
use vns::name::Name;
use vns::namespace::Namespace;
use vns::params::NetworkParams;
use vns::record::Record;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u32 = args.next().map_or(100_000, |a| a.parse().expect("N is a number"));
    let path = args.next().unwrap_or_else(|| format!("target/bench-storage/fixture-{n}.bin"));
    let params = NetworkParams::testing();
    let mut ns = Namespace::new(params.clone());
    // Registered a day ago: live for a year from whenever the benchmark runs.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let t0 = now.as_millis() as u64 - 86_400_000;
    let keys: Vec<Keypair> = (1..=8u8).map(|i| Keypair::from_secret(&[i; 32])).collect();
    for i in 0..n {
        let name = Name::parse(&format!("bench{i:07}")).unwrap();
        let ip = format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        let records = vec![
            Record::parse("A", &ip, None).unwrap(),
            Record::parse("TXT", "storage benchmark", None).unwrap(),
        ];
        let key = &keys[i as usize % keys.len()];
        ns.apply(build::register(&params, key, &name, records, t0).unwrap(), t0 + 1).unwrap();
    }
    let root = ns.merkle_root().to_bytes();
    let mut out = Vec::new();
    out.extend_from_slice(&(root.len() as u16).to_le_bytes());
    out.extend_from_slice(&root);
    let blocks = ns.take_unsaved_blocks();
    for block in &blocks {
        let cid = block.cid.to_bytes();
        out.extend_from_slice(&(cid.len() as u16).to_le_bytes());
        out.extend_from_slice(&cid);
        out.extend_from_slice(&(block.bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&block.bytes);
    }
    if let Some(parent) = std::path::Path::new(&path).parent() {
        std::fs::create_dir_all(parent).expect("create the output folder");
    }
    std::fs::File::create(&path).and_then(|mut f| f.write_all(&out)).expect("write the fixture");
    println!("{n} names, {} blocks, {} bytes -> {path}", blocks.len(), out.len());
}
