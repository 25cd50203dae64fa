//! The error-code list (`vns::codes`) against the sources that return codes, and the files
//! generated from it: the table in `docs/protocol.md` and the package's `js/codes.js` (HTTP
//! statuses for `vns serve` and the TypeScript union `ErrorCode`).
//!
//! **How the returned codes are found**, mechanically, so that a new code cannot slip past:
//!
//! - Rust (`src/`, each file up to its `#[cfg(test)]` module): every string literal a match
//!   arm yields, `=> "x.y"` (every `code()` method is such a match), and every literal
//!   handed to `js_error("x.y", …)` (the wasm layer's own codes).
//! - JS (`js/`, `www/`): every literal in a position that raises a code: an object's
//!   `code: 'x.y'`, the code argument of an error constructor (`new CliError('x.y'`,
//!   `new HttpError(413, 'x.y'`), the code a transport is closed with (`.close('x.y'`, `.closeAll('x.y'`), and
//!   a fallback after `?` (`? e.code : 'x.y'`). A code built at run time (a template literal
//!   such as `` `http.${status}` ``) is refused: no list could name it.
//!
//! The list must name exactly that set. On top of that, every code-shaped string literal in
//! the JS (a comparison such as `code === 'resolve.not_found'`) and every code written in
//! backticks in comments and documents (`rule.stale`, or a family `rule.*`) must be listed, so
//! that no text points at a code that does not exist.
//!
//! Regenerate the generated files after changing the list: `VNS_BLESS=1 cargo test --test
//! codes`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use regex::Regex;
use vns::codes::{self, ErrorCode};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Listed codes that no source returns yet because the change that returns them is made
/// elsewhere at the same time. The test fails as soon as one of them is returned, so the
/// entry cannot outlive its reason.
const NOT_YET_RETURNED: &[&str] = &[];

/// Backticked words in comments that look like codes but name JS methods.
const NOT_CODES: &[&str] =
    &["vns.resolve", "vns.network", "vns.availability", "vns.history", "vns.renewal"];

/// File endings that make `x.y` a file or a name rather than a code.
const NOT_CODE_SUFFIXES: &[&str] =
    &["vfs", "rs", "js", "mjs", "json", "html", "css", "wasm", "md", "ts"];

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, ext, out);
            } else if path.extension().is_some_and(|e| e == ext)
                && !path.to_string_lossy().ends_with(".d.ts")
            {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(ROOT).join(dir), ext, &mut out);
    out.sort();
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The JS sources, without `js/codes.js`: generated from the list, it names every code and
/// would make each look returned.
fn js_sources() -> Vec<(PathBuf, String)> {
    let mut all = files("js", "js");
    all.extend(files("www", "js"));
    let generated = Path::new(ROOT).join("js/codes.js");
    all.into_iter().filter(|p| *p != generated).map(|p| (p.clone(), read(&p))).collect()
}

fn rust_sources() -> Vec<(PathBuf, String)> {
    files("src", "rs")
        .into_iter()
        .map(|p| {
            let text = read(&p);
            let end = text.find("#[cfg(test)]").unwrap_or(text.len());
            (p, text[..end].to_string())
        })
        .collect()
}

const CODE: &str = r"[a-z]+\.[a-z][a-z0-9_]*";

fn captures(re: &Regex, text: &str, out: &mut BTreeSet<String>) {
    out.extend(re.captures_iter(text).map(|c| c[1].to_string()));
}

