//! Whether a name can be registered now, and if not, who holds it until when.
//!
//! Answered from a node's own store at its own clock, with the same rules that would judge a
//! registration: a name is free when no version is held or the held one has lapsed (expiry
//! plus grace is past), taken while its version is live, in grace after expiry (only its owner
//! may renew it; nobody may register it), and invalid when the text is not a name or the name
//! is reserved.
//!
//! ```
//! use vns::{availability::{availability, Availability}, namespace::Namespace};
//! let ns = Namespace::new(vns::params::NetworkParams::testing());
//! assert!(matches!(availability(&ns, "alice", 0), Availability::Free { .. }));
//! match availability(&ns, "a", 0) {
//!     Availability::Invalid { code, .. } => assert_eq!(code, "name.too_short"),
//!     other => panic!("{other:?}"),
//! }
//! ```

use crate::entry::Entry;
use crate::identity::PublicKey;
use crate::name::Name;
use crate::namespace::Namespace;
use crate::params::NetworkParams;
use crate::rules::{self, RuleError, Status};

/// Where a name stands for someone who wants to register it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    /// Nobody holds it: a registration would be judged on its own.
    Free {
        /// The canonical name.
        name: Name,
    },
    /// Held and live until `expires`.
    Taken {
        /// The canonical name.
        name: Name,
        /// Who holds it.
        owner: PublicKey,
        /// Its expiry (ms).
        expires: u64,
    },
    /// Expired at `expires`; only `owner` may renew it until `grace_ends`, when it becomes free.
    Grace {
        /// The canonical name.
        name: Name,
        /// Who may still renew it.
        owner: PublicKey,
        /// When it expired (ms).
        expires: u64,
        /// When the grace period ends (ms).
        grace_ends: u64,
    },
    /// Not a name that can be registered: `code` and `message` say why (the name rules' own).
    Invalid {
        /// The text as given.
        input: String,
        /// The rule's dotted code (`name.*`, `rule.reserved`).
        code: &'static str,
        /// The rule's sentence.
        message: String,
    },
}

/// The availability of `input` (any spelling `Name::parse` accepts) in `ns` at `now`.
pub fn availability(ns: &Namespace, input: &str, now: u64) -> Availability {
    match registrable(input) {
        Ok(name) => {
            let held = ns.get(&name);
            judge(name, held, ns.params(), now)
        }
        Err(invalid) => invalid,
    }
}

/// `input` as a name that could be registered, or the [`Availability::Invalid`] answer saying
/// why not (not a name, or a reserved one).
pub fn registrable(input: &str) -> Result<Name, Availability> {
    let name = Name::parse(input).map_err(|e| Availability::Invalid {
        input: input.to_string(),
        code: e.code(),
        message: e.to_string(),
    })?;
    if name.is_reserved() {
        let e = RuleError::Reserved { name: name.to_string() };
        return Err(Availability::Invalid {
            input: name.to_string(),
            code: e.code(),
            message: e.to_string(),
        });
    }
    Ok(name)
}

/// The availability of `name` (registrable) when `held` is its current version (`None`:
/// nobody holds it), at `now`: the one judgement a full node and a light client share.
pub fn judge(name: Name, held: Option<&Entry>, params: &NetworkParams, now: u64) -> Availability {
    let Some(entry) = held else { return Availability::Free { name } };
    let (owner, expires) = (entry.owner(), entry.expires());
    match rules::status(entry, params, now) {
        Status::Live => Availability::Taken { name, owner, expires },
        Status::Grace => Availability::Grace {
            name,
            owner,
            expires,
            grace_ends: expires.saturating_add(params.grace_period_ms),
        },
        Status::Lapsed => Availability::Free { name },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build, identity::Keypair, params::NetworkParams};

    #[test]
    fn a_name_is_taken_then_in_grace_then_free() {
        let params = NetworkParams::testing();
        let mut ns = Namespace::new(params.clone());
        let key = Keypair::from_secret(&[1; 32]);
        let name = Name::parse("alice").unwrap();
        ns.register(build::register(&params, &key, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
        let expires = 1_000 + params.registration_period_ms;
        let grace_ends = expires + params.grace_period_ms;
        let owner = key.public();
        assert_eq!(
            availability(&ns, "ALICE.vfs", 2_000),
            Availability::Taken { name: name.clone(), owner, expires }
        );
        assert_eq!(
            availability(&ns, "alice", expires),
            Availability::Grace { name: name.clone(), owner, expires, grace_ends }
        );
        assert_eq!(availability(&ns, "alice", grace_ends), Availability::Free { name });
    }

    #[test]
    fn reserved_and_malformed_names_are_invalid_with_their_codes() {
        let ns = Namespace::new(NetworkParams::testing());
        for (input, code) in [
            ("admin", "rule.reserved"),
            ("", "name.empty"),
            ("bad name", "name.bad_char"),
            ("a.b.vfs", "name.subdomain"),
            ("x".repeat(5000).as_str(), "name.input_too_long"),
        ] {
            match availability(&ns, input, 0) {
                Availability::Invalid { code: got, message, .. } => {
                    assert_eq!(got, code, "{input}");
                    assert!(!message.is_empty());
                }
                other => panic!("{input}: {other:?}"),
            }
        }
    }
}
