//! One lookup rehearsed on a throwaway client, for a light client that waits for its storage
//! and its first peer. A WebAssembly engine may compile each function on its first call (V8
//! does, lazily): in a fresh page, compiling the frame decoder, the proof check and the
//! signature check at the first real answer cost more than the answer itself. Run while the
//! thread would only wait, the rehearsal compiles them then. It replays a node's recorded
//! `hello` and `proofs` (for one name on a network of its own, made by
//! [`rehearsal_frames`]), so it runs the client's code only, touches nothing of the caller's
//! client and checks nothing less: the real answer still goes through every check.

use super::client::{LightClient, Started};
use super::event::LightConfig;
use crate::build;
use crate::identity::Keypair;
use crate::name::Name;
use crate::namespace::Namespace;
use crate::params::NetworkParams;
use crate::record::Record;
use crate::sync::{LinkId, Outbound, SyncConfig, SyncNode};

/// The node's `hello` and its `proofs` reply, as [`rehearsal_frames`] makes them
/// (`VNS_BLESS=1 cargo test --lib rehearse` writes them again after a format change).
const HELLO: &[u8] = include_bytes!("rehearsal/hello.cbor");
const PROOFS: &[u8] = include_bytes!("rehearsal/proofs.cbor");

/// The name looked up, and when the rehearsal's entry was registered (ms).
const NAME: &str = "rehearsal";
const REGISTERED_AT: u64 = 1_700_000_000_000;

/// How the node knows the client, and the client the node.
const CLIENT: LinkId = 1;
const NODE: LinkId = 2;

/// The rehearsal's network: the testing preset without proof-of-work, so that making the
/// frames costs no search.
fn rehearsal_params() -> NetworkParams {
    NetworkParams { pow_difficulty: 0, ..NetworkParams::testing() }
}

/// Runs one lookup on a throwaway client, from its `light_hello` to the verified answer,
/// against the recorded frames, at `now`. Returns whether the answer verified, which it
/// always should: `false` means the recording no longer matches the code (the test of this
/// module says so first).
///
/// ```
/// assert!(vns::light::rehearse_lookup(1_800_000_000_000));
/// ```
pub fn rehearse_lookup(now: u64) -> bool {
    let Ok(name) = Name::parse(NAME) else { return false };
    let mut client = LightClient::new(rehearsal_params(), LightConfig::default());
    client.connect(NODE, now);
    client.receive(NODE, HELLO, now);
    let Ok(Started::Asked(question)) = client.lookup(&name, now) else { return false };
    if question.is_empty() {
        return false;
    }
    client.receive(NODE, PROOFS, now);
    client.known(&name).is_some_and(|k| k.entry.is_some())
}

/// What a node of the rehearsal's network sends a light client that looks the rehearsal's
/// name up: its `hello` (in answer to `light_hello`) and its `proofs` reply. Deterministic:
/// the key, the time and the clock are fixed.
pub fn rehearsal_frames() -> (Vec<u8>, Vec<u8>) {
    let params = rehearsal_params();
    let name = Name::parse(NAME).expect("a valid name");
    let record = Record::parse("TXT", "vns", None).expect("a valid record");
    let key = Keypair::from_secret(&[7; 32]);
    let entry = build::register(&params, &key, &name, vec![record], REGISTERED_AT)
        .expect("a free proof-of-work");
    let mut node = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
    node.submit(entry, REGISTERED_AT).expect("a valid registration");
    let mut client = LightClient::new(params, LightConfig::default());
    node.connect(CLIENT, REGISTERED_AT);
    let sent = |out: Vec<Outbound>| -> Vec<Vec<u8>> {
        out.into_iter()
            .filter_map(|o| match o {
                Outbound::Send { bytes, .. } => Some(bytes),
                Outbound::Close { .. } => None,
            })
            .collect()
    };
    let mut hello = Vec::new();
    for frame in sent(client.connect(NODE, REGISTERED_AT)) {
        hello.extend(sent(node.receive(CLIENT, &frame, REGISTERED_AT)));
    }
    for frame in &hello {
        client.receive(NODE, frame, REGISTERED_AT);
    }
    let Ok(Started::Asked(question)) = client.lookup(&name, REGISTERED_AT) else {
        panic!("the rehearsal's client asks its node");
    };
    let mut replies = Vec::new();
    for frame in sent(question) {
        replies.extend(sent(node.receive(CLIENT, &frame, REGISTERED_AT)));
    }
    let hello = hello.pop().expect("the node's hello");
    let proofs = replies.pop().expect("the node's proofs");
    (hello, proofs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_frames_are_what_a_node_sends_now() {
        let (hello, proofs) = rehearsal_frames();
        if std::env::var_os("VNS_BLESS").is_some() {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/light/rehearsal");
            std::fs::write(format!("{dir}/hello.cbor"), &hello).unwrap();
            std::fs::write(format!("{dir}/proofs.cbor"), &proofs).unwrap();
            return;
        }
        assert_eq!(HELLO, hello, "VNS_BLESS=1 cargo test --lib rehearse writes it again");
        assert_eq!(PROOFS, proofs, "VNS_BLESS=1 cargo test --lib rehearse writes it again");
    }

    #[test]
    fn the_rehearsal_reaches_a_verified_answer() {
        assert!(rehearse_lookup(REGISTERED_AT + 1));
        // Years later the entry has lapsed, and it is still verified (then judged lapsed).
        assert!(rehearse_lookup(REGISTERED_AT + 10 * 365 * 24 * 3600 * 1000));
    }

    #[test]
    fn altered_frames_are_refused_like_any_peer_s() {
        let name = Name::parse(NAME).unwrap();
        let mut client = LightClient::new(rehearsal_params(), LightConfig::default());
        client.connect(NODE, REGISTERED_AT);
        client.receive(NODE, HELLO, REGISTERED_AT);
        client.lookup(&name, REGISTERED_AT).unwrap();
        let mut altered = PROOFS.to_vec();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        client.receive(NODE, &altered, REGISTERED_AT);
        assert!(client.known(&name).is_none_or(|k| k.entry.is_none()));
    }
}
