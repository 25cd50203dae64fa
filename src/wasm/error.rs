//! Errors as real JS `Error` objects with a `code` property (the core's dotted codes).

use std::fmt::Display;

use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// Result of a binding call: the error is the JS value thrown.
pub(crate) type JsResult<T> = Result<T, JsValue>;

/// An `Error` whose `message` is `message` and whose `code` is `code`, e.g.
/// `rule.wrong_signer`.
pub(crate) fn js_error(code: &str, message: impl Display) -> JsValue {
    let error = js_sys::Error::new(&message.to_string());
    // Setting a property on a fresh Error cannot fail.
    let _ = Reflect::set(&error, &"code".into(), &code.into());
    error.into()
}

/// A re-entrant call (from a storage adapter during a wasm call), refused instead of panicking.
pub(crate) fn busy() -> JsValue {
    js_error("vns.busy", "the node is in the middle of another call")
}

/// A bad argument: `vns.invalid_argument`, naming the field.
pub(crate) fn invalid(field: &str, why: impl Display) -> JsValue {
    js_error("vns.invalid_argument", format!("{field}: {why}"))
}

/// Errors of the core that carry a stable dotted code.
pub(crate) trait Coded: Display {
    /// The dotted code.
    fn code(&self) -> &'static str;
}

macro_rules! coded {
    ($($t:ty),*) => {$(
        impl Coded for $t {
            fn code(&self) -> &'static str {
                <$t>::code(self)
            }
        }
    )*};
}

coded!(
    crate::error::Error,
    crate::entry::EntryError,
    crate::sync::SyncError,
    crate::blockstore::StorageError,
    crate::namespace::ResolveError,
    crate::identity::IdentityError,
    crate::name::NameError,
    crate::record::RecordError,
    crate::tree::ProofError,
    crate::light::LightError
);

/// Converts a coded core error into a JS `Error` (for `map_err`).
pub(crate) fn coded<E: Coded>(e: E) -> JsValue {
    js_error(e.code(), &e)
}
