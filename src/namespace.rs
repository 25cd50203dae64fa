//! The namespace store: name → current version, owner → names, and every change as a delta.
//!
//! Local callers use [`Namespace::register`], [`Namespace::update`], [`Namespace::renew`] and
//! [`Namespace::transfer`]; operations from peers go through [`Namespace::apply`]. Both paths
//! run the same validation; only local registrations are rate-limited, and the limit never
//! changes which valid version wins (a peer's copy of the same entry is still applied).
//!
//! This file holds the store and its change paths; its parts live beside it: `held` (how
//! one entry is held), `owners` (the owner index), `rate` (the local rate limit), `resolve`,
//! `sweep` (expiry) and `blocks` (what storage writes and deletes).
//!
//! ```
//! use vns::{build, identity::Keypair, name::Name, namespace::Namespace, params::NetworkParams};
//! use vns::record::Record;
//! let params = NetworkParams::testing();
//! let mut ns = Namespace::new(params.clone());
//! let key = Keypair::from_secret(&[5; 32]);
//! let name = Name::parse("alice.vfs").unwrap();
//! let ip = Record::parse("A", "192.0.2.1", None).unwrap();
//! let now = 1_700_000_000_000;
//! let entry = build::register(&params, &key, &name, vec![ip], now).unwrap();
//! ns.register(entry, now).unwrap();
//! let answer = ns.resolve(&name, now + 1).unwrap();
//! assert_eq!((answer.records[0].kind(), answer.records[0].ttl), ("A", 3600));
//! assert_eq!(answer.records[0].to_string(), "192.0.2.1");
//! assert_eq!(ns.names_by_owner(&key.public()), vec![&name]);
//! ```

use std::collections::{BTreeSet, HashMap, HashSet};

use cid::Cid;

use crate::block::Block;
use crate::build;
use crate::entry::{EncodedEntry, Entry};
use crate::error::Error;
use crate::identity::{Keypair, PublicKey};
use crate::name::Name;
use crate::params::NetworkParams;
use crate::record::Record;
use crate::rules::{self, Decision};
use crate::tree::{Proof, Tree};

mod answer;
mod blocks;
mod held;
mod owners;
mod rate;
mod resolve;
mod sweep;

use held::Held;
use owners::OwnerIndex;
pub use rate::Limits;
use rate::RegistrationRate;
pub use resolve::{ResolveError, Resolved};

/// Result of applying a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The version was stored (and emitted as a delta).
    Accepted,
    /// The same version was already held: nothing changed (replays land here).
    Duplicate,
}

/// An accepted change, to be sent to peers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    /// The accepted version, with the bytes peers are sent.
    pub entry: EncodedEntry,
}

/// The in-memory namespace of one node.
#[derive(Debug, Clone)]
pub struct Namespace {
    params: NetworkParams,
    rate: RegistrationRate,
    entries: HashSet<Held>,
    owners: OwnerIndex,
    deltas: Vec<Delta>,
    /// Name → entry CID; brought up to date lazily by [`Namespace::merkle_root`], so a burst
    /// of changes rewrites the shared upper nodes once.
    tree: Tree,
    /// Names changed since the tree was last brought up to date.
    dirty: BTreeSet<Name>,
    /// Entry blocks referenced by the tree but not yet persisted.
    unsaved: HashMap<Name, Block>,
    /// Blocks whose last write failed.
    retry: Vec<Block>,
    /// Blocks the namespace stopped referencing since the last [`Namespace::take_dropped`]:
    /// replaced or removed entries and tree nodes no longer reachable.
    dropped: HashSet<Cid>,
}

impl Namespace {
    /// An empty namespace (the reserved names exist by rule, not as entries).
    pub fn new(params: NetworkParams) -> Self {
        Self::with_limits(params, Limits::default())
    }

    /// An empty namespace with explicit local limits.
    pub fn with_limits(params: NetworkParams, limits: Limits) -> Self {
        Namespace {
            params,
            rate: RegistrationRate::new(limits),
            entries: HashSet::new(),
            owners: OwnerIndex::default(),
            deltas: Vec::new(),
            tree: Tree::new(),
            dirty: BTreeSet::new(),
            unsaved: HashMap::new(),
            retry: Vec::new(),
            dropped: HashSet::new(),
        }
    }

    /// A namespace rebuilt from persisted state: `tree` and `entries` were read from this
    /// node's own blocks (verified against their CIDs), so signatures are not checked again.
    /// A load passes none and hands them over a batch at a time (`hold_saved`).
    pub fn from_saved(
        params: NetworkParams,
        limits: Limits,
        tree: Tree,
        entries: impl IntoIterator<Item = EncodedEntry>,
    ) -> Self {
        let mut ns = Self::with_limits(params, limits);
        // Room for every entry the tree names, however many come now.
        ns.entries.reserve(tree.len());
        ns.tree = tree;
        ns.hold_saved(entries);
        ns
    }

