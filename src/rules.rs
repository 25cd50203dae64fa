// Over ~500 lines: `RuleError`, with a doc line for every field, is a third of it and is the
// next part to move into a module of its own.
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
use crate::record::{records_hash, validate_records, RecordError};
use crate::when::{date, wait};

/// Why an entry was rejected. Each variant names the rule it broke; its message says, in a
/// user's words, what that means for the name and what to do, with the op's position at the
/// end where it helps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// The name is one of [`RESERVED`](crate::name::RESERVED).
    #[error("{name} is reserved and cannot be registered, updated or transferred")]
    Reserved {
        /// The name.
        name: String,
    },
    /// An op in a format version this node does not know.
    #[error("the change to {name} uses format version {version}, which this node does not know: it may come from a newer VNS (op {index})")]
    Version {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
        /// The version found.
        version: u8,
    },
    /// An op of the wrong kind at its place (the first must register, the others must not).
    #[error("the history of {name} is out of order: it has a {found} where {expected} must come; it was not made by a VNS client (op {index})")]
    Structure {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
        /// The kind of op allowed there.
        expected: &'static str,
        /// The kind of op found.
        found: &'static str,
    },
    /// An op signed for another name than the entry's.
    #[error("the history of {expected} contains a change signed for {found}, another name; it was not made by a VNS client (op {index})")]
    NameMismatch {
        /// Position of the op in the entry.
        index: usize,
        /// The entry's name.
        expected: String,
        /// The name in the op.
        found: String,
    },
    /// A field with a value its op kind does not allow.
    #[error("the change to {name} is damaged or was not made by a VNS client: its {} is {problem} (op {index})", field_words(field))]
    Field {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
        /// The field, as `docs/protocol.md` names it.
        field: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// An op whose lineage (the hash of the registration) is not the entry's.
    #[error("the history of {name} mixes in a change made to another registration of the name; it cannot be accepted (op {index})")]
    LineageMismatch {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
    },
    /// An op whose `prev` is not the hash of the op before it.
    #[error("the history of {name} is damaged or out of order: a change does not follow the one before it (op {index})")]
    PrevMismatch {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
    },
    /// An op signed by someone other than the owner at that point of the chain.
    #[error("{name} belongs to {expected}; your key {found} cannot change it (op {index})")]
    WrongSigner {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
        /// The owner's peer ID.
        expected: String,
        /// The signer's peer ID.
        found: String,
    },
    /// An op whose signature does not verify.
    #[error("the change to {name} is damaged or was not made by a VNS client: its signature does not verify (op {index})")]
    BadSignature {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
    },
    /// An op whose sequence number is not above the one before it.
    #[error("the change to {name} is numbered {found}, not above the change before it ({previous}): make it again from the latest version of the name (op {index})")]
    SeqNotIncreasing {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
        /// The previous op's sequence number.
        previous: u64,
        /// This op's sequence number.
        found: u64,
    },
    /// An op timestamped before the op before it.
    #[error("the change to {name} is dated {}, before the change before it ({}): check your computer's clock (op {index})", date(*found), date(*previous))]
    TimeGoesBack {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
        /// The previous op's timestamp (ms).
        previous: u64,
        /// This op's timestamp (ms).
        found: u64,
    },
    /// A registration whose expiry is not its timestamp plus one registration period.
    #[error("the registration of {name} expires on {}, but a registration runs exactly one period, to {}; it was not made by a VNS client", date(*found), date(*expected))]
    RegistrationExpiry {
        /// The name.
        name: String,
        /// The only expiry allowed (ms).
        expected: u64,
        /// The expiry found (ms).
        found: u64,
    },
    /// A registration whose proof-of-work does not meet the network's difficulty.
    #[error("the registration of {name} lacks the work a registration must prove ({reason}): register it again with a VNS client")]
    ProofOfWork {
        /// The name.
        name: String,
        /// What the proof-of-work check found.
        reason: String,
    },
    /// A renewal that expires later than its timestamp plus one period.
    #[error("the renewal of {name} runs to {}, more than one registration period past its date; the latest it may run to is {} (op {index})", date(*found), date(*max))]
    RenewalTooFar {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
        /// The latest expiry allowed (ms).
        max: u64,
        /// The expiry found (ms).
        found: u64,
    },
    /// A renewal that would bring the expiry forward.
    #[error("the renewal of {name} would bring its expiry forward from {} to {}; a renewal can only extend it (op {index})", date(*current), date(*found))]
    RenewalShortens {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
        /// The expiry before the renewal (ms).
        current: u64,
        /// The expiry of the renewal (ms).
        found: u64,
    },
    /// An op made after the name's grace period ended.
    #[error("the renewal of {name} is dated {}, after its grace period ended on {}: the name is free again and must be registered anew (op {index})", date(*ts), date(*lapsed))]
    AfterGrace {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
        /// The op's timestamp (ms).
        ts: u64,
        /// When the grace period ended (ms).
        lapsed: u64,
    },
    /// An update or transfer made after the name expired (only a renewal may follow expiry).
    #[error("the {kind} of {name} is dated {}, after the name expired on {}: renew it first (op {index})", date(*ts), date(*expires))]
    AfterExpiry {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
        /// The op kind.
        kind: &'static str,
        /// The op's timestamp (ms).
        ts: u64,
        /// The expiry (ms).
        expires: u64,
    },
    /// An update or transfer that changes the expiry.
    #[error("the {kind} of {name} moves its expiry from {} to {}; only a renewal may change it (op {index})", date(*expected), date(*found))]
    ExpiryChanged {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
        /// The op kind.
        kind: &'static str,
        /// The expiry it must keep (ms).
        expected: u64,
        /// The expiry found (ms).
        found: u64,
    },
    /// A transfer to the owner who already holds the name.
    #[error("{name} already belongs to {owner}; nothing to transfer (op {index})")]
    TransferToSelf {
        /// Position of the op in the entry.
        index: usize,
        /// The name.
        name: String,
        /// The owner's peer ID.
        owner: String,
    },
    /// An entry with more ops than the network allows.
    #[error("the history of {name} has {count} changes, more than the {max} a node accepts")]
    ChainTooLong {
        /// The name.
        name: String,
        /// Number of ops.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// An entry-level bound (size), under the entry's own code (`entry.too_large`).
    #[error(transparent)]
    Entry(#[from] EntryError),
    /// Records whose hash is not the one the latest op signed.
    #[error(
        "the records of {name} are not the ones its owner signed: they were altered on the way"
    )]
    RecordsMismatch {
        /// The name.
        name: String,
    },
    /// A record set that breaks the record rules.
    #[error("the records are not valid: {0}")]
    Records(#[from] RecordError),
    /// An op timestamped further ahead of `now` than the allowed skew.
    #[error("the change to {name} is dated {} ahead of this node's clock (at most {} allowed): check your computer's clock", wait(ts.saturating_sub(*now)), wait(*skew_ms))]
    FutureTimestamp {
        /// The name.
        name: String,
        /// The op's timestamp (ms).
        ts: u64,
        /// The node's time (ms).
        now: u64,
        /// The allowed skew (ms).
        skew_ms: u64,
    },
    /// A version whose name lapsed (expiry plus grace have passed).
    #[error("{name} lapsed on {} (expiry plus grace): this version can no longer be changed or renewed, and the name is free to register anew", date(*lapsed))]
    Lapsed {
        /// The name.
        name: String,
        /// When the name lapsed (ms).
        lapsed: u64,
    },
    /// A version no newer than the one held.
    #[error("this node already holds this or a newer version of {name}; nothing to do (the change was sent before or replayed)")]
    Stale {
        /// The name.
        name: String,
    },
    /// A competing registration that ranks below the one held.
    #[error("{}", conflict_lost(name, owner, *expires, *registration))]
    ConflictLost {
        /// The name.
        name: String,
        /// The owner of the version held, which wins.
        owner: String,
        /// Its expiry (ms).
        expires: u64,
        /// Whether the losing claim is another registration (else a diverging transfer or
        /// renewal of the same one).
        registration: bool,
    },
    /// A late claim on a name held past the settlement window.
    #[error("{name} has been held longer than the settlement window; a claim that arrives this late cannot take it")]
    Settled {
        /// The name.
        name: String,
    },
}

/// A field of an op as a user reads it (the protocol's names are for implementers).
fn field_words(field: &str) -> &str {
    match field {
        "prev" => "link to the change before it",
        "new_owner" => "new owner",
        "nonce" => "proof-of-work",
        "seq" => "sequence number",
        "lineage" => "link to its registration",
        other => other,
    }
}

/// The sentence of `rule.conflict_lost`: who holds the name, or which change came first.
fn conflict_lost(name: &str, owner: &str, expires: u64, registration: bool) -> String {
    let until = date(expires);
    if registration {
        format!("{name} is taken (owned by {owner} until {until}); first come, first served")
    } else {
        format!("{name} was already changed by its owner in another way (now owned by {owner} until {until}); the change signed first stands")
    }
}

impl RuleError {
    /// Stable machine-readable code, e.g. `rule.wrong_signer`.
    pub fn code(&self) -> &'static str {
        use RuleError::*;
        match self {
            Reserved { .. } => "rule.reserved",
            Version { .. } => "rule.version",
            Structure { .. } => "rule.structure",
            NameMismatch { .. } => "rule.name_mismatch",
            Field { .. } => "rule.field",
            LineageMismatch { .. } => "rule.lineage_mismatch",
            PrevMismatch { .. } => "rule.prev_mismatch",
            WrongSigner { .. } => "rule.wrong_signer",
            BadSignature { .. } => "rule.bad_signature",
            SeqNotIncreasing { .. } => "rule.seq_not_increasing",
            TimeGoesBack { .. } => "rule.time_goes_back",
            RegistrationExpiry { .. } => "rule.registration_expiry",
            ProofOfWork { .. } => "rule.proof_of_work",
            RenewalTooFar { .. } => "rule.renewal_too_far",
            RenewalShortens { .. } => "rule.renewal_shortens",
            AfterGrace { .. } => "rule.after_grace",
            AfterExpiry { .. } => "rule.after_expiry",
            ExpiryChanged { .. } => "rule.expiry_changed",
            TransferToSelf { .. } => "rule.transfer_to_self",
            ChainTooLong { .. } => "rule.chain_too_long",
            Entry(e) => e.code(),
            RecordsMismatch { .. } => "rule.records_mismatch",
            Records(e) => e.code(),
            FutureTimestamp { .. } => "rule.future_timestamp",
            Lapsed { .. } => "rule.lapsed",
            Stale { .. } => "rule.stale",
            ConflictLost { .. } => "rule.conflict_lost",
            Settled { .. } => "rule.settled",
        }
    }
}

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
