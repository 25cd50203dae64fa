//! [`RuleError`]: why an entry was rejected, with a stable code and a sentence for a user.

use crate::entry::EntryError;
use crate::record::RecordError;
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
