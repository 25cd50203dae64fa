//! The acceptance and conflict rules (see `docs/protocol.md` for the reasoning).
//!
//! Three questions, all answered from signed data, the network parameters and an injected
//! `now` (never from local history, so every node reaches the same answer):
//!
//! 1. Is this entry well-formed and fully signed? [`verify_entry`] (time-independent).
//! 2. Is it acceptable now? [`check_time`] and [`status`] (future skew, expiry, grace).
//! 3. Does it replace what the node holds? [`compare`] is a total order over the versions of
//!    one name, so the winner of any set of versions does not depend on arrival order;
//!    [`decide`] adds the settlement rule against late, backdated claims.
//!
//! ```
//! use vns::{build, identity::Keypair, name::Name, params::NetworkParams, rules};
//! let params = NetworkParams::testing();
//! let key = Keypair::from_secret(&[3; 32]);
//! let name = Name::parse("alice").unwrap();
//! let entry = build::register(&params, &key, &name, vec![], 1_000).unwrap();
//! rules::verify_entry(&entry, &params).unwrap();
//! assert_eq!(rules::status(&entry, &params, 2_000), rules::Status::Live);
//! ```

use std::cmp::Ordering;

use crate::entry::{EncodedEntry, Entry, EntryError, MAX_CHAIN_OPS, MAX_ENTRY_BYTES};
use crate::op::{OpKind, SignedOp, OP_VERSION};
use crate::params::NetworkParams;
use crate::record::{records_hash, validate_records};

mod error;
pub use error::RuleError;

/// The checks of [`verify_entry`] that need no signature or proof-of-work: a registration
/// first, the chain and encoded size within bounds, and a name that is not reserved.
pub fn check_bounds(entry: &Entry) -> Result<(), RuleError> {
    check_bounds_sized(entry, entry.encode().len())
}

/// [`check_bounds`] for an entry that carries its bytes: its size is read, not computed.
pub fn check_encoded_bounds(entry: &EncodedEntry) -> Result<(), RuleError> {
    check_bounds_sized(entry, entry.bytes().len())
}

/// The one place an entry's bounds are checked: no operations is `entry.empty` however the
/// entry arrived (a decoder refuses it with the same code).
fn check_bounds_sized(entry: &Entry, size: usize) -> Result<(), RuleError> {
    let ops = &entry.ops;
    if ops.is_empty() {
        return Err(EntryError::Empty.into());
    }
    if ops.len() > MAX_CHAIN_OPS {
        let name = ops[0].op.name.to_string();
        return Err(RuleError::ChainTooLong { name, count: ops.len(), max: MAX_CHAIN_OPS });
    }
    if size > MAX_ENTRY_BYTES {
        return Err(EntryError::TooLarge { size, max: MAX_ENTRY_BYTES }.into());
    }
    let reg = &ops[0].op;
    if reg.name.is_reserved() {
        return Err(RuleError::Reserved { name: reg.name.to_string() });
    }
    Ok(())
}

/// Verifies everything about an entry that does not depend on the clock: structure, the
/// ownership chain, expiry bounds, proof-of-work, records and every signature.
pub fn verify_entry(entry: &Entry, params: &NetworkParams) -> Result<(), RuleError> {
    verify_entry_with_known(entry, params, None)
}

/// Like [`verify_entry`], but ops identical to the op at the same position in `known` (an
/// entry this node already verified) are not verified again. Only signatures and the
/// proof-of-work are skipped; structure and chain rules are always checked.
pub fn verify_entry_with_known(
    entry: &Entry,
    params: &NetworkParams,
    known: Option<&Entry>,
) -> Result<(), RuleError> {
    check_bounds(entry)?;
    verify_chain(entry, params, known)
}

/// [`verify_entry_with_known`] for an entry that carries its bytes: its size is read, not
/// computed by encoding it again.
pub fn verify_encoded(
    entry: &EncodedEntry,
    params: &NetworkParams,
    known: Option<&Entry>,
) -> Result<(), RuleError> {
    check_bounds_sized(entry, entry.bytes().len())?;
    verify_chain(entry, params, known)
}

