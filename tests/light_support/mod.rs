//! A light client wired to full nodes and to a lying peer, all in memory: frames go through
//! the real encoders and decoders, so every peer speaks the wire protocol.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};

use cid::Cid;
use vns::light::{LightClient, LightConfig, Started};
use vns::name::Name;
use vns::sync::{LinkId, Message, Outbound, ProofAnswer};
use vns::tree::Proof;

pub const T0: u64 = 1_800_000_000_000;

/// How each full node (or liar) knows the light client.
pub const LIGHT: LinkId = 1000;

/// Something on the other end of a light client's link.
pub trait Peer {
    /// A frame from the light client; the frames it sends back.
    fn receive(&mut self, bytes: &[u8], now: u64) -> Vec<Vec<u8>>;
}

impl Peer for vns::sync::SyncNode {
    fn receive(&mut self, bytes: &[u8], now: u64) -> Vec<Vec<u8>> {
        sends(vns::sync::SyncNode::receive(self, LIGHT, bytes, now))
    }
}

/// The frames among `out` (closes are dropped: the harness keeps links as they are).
pub fn sends(out: Vec<Outbound>) -> Vec<Vec<u8>> {
    out.into_iter()
        .filter_map(|o| match o {
            Outbound::Send { bytes, .. } => Some(bytes),
            Outbound::Close { .. } => None,
        })
        .collect()
}

/// A peer that answers `get_proofs` from a table it made up: for each name, the root it
/// claims and the answer it gives. It answers `light_hello` with `hello` and ignores the rest.
pub struct Liar {
    pub network: [u8; 32],
    pub root: Cid,
    pub answers: HashMap<Name, (Cid, ProofAnswer)>,
    /// Whether it answers at all (a silent peer for timeouts).
    pub silent: bool,
}

impl Liar {
    pub fn new(network: [u8; 32], root: Cid) -> Liar {
        Liar { network, root, answers: HashMap::new(), silent: false }
    }

    /// Says `name` maps to `entry` (or is absent) under `root`, with `proof`.
    pub fn says(&mut self, name: &Name, root: Cid, entry: Option<Vec<u8>>, proof: Proof) {
        self.answers.insert(name.clone(), (root, ProofAnswer::new(name.clone(), entry, proof)));
    }
}

impl Peer for Liar {
    fn receive(&mut self, bytes: &[u8], now: u64) -> Vec<Vec<u8>> {
        match Message::decode(bytes) {
            Ok(Message::LightHello { .. }) => {
                let network = serde_bytes::ByteArray::new(self.network);
                vec![Message::Hello { network, root: self.root, clock: now }.encode()]
            }
            Ok(Message::GetProofs { id, names }) if !self.silent => {
                let mut root = self.root;
                let mut answers = Vec::new();
                for name in &names {
                    if let Some((r, answer)) = self.answers.get(name) {
                        root = *r;
                        answers.push(answer.clone());
                    }
                }
                vec![Message::Proofs { id, root, answers }.encode()]
            }
            _ => vec![],
        }
    }
}

/// A light client and its peers, by the link the client knows each as.
pub struct Net {
    pub light: LightClient,
    pub peers: BTreeMap<LinkId, Box<dyn Peer>>,
    /// Full nodes kept at hand (changes are made on them), by link.
    pub nodes: BTreeMap<LinkId, vns::sync::SyncNode>,
}

impl Net {
    pub fn new(params: vns::params::NetworkParams) -> Net {
        let light = LightClient::new(params, LightConfig::default());
        Net { light, peers: BTreeMap::new(), nodes: BTreeMap::new() }
    }

    /// Links the full node `node` as `link` (it is told of the client first) and runs the
    /// handshake.
    pub fn link_node(&mut self, link: LinkId, mut node: vns::sync::SyncNode, now: u64) {
        let hello = sends(node.connect(LIGHT, now));
        self.nodes.insert(link, node);
        self.handshake(link, hello, now);
    }

    /// Delivers a peer's first frames, then the client's `light_hello` and what follows.
    fn handshake(&mut self, link: LinkId, greeting: Vec<Vec<u8>>, now: u64) {
        let mut out = Vec::new();
        for frame in greeting {
            out.extend(self.light.receive(link, &frame, now));
        }
        out.extend(self.light.connect(link, now));
        self.deliver(out, now);
    }

    /// Links `peer` as `link` and runs the handshake. A full node must have been told of the
    /// client already (`SyncNode::connect(LIGHT, …)`, whose `hello` is delivered here).
    pub fn link(&mut self, link: LinkId, peer: Box<dyn Peer>, greeting: Vec<Vec<u8>>, now: u64) {
        self.peers.insert(link, peer);
        self.handshake(link, greeting, now);
    }

    /// Delivers frames both ways until nothing is left to send.
    pub fn deliver(&mut self, mut out: Vec<Outbound>, now: u64) {
        while !out.is_empty() {
            let mut back = Vec::new();
            for o in out.drain(..) {
                let Outbound::Send { peer, bytes } = o else { continue };
                let frames = if let Some(node) = self.nodes.get_mut(&peer) {
                    Peer::receive(node, &bytes, now)
                } else if let Some(p) = self.peers.get_mut(&peer) {
                    p.receive(&bytes, now)
                } else {
                    continue;
                };
                back.extend(frames.into_iter().map(|f| (peer, f)));
            }
            for (peer, frame) in back {
                out.extend(self.light.receive(peer, &frame, now));
            }
        }
    }

    /// Looks `name` up and delivers every frame it causes.
    pub fn lookup(&mut self, name: &Name, now: u64) {
        match self.light.lookup(name, now).expect("a lookup starts") {
            Started::Ready => {}
            Started::Asked(out) => self.deliver(out, now),
        }
    }

    /// Frames a full node sends the client, e.g. after a change made on it.
    pub fn receive_from(&mut self, link: LinkId, frames: Vec<Vec<u8>>, now: u64) {
        let mut out = Vec::new();
        for frame in frames {
            out.extend(self.light.receive(link, &frame, now));
        }
        self.deliver(out, now);
    }
}

/// The empty tree's proof for any key: an absence, valid against the empty root only.
pub fn empty_proof(key: &str) -> Proof {
    vns::tree::Tree::new().prove(key)
}
