//! A name's history as its entry carries it: who registered it, every renewal and transfer,
//! and the latest record update.
//!
//! An entry keeps the registration and every transfer and renewal of its lineage, so who owned
//! a name when, and every expiry it was given, can be read from the entry alone and checked by
//! anyone (each op is signed and linked to the one before it). Record updates are not kept:
//! each update replaces the one before it, so only the latest one appears (and none once a
//! renewal or transfer follows it). Earlier lineages of the name, which lapsed before this
//! registration, are not part of the entry either.
//!
//! ```
//! use vns::{build, history::history, identity::Keypair, name::Name, op::OpKind};
//! let params = vns::params::NetworkParams::testing();
//! let (alice, bob) = (Keypair::from_secret(&[1; 32]), Keypair::from_secret(&[2; 32]));
//! let name = Name::parse("alice").unwrap();
//! let v1 = build::register(&params, &alice, &name, vec![], 1_000).unwrap();
//! let v2 = build::transfer(&v1, &alice, bob.public(), 2_000);
//! let events = history(&v2);
//! assert_eq!(events.iter().map(|e| e.kind).collect::<Vec<_>>(), [OpKind::Register, OpKind::Transfer]);
//! assert_eq!((events[1].by, events[1].owner), (alice.public(), bob.public()));
//! ```

use crate::entry::Entry;
use crate::identity::PublicKey;
use crate::op::OpKind;

/// One carried operation, as a user reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryEvent {
    /// What the op did.
    pub kind: OpKind,
    /// The op's signed timestamp (ms since the epoch).
    pub at: u64,
    /// Who signed it.
    pub by: PublicKey,
    /// The owner once the op applied.
    pub owner: PublicKey,
    /// The expiry the op set: registrations and renewals only (the others keep it).
    pub expires: Option<u64>,
}

/// The carried ops of `entry`, oldest first.
pub fn history(entry: &Entry) -> Vec<HistoryEvent> {
    let mut owner = entry.registration().op.signer;
    entry
        .ops
        .iter()
        .map(|signed| {
            let op = &signed.op;
            if let Some(new_owner) = op.new_owner {
                owner = new_owner;
            }
            let sets_expiry = matches!(op.kind, OpKind::Register | OpKind::Renew);
            HistoryEvent {
                kind: op.kind,
                at: op.ts,
                by: op.signer,
                owner,
                expires: sets_expiry.then_some(op.expires),
            }
        })
        .collect()
}