/// Everything of [`verify_entry_with_known`] after the bounds.
fn verify_chain(
    entry: &Entry,
    params: &NetworkParams,
    known: Option<&Entry>,
) -> Result<(), RuleError> {
    let ops = &entry.ops;
    let is_known = |i: usize| known.and_then(|k| k.ops.get(i)).is_some_and(|k| *k == ops[i]);
    let reg = &ops[0].op;
    check_registration(&ops[0], params, is_known(0))?;
    let lineage = reg.hash();

    let mut owner = reg.signer;
    let mut expires = reg.expires;
    // `prev` links every op to the one before it in `ops`: a hash chain, so dropping,
    // reordering or substituting any op breaks a link (see `docs/protocol.md`, "The `prev`
    // rule").
    let mut previous_hash = lineage;
    let name = || reg.name.to_string();
    for (index, signed) in ops.iter().enumerate().skip(1) {
        let op = &signed.op;
        let previous = &ops[index - 1].op;
        let last = index == ops.len() - 1;
        if op.v != OP_VERSION {
            return Err(RuleError::Version { index, name: name(), version: op.v });
        }
        match op.kind {
            OpKind::Register => {
                return Err(RuleError::Structure {
                    index,
                    name: name(),
                    expected: "a transfer, renewal or update",
                    found: "registration",
                })
            }
            OpKind::Update if !last => {
                return Err(RuleError::Structure {
                    index,
                    name: name(),
                    expected: "a transfer or renewal (an update can only be the latest change)",
                    found: "update",
                })
            }
            _ => {}
        }
        if op.name != reg.name {
            return Err(RuleError::NameMismatch {
                index,
                expected: reg.name.to_string(),
                found: op.name.to_string(),
            });
        }
        if op.lineage.as_deref() != Some(&lineage) {
            return Err(RuleError::LineageMismatch { index, name: name() });
        }
        match op.prev.as_deref() {
            None => {
                return Err(RuleError::Field {
                    index,
                    name: name(),
                    field: "prev",
                    problem: "missing",
                })
            }
            Some(prev) if *prev != previous_hash => {
                return Err(RuleError::PrevMismatch { index, name: name() })
            }
            Some(_) if !last => previous_hash = op.hash(),
            Some(_) => {}
        }
        if op.nonce.is_some() {
            return Err(RuleError::Field {
                index,
                name: name(),
                field: "nonce",
                problem: "only for registrations",
            });
        }
        if op.signer != owner {
            return Err(RuleError::WrongSigner {
                index,
                name: op.name.to_string(),
                expected: owner.to_string(),
                found: op.signer.to_string(),
            });
        }
        if op.seq <= previous.seq {
            return Err(RuleError::SeqNotIncreasing {
                index,
                name: name(),
                previous: previous.seq,
                found: op.seq,
            });
        }
        if op.ts < previous.ts {
            return Err(RuleError::TimeGoesBack {
                index,
                name: name(),
                previous: previous.ts,
                found: op.ts,
            });
        }
        match op.kind {
            OpKind::Renew => {
                let lapsed = expires.saturating_add(params.grace_period_ms);
                if op.ts >= lapsed {
                    return Err(RuleError::AfterGrace { index, name: name(), ts: op.ts, lapsed });
                }
                let max = op.ts.saturating_add(params.registration_period_ms);
                if op.expires > max {
                    return Err(RuleError::RenewalTooFar {
                        index,
                        name: name(),
                        max,
                        found: op.expires,
                    });
                }
                if op.expires < expires {
                    return Err(RuleError::RenewalShortens {
                        index,
                        name: name(),
                        current: expires,
                        found: op.expires,
                    });
                }
                expires = op.expires;
            }
            OpKind::Transfer | OpKind::Update => {
                let kind = op.kind.as_str();
                if op.ts >= expires {
                    return Err(RuleError::AfterExpiry {
                        index,
                        name: name(),
                        kind,
                        ts: op.ts,
                        expires,
                    });
                }
                if op.expires != expires {
                    return Err(RuleError::ExpiryChanged {
                        index,
                        name: name(),
                        kind,
                        expected: expires,
                        found: op.expires,
                    });
                }
            }
            OpKind::Register => unreachable!("rejected above"),
        }
        match (op.kind, op.new_owner) {
            (OpKind::Transfer, None) => {
                return Err(RuleError::Field {
                    index,
                    name: name(),
                    field: "new_owner",
                    problem: "missing",
                })
            }
            (OpKind::Transfer, Some(new)) if new == owner => {
                return Err(RuleError::TransferToSelf {
                    index,
                    name: name(),
                    owner: owner.to_string(),
                })
            }
            // A transfer to a key nobody can sign with would lock the name until it lapses.
            (OpKind::Transfer, Some(new)) if !is_known(index) && new.validate().is_err() => {
                return Err(RuleError::Field {
                    index,
                    name: name(),
                    field: "new_owner",
                    problem: "not a usable Ed25519 public key",
                })
            }
            (OpKind::Transfer, Some(new)) => owner = new,
            (_, Some(_)) => {
                return Err(RuleError::Field {
                    index,
                    name: name(),
                    field: "new_owner",
                    problem: "only for transfers",
                })
            }
            (_, None) => {}
        }
        if !is_known(index) && signed.verify_signature().is_err() {
            return Err(RuleError::BadSignature { index, name: name() });
        }
    }

    validate_records(&entry.records)?;
    if records_hash(&entry.records) != *entry.head().op.records.as_bytes() {
        return Err(RuleError::RecordsMismatch { name: name() });
    }
    Ok(())
}

