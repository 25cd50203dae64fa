//! `network.json`: both networks' parameters, the bytes their id hashes, and the ids.

use serde::{Deserialize, Serialize};
use vns::params::NetworkParams;

use super::kit::{hex, VectorFile};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    network: String,
    pow_difficulty: u8,
    registration_period_ms: u64,
    grace_period_ms: u64,
    max_future_skew_ms: u64,
    settlement_window_ms: u64,
    reserved: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outputs {
    id_input_cbor: String,
    network_id: String,
}

/// A CBOR head: major type and argument in the shortest form.
fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => out.extend([&[m | 25][..], &(n as u16).to_be_bytes()].concat()),
        0x1_0000..=0xffff_ffff => out.extend([&[m | 26][..], &(n as u32).to_be_bytes()].concat()),
        _ => out.extend([&[m | 27][..], &n.to_be_bytes()].concat()),
    }
}

fn text(out: &mut Vec<u8>, s: &str) {
    head(out, 3, s.len() as u64);
    out.extend(s.as_bytes());
}

/// The id input written by hand from `docs/protocol.md` ("Network id"), not by the code
/// under test: its hash must be the code's network id.
fn documented_id_input(i: &Inputs) -> Vec<u8> {
    let mut out = Vec::new();
    head(&mut out, 5, 2);
    text(&mut out, "params");
    head(&mut out, 5, 6);
    text(&mut out, "network");
    text(&mut out, &i.network);
    for (key, value) in [
        ("pow_difficulty", u64::from(i.pow_difficulty)),
        ("grace_period_ms", i.grace_period_ms),
        ("max_future_skew_ms", i.max_future_skew_ms),
        ("settlement_window_ms", i.settlement_window_ms),
        ("registration_period_ms", i.registration_period_ms),
    ] {
        text(&mut out, key);
        head(&mut out, 0, value);
    }
    text(&mut out, "reserved");
    head(&mut out, 4, i.reserved.len() as u64);
    for name in &i.reserved {
        text(&mut out, name);
    }
    out
}

fn build(i: &Inputs) -> Outputs {
    assert_eq!(i.reserved, vns::name::RESERVED, "the reserved names are fixed by the protocol");
    let params = NetworkParams {
        network: i.network.clone(),
        pow_difficulty: i.pow_difficulty,
        registration_period_ms: i.registration_period_ms,
        grace_period_ms: i.grace_period_ms,
        max_future_skew_ms: i.max_future_skew_ms,
        settlement_window_ms: i.settlement_window_ms,
    };
    let input = documented_id_input(i);
    let id = params.network_id();
    assert_eq!(
        vns::block::hash(&input),
        id,
        "{}: the documented id input hashes to the id",
        i.network
    );
    Outputs { id_input_cbor: hex(&input), network_id: hex(id) }
}

fn inputs(p: NetworkParams) -> Inputs {
    Inputs {
        network: p.network,
        pow_difficulty: p.pow_difficulty,
        registration_period_ms: p.registration_period_ms,
        grace_period_ms: p.grace_period_ms,
        max_future_skew_ms: p.max_future_skew_ms,
        settlement_window_ms: p.settlement_window_ms,
        reserved: vns::name::RESERVED.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn network_vectors() {
    let mut file = VectorFile::open("network.json");
    file.section(
        "networks",
        vec![
            ("main", inputs(NetworkParams::default())),
            ("testing", inputs(NetworkParams::testing())),
        ],
        build,
    );
    file.finish();
}
