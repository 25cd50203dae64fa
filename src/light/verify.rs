//! Checking one peer's answer for one name with nothing but the answer, the peer's stated
//! root, the network parameters and the clock: the proof leads from the root to the name's
//! place, the entry is exactly the block the proven tree holds there, and the entry is valid
//! by every rule a full node applies (chain, signatures, proof-of-work, bounds, timestamps at
//! this client's clock).

use cid::Cid;

use super::error::LightError;
use crate::block::{cid_of, Block};
use crate::entry::EncodedEntry;
use crate::error::Error;
use crate::name::Name;
use crate::params::NetworkParams;
use crate::rules;
use crate::sync::ProofAnswer;
use crate::tree::verify_proof;

/// What a checked answer says about a name in the peer's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    /// The peer's tree holds this entry, which is valid (it may be expired: the caller reads
    /// its status at its own clock).
    Present(EncodedEntry),
    /// The peer's tree does not hold the name.
    Absent,
}

/// Checks `answer`, which a peer whose current root is `root` gave for `asked`, at `now`.
///
/// ```
/// use vns::light::{verify_answer, Verified};
/// use vns::sync::ProofAnswer;
/// use vns::{build, identity::Keypair, name::Name, namespace::Namespace};
/// let params = vns::params::NetworkParams::testing();
/// let (key, name) = (Keypair::from_secret(&[1; 32]), Name::parse("alice").unwrap());
/// let mut ns = Namespace::new(params.clone());
/// ns.apply(build::register(&params, &key, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
/// let bytes = ns.get_encoded(&name).unwrap().bytes().to_vec();
/// let answer = ProofAnswer::new(name.clone(), Some(bytes), ns.proof(&name));
/// let root = ns.merkle_root();
/// assert!(matches!(verify_answer(&params, &name, &root, &answer, 2_000), Ok(Verified::Present(_))));
/// let mut forged = answer.clone();
/// forged.entry.as_mut().unwrap()[40] ^= 1;
/// let err = verify_answer(&params, &name, &root, &forged, 2_000).unwrap_err();
/// assert_eq!(err.code(), "light.entry_mismatch");
/// ```
pub fn verify_answer(
    params: &NetworkParams,
    asked: &Name,
    root: &Cid,
    answer: &ProofAnswer,
    now: u64,
) -> Result<Verified, LightError> {
    let name = || asked.to_string();
    if answer.name != *asked {
        return Err(LightError::WrongName { asked: name(), got: answer.name.to_string() });
    }
    let proven = verify_proof(root, asked.as_str(), &answer.to_proof())?;
    let (expected, bytes) = match (proven, &answer.entry) {
        (None, None) => return Ok(Verified::Absent),
        (None, Some(_)) => return Err(LightError::UnexpectedEntry { name: name() }),
        (Some(_), None) => return Err(LightError::MissingEntry { name: name() }),
        (Some(cid), Some(bytes)) => (cid, bytes),
    };
    // The hash first: an altered byte anywhere is caught here, before any decoding.
    let cid = cid_of(bytes);
    if cid != expected {
        return Err(LightError::EntryMismatch { name: name(), expected });
    }
    let block = Block { cid, bytes: bytes.to_vec() };
    let entry = EncodedEntry::decode_block(block).map_err(Error::from)?;
    if entry.name() != asked {
        return Err(LightError::WrongName { asked: name(), got: entry.name().to_string() });
    }
    verify_entry_at(params, &entry, now)?;
    Ok(Verified::Present(entry))
}

/// Every rule a full node checks before it holds `entry`, except those against a version it
/// holds: bounds, chain, signatures, proof-of-work, records, and a timestamp not ahead of
/// `now` by more than the allowed skew.
pub(crate) fn verify_entry_at(
    params: &NetworkParams,
    entry: &EncodedEntry,
    now: u64,
) -> Result<(), LightError> {
    rules::verify_encoded(entry, params, None).map_err(Error::from)?;
    rules::check_time(entry, params, now).map_err(Error::from)?;
    Ok(())
}