    /// Holds entries of the tree given to [`Namespace::from_saved`], read from this node's
    /// own blocks like those: a load hands them over a batch at a time, so that a batch's
    /// decoded entries and bytes are let go before the next is read, instead of every entry
    /// being held twice (decoded, and in the namespace) at the end of the load.
    pub(crate) fn hold_saved(&mut self, entries: impl IntoIterator<Item = EncodedEntry>) {
        for entry in entries {
            // Not `store`: the tree already holds these entries, nothing is dirty, and their
            // bytes are on disk already.
            self.hold(Held::taking(entry));
        }
    }

    /// A namespace rebuilt from entries recovered from a damaged store
    /// ([`crate::persist::load_repairing`]): this node's own blocks, checked against their
    /// CIDs, so signatures are not checked again. Unlike [`Namespace::from_saved`] there is no
    /// trusted tree: every entry is dirty, so the next save writes every entry block and a
    /// whole new tree.
    pub fn restored(params: NetworkParams, limits: Limits, entries: Vec<EncodedEntry>) -> Self {
        let mut ns = Self::with_limits(params, limits);
        ns.entries.reserve(entries.len());
        for entry in entries {
            ns.store(entry);
        }
        ns
    }

    /// The merkle root: CID of the root node of the tree of name → entry CID. Nodes holding
    /// the same versions have the same root.
    pub fn merkle_root(&mut self) -> Cid {
        self.flush();
        self.tree.root()
    }

    /// The merkle search tree, brought up to date.
    pub fn tree(&mut self) -> &Tree {
        self.flush();
        &self.tree
    }

    /// An inclusion or absence proof for `name` against [`Namespace::merkle_root`], checked by
    /// [`crate::tree::verify_proof`] with nothing but the root, the name and the proof.
    pub fn proof(&mut self, name: &Name) -> Proof {
        self.flush();
        self.tree.prove(name.as_str())
    }

    /// The network parameters this namespace enforces.
    pub fn params(&self) -> &NetworkParams {
        &self.params
    }

    /// Number of names held (live, in grace or not yet swept).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no names are held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The version held for `name`, whatever its status.
    pub fn get(&self, name: &Name) -> Option<&Entry> {
        self.entries.get(name).map(Held::entry)
    }

    /// The CID of the version held for `name` (what the tree maps it to).
    pub fn cid(&self, name: &Name) -> Option<Cid> {
        self.entries.get(name).map(Held::cid)
    }

    /// The version held for `name` with its bytes and CID. Until it is handed to storage its
    /// bytes are the ones it arrived with (copied, not encoded); after that they are encoded
    /// again, which gives the same bytes (the encoding is canonical), at the cost of one
    /// encoding: serving a catch-up is rare next to holding every name.
    ///
    /// ```
    /// use vns::{build, identity::Keypair, name::Name, namespace::Namespace};
    /// let params = vns::params::NetworkParams::testing();
    /// let (key, name) = (Keypair::from_secret(&[4; 32]), Name::parse("alice").unwrap());
    /// let mut ns = Namespace::new(params.clone());
    /// ns.register(build::register(&params, &key, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
    /// let before = ns.get_encoded(&name).unwrap();
    /// ns.take_unsaved_blocks();
    /// let after = ns.get_encoded(&name).unwrap();
    /// assert_eq!((before.bytes(), before.cid()), (after.bytes(), after.cid()));
    /// assert_eq!(ns.cid(&name), Some(*after.cid()));
    /// ```
    pub fn get_encoded(&self, name: &Name) -> Option<EncodedEntry> {
        let held = self.entries.get(name)?;
        match self.unsaved.get(name) {
            Some(block) => Some(EncodedEntry::with_block(held.entry().clone(), block.clone())),
            None => {
                let entry = EncodedEntry::new(held.entry().clone());
                debug_assert_eq!(
                    &entry.digest(),
                    held.digest(),
                    "canonical encoding of a held entry"
                );
                Some(entry)
            }
        }
    }