fn check_registration(
    signed: &SignedOp,
    params: &NetworkParams,
    known: bool,
) -> Result<(), RuleError> {
    let op = &signed.op;
    let name = || op.name.to_string();
    if op.v != OP_VERSION {
        return Err(RuleError::Version { index: 0, name: name(), version: op.v });
    }
    if op.kind != OpKind::Register {
        return Err(RuleError::Structure {
            index: 0,
            name: name(),
            expected: "the registration",
            found: op.kind.as_str(),
        });
    }
    let field = |field, problem| Err(RuleError::Field { index: 0, name: name(), field, problem });
    if op.seq != 0 {
        return field("seq", "not 0 on a registration");
    }
    if op.lineage.is_some() {
        return field("lineage", "not allowed on a registration");
    }
    if op.prev.is_some() {
        return field("prev", "not allowed on a registration");
    }
    if op.new_owner.is_some() {
        return field("new_owner", "only for transfers");
    }
    let Some(nonce) = op.nonce else {
        return field("nonce", "missing");
    };
    let expected = op.ts.saturating_add(params.registration_period_ms);
    if op.expires != expected {
        return Err(RuleError::RegistrationExpiry { name: name(), expected, found: op.expires });
    }
    if known {
        return Ok(());
    }
    crate::pow::verify(&op.name, &op.signer, op.ts, nonce, params.pow_difficulty)
        .map_err(|e| RuleError::ProofOfWork { name: name(), reason: e.to_string() })?;
    signed.verify_signature().map_err(|_| RuleError::BadSignature { index: 0, name: name() })
}

/// Rejects entries whose latest timestamp is too far in the future. Timestamps are
/// non-decreasing along the chain, so checking the head covers every op.
pub fn check_time(entry: &Entry, params: &NetworkParams, now: u64) -> Result<(), RuleError> {
    let ts = entry.head().op.ts;
    if ts > now.saturating_add(params.max_future_skew_ms) {
        let name = entry.name().to_string();
        return Err(RuleError::FutureTimestamp {
            name,
            ts,
            now,
            skew_ms: params.max_future_skew_ms,
        });
    }
    Ok(())
}

/// Where a name stands at a given time. Pure function of signed data and `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Resolves.
    Live,
    /// Expired; only the owner may renew; nobody may register it.
    Grace,
    /// Past the grace period: the name is free and this version is dead.
    Lapsed,
}

/// The status of `entry` at `now`.
pub fn status(entry: &Entry, params: &NetworkParams, now: u64) -> Status {
    let expires = entry.expires();
    if now < expires {
        Status::Live
    } else if now < expires.saturating_add(params.grace_period_ms) {
        Status::Grace
    } else {
        Status::Lapsed
    }
}

