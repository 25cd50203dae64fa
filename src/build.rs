//! Building signed entries: what an owner's client does before submitting a change.
//!
//! Each builder takes the current version (except [`register`]) and returns the next one, signed
//! by `key`. Builders only check what they need to produce well-formed output; acceptance is
//! always decided by [`crate::rules`] on the receiving side, local or remote.
//!
//! ```
//! use vns::{build, identity::Keypair, name::Name, params::NetworkParams, record::Record};
//! let params = NetworkParams::testing();
//! let alice = Keypair::from_secret(&[1; 32]);
//! let bob = Keypair::from_secret(&[2; 32]);
//! let name = Name::parse("alice").unwrap();
//! let v1 = build::register(&params, &alice, &name, vec![], 1_000).unwrap();
//! let ip = Record::parse("A", "10.0.0.1", None).unwrap();
//! let v2 = build::update(&v1, &alice, vec![ip], 2_000).unwrap();
//! let v3 = build::transfer(&v2, &alice, bob.public(), 3_000);
//! assert_eq!(v3.owner(), bob.public());
//! assert_eq!(v3.records, v2.records);
//! ```

use std::ops::ControlFlow;

use crate::entry::Entry;
use crate::identity::{Keypair, PublicKey};
use crate::name::Name;
use crate::op::{Op, OpKind, OP_VERSION};
use crate::params::NetworkParams;
use crate::pow::{self, Progress};
use crate::record::{records_hash, validate_records, Record, RecordError};

/// Registers `name` for `key` at `ts`, solving the proof-of-work on this thread.
pub fn register(
    params: &NetworkParams,
    key: &Keypair,
    name: &Name,
    records: Vec<Record>,
    ts: u64,
) -> Result<Entry, RecordError> {
    register_with_progress(params, key, name, records, ts, |_| ControlFlow::Continue(()))
        .map(|entry| entry.expect("never cancelled"))
}

/// Like [`register`], reporting progress; returns `Ok(None)` if `on_progress` cancels.
pub fn register_with_progress(
    params: &NetworkParams,
    key: &Keypair,
    name: &Name,
    records: Vec<Record>,
    ts: u64,
    on_progress: impl FnMut(Progress) -> ControlFlow<()>,
) -> Result<Option<Entry>, RecordError> {
    validate_records(&records)?;
    let owner = key.public();
    match pow::solve(name, &owner, ts, params.pow_difficulty, on_progress) {
        Ok(nonce) => register_with_nonce(params, key, name, records, ts, nonce).map(Some),
        Err(_) => Ok(None),
    }
}

/// Builds a registration from an already solved proof-of-work nonce (for example one found
/// in a Web Worker with [`pow::search`]).
pub fn register_with_nonce(
    params: &NetworkParams,
    key: &Keypair,
    name: &Name,
    records: Vec<Record>,
    ts: u64,
    nonce: u64,
) -> Result<Entry, RecordError> {
    validate_records(&records)?;
    let op = Op {
        v: OP_VERSION,
        kind: OpKind::Register,
        name: name.clone(),
        seq: 0,
        ts,
        signer: key.public(),
        lineage: None,
        prev: None,
        records: records_hash(&records).into(),
        expires: ts.saturating_add(params.registration_period_ms),
        nonce: Some(nonce),
        new_owner: None,
    };
    Ok(Entry { ops: vec![op.sign(key)], records })
}

/// Replaces the record set.
pub fn update(
    current: &Entry,
    key: &Keypair,
    records: Vec<Record>,
    ts: u64,
) -> Result<Entry, RecordError> {
    validate_records(&records)?;
    let hash = records_hash(&records);
    Ok(next(current, key, OpKind::Update, ts, |op| op.records = hash.into(), records))
}

/// Extends the expiry to one period after `ts` ([`crate::renewal::renewed_expires`]).
pub fn renew(current: &Entry, key: &Keypair, params: &NetworkParams, ts: u64) -> Entry {
    let expires = crate::renewal::renewed_expires(current, params, ts);
    let records = current.records.clone();
    next(current, key, OpKind::Renew, ts, |op| op.expires = expires, records)
}

/// Hands the name to `new_owner`.
pub fn transfer(current: &Entry, key: &Keypair, new_owner: PublicKey, ts: u64) -> Entry {
    let records = current.records.clone();
    next(current, key, OpKind::Transfer, ts, |op| op.new_owner = Some(new_owner), records)
}

/// The op after `current.head()`, with `change` applied, appended to the chain. A trailing
/// update is replaced, because only the latest update is part of the version; `prev` is the
/// hash of the op the new one follows in the new entry (the registration or the last transfer
/// or renewal), as the rules require.
fn next(
    current: &Entry,
    key: &Keypair,
    kind: OpKind,
    ts: u64,
    change: impl FnOnce(&mut Op),
    records: Vec<Record>,
) -> Entry {
    let head = &current.head().op;
    let mut ops = current.ops.clone();
    if ops.len() > 1 && head.kind == OpKind::Update {
        ops.pop();
    }
    let mut op = Op {
        v: OP_VERSION,
        kind,
        name: head.name.clone(),
        seq: head.seq + 1,
        ts,
        signer: key.public(),
        lineage: Some(Box::new(current.lineage())),
        prev: Some(Box::new(ops.last().expect("an entry is never empty").op.hash())),
        records: head.records,
        expires: current.expires(),
        nonce: None,
        new_owner: None,
    };
    change(&mut op);
    ops.push(op.sign(key));
    Entry { ops, records }
}
