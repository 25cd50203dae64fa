//! Replays the committed fuzz corpus (`fuzz/corpus/TARGET/`) and every input a fuzzer ever
//! found (`fuzz/regressions/TARGET/`) through the fuzz targets' own bodies, on the stable
//! toolchain: the fuzzing itself runs by `scripts/fuzz.sh`, and this keeps what it learnt.

#[path = "../fuzz/src/lib.rs"]
mod fuzz_targets;

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use fuzz_targets::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The inputs in `dir`, in name order (dotfiles such as `.gitkeep` are not inputs).
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let listing = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = listing
        .map(|entry| entry.expect("readable folder").path())
        .filter(|path| path.is_file())
        .filter(|path| !path.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_and_regression_input_passes_its_target() {
    let mut failures = Vec::new();
    for target in TARGETS {
        let corpus = inputs(&fuzz_dir().join("corpus").join(target.name));
        assert!(!corpus.is_empty(), "fuzz/corpus/{} holds no input", target.name);
        let regressions = inputs(&fuzz_dir().join("regressions").join(target.name));
        for path in corpus.iter().chain(&regressions) {
            let bytes = std::fs::read(path).unwrap();
            if catch_unwind(AssertUnwindSafe(|| (target.run)(&bytes))).is_err() {
                failures.push(format!("{}: {}", target.name, path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "inputs that make their target panic:\n{}", failures.join("\n"));
}

/// The names listed in `fuzz/Cargo.toml` as binaries.
fn cargo_fuzz_binaries() -> BTreeSet<String> {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    let mut names = BTreeSet::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if let Some(value) = line.strip_prefix("name = ").filter(|_| in_bin) {
            names.insert(value.trim_matches('"').to_string());
        }
    }
    names
}

#[test]
fn every_target_has_a_binary_a_corpus_and_a_regressions_folder() {
    let names: BTreeSet<String> = TARGETS.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(names.len(), TARGETS.len(), "two targets share a name");
    assert_eq!(cargo_fuzz_binaries(), names, "fuzz/Cargo.toml binaries differ from TARGETS");
    for folder in ["corpus", "regressions"] {
        let present: BTreeSet<String> = std::fs::read_dir(fuzz_dir().join(folder))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(present, names, "fuzz/{folder}/ folders differ from TARGETS");
    }
    for name in &names {
        let source = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        let text = std::fs::read_to_string(&source).unwrap();
        assert!(
            text.contains(&format!("vns_fuzz::{name}(data)")),
            "{} calls another body",
            source.display()
        );
    }
}

#[test]
fn the_fuzz_script_limits_each_target_to_its_decoders_bound() {
    let script = std::fs::read_to_string(fuzz_dir().join("../scripts/fuzz.sh")).unwrap();
    for target in TARGETS {
        // The script's table has one line per target: `  NAME) echo MAX_LEN ;;`.
        let line = format!("  {}) echo {} ;;", target.name, target.max_len);
        assert!(script.lines().any(|l| l == line), "scripts/fuzz.sh lacks the line {line:?}");
    }
}
