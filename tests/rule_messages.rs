//! Every rule error reads as a sentence for a user: no raw epoch milliseconds, no backticked
//! or snake_case protocol field names, and the name it concerns when the rule knows it.

use vns::entry::EntryError;
use vns::pow::PowError;
use vns::record::RecordError;
use vns::rules::RuleError;

const NAME: &str = "alice.vfs";
const OWNER: &str = "12D3KooWAbCdEfGhJkLmNpQrStUvWxYzAbCdEfGhJkLmNp";
const SIGNER: &str = "12D3KooWZyXwVuTsRqPoNmLkJhGfEdCbAzYxWvUtSrQpOn";
/// Realistic timestamps: 13 digits, the kind a message must not show raw.
const TS: u64 = 1_796_116_636_213;
const LATER: u64 = TS + 365 * 86_400_000;

/// One value of every variant (and of `Field` with every field the rules name).
fn every_rule_error() -> Vec<RuleError> {
    let name = || NAME.to_string();
    let mut all = vec![
        RuleError::Reserved { name: "localhost.vfs".into() },
        RuleError::Version { index: 2, name: name(), version: 9 },
        RuleError::Structure {
            index: 1,
            name: name(),
            expected: "a transfer, renewal or update",
            found: "registration",
        },
        RuleError::NameMismatch { index: 1, expected: name(), found: "bob.vfs".into() },
        RuleError::LineageMismatch { index: 1, name: name() },
        RuleError::PrevMismatch { index: 1, name: name() },
        RuleError::WrongSigner {
            index: 3,
            name: name(),
            expected: OWNER.into(),
            found: SIGNER.into(),
        },
        RuleError::BadSignature { index: 2, name: name() },
        RuleError::SeqNotIncreasing { index: 1, name: name(), previous: 4, found: 4 },
        RuleError::TimeGoesBack { index: 1, name: name(), previous: TS, found: TS - 60_000 },
        RuleError::RegistrationExpiry { name: name(), expected: LATER, found: LATER + 1 },
        RuleError::ProofOfWork {
            name: name(),
            reason: PowError::Insufficient { required: 22, found: 3 }.to_string(),
        },
        RuleError::RenewalTooFar { index: 1, name: name(), max: LATER, found: LATER + 86_400_000 },
        RuleError::RenewalShortens { index: 1, name: name(), current: LATER, found: TS },
        RuleError::AfterGrace { index: 1, name: name(), ts: LATER, lapsed: TS },
        RuleError::AfterExpiry { index: 1, name: name(), kind: "transfer", ts: LATER, expires: TS },
        RuleError::ExpiryChanged {
            index: 1,
            name: name(),
            kind: "update",
            expected: LATER,
            found: TS,
        },
        RuleError::TransferToSelf { index: 1, name: name(), owner: OWNER.into() },
        RuleError::ChainTooLong { name: name(), count: 300, max: 256 },
        RuleError::Entry(EntryError::TooLarge { size: 70_000, max: 65_536 }),
        RuleError::Entry(EntryError::Empty),
        RuleError::RecordsMismatch { name: name() },
        RuleError::Records(RecordError::TooMany { count: 40, max: 32 }),
        RuleError::FutureTimestamp {
            name: name(),
            ts: TS + 12 * 60_000,
            now: TS,
            skew_ms: 300_000,
        },
        RuleError::Lapsed { name: name(), lapsed: TS },
        RuleError::Stale { name: name() },
        RuleError::ConflictLost {
            name: name(),
            owner: OWNER.into(),
            expires: LATER,
            registration: true,
        },
        RuleError::ConflictLost {
            name: name(),
            owner: OWNER.into(),
            expires: LATER,
            registration: false,
        },
        RuleError::Settled { name: name() },
    ];
    for field in ["prev", "new_owner", "nonce", "seq", "lineage"] {
        all.push(RuleError::Field { index: 0, name: name(), field, problem: "missing" });
    }
    all
}

/// The name a variant's message must mention. An exhaustive match: a new variant does not
/// compile until it says whether it knows its name.
fn named(error: &RuleError) -> Option<&str> {
    use RuleError::*;
    match error {
        Reserved { name }
        | Version { name, .. }
        | Structure { name, .. }
        | Field { name, .. }
        | LineageMismatch { name, .. }
        | PrevMismatch { name, .. }
        | WrongSigner { name, .. }
        | BadSignature { name, .. }
        | SeqNotIncreasing { name, .. }
        | TimeGoesBack { name, .. }
        | RegistrationExpiry { name, .. }
        | ProofOfWork { name, .. }
        | RenewalTooFar { name, .. }
        | RenewalShortens { name, .. }
        | AfterGrace { name, .. }
        | AfterExpiry { name, .. }
        | ExpiryChanged { name, .. }
        | TransferToSelf { name, .. }
        | ChainTooLong { name, .. }
        | RecordsMismatch { name }
        | FutureTimestamp { name, .. }
        | Lapsed { name, .. }
        | Stale { name }
        | ConflictLost { name, .. }
        | Settled { name } => Some(name),
        NameMismatch { expected, .. } => Some(expected),
        // Entry bounds and record rules are about bytes, before a name is known.
        Entry(_) | Records(_) => None,
    }
}

/// The longest run of ASCII digits in `text`.
fn longest_digit_run(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0)
}

#[test]
fn every_rule_error_reads_as_a_sentence_with_its_name_and_no_raw_times_or_fields() {
    let all = every_rule_error();
    for error in &all {
        let message = error.to_string();
        let code = error.code();
        assert!(longest_digit_run(&message) < 12, "{code}: raw milliseconds in {message:?}");
        assert!(!message.contains('`'), "{code}: a backticked field in {message:?}");
        for field in ["new_owner", "prev ", "nonce", "seq ", "lineage", "skew_ms", " ms "] {
            assert!(!message.contains(field), "{code}: protocol term {field:?} in {message:?}");
        }
        for term in ["expected ", "found ", "op format"] {
            assert!(!message.starts_with(term), "{code}: protocol wording in {message:?}");
        }
        if let Some(name) = named(error) {
            assert!(message.contains(name), "{code}: {message:?} does not name {name}");
        }
    }
    // The examples the messages are written to: dates, waits and who owns the name.
    let text = |code: &str| all.iter().find(|e| e.code() == code).unwrap().to_string();
    let back = text("rule.time_goes_back");
    assert!(
        back.contains("2026-12-01T09:16:16Z") && back.contains("2026-12-01T09:17:16Z"),
        "{back}"
    );
    let to_self = text("rule.transfer_to_self");
    assert!(to_self.starts_with(&format!("{NAME} already belongs to {OWNER}")), "{to_self}");
    let future = text("rule.future_timestamp");
    assert!(future.contains("12m ahead") && future.contains("at most 5m"), "{future}");
    assert!(future.contains("check your computer's clock"), "{future}");
}

#[test]
fn every_rule_code_in_the_registry_has_a_variant_here() {
    let here: Vec<&str> = every_rule_error().iter().map(RuleError::code).collect();
    let listed: Vec<&str> =
        vns::codes::all().map(|c| c.code).filter(|c| c.starts_with("rule.")).collect();
    assert!(!listed.is_empty());
    for code in listed {
        assert!(here.contains(&code), "{code} is not constructed by this test");
    }
}
