//! Fixtures shared by the integration tests: fixed keys, a fixed clock and low difficulty.
#![allow(dead_code)]

use vns::build;
use vns::entry::Entry;
use vns::identity::Keypair;
use vns::name::Name;
use vns::params::{NetworkParams, DAY_MS};
use vns::record::Record;
use vns::sync::{Message, Outbound};

/// 2026-11-01T00:00:00Z.
pub const T0: u64 = 1_793_491_200_000;
pub const MIN: u64 = 60 * 1000;
pub const YEAR: u64 = 365 * DAY_MS;

pub fn params() -> NetworkParams {
    NetworkParams::testing()
}

pub fn key(n: u8) -> Keypair {
    Keypair::from_secret(&[n; 32])
}

pub fn name(s: &str) -> Name {
    Name::parse(s).unwrap()
}

pub fn a(ip: &str) -> Record {
    Record::parse("A", ip, None).unwrap()
}

pub fn txt(t: &str) -> Record {
    Record::parse("TXT", t, None).unwrap()
}

/// Peers that got an `Ops` frame in `out`, in order.
pub fn ops_to(out: &[Outbound]) -> Vec<u64> {
    out.iter()
        .filter(|o| {
            matches!(o, Outbound::Send { bytes, .. }
                if matches!(Message::decode(bytes), Ok(Message::Ops { .. })))
        })
        .map(Outbound::peer)
        .collect()
}

/// A registration of `n` by key `k` at `ts` with one A record.
pub fn reg(k: u8, n: &str, ts: u64) -> Entry {
    build::register(&params(), &key(k), &name(n), vec![a("192.0.2.1")], ts).unwrap()
}
