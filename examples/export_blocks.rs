//! Writes a small namespace's blocks (tree nodes and entries) to a folder as `<cid>.cbor`
//! files, plus `root.txt`, so tools outside Rust can read them:
//! `cargo run --example export_blocks -- target/ipld-blocks`.
//! The IPFS-compatibility test (`tests/js/ipld_compat.mjs`) decodes them with `@ipld/dag-cbor`
//! and `multiformats`.

use std::path::PathBuf;

use vns::build;
use vns::identity::Keypair;
use vns::name::Name;
use vns::namespace::Namespace;
use vns::params::NetworkParams;
use vns::record::Record;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/ipld-blocks".into()));
    std::fs::create_dir_all(&dir).expect("create output folder");
    let params = NetworkParams::testing();
    let mut ns = Namespace::new(params.clone());
    let t0 = 1_793_491_200_000;
    // Enough names for a tree of several levels, with every record type and a transfer.
    for i in 0..300u32 {
        let key = Keypair::from_secret(&[(i % 7) as u8 + 1; 32]);
        let name = Name::parse(&format!("export{i:03}")).unwrap();
        let records = vec![
            Record::parse("A", &format!("10.0.{}.{}", i / 256, i % 256), None).unwrap(),
            Record::parse("AAAA", "2001:db8::7", Some(60)).unwrap(),
            Record::parse("TXT", "exported by vns", None).unwrap(),
            Record::parse(
                "FS",
                "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
                None,
            )
            .unwrap(),
            Record::parse("SYNC", "wss://node.example:7420", None).unwrap(),
        ];
        let entry = build::register(&params, &key, &name, records, t0).unwrap();
        let entry = if i % 10 == 0 {
            build::transfer(&entry, &key, Keypair::from_secret(&[99; 32]).public(), t0 + 1)
        } else {
            entry
        };
        ns.apply(entry, t0 + 2).unwrap();
    }
    let root = ns.merkle_root();
    let blocks = ns.take_unsaved_blocks();
    for block in &blocks {
        std::fs::write(dir.join(format!("{}.cbor", block.cid)), &block.bytes).expect("write block");
    }
    std::fs::write(dir.join("root.txt"), root.to_string()).expect("write root");
    println!("wrote {} blocks to {} (root {root})", blocks.len(), dir.display());
}
