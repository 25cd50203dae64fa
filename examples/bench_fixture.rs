//! Writes a namespace of N names (default 100,000) as one file of blocks, for the Node
//! benchmarks (`scripts/bench-storage.mjs`, `scripts/bench-ceiling.mjs`): `cargo run --release
//! --example bench_fixture -- N [PATH]` (default `target/bench-storage/fixture-N.bin`).
//!
//! Every name is registered as a client registers it (proof-of-work at the testing network's
//! difficulty, one Ed25519 signature), on every core the machine offers, a chunk of names at a
//! time. The registrations then go into the namespace with [`Namespace::restore`], as this
//! program's own entries, without checking again the signatures it has just made: `apply`
//! verified each one, which cost more than twice the signing and made a million names take
//! minutes. One registration in [`CHECK_EVERY`] is applied with every rule to a second
//! namespace, so entries a node would refuse are never written. The tree is built once, from
//! sorted keys, when the root is asked for. Progress goes to stderr every 10%.
//!
//! Format: the root CID (u16 length, little-endian, then its bytes), then each block as a
//! u16 CID length, the CID, a u32 byte length and the bytes.

use std::io::{BufWriter, Write};
use std::ops::Range;
use std::time::Instant;

use vns::build;
use vns::entry::EncodedEntry;
use vns::identity::Keypair;
use vns::name::Name;
use vns::namespace::Namespace;
use vns::params::NetworkParams;
use vns::record::Record;

/// Most names signed per chunk (a tenth of N when that is fewer, so that progress shows every
/// 10%): each chunk is split between the threads, then restored in order.
const CHUNK: u32 = 16_384;

/// One registration in this many is also applied with every rule (signature, proof-of-work,
/// time, conflicts) to a namespace of its own.
const CHECK_EVERY: u32 = 1_000;

/// The registration of name number `i`: `bench{i:07}`, an A record derived from `i` and a
/// TXT record, owned by one of eight keys in turn, registered at `ts`.
fn registration(params: &NetworkParams, keys: &[Keypair], i: u32, ts: u64) -> EncodedEntry {
    let name = Name::parse(&format!("bench{i:07}")).expect("bench names are valid");
    let ip = format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);
    let records = vec![
        Record::parse("A", &ip, None).expect("a valid address"),
        Record::parse("TXT", "storage benchmark", None).expect("a valid text"),
    ];
    let key = &keys[i as usize % keys.len()];
    build::register(params, key, &name, records, ts).expect("valid records").into()
}

/// The registrations of `range`, in order, signed on `threads` threads.
fn sign_chunk(
    params: &NetworkParams,
    keys: &[Keypair],
    range: Range<u32>,
    ts: u64,
    threads: u32,
) -> Vec<EncodedEntry> {
    let share = range.len().div_ceil(threads as usize) as u32;
    std::thread::scope(|scope| {
        let parts: Vec<_> = (0..threads)
            .map(|t| {
                let start = (range.start + t * share).min(range.end);
                let end = (start + share).min(range.end);
                scope.spawn(move || {
                    (start..end).map(|i| registration(params, keys, i, ts)).collect::<Vec<_>>()
                })
            })
            .collect();
        parts.into_iter().flat_map(|part| part.join().expect("a signing thread")).collect()
    })
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u32 = args.next().map_or(100_000, |a| a.parse().expect("N is a number"));
    let path = args.next().unwrap_or_else(|| format!("target/bench-storage/fixture-{n}.bin"));
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get()) as u32;
    let params = NetworkParams::testing();
    let mut ns = Namespace::new(params.clone());
    let mut checked = Namespace::new(params.clone());
    // Registered a day ago: live for a year from whenever the benchmark runs.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let t0 = now.as_millis() as u64 - 86_400_000;
    let keys: Vec<Keypair> = (1..=8u8).map(|i| Keypair::from_secret(&[i; 32])).collect();
    let started = Instant::now();
    let seconds = || started.elapsed().as_secs_f64();
    eprintln!("bench_fixture: signing {n} names on {threads} threads");
    let chunk = CHUNK.min(n.div_ceil(10)).max(1);
    let mut tenths_shown = 0;
    for chunk_start in (0..n).step_by(chunk as usize) {
        let range = chunk_start..chunk_start.saturating_add(chunk).min(n);
        for (i, entry) in range.clone().zip(sign_chunk(&params, &keys, range.clone(), t0, threads))
        {
            if i % CHECK_EVERY == 0 {
                checked.apply(entry.clone(), t0 + 1).expect("a node accepts the fixture's entries");
            }
            ns.restore(entry);
        }
        let tenths = (u64::from(range.end) * 10 / u64::from(n.max(1))) as u32;
        if tenths > tenths_shown {
            tenths_shown = tenths;
            eprintln!(
                "bench_fixture: {} of {n} names ({}%), {:.1} s",
                range.end,
                tenths * 10,
                seconds()
            );
        }
    }
    let root = ns.merkle_root().to_bytes();
    let blocks = ns.take_unsaved_blocks();
    eprintln!("bench_fixture: tree built, {} blocks, {:.1} s", blocks.len(), seconds());
    if let Some(parent) = std::path::Path::new(&path).parent() {
        std::fs::create_dir_all(parent).expect("create the output folder");
    }
    let mut out = BufWriter::new(std::fs::File::create(&path).expect("create the fixture"));
    let mut bytes = 0;
    let mut write = |part: &[u8]| {
        out.write_all(part).expect("write the fixture");
        bytes += part.len();
    };
    write(&(root.len() as u16).to_le_bytes());
    write(&root);
    for block in &blocks {
        let cid = block.cid.to_bytes();
        write(&(cid.len() as u16).to_le_bytes());
        write(&cid);
        write(&(block.bytes.len() as u32).to_le_bytes());
        write(&block.bytes);
    }
    out.flush().expect("write the fixture");
    eprintln!("bench_fixture: written, {:.1} s", seconds());
    println!("{n} names, {} blocks, {bytes} bytes -> {path}", blocks.len());
}
