//! Every error code VNS returns, in one list: the core's `code()` methods, the wasm binding
//! layer's own codes, and those the JS package, its server, its CLI and the demo page raise.
//!
//! Each [`ErrorCode`] says what the code means, where it arises and which HTTP status
//! `vns serve` answers with when a request fails with it. The list is the single source of
//! the error-code table in `docs/protocol.md`, of the package's `js/codes.js` (the statuses
//! the server answers with and the TypeScript union `ErrorCode`), and `tests/codes.rs` checks
//! that it names exactly the codes the sources return.
//!
//! ```
//! use vns::codes;
//! let info = codes::lookup("rule.wrong_signer").unwrap();
//! assert_eq!(info.http, Some(422));
//! assert!(codes::lookup("limit.exceeded").is_none());
//! assert_eq!(codes::http_status("store.rate_limited"), 429);
//! ```

mod library;
mod package;

/// One error code and what a user or an implementer needs to know about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode {
    /// The stable dotted code, e.g. `rule.wrong_signer`.
    pub code: &'static str,
    /// What went wrong, in one sentence a user understands.
    pub meaning: &'static str,
    /// Where it arises: the API, message or check that returns it.
    pub arises: &'static str,
    /// The HTTP status `vns serve` answers with; `None` when the code never answers an HTTP
    /// request (sync sessions, the CLI, the page), in which case the server would answer 500.
    pub http: Option<u16>,
}

/// Status `vns serve` answers with for a code that is not in the list or never answers an
/// HTTP request: something the server did not expect went wrong.
pub const UNLISTED_STATUS: u16 = 500;

/// The families of codes, each a slice of the list, in the order of the protocol document.
pub const FAMILIES: [(&str, &[ErrorCode]); 2] =
    [("library", library::CODES), ("package", package::CODES)];

/// Every code, in list order.
///
/// ```
/// assert!(vns::codes::all().any(|c| c.code == "entry.malformed"));
/// ```
pub fn all() -> impl Iterator<Item = &'static ErrorCode> {
    FAMILIES.iter().flat_map(|(_, codes)| codes.iter())
}

/// The list's entry for `code`.
///
/// ```
/// assert_eq!(vns::codes::lookup("resolve.not_found").unwrap().http, Some(404));
/// ```
pub fn lookup(code: &str) -> Option<&'static ErrorCode> {
    all().find(|c| c.code == code)
}

/// The HTTP status `vns serve` answers with for `code` ([`UNLISTED_STATUS`] when the list
/// has none).
///
/// ```
/// assert_eq!(vns::codes::http_status("entry.malformed"), 400);
/// assert_eq!(vns::codes::http_status("no.such_code"), 500);
/// ```
pub fn http_status(code: &str) -> u16 {
    lookup(code).and_then(|c| c.http).unwrap_or(UNLISTED_STATUS)
}

/// Builds a family's list: `"code" => status, "meaning", "where";` with `-` for no status.
/// A macro rather than struct literals so that one code stays on one line.
macro_rules! codes {
    ($($code:literal => $http:tt, $meaning:literal, $arises:literal;)*) => {
        &[$($crate::codes::ErrorCode {
            code: $code,
            meaning: $meaning,
            arises: $arises,
            http: codes!(@http $http),
        },)*]
    };
    (@http -) => { None };
    (@http $status:literal) => { Some($status) };
}
use codes;
