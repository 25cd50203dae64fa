//! TypeScript types of the plain objects crossing the boundary.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/**
 * Options of `VnsNode.open`. Beside the storage, these are the options `nodeOptions()` lists
 * (the core reads them through that one list; this interface types them).
 */
export interface VnsNodeOptions {
  /** `"indexeddb"` (default), `"memory"`, or a byte-level storage adapter object. */
  storage?: "indexeddb" | "memory" | VnsBlockstoreAdapter;
  /** IndexedDB database name (default `"vns"`). */
  dbName?: string;
  /** Network parameters (default `"main"`). */
  network?: "main" | "testing";
  /** Proof-of-work difficulty override (tests); it changes the network id. */
  difficulty?: number;
  /** Registration period in ms (test networks; default one year); changes the network id. */
  registrationPeriodMs?: number;
  /** Grace period after expiry in ms (test networks; default 30 days); changes the network id. */
  gracePeriodMs?: number;
  /** Offline delta queue capacity (default 1000). */
  queueCapacity?: number;
  /** Local registrations per owner per hour (default 5). */
  registrationsPerHour?: number;
  /**
   * Load a damaged store instead of refusing it: every intact entry, with an account of the
   * rest in `repairReport` (default false).
   */
  repair?: boolean;
  /** How long a peer link may stay open without a `hello`, in ms (default 10000). */
  handshakeTimeoutMs?: number;
  /** Test aid: ms the shim's clock runs ahead of the system's (default 0; `now` wins if given). */
  clockOffsetMs?: number;
}
/** A storage object supplied by the app; methods may return values or Promises. */
export interface VnsBlockstoreAdapter {
  put(cid: Uint8Array, bytes: Uint8Array): Promise<void> | void;
  get(cid: Uint8Array): Promise<Uint8Array | undefined | null> | Uint8Array | undefined | null;
  has(cid: Uint8Array): Promise<boolean> | boolean;
  delete(cid: Uint8Array): Promise<void> | void;
  list?(): Promise<Uint8Array[]> | Uint8Array[];
  getState(key: string): Promise<Uint8Array | undefined | null> | Uint8Array | undefined | null;
  setState(key: string, bytes: Uint8Array | undefined): Promise<void> | void;
  /** Optional: one save's blocks and state entries (root pointer first) as one transaction. */
  commit?(blocks: [Uint8Array, Uint8Array][], state: [string, Uint8Array | undefined][]): Promise<void> | void;
  /** Optional: every block as `[cid, bytes]` in one call, for loading. */
  readAll?(): Promise<[Uint8Array, Uint8Array][]> | [Uint8Array, Uint8Array][];
  /** Optional: releases the store when the node closes. */
  close?(): Promise<void> | void;
}
/** One option of `VnsNode.open` as `nodeOptions()` describes it. */
export interface NodeOptionSpec {
  key: Exclude<keyof VnsNodeOptions, "storage" | "dbName" | "repair">;
  /** `"uint"`: a non-negative integer; `"choice"`: one of `choices`. */
  kind: "uint" | "choice";
  choices?: string[];
  /** Part of the network: it changes the network id, so peers must agree on it. */
  network: boolean;
  /** One line naming what it sets and its default. */
  description: string;
}
/** One damaged block met by a repairing load. */
export interface DamagedBlock {
  /** The block's CID (or the bad root pointer's bytes as text). */
  cid: string;
  /** What it should hold: a tree node, an entry block, a chunk of the delta queue, or the root pointer (`block`: a scrub, which does not tell them apart). */
  kind: "node" | "entry" | "queue" | "root" | "block";
  /** `storage.missing`, `storage.corrupt`, `load.bad_entry`, `load.bad_root`, … */
  code: string;
  message: string;
}
/** What a node opened with `repair: true` found in its store. */
export interface RepairReport {
  /** Entries loaded. */
  entries: number;
  /** Of those, entries found in stored blocks the tree walk did not reach. */
  fromScan: number;
  /** Of those, entries taken from the delta queue (local changes the store had lost). */
  fromQueue: number;
  /** Names the tree listed whose entry is gone from this store (peers may hold them). */
  lost: string[];
  /** Every damaged block, in the order met. */
  damaged: DamagedBlock[];
  /** Whether every stored block was read (false: names under a damaged node are unknown). */
  scanned: boolean;
}
/** What one `scrubStep` did. */
export interface ScrubStep {
  /** Blocks of the pass checked so far, and in all. */
  checked: number;
  total: number;
  /** Damaged blocks met in this step, each with whether it was written again from memory. */
  damaged: (DamagedBlock & { repaired: boolean })[];
  /** Why writing them again failed, if it did. */
  repairError?: Error;
  /** Whether the pass is over. */
  done: boolean;
}
/** A record as given to `register` / `update` (`ttl` in seconds, default 3600). */
export interface RecordInput { type: string; value: string; ttl?: number }
/** A record as resolved (canonical type and value). */
export interface ResolvedRecord { type: "A" | "AAAA" | "TXT" | "FS" | "SYNC"; value: string; ttl: number }
/** A resolved name. */
export interface Resolved {
  name: string;
  records: ResolvedRecord[];
  /** Owner peer id. */
  owner: string;
  /** Expiry, ms since the epoch. */
  expires: number;
  seq: number;
  /** CID of the entry block the answer comes from (what a proof of the name leads to). */
  entry: string;
}
/** A frame to send, or a connection to close. */
export type Outbound =
  | { peer: number; bytes: Uint8Array }
  | { peer: number; close: { code: string; reason: string } };
