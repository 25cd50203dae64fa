//! How the store holds one entry: boxed, keyed by its name, with the digest of its bytes.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

use cid::Cid;

use crate::block::cid_of_digest;
use crate::entry::{EncodedEntry, Entry};
use crate::name::Name;

/// A held entry, keyed by its own name: the set needs no second copy of each name, and its
/// slots hold one pointer (memory per name matters at millions of names). It keeps the
/// digest of the entry's bytes (its CID) but not the bytes: those wait in `unsaved` until
/// they are handed to storage and are then let go, so a node of a million names does not
/// hold each entry twice (decoded and encoded).
#[derive(Debug, Clone)]
pub(super) struct Held(Box<(Entry, [u8; 32])>);

impl Held {
    /// Holds `entry` and `digest`, the digest of its bytes (moved in: a load of a million
    /// names must not copy each decoded entry once more).
    pub(super) fn new(entry: Entry, digest: [u8; 32]) -> Held {
        Held(Box::new((entry, digest)))
    }

    /// Holds `entry` itself and the digest of its bytes, letting the bytes go (no copy: a
    /// load holds a million entries this way, each once).
    pub(super) fn taking(entry: EncodedEntry) -> Held {
        let digest = entry.digest();
        Held(Box::new((entry.into_entry(), digest)))
    }

    /// The held version.
    pub(super) fn entry(&self) -> &Entry {
        &self.0 .0
    }

    /// The BLAKE3 digest of the entry's encoding.
    pub(super) fn digest(&self) -> &[u8; 32] {
        &self.0 .1
    }

    /// The CID of the entry's block, rebuilt from its digest.
    pub(super) fn cid(&self) -> Cid {
        cid_of_digest(&self.0 .1)
    }

    /// The held version, letting the digest go.
    pub(super) fn into_entry(self) -> Entry {
        self.0 .0
    }
}

impl Borrow<Name> for Held {
    fn borrow(&self) -> &Name {
        self.entry().name()
    }
}

impl PartialEq for Held {
    fn eq(&self, other: &Self) -> bool {
        self.entry().name() == other.entry().name()
    }
}

impl Eq for Held {}

impl Hash for Held {
    // Must hash exactly as `Name` does, for lookups by `&Name` through `Borrow`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.entry().name().hash(state)
    }
}
