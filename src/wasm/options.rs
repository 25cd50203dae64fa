//! The node's options, declared once. [`NODE_OPTIONS`] is the one list: `VnsNode.open` reads
//! the options through it, and `nodeOptions()` hands it to the shim, whose CLI flags, server
//! options and `status.open` (`js/node-options.js`) derive from it. Adding an option here
//! adds its flag and its place in a node's status.

use std::fmt::Display;

use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::args::{option, option_uint};
use super::convert::object;
use super::error::{invalid, JsResult};
use crate::namespace::Limits;
use crate::params::NetworkParams;
use crate::pow::MAX_SOLVABLE_DIFFICULTY;
use crate::sync::SyncConfig;

/// What a node is built from: the network's parameters, the local limits and the sync
/// settings.
pub(crate) struct Settings {
    pub(crate) params: NetworkParams,
    pub(crate) limits: Limits,
    pub(crate) config: SyncConfig,
}

/// How an option's value is written.
enum Kind {
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// A non-negative integer.
    Uint,
}

/// One option of `VnsNode.open`.
struct NodeOption {
    /// Its key in the options object (and, in kebab case, its CLI flag).
    key: &'static str,
    kind: Kind,
    /// Whether it is part of the network: it changes the network id, so peers must agree.
    network: bool,
    /// One line for `--help` and the docs, naming the default.
    description: &'static str,
    /// Sets it from a present value, checking the range the core allows.
    apply: fn(&mut Settings, Value) -> JsResult<()>,
}

/// A present option's value, read by its [`Kind`].
enum Value {
    Text(String),
    /// A [`Kind::Uint`] option's value, with the option's key for its errors.
    Uint {
        key: &'static str,
        n: u64,
    },
}

impl Value {
    /// A uint option's key and number.
    fn parts(self) -> (&'static str, u64) {
        match self {
            Value::Uint { key, n } => (key, n),
            Value::Text(_) => unreachable!("a uint option reads as Value::Uint"),
        }
    }

    fn uint(self) -> u64 {
        self.parts().1
    }

    /// The value as a `T` that `accept` takes, else `vns.invalid_argument` naming the option
    /// and `why` (a value too large for `T` is refused alike).
    fn uint_if<T: TryFrom<u64>>(
        self,
        accept: impl Fn(&T) -> bool,
        why: impl Display,
    ) -> JsResult<T> {
        let (key, n) = self.parts();
        T::try_from(n).ok().filter(accept).ok_or_else(|| invalid(key, why))
    }

    /// The value, if above zero.
    fn positive(self) -> JsResult<u64> {
        self.uint_if(|n: &u64| *n > 0, "must be positive")
    }
}

