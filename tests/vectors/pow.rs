//! `pow.json`: proof-of-work inputs byte by byte, their hashes and leading zero bits, on the
//! testing (4 bits) and main (22 bits) networks.

use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};
use vns::identity::PublicKey;
use vns::name::Name;
use vns::params::NetworkParams;
use vns::pow;

use super::kit::{hex, unhex32, VectorFile};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    name: String,
    owner: String,
    ts: u64,
    nonce: u64,
    difficulty: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outputs {
    input: String,
    hash: String,
    leading_zero_bits: u32,
    meets_difficulty: bool,
}

/// The input laid out by hand from `docs/protocol.md` ("Proof-of-work"), not by the code
/// under test: its hash must be the code's proof-of-work hash.
fn documented_input(i: &Inputs) -> Vec<u8> {
    let name = i.name.as_bytes();
    let mut out = b"vns/pow/v1\0".to_vec();
    out.push(u8::try_from(name.len()).unwrap());
    out.extend(name);
    out.extend(unhex32(&i.owner));
    out.extend(i.ts.to_be_bytes());
    out.extend(i.nonce.to_be_bytes());
    out
}

fn build(i: &Inputs) -> Outputs {
    let name = Name::from_canonical(&i.name).unwrap();
    let owner = PublicKey::from_bytes(&unhex32(&i.owner)).unwrap();
    let input = documented_input(i);
    let hash = pow::pow_hash(&name, &owner, i.ts, i.nonce);
    assert_eq!(
        vns::block::hash(&input),
        hash,
        "{}: the documented input hashes to the code's",
        i.name
    );
    Outputs {
        input: hex(&input),
        hash: hex(hash),
        leading_zero_bits: pow::leading_zero_bits(&hash),
        meets_difficulty: pow::verify(&name, &owner, i.ts, i.nonce, i.difficulty).is_ok(),
    }
}

fn solved(name: &str, secret: u8, ts: u64, difficulty: u8) -> Inputs {
    let name = Name::parse(name).unwrap();
    let owner = super::key(secret).public();
    let nonce = pow::solve(&name, &owner, ts, difficulty, |_| ControlFlow::Continue(())).unwrap();
    Inputs { name: name.to_string(), owner: hex(owner.as_bytes()), ts, nonce, difficulty }
}

#[test]
fn pow_vectors() {
    let testing = NetworkParams::testing().pow_difficulty;
    let main = NetworkParams::default().pow_difficulty;
    let unsolved = Inputs { nonce: 0, ..solved("alice", 1, super::T0, testing) };
    let mut file = VectorFile::open("pow.json");
    file.section(
        "pow",
        vec![
            (
                "testing: alice.vfs, key 1, the first nonce that works",
                solved("alice", 1, super::T0, testing),
            ),
            ("testing: nonce 0", unsolved),
            (
                "testing: an internationalised name (münchen)",
                solved("münchen", 3, super::T0, testing),
            ),
            ("main: alice.vfs, key 1, 22 bits", solved("alice", 1, super::T0, main)),
        ],
        build,
    );
    file.finish();
}