/** Events taken with `takeEvents`. */
export type VnsEvent =
  | { type: "change"; name: string }
  | { type: "peer-connected"; peer: number }
  | { type: "peer-disconnected"; peer: number; code: string | null }
  | { type: "events-dropped"; dropped: number }
  | { type: "queue-overflow"; dropped: number; totalDropped: number; capacity: number }
  | { type: "queue-lost"; code: string; message: string }
  | { type: "catchup-started"; peer: number }
  | { type: "catchup-completed"; peer: number; entries: number }
  | { type: "catchup-aborted"; peer: number; code: string; message: string }
  | { type: "peer-error"; peer: number; code: string; message: string }
  | { type: "clock"; health: ClockHealth };
/**
 * How this node's clock stands against its ready peers' (the lower median of its own clock
 * and theirs, from their `hello`s): `aheadMs` (negative: behind), `skewed` when that is
 * beyond the tolerance (60 s), and `correctionMs`, what the rules add to the local clock
 * while it is skewed (docs/protocol.md, "Clock health").
 */
export interface ClockHealth { aheadMs: number; peers: number; skewed: boolean; correctionMs: number }
/** The offline delta queue. */
export interface QueueStatus { size: number; capacity: number; dropped: number; replayed: number }
/** The wasm heap of a package instance (`heapStats()`), in bytes. */
export interface HeapStats {
  /** Linear memory: it only grows, in steps of about a quarter; wasm32 caps it at 4 GiB. */
  memoryBytes: number;
  /** What the program holds now (requested sizes, without the allocator's own overhead). */
  liveBytes: number;
  /** The most it held at once since the instance started. */
  peakLiveBytes: number;
}
/** Node-wide counters since open. `rejected` counts entries refused from peers, by code. */
export interface NodeStats {
  accepted: number;
  duplicates: number;
  rejected: Record<string, number>;
  localChanges: number;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  sendFailures: number;
  catchups: number;
  catchupsAborted: number;
  sessionsOpened: number;
  sessionsFailed: number;
}
/**
 * What a local change (`register`, `update`, `renew`, `transfer`, `submit`) did: the name,
 * whether the version was new (false for one already held) and the frames to send.
 */
export interface Committed { name: string; accepted: boolean; out: Outbound[] }
/** What a save wrote. */
export interface SaveReport {
  blocks: number;
  bytes: number;
  /** Unreachable blocks deleted after the commit. */
  pruned: number;
  /** Why deleting them failed; a later save deletes them. */
  pruneError?: Error & { code: string };
}
/** What `collectGarbage` deleted; `complete` is false if the storage cannot list blocks. */
export interface GcReport { removed: number; complete: boolean }
/**
 * A merkle proof for one name under `root`: `entry` is the CID of the name's entry block
 * (`null` when the proof shows the name absent). `verifyProof` needs only `root` and `blocks`.
 */
export interface NameProof { root: string; entry: string | null; blocks: Uint8Array[] }
/** The record rules of the protocol (`recordRules()`): types, TTLs in seconds, sizes in bytes. */
export interface RecordRules {
  types: Array<"A" | "AAAA" | "TXT" | "FS" | "SYNC">;
  defaultTtl: number;
  minTtl: number;
  maxTtl: number;
  /** Most records per name. */
  maxRecords: number;
  /** Most bytes of one name's encoded records. */
  maxRecordsBytes: number;
  maxTxtBytes: number;
  maxValueBytes: number;
}
/** Every parameter of a node's network, read from the core (`VnsNode.network`). */
export interface NetworkInfo {
  /** The network's name in its parameters (`"vns-main"`, `"vns-test"`). */
  name: string;
  /** Hex BLAKE3 of the parameters and reserved names; peers must agree on it. */
  networkId: string;
  /** Proof-of-work difficulty in leading zero bits. */
  difficulty: number;
  registrationPeriodMs: number;
  gracePeriodMs: number;
  maxFutureSkewMs: number;
  settlementWindowMs: number;
  reservedNames: string[];
  limits: {
    records: RecordRules;
    maxEntryBytes: number;
    maxChainOps: number;
    maxFrameBytes: number;
    maxNameInputBytes: number;
  };
}
"#;
