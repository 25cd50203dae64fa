//! One vector file: sections of `{ name, inputs, outputs }` vectors, each rebuilt from its
//! inputs and compared byte for byte (outputs are hex or exact strings), and the whole file
//! compared with what the generator writes, so a vector cannot change or vanish unnoticed.

use std::fmt::Debug;

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::{Map, Value};

/// One known answer: what goes in and what must come out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vector<I, O> {
    pub name: String,
    pub inputs: I,
    pub outputs: O,
}

/// Whether this run rewrites the files (`VNS_BLESS=1`).
pub fn blessing() -> bool {
    std::env::var_os("VNS_BLESS").is_some()
}

pub struct VectorFile {
    path: String,
    committed: Option<Value>,
    generated: Map<String, Value>,
}

impl VectorFile {
    pub fn open(file: &str) -> VectorFile {
        let path = format!("{}/tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
        let committed = if blessing() {
            None
        } else {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}")))
        };
        VectorFile { path, committed, generated: Map::new() }
    }

    /// Adds section `section` with the generator's `inputs`, and checks every committed vector
    /// of that section: `build(inputs)` must give exactly its `outputs`.
    pub fn section<I, O>(&mut self, section: &str, inputs: Vec<(&str, I)>, build: impl Fn(&I) -> O)
    where
        I: Serialize + DeserializeOwned + Debug + PartialEq,
        O: Serialize + DeserializeOwned + Debug + PartialEq,
    {
        let generated: Vec<Vector<I, O>> = inputs
            .into_iter()
            .map(|(name, inputs)| {
                let outputs = build(&inputs);
                Vector { name: name.to_string(), inputs, outputs }
            })
            .collect();
        if let Some(committed) = &self.committed {
            let list = committed
                .get(section)
                .unwrap_or_else(|| panic!("{}: no section {section}", self.path));
            let vectors: Vec<Vector<I, O>> = serde_json::from_value(list.clone())
                .unwrap_or_else(|e| panic!("{} {section}: {e}", self.path));
            for v in &vectors {
                assert_eq!(
                    build(&v.inputs),
                    v.outputs,
                    "{} {section} {}: rebuilt from its inputs",
                    self.path,
                    v.name
                );
            }
        }
        self.generated.insert(section.to_string(), serde_json::to_value(generated).unwrap());
    }

    /// Writes the file when blessing; otherwise the committed file must be what the generator
    /// writes.
    pub fn finish(self) {
        let generated = Value::Object(self.generated);
        match self.committed {
            None => {
                std::fs::write(&self.path, serde_json::to_string_pretty(&generated).unwrap() + "\n")
                    .unwrap()
            }
            Some(committed) => assert!(
                committed == generated,
                "{} is stale: regenerate with `VNS_BLESS=1 cargo test --test vectors --test codes --test protocol_doc`",
                self.path
            ),
        }
    }
}

pub fn hex(bytes: impl AsRef<[u8]>) -> String {
    hex::encode(bytes)
}

pub fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

pub fn unhex32(text: &str) -> [u8; 32] {
    unhex(text).try_into().expect("32 bytes")
}