    /// Every held version, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().map(Held::entry)
    }

    /// Names currently owned by `owner`, in name order.
    pub fn names_by_owner(&self, owner: &PublicKey) -> Vec<&Name> {
        self.owners.names(owner)
    }

    /// Applies a version received from a peer (or loaded): full validation, then the
    /// conflict rules against what is held. An [`EncodedEntry`] is applied as it is; an
    /// [`Entry`] is encoded once here.
    pub fn apply(&mut self, entry: impl Into<EncodedEntry>, now: u64) -> Result<Applied, Error> {
        let entry = entry.into();
        // Bounds first (cheap, the size is read): nothing below may read the registration of
        // an empty entry.
        rules::check_encoded_bounds(&entry)?;
        let held = self.entries.get(entry.name());
        if held.is_some_and(|held| *held.digest() == entry.digest()) {
            // A replay of what we hold: answer before spending a signature check on it.
            return Ok(Applied::Duplicate);
        }
        let held = held.map(Held::entry);
        rules::verify_encoded(&entry, &self.params, held)?;
        rules::check_time(&entry, &self.params, now)?;
        match rules::decide(held, &entry, &self.params, now)? {
            Decision::Duplicate => Ok(Applied::Duplicate),
            Decision::Replace => {
                self.store(entry.clone());
                self.deltas.push(Delta { entry });
                Ok(Applied::Accepted)
            }
        }
    }

    /// Submits a local registration (built with [`build::register`]); rate-limited per owner.
    pub fn register(&mut self, entry: impl Into<EncodedEntry>, now: u64) -> Result<Applied, Error> {
        let entry = entry.into();
        rules::check_encoded_bounds(&entry)?;
        let owner = entry.owner();
        self.rate.forget_old(&owner, now);
        self.rate.check(&owner, now)?;
        let applied = self.apply(entry, now)?;
        if applied == Applied::Accepted {
            self.rate.record(owner, now);
        }
        Ok(applied)
    }

    /// What [`Namespace::register`] would refuse `entry` for, except its signature and
    /// proof-of-work, without changing anything: a client builds the registration with any
    /// nonce and asks before spending the proof-of-work (a reserved or taken name, records
    /// too large, a timestamp out of range, the local rate limit).
    ///
    /// ```
    /// use vns::{build, identity::Keypair, name::Name, namespace::Namespace};
    /// let params = vns::params::NetworkParams::testing();
    /// let name = Name::parse("alice").unwrap();
    /// let (a, b) = (Keypair::from_secret(&[1; 32]), Keypair::from_secret(&[2; 32]));
    /// let mut ns = Namespace::new(params.clone());
    /// ns.register(build::register(&params, &a, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
    /// let rival = build::register_with_nonce(&params, &b, &name, vec![], 2_000, 0).unwrap();
    /// assert_eq!(ns.check_register(&rival, 2_000).unwrap_err().code(), "rule.conflict_lost");
    /// ```
    pub fn check_register(&self, entry: &Entry, now: u64) -> Result<(), Error> {
        rules::check_bounds(entry)?;
        self.rate.check(&entry.owner(), now)?;
        rules::check_time(entry, &self.params, now)?;
        rules::decide(self.get(entry.name()), entry, &self.params, now)?;
        Ok(())
    }

    /// Replaces the records of `name`, signed by `key` (which must own it).
    pub fn update(
        &mut self,
        key: &Keypair,
        name: &Name,
        records: Vec<Record>,
        now: u64,
    ) -> Result<Applied, Error> {
        let next = build::update(self.current(name)?, key, records, now)?;
        self.apply(next, now)
    }

    /// Renews `name` for one period from `now`, signed by `key` (which must own it).
    pub fn renew(&mut self, key: &Keypair, name: &Name, now: u64) -> Result<Applied, Error> {
        let next = build::renew(self.current(name)?, key, &self.params, now);
        self.apply(next, now)
    }

    /// Transfers `name` to `new_owner`, signed by `key` (which must own it).
    pub fn transfer(
        &mut self,
        key: &Keypair,
        name: &Name,
        new_owner: PublicKey,
        now: u64,
    ) -> Result<Applied, Error> {
        let next = build::transfer(self.current(name)?, key, new_owner, now);
        self.apply(next, now)
    }

    /// Accepted changes since the last call, oldest first.
    pub fn take_deltas(&mut self) -> Vec<Delta> {
        std::mem::take(&mut self.deltas)
    }

    /// Inserts an entry this node wrote itself earlier (loading from its own storage): the
    /// structure is trusted, signatures are not checked again.
    pub fn restore(&mut self, entry: impl Into<EncodedEntry>) {
        self.store(entry.into());
    }

    fn current(&self, name: &Name) -> Result<&Entry, Error> {
        self.get(name).ok_or_else(|| Error::NotFound { name: name.to_string() })
    }

    fn store(&mut self, entry: EncodedEntry) {
        // Taken apart, not copied: the block waits in `unsaved`, the entry is held.
        let digest = entry.digest();
        let (entry, block) = entry.into_parts();
        self.dirty.insert(entry.name().clone());
        self.unsaved.insert(entry.name().clone(), block);
        self.hold(Held::new(entry, digest));
    }

    /// Holds `held` and indexes it by owner, replacing the held version of its name.
    fn hold(&mut self, held: Held) {
        let name = held.entry().name().clone();
        let owner = held.entry().owner();
        if let Some(old) = self.entries.replace(held) {
            let old_owner = old.entry().owner();
            if old_owner != owner {
                self.owners.remove(&old_owner, &name);
            }
        }
        self.owners.insert(owner, name);
    }
}
