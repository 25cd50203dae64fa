//! Store upkeep as JS sees it: the account of a repairing open, and scrubbing.

use std::collections::HashSet;

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{num, object};
use super::error::{busy, coded, JsResult};
use super::node::VnsNode;
use crate::blockstore::Blockstore;
use crate::persist::{check_blocks, DamagedBlock, RepairReport};

/// A damaged block as the plain `DamagedBlock` object.
fn damaged_block(d: &DamagedBlock) -> JsValue {
    object(&[
        ("cid", d.cid.as_str().into()),
        ("kind", d.kind.into()),
        ("code", d.code.into()),
        ("message", d.reason.as_str().into()),
    ])
}

/// A [`RepairReport`] as the plain `RepairReport` object.
pub(crate) fn repair_report(report: &RepairReport) -> JsValue {
    let damaged: Array = report.damaged.iter().map(damaged_block).collect();
    let lost: Array = report.lost.iter().map(|n| JsValue::from(n.as_str())).collect();
    object(&[
        ("entries", num(report.entries as u64)),
        ("fromScan", num(report.from_scan as u64)),
        ("fromQueue", num(report.from_queue as u64)),
        ("lost", lost.into()),
        ("damaged", damaged.into()),
        ("scanned", report.scanned.into()),
    ])
}

#[wasm_bindgen]
impl VnsNode {
    /// Begins a scrub pass over every block the current root reaches and every chunk of the
    /// delta queue; returns how many.
    /// Run its steps between saves (the shim serialises them with saves).
    #[wasm_bindgen(js_name = scrubStart)]
    pub fn scrub_start(&self) -> JsResult<u32> {
        let scrub = self.with(|n| Ok(n.scrub()))?;
        let total = scrub.total();
        *self.scrub.borrow_mut() = scrub;
        Ok(total as u32)
    }

    /// Checks the next (at most) `max` blocks of the pass against their CIDs and writes the
    /// damaged ones the namespace still reaches again from memory. Never deletes anything.
    #[wasm_bindgen(js_name = scrubStep, unchecked_return_type = "Promise<ScrubStep>")]
    pub fn scrub_step(&self, max: u32) -> Promise {
        let batch = self.scrub.borrow_mut().next_batch(max as usize);
        let (checked, total, done) = {
            let scrub = self.scrub.borrow();
            (scrub.checked(), scrub.total(), scrub.is_done())
        };
        let (storage, node) = (self.storage.clone(), self.node.clone());
        future_to_promise(async move {
            let damaged = check_blocks(&*storage, &batch).await.map_err(coded)?;
            let again = match node.try_borrow_mut() {
                Ok(mut node) => node.replacements(&damaged),
                Err(_) => return Err(busy()),
            };
            let written = storage.put_many(&again).await;
            let repaired: HashSet<String> = match &written {
                Ok(()) => again.iter().map(|b| b.cid.to_string()).collect(),
                Err(_) => HashSet::new(),
            };
            let list: Array = damaged
                .iter()
                .map(|d| {
                    let report = damaged_block(d);
                    let fixed = JsValue::from_bool(repaired.contains(&d.cid));
                    Reflect::set(&report, &"repaired".into(), &fixed).map(|_| report)
                })
                .collect::<Result<_, _>>()?;
            let step = object(&[
                ("checked", num(checked as u64)),
                ("total", num(total as u64)),
                ("damaged", list.into()),
                ("done", done.into()),
            ]);
            if let Err(e) = written {
                Reflect::set(&step, &"repairError".into(), &coded(e))?;
            }
            Ok(step)
        })
    }
}