/// Codes the sources return, found as the module documentation says.
fn returned_codes() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let arm = Regex::new(&format!(r#"=>\s*"({CODE})""#)).unwrap();
    let js_error = Regex::new(&format!(r#"js_error\(\s*"({CODE})""#)).unwrap();
    for (_, text) in rust_sources() {
        captures(&arm, &text, &mut out);
        captures(&js_error, &text, &mut out);
    }
    let raising = [
        format!(r#"\bcode:\s*['"]({CODE})['"]"#),
        format!(r#"Error\(\s*(?:\d+\s*,\s*)?['"]({CODE})['"]"#),
        format!(r#"\.close(?:All)?\(\s*['"]({CODE})['"]"#),
        // A call that answers with an HTTP status and a code, e.g. `fail(400, 'dns.bad_query', …)`.
        format!(r#"\(\s*\d{{3}}\s*,\s*['"]({CODE})['"]"#),
        format!(r#"\?[^:\n]*:\s*['"]({CODE})['"]"#),
    ];
    let raising: Vec<Regex> = raising.iter().map(|r| Regex::new(r).unwrap()).collect();
    let template = Regex::new(r"\bcode:\s*`|Error\(\s*(?:\d+\s*,\s*)?`[a-z]+\.").unwrap();
    for (path, text) in js_sources() {
        for re in &raising {
            captures(re, &text, &mut out);
        }
        if let Some(m) = template.find(&text) {
            panic!(
                "{}: a code built at run time ({}…): use a listed literal",
                path.display(),
                m.as_str()
            );
        }
    }
    out
}

fn listed() -> BTreeSet<String> {
    codes::all().map(|c| c.code.to_string()).collect()
}

fn prefixes() -> BTreeSet<String> {
    codes::all().map(|c| c.code.split('.').next().unwrap().to_string()).collect()
}

#[test]
fn the_list_names_exactly_the_codes_the_sources_return() {
    let returned = returned_codes();
    let listed = listed();
    let unlisted: Vec<_> = returned.difference(&listed).collect();
    assert!(unlisted.is_empty(), "returned but not in src/codes/: {unlisted:?}");
    let pending: BTreeSet<String> = NOT_YET_RETURNED.iter().map(|c| c.to_string()).collect();
    let now_returned: Vec<_> = pending.intersection(&returned).collect();
    assert!(
        now_returned.is_empty(),
        "now returned, remove from NOT_YET_RETURNED: {now_returned:?}"
    );
    let dead: Vec<_> = listed.difference(&returned).filter(|c| !pending.contains(*c)).collect();
    assert!(dead.is_empty(), "listed but returned by nothing: {dead:?}");
    // The scan itself finds every family, or it would pass by finding nothing.
    for code in
        ["name.empty", "rule.settled", "vns.busy", "vns.internal", "http.too_large", "cli.usage"]
    {
        assert!(returned.contains(code), "the scan missed {code}");
    }
}

#[test]
fn every_code_is_listed_once_with_a_meaning_and_an_origin() {
    let mut seen = BTreeSet::new();
    for c in codes::all() {
        assert!(seen.insert(c.code), "{} listed twice", c.code);
        assert!(
            Regex::new(&format!("^{CODE}$")).unwrap().is_match(c.code),
            "{} is not dotted",
            c.code
        );
        assert!(
            c.meaning.ends_with('.') && c.meaning.len() > 10,
            "{}: meaning {:?}",
            c.code,
            c.meaning
        );
        assert!(!c.arises.is_empty(), "{}: where it arises", c.code);
        assert!(
            !c.meaning.contains('|') && !c.arises.contains('|'),
            "{}: `|` breaks the table",
            c.code
        );
        if let Some(status) = c.http {
            assert!((400..600).contains(&status), "{}: HTTP {status}", c.code);
        }
    }
}

#[test]
fn code_shaped_literals_and_mentions_name_listed_codes() {
    let listed = listed();
    let prefixes = prefixes();
    let is_code_word = |word: &str| {
        let (prefix, suffix) = word.split_once('.').unwrap();
        prefixes.contains(prefix)
            && !NOT_CODE_SUFFIXES.contains(&suffix)
            && !NOT_CODES.contains(&word)
    };
    let mut wrong = Vec::new();
    let literal = Regex::new(&format!(r#"['"]({CODE})['"]"#)).unwrap();
    for (path, text) in js_sources() {
        for c in literal.captures_iter(&text) {
            if is_code_word(&c[1]) && !listed.contains(&c[1]) {
                wrong.push(format!("{}: '{}'", path.display(), &c[1]));
            }
        }
    }
    let mention = Regex::new(r"`([a-z]+)\.(\*|[a-z][a-z0-9_]*)`").unwrap();
    let mut texts: Vec<(PathBuf, String)> =
        files("src", "rs").into_iter().map(|p| (p.clone(), read(&p))).collect();
    texts.extend(js_sources());
    for doc in ["docs/protocol.md", "README.md"] {
        let path = Path::new(ROOT).join(doc);
        texts.push((path.clone(), read(&path)));
    }
    for (path, text) in &texts {
        for c in mention.captures_iter(text) {
            let (prefix, rest) = (&c[1], &c[2]);
            let word = format!("{prefix}.{rest}");
            let bad = if rest == "*" {
                !prefixes.contains(prefix)
            } else {
                is_code_word(&word) && !listed.contains(&word)
            };
            if bad {
                wrong.push(format!("{}: `{word}`", path.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "codes that are not in src/codes/: {wrong:#?}");
}

#[test]
fn the_server_s_explicit_statuses_match_the_list() {
    let re = Regex::new(&format!(r#"new HttpError\(\s*(\d+)\s*,\s*'({CODE})'"#)).unwrap();
    let mut checked = 0;
    for (path, text) in js_sources() {
        for c in re.captures_iter(&text) {
            let status: u16 = c[1].parse().unwrap();
            assert_eq!(
                codes::lookup(&c[2]).and_then(|i| i.http),
                Some(status),
                "{}: {}",
                path.display(),
                &c[2]
            );
            checked += 1;
        }
    }
    assert!(checked >= 4, "found only {checked} HttpError sites");
}

/// The error-code section of `docs/protocol.md`, between its markers.
fn docs_table() -> String {
    let mut out = String::new();
    for (family, list) in codes::FAMILIES {
        out.push_str(match family {
            "library" => "\nCodes of the Rust core (`code()` of its errors; a compatible implementation refuses the same inputs with the same codes):\n\n",
            _ => "\nCodes of this package (wasm layer, JS shim, `vns serve`, the CLI, the demo page):\n\n",
        });
        out.push_str("| code | meaning | where | HTTP |\n|---|---|---|---|\n");
        for c in list {
            let http = c.http.map_or("—".to_string(), |s| s.to_string());
            out.push_str(&format!("| `{}` | {} | {} | {http} |\n", c.code, c.meaning, c.arises));
        }
    }
    out.push('\n');
    out
}

const BEGIN: &str =
    "<!-- error codes: generated from src/codes/ by `VNS_BLESS=1 cargo test --test codes` -->\n";
const END: &str = "<!-- end of error codes -->";

fn js_module() -> String {
    let all: Vec<&ErrorCode> = codes::all().collect();
    let union = all.iter().map(|c| format!("'{}'", c.code)).collect::<Vec<_>>().join("\n *   | ");
    let statuses = all
        .iter()
        .map(|c| {
            format!("  '{}': {},\n", c.code, c.http.map_or("null".to_string(), |s| s.to_string()))
        })
        .collect::<String>();
    format!(
        "// @ts-check
// Generated from src/codes/ by `VNS_BLESS=1 cargo test --test codes`; edit the list there.
/**
 * Every VNS error code and the HTTP status `vns serve` answers with. What each code means and
 * where it arises: docs/protocol.md, \"Error codes\".
 * @module
 */

/**
 * The `code` of an error VNS throws, answers or closes a session with.
 * @typedef {{{union}}} ErrorCode
 */

/**
 * HTTP status per code; `null` for codes that never answer an HTTP request.
 * @type {{Readonly<Record<ErrorCode, number | null>>}}
 */
export const ERROR_HTTP_STATUS = Object.freeze({{
{statuses}}});

/** Status for a code that is not listed or never answers an HTTP request. */
export const UNLISTED_HTTP_STATUS = {unlisted};

/**
 * The HTTP status `vns serve` answers with for `code`.
 *
 * ```js
 * httpStatusFor('store.rate_limited'); // 429
 * ```
 * @param {{string}} code
 * @returns {{number}}
 */
export function httpStatusFor(code) {{
  const status = Object.hasOwn(ERROR_HTTP_STATUS, code)
    ? ERROR_HTTP_STATUS[/** @type {{ErrorCode}} */ (code)]
    : null;
  return status ?? UNLISTED_HTTP_STATUS;
}}
",
        unlisted = codes::UNLISTED_STATUS,
    )
}

/// Compares `path` with `expected`, or writes it under `VNS_BLESS`.
fn check_generated(path: &Path, expected: &str) {
    if std::env::var_os("VNS_BLESS").is_some() {
        std::fs::write(path, expected).unwrap();
    }
    let found = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        found == expected,
        "{} is stale: regenerate with `VNS_BLESS=1 cargo test --test codes`",
        path.display()
    );
}

#[test]
fn generated_files_are_fresh() {
    check_generated(&Path::new(ROOT).join("js/codes.js"), &js_module());
    let path = Path::new(ROOT).join("docs/protocol.md");
    let doc = read(&path);
    let start = doc.find(BEGIN).expect("docs/protocol.md has the error-code markers") + BEGIN.len();
    let end = start + doc[start..].find(END).expect("end marker");
    let expected = format!("{}{}{}", &doc[..start], docs_table(), &doc[end..]);
    check_generated(&path, &expected);
}