/// Where two versions of one name part ways.
#[derive(Debug, PartialEq, Eq)]
enum Fork<'a> {
    /// Different registrations: compare the registrations.
    Lineage(&'a SignedOp, &'a SignedOp),
    /// Same registration, different transfer or renewal at one position.
    Chain(&'a SignedOp, &'a SignedOp),
    /// One chain extends the other, or both are equal: no competing claim.
    None,
}

fn fork<'a>(a: &'a Entry, b: &'a Entry) -> Fork<'a> {
    if a.registration() != b.registration() {
        return Fork::Lineage(a.registration(), b.registration());
    }
    match a.chain().iter().zip(b.chain()).find(|(x, y)| x != y) {
        Some((x, y)) => Fork::Chain(x, y),
        None => Fork::None,
    }
}

/// Claim order: earlier timestamp first, then lower sequence number, then lower op hash.
fn claim_order(a: &SignedOp, b: &SignedOp) -> Ordering {
    (a.op.ts, a.op.seq, a.op.hash()).cmp(&(b.op.ts, b.op.seq, b.op.hash()))
}

/// Total order over versions of one name: `Greater` means `a` wins.
///
/// - Different registrations: the earlier registration wins (ties: lower hash).
/// - Same registration, chains diverging at a transfer or renewal: the earlier of the two
///   diverging ops wins (ties: lower sequence number, then lower hash).
/// - One chain a strict prefix of the other: the longer one wins (a transfer or renewal
///   signed by the owner dominates record updates made on the shorter chain).
/// - Same chain: the higher sequence number wins; equal numbers (an owner signing two
///   versions with one number) break on the lower head hash.
pub fn compare(a: &Entry, b: &Entry) -> Ordering {
    match fork(a, b) {
        Fork::Lineage(x, y) | Fork::Chain(x, y) => claim_order(x, y).reverse(),
        Fork::None => a
            .chain()
            .len()
            .cmp(&b.chain().len())
            .then(a.seq().cmp(&b.seq()))
            .then_with(|| b.head().op.hash().cmp(&a.head().op.hash())),
    }
}

/// What to do with an incoming version, given the one held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Store the incoming version.
    Replace,
    /// The incoming version is the one already held: nothing to do.
    Duplicate,
}

/// Decides whether `incoming` (already verified) replaces `held` at `now`.
///
/// Lapsed versions never win and a lapsed held version counts as absent. Otherwise the
/// [`compare`] order decides, except for the settlement rule: a competing claim (another
/// registration, or a diverging transfer or renewal) whose claim time is older than the
/// settlement window cannot displace a held claim that is also older than the window.
pub fn decide(
    held: Option<&Entry>,
    incoming: &Entry,
    params: &NetworkParams,
    now: u64,
) -> Result<Decision, RuleError> {
    if status(incoming, params, now) == Status::Lapsed {
        let lapsed = incoming.expires().saturating_add(params.grace_period_ms);
        return Err(RuleError::Lapsed { name: incoming.name().to_string(), lapsed });
    }
    let Some(held) = held.filter(|h| status(h, params, now) != Status::Lapsed) else {
        return Ok(Decision::Replace);
    };
    if held == incoming {
        return Ok(Decision::Duplicate);
    }
    let name = || incoming.name().to_string();
    let forked = fork(incoming, held);
    match compare(incoming, held) {
        Ordering::Greater => {}
        _ if forked == Fork::None => return Err(RuleError::Stale { name: name() }),
        _ => {
            return Err(RuleError::ConflictLost {
                name: name(),
                owner: held.owner().to_string(),
                expires: held.expires(),
                registration: matches!(forked, Fork::Lineage(..)),
            })
        }
    }
    if let Fork::Lineage(new, old) | Fork::Chain(new, old) = forked {
        let settled = |op: &SignedOp| op.op.ts.saturating_add(params.settlement_window_ms) <= now;
        if settled(new) && settled(old) {
            return Err(RuleError::Settled { name: name() });
        }
    }
    Ok(Decision::Replace)
}
