//! `ops.json`: ops of every kind from their fields, signed with fixed keys: the op's bytes and
//! hash, the exact message signed, the signature, and the `{ op, sig }` map.

use serde::{Deserialize, Serialize};
use vns::identity::{Keypair, PublicKey};
use vns::name::Name;
use vns::op::{Op, OpKind, SignedOp, OP_VERSION};

use super::kit::{hex, unhex32, VectorFile};

/// Every field of the op, and the secret of the key that signs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    signer_secret: String,
    kind: String,
    name: String,
    seq: u64,
    ts: u64,
    lineage: Option<String>,
    prev: Option<String>,
    records: String,
    expires: u64,
    nonce: Option<u64>,
    new_owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outputs {
    signer: String,
    op_cbor: String,
    op_hash: String,
    signing_message: String,
    signature: String,
    signed_op_cbor: String,
}

fn kind(s: &str) -> OpKind {
    [OpKind::Register, OpKind::Update, OpKind::Renew, OpKind::Transfer]
        .into_iter()
        .find(|k| k.as_str() == s)
        .unwrap_or_else(|| panic!("kind {s}"))
}

pub fn sign(i: &Inputs) -> SignedOp {
    let key = Keypair::from_secret(&unhex32(&i.signer_secret));
    let digest = |h: &Option<String>| h.as_deref().map(|h| Box::new(unhex32(h).into()));
    let op = Op {
        v: OP_VERSION,
        kind: kind(&i.kind),
        name: Name::parse(&i.name).unwrap(),
        seq: i.seq,
        ts: i.ts,
        signer: key.public(),
        lineage: digest(&i.lineage),
        prev: digest(&i.prev),
        records: unhex32(&i.records).into(),
        expires: i.expires,
        nonce: i.nonce,
        new_owner: i.new_owner.as_deref().map(|k| PublicKey::from_bytes(&unhex32(k)).unwrap()),
    };
    op.sign(&key)
}

fn build(i: &Inputs) -> Outputs {
    let signed = sign(i);
    signed.verify_signature().unwrap();
    let op = &signed.op;
    Outputs {
        signer: hex(op.signer.as_bytes()),
        op_cbor: hex(op.encode()),
        op_hash: hex(op.hash().as_bytes()),
        signing_message: hex(op.signing_message()),
        signature: hex(*signed.sig),
        signed_op_cbor: hex(vns::block::to_cbor(&signed).unwrap()),
    }
}

/// The inputs that reproduce `signed`, signed by the key made from `secret`.
pub fn inputs_of(signed: &SignedOp, secret: u8) -> Inputs {
    let op = &signed.op;
    assert_eq!(Keypair::from_secret(&[secret; 32]).public(), op.signer);
    Inputs {
        signer_secret: hex([secret; 32]),
        kind: op.kind.as_str().into(),
        name: op.name.to_string(),
        seq: op.seq,
        ts: op.ts,
        lineage: op.lineage.as_ref().map(|d| hex(d.as_bytes())),
        prev: op.prev.as_ref().map(|d| hex(d.as_bytes())),
        records: hex(op.records.as_bytes()),
        expires: op.expires,
        nonce: op.nonce,
        new_owner: op.new_owner.map(|k| hex(k.as_bytes())),
    }
}

#[test]
fn op_vectors() {
    let chain = super::chain();
    let mut file = VectorFile::open("ops.json");
    let list =
        chain.ops.iter().map(|(label, op, secret)| (*label, inputs_of(op, *secret))).collect();
    file.section("ops", list, build);
    file.finish();
}
