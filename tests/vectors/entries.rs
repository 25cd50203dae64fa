//! `entries.json`: entries from their signed ops and records: the block's bytes and CID, and
//! what `verify_entry` says under the testing network (valid, or the broken rule's code).

use serde::{Deserialize, Serialize};
use vns::block::from_cbor;
use vns::entry::Entry;
use vns::op::SignedOp;

use super::kit::{hex, unhex, VectorFile};
use super::records::{canonical, record, Canonical};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    /// The `{ op, sig }` maps, as in `ops.json`'s `signed_op_cbor`.
    ops: Vec<String>,
    records: Vec<Canonical>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outputs {
    cbor: String,
    cid: String,
    owner: String,
    expires: u64,
    /// `valid`, or the code `verify_entry` refuses it with (testing network).
    verify: String,
}

pub fn entry(i: &Inputs) -> Entry {
    let ops = i.ops.iter().map(|h| from_cbor::<SignedOp>(&unhex(h)).unwrap()).collect();
    Entry { ops, records: i.records.iter().map(record).collect() }
}

fn build(i: &Inputs) -> Outputs {
    let entry = entry(i);
    let block = entry.to_block();
    assert_eq!(Entry::decode(&block.bytes).unwrap(), entry, "the block decodes back");
    let verify = match vns::rules::verify_entry(&entry, &vns::params::NetworkParams::testing()) {
        Ok(()) => "valid".to_string(),
        Err(e) => e.code().to_string(),
    };
    Outputs {
        cbor: hex(&block.bytes),
        cid: block.cid.to_string(),
        owner: entry.owner().to_peer_id(),
        expires: entry.expires(),
        verify,
    }
}

pub fn inputs_of(entry: &Entry) -> Inputs {
    Inputs {
        ops: entry.ops.iter().map(|s| hex(vns::block::to_cbor(s).unwrap())).collect(),
        records: entry.records.iter().map(canonical).collect(),
    }
}

#[test]
fn entry_vectors() {
    let chain = super::chain();
    let mut list: Vec<(&str, Inputs)> =
        chain.entries.iter().map(|(l, e)| (*l, inputs_of(e))).collect();
    // Refused entries: a flipped signature bit, and an update signed by a key that is not
    // the owner's.
    let (_, registered) = &chain.entries[0];
    let mut forged = registered.clone();
    forged.ops[0].sig[0] ^= 1;
    list.push(("refused: registration signature with one bit flipped", inputs_of(&forged)));
    let (_, transferred) = &chain.entries[3];
    let stolen =
        vns::build::update(transferred, &super::key(1), vec![], transferred.head().op.ts + 1)
            .expect("builds (the builder does not check ownership)");
    list.push(("refused: update signed by the previous owner", inputs_of(&stolen)));
    let mut file = VectorFile::open("entries.json");
    file.section("entries", list, build);
    file.finish();
}