/// Every node option, in the order they apply (`network` first: it picks the base
/// parameters the others adjust) and the order `--help` lists them.
const NODE_OPTIONS: &[NodeOption] = &[
    NodeOption {
        key: "network",
        kind: Kind::Choice(&["main", "testing"]),
        network: true,
        description: "the network to join (default main); peers must be on the same one (testing: low proof-of-work)",
        apply: |s, v| {
            s.params = match v {
                Value::Text(t) if t == "testing" => NetworkParams::testing(),
                _ => NetworkParams::default(),
            };
            Ok(())
        },
    },
    NodeOption {
        key: "difficulty",
        kind: Kind::Uint,
        network: true,
        description: "proof-of-work bits a registration needs (default: the network's, 22 on main, 4 on testing); another value makes another network",
        apply: |s, v| {
            let above = format!("above {MAX_SOLVABLE_DIFFICULTY}");
            s.params.pow_difficulty = v.uint_if(|d| *d <= MAX_SOLVABLE_DIFFICULTY, above)?;
            Ok(())
        },
    },
    NodeOption {
        key: "registrationPeriodMs",
        kind: Kind::Uint,
        network: true,
        description: "how long a registration or renewal lasts, in ms (default one year); another value makes another network",
        apply: |s, v| {
            s.params.registration_period_ms = v.positive()?;
            Ok(())
        },
    },
    NodeOption {
        key: "gracePeriodMs",
        kind: Kind::Uint,
        network: true,
        description: "after expiry, how long only the owner may renew, in ms (default 30 days); another value makes another network",
        apply: |s, v| {
            s.params.grace_period_ms = v.uint();
            Ok(())
        },
    },
    NodeOption {
        key: "registrationsPerHour",
        kind: Kind::Uint,
        network: false,
        description: "registrations this node takes per owner per hour (default 5)",
        apply: |s, v| {
            s.limits.registrations_per_hour = v.uint_if(|_| true, "too large")?;
            Ok(())
        },
    },
    NodeOption {
        key: "queueCapacity",
        kind: Kind::Uint,
        network: false,
        description: "changes kept for peers while none is connected (default 1000)",
        apply: |s, v| {
            s.config.queue_capacity = v.uint_if(|n| *n > 0, "must be at least 1")?;
            Ok(())
        },
    },
    NodeOption {
        key: "handshakeTimeoutMs",
        kind: Kind::Uint,
        network: false,
        description: "how long a peer link may stay open without a hello before it is closed, in ms (default 10000)",
        apply: |s, v| {
            s.config.handshake_timeout_ms = v.positive()?;
            Ok(())
        },
    },
    NodeOption {
        key: "clockOffsetMs",
        kind: Kind::Uint,
        network: false,
        description: "a test aid: runs this node's clock this many ms ahead of the system's (default 0), to see how a node with a fast clock behaves",
        apply: |_, v| {
            // The clock is the shim's (`open({ now })`); the core only bounds the offset.
            v.uint_if(|ms: &u64| *ms <= MAX_CLOCK_OFFSET_MS, "more than a year").map(|_| ())
        },
    },
];

/// The largest `clockOffsetMs`: a year.
const MAX_CLOCK_OFFSET_MS: u64 = 365 * crate::params::DAY_MS;

/// The settings `options` (a `VnsNodeOptions` object, or `undefined`) ask for: each option
/// of [`NODE_OPTIONS`] that is present, checked and applied in turn.
pub(crate) fn settings(options: &JsValue) -> JsResult<Settings> {
    let mut settings = Settings {
        params: NetworkParams::default(),
        limits: Limits::default(),
        config: SyncConfig::default(),
    };
    for o in NODE_OPTIONS {
        let value = match o.kind {
            Kind::Uint => option_uint(options, o.key)?.map(|n| Value::Uint { key: o.key, n }),
            Kind::Choice(choices) => match option(options, o.key) {
                None => None,
                Some(v) => {
                    let text = v.as_string().filter(|t| choices.contains(&t.as_str()));
                    let wanted = choices.join(" or ");
                    Some(Value::Text(
                        text.ok_or_else(|| invalid(o.key, format!("{v:?} is not {wanted}")))?,
                    ))
                }
            },
        };
        if let Some(value) = value {
            (o.apply)(&mut settings, value)?;
        }
    }
    Ok(settings)
}

/// The options `VnsNode.open` takes beside its storage, as the core reads them: key, kind
/// (`"uint"` or `"choice"` with its `choices`), whether it is part of the network, and a
/// description naming the default. The shim's CLI flags and `status.open` derive from it.
///
/// ```ts
/// nodeOptions().filter((o) => o.network).map((o) => o.key);
/// // ["network", "difficulty", "registrationPeriodMs", "gracePeriodMs"]
/// ```
#[wasm_bindgen(js_name = nodeOptions, unchecked_return_type = "NodeOptionSpec[]")]
pub fn node_options() -> Array {
    super::init();
    NODE_OPTIONS
        .iter()
        .map(|o| {
            let (kind, choices) = match o.kind {
                Kind::Uint => ("uint", JsValue::UNDEFINED),
                Kind::Choice(c) => {
                    ("choice", c.iter().map(|c| JsValue::from(*c)).collect::<Array>().into())
                }
            };
            object(&[
                ("key", o.key.into()),
                ("kind", kind.into()),
                ("choices", choices),
                ("network", o.network.into()),
                ("description", o.description.into()),
            ])
        })
        .collect()
}
