//! Store upkeep as JS sees it: the account of a repairing open.

use js_sys::Array;
use wasm_bindgen::JsValue;

use super::convert::{num, object};
use crate::persist::RepairReport;

/// A [`RepairReport`] as the plain `RepairReport` object.
pub(crate) fn repair_report(report: &RepairReport) -> JsValue {
    let damaged: Array = report
        .damaged
        .iter()
        .map(|d| {
            object(&[
                ("cid", d.cid.as_str().into()),
                ("kind", d.kind.into()),
                ("code", d.code.into()),
                ("message", d.reason.as_str().into()),
            ])
        })
        .collect();
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
