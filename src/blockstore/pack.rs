//! Packs: many blocks in one byte string, so that a backend can keep them in one record.
//!
//! Browsers' IndexedDB spends tens of microseconds on every record it hands back, even in one
//! `getAll`: 100k blocks stored one per record take seconds to read. The IndexedDB backend
//! therefore stores blocks in packs of about [`PACK_BYTES`]. A pack is the concatenation, for
//! each block, of its binary CID (self-delimiting), its length (`u32`, little endian) and its
//! bytes. Packs are a storage layout only: blocks are still named and checked by their CIDs.
//!
//! ```
//! use vns::block::Block;
//! use vns::blockstore::pack;
//!
//! let blocks: Vec<Block> = (0..3).map(|i| Block::encode(&i).unwrap()).collect();
//! let packs = pack::pack(blocks.iter().map(|b| (b.cid, b.bytes.as_slice())));
//! assert_eq!(packs.len(), 1);
//! assert_eq!(packs[0].cids, blocks.iter().map(|b| b.cid).collect::<Vec<_>>());
//! let unpacked = pack::unpack(&packs[0].bytes).unwrap();
//! assert_eq!(unpacked[2], (blocks[2].cid, blocks[2].bytes.as_slice()));
//! ```

use std::collections::HashMap;
use std::io::Cursor;

use cid::Cid;

/// Size a pack is filled up to. Large enough that 100k names (37 MB) fit in ~150 records,
/// small enough that reading one block (a whole pack) or rewriting a pack stays cheap.
pub const PACK_BYTES: usize = 256 * 1024;

/// Blocks packed together, and their CIDs in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pack {
    /// The CIDs of the blocks in the pack, in order.
    pub cids: Vec<Cid>,
    /// The encoded pack.
    pub bytes: Vec<u8>,
}

impl Pack {
    fn push(&mut self, cid: Cid, bytes: &[u8]) {
        let len = u32::try_from(bytes.len()).expect("blocks are far smaller than 4 GiB");
        cid.write_bytes(&mut self.bytes).expect("writing to a Vec cannot fail");
        self.bytes.extend_from_slice(&len.to_le_bytes());
        self.bytes.extend_from_slice(bytes);
        self.cids.push(cid);
    }
}

/// Packs `blocks` in order into packs of at most [`PACK_BYTES`] (a larger block gets a pack of
/// its own). When a CID comes more than once only its last block is kept, so packing old
/// blocks followed by new ones lets a block put again replace its older copy.
///
/// ```
/// use vns::block::cid_of;
/// use vns::blockstore::pack::{pack, PACK_BYTES};
///
/// let big = vec![7u8; PACK_BYTES / 2];
/// let cids: Vec<_> = (0..3u8).map(|i| cid_of(&[i])).collect();
/// let packs = pack(cids.iter().map(|&cid| (cid, big.as_slice())));
/// assert_eq!(packs.iter().map(|p| p.cids.len()).collect::<Vec<_>>(), [1, 1, 1]);
/// let again = pack([(cids[0], &b"old"[..]), (cids[1], b"x"), (cids[0], b"new")]);
/// assert_eq!(again[0].cids, [cids[1], cids[0]]);
/// ```
pub fn pack<'a>(blocks: impl IntoIterator<Item = (Cid, &'a [u8])>) -> Vec<Pack> {
    let blocks: Vec<(Cid, &[u8])> = blocks.into_iter().collect();
    let last: HashMap<Cid, usize> = blocks.iter().enumerate().map(|(i, (c, _))| (*c, i)).collect();
    let mut packs = Vec::new();
    let mut current = Pack::default();
    for (i, (cid, bytes)) in blocks.into_iter().enumerate() {
        if last[&cid] != i {
            continue;
        }
        let frame = cid.encoded_len() + 4 + bytes.len();
        if !current.cids.is_empty() && current.bytes.len() + frame > PACK_BYTES {
            packs.push(std::mem::take(&mut current));
        }
        current.push(cid, bytes);
    }
    if !current.cids.is_empty() {
        packs.push(current);
    }
    packs
}

/// The blocks in a pack, in order. Errors say where the pack stops making sense (a pack
/// truncated or overwritten by something else).
///
/// ```
/// use vns::blockstore::pack::unpack;
/// assert_eq!(unpack(&[]).unwrap(), vec![]);
/// assert!(unpack(b"not a pack").unwrap_err().contains("at byte 0"));
/// ```
pub fn unpack(pack: &[u8]) -> Result<Vec<(Cid, &[u8])>, String> {
    let mut blocks = Vec::new();
    let mut at = 0;
    while at < pack.len() {
        let bad = |what: String| format!("pack at byte {at}: {what}");
        let mut reader = Cursor::new(&pack[at..]);
        let cid = Cid::read_bytes(&mut reader).map_err(|e| bad(e.to_string()))?;
        let start = at + reader.position() as usize;
        let len = pack
            .get(start..start + 4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize)
            .ok_or_else(|| bad("length cut off".into()))?;
        let bytes = pack
            .get(start + 4..start + 4 + len)
            .ok_or_else(|| bad(format!("block {cid} of {len} bytes cut off")))?;
        blocks.push((cid, bytes));
        at = start + 4 + len;
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::cid_of;

    #[test]
    fn packs_round_trip_and_split_by_size() {
        let blocks: Vec<(Cid, Vec<u8>)> = (0..2_000u32)
            .map(|i| {
                let bytes: Vec<u8> = i.to_le_bytes().repeat(i as usize % 250 + 1);
                (cid_of(&bytes), bytes)
            })
            .collect();
        let packs = pack(blocks.iter().map(|(c, b)| (*c, b.as_slice())));
        assert!(packs.len() > 1, "{} packs", packs.len());
        assert!(packs.iter().all(|p| p.bytes.len() <= PACK_BYTES));
        let mut out = Vec::new();
        for p in &packs {
            let unpacked = unpack(&p.bytes).unwrap();
            assert_eq!(unpacked.iter().map(|(c, _)| *c).collect::<Vec<_>>(), p.cids);
            out.extend(unpacked.into_iter().map(|(c, b)| (c, b.to_vec())));
        }
        assert_eq!(out, blocks);
    }

    #[test]
    fn a_large_block_gets_its_own_pack_and_empty_blocks_survive() {
        let big = vec![1u8; PACK_BYTES * 2];
        let blocks = [(cid_of(b"a"), &b"a"[..]), (cid_of(&big), &big), (cid_of(b""), &b""[..])];
        let packs = pack(blocks);
        assert_eq!(packs.len(), 3);
        assert_eq!(unpack(&packs[1].bytes).unwrap(), [blocks[1]]);
        assert_eq!(unpack(&packs[2].bytes).unwrap(), [blocks[2]]);
    }

    #[test]
    fn damaged_packs_are_errors_not_blocks() {
        let p = &pack([(cid_of(b"hello"), &b"hello"[..])])[0].bytes;
        for cut in 1..p.len() {
            let err = unpack(&p[..cut]).unwrap_err();
            assert!(err.contains("at byte 0"), "{err}");
        }
        let mut longer = p.clone();
        longer.push(0xff);
        assert!(unpack(&longer).unwrap_err().contains(&format!("at byte {}", p.len())));
    }
}
