//! The package's own codes: the wasm binding layer (`src/wasm/error.rs`), the JS shim and
//! `vns serve` (`js/`), the `vns` CLI (`js/cli.js`, `js/cli/`) and the demo page (`www/`).

use super::{codes, ErrorCode};

/// The package's codes, by layer.
pub(super) const CODES: &[ErrorCode] = codes! {
    "vns.invalid_argument" => 400, "An argument is missing or of the wrong type; the message names it.", "every wasm binding call, `GET /api/vns/names` without `owner`";
    "vns.busy" => 503, "The node is in the middle of another call (a storage adapter called back into it).", "wasm binding calls made from inside another call";
    "vns.closed" => 503, "The node was closed.", "every `Vns` method after `close()`";
    "vns.closing" => -, "The node is closing; sent to each peer as the session's last word.", "`close()`, to peers";
    "vns.internal" => 500, "Something failed that carries no code of its own.", "`vns serve` and the CLI, for uncoded errors";
    "storage.root_missing" => -, "The data folder holds blocks but no root pointer; restore the pointer (`state/root` in a folder, key `root` in the database) or start with `--force-empty`.", "`open({ path })`, `vns serve` start-up";
    "repair.names_lost" => -, "A node started with `--repair` holds fewer names than its damaged store listed: the names in `status.repair.lost` were in no intact block and in no queue, and no peer has given them back yet (they leave the list as peers do).", "`vns serve --repair`: its log and `status.repair.code`";
    "storage.two_stores" => -, "The data folder holds both an LMDB database and a block folder (`blocks/`, `state/`) whose root differs from the database's (written with `--storage folder` after a migration); nothing is deleted: choose one with `--storage`.", "`open({ path })`, `vns serve` start-up";
    "vns.too_many_peers" => -, "A WebSocket peer was over the node's total or per-address connection cap; sent as the close reason with close code 1013.", "`vns serve`, `/vns` upgrades";
    "signal.malformed" => -, "A WebRTC signalling frame (a text frame on `/vns`) is not one of the protocol's frames: not JSON, an unknown type or field, a missing or mistyped field, or a signal before `announce`; the client is closed with it.", "`vns serve`, `/vns` text frames; `connectWebSocket`, frames from the node";
    "signal.too_large" => -, "A WebRTC signalling frame is over 16 KiB; the client is closed with it.", "`vns serve`, `/vns` text frames; `connectWebSocket`, frames from the node";
    "signal.rate_limited" => -, "A client sent signalling frames or offers faster than the node's bounds (20 frames a second, bursts of 60; an offer every 2 s, bursts of 12); it is closed with it.", "`vns serve`, `/vns` text frames";
    "serve.data_locked" => -, "Another live `vns serve` holds the data folder (its lock file `LOCK` names the process); stop it or use another `--data`.", "`vns serve`, `startServer` start-up";
    "serve.port_in_use" => -, "The port `vns serve` was asked to listen on is taken (or needs privileges); the message names it.", "`vns serve`, `startServer` start-up";
    "http.too_large" => 413, "The request body is over 64 KiB.", "`POST /api/vns/ops`";
    "http.bad_path" => 400, "A path segment is not valid percent-encoding (such as a lone `%`).", "`/api/vns/*`";
    "http.not_found" => 404, "No API route answers this method and path.", "`/api/vns/*`";
    "http.method_not_allowed" => 405, "Only GET and HEAD are served outside the API.", "`vns serve`, static files";
    "dns.missing_query" => 400, "A DNS-over-HTTPS GET has no `dns` parameter.", "`GET /dns-query`";
    "dns.bad_query" => 400, "A DNS-over-HTTPS request carries no readable DNS query (bad base64url or not a DNS message).", "`GET`/`POST /dns-query`";
    "dns.bad_media_type" => 415, "A DNS-over-HTTPS POST is not `application/dns-message`.", "`POST /dns-query`";
    "dns.too_large" => 413, "A DNS-over-HTTPS message is larger than a DNS message can be.", "`POST /dns-query`";
    "tabs.bad_message" => -, "A tab sent the leading tab a change it cannot read (a `submit` message without a number id and the entry block as bytes).", "`open({ dbName })` in browsers, the leading tab's answer to a follower";
    "serve.bad_node_key" => -, "The libp2p node key file in the data folder (`libp2p-key`) is not a libp2p private key; move it away to start with a new peer ID.", "`vns serve --libp2p` start-up";
    "dht.bad_manifest" => -, "A DHT manifest record is unsigned, mis-signed, names another key, is stale or ahead of the clock; the DHT drops it.", "the DHT record validator of `vns serve --libp2p`";
    "pow.worker_failed" => -, "The proof-of-work Web Worker failed to load or crashed.", "`workerSolver()`";
    "cli.usage" => -, "The command line is wrong (exit code 2).", "`vns`";
    "cli.no_key" => -, "No key file exists; create one with `vns key new`.", "`vns register`, `update`, `renew`, `transfer`";
    "cli.bad_key" => -, "The key file is unreadable or not a VNS key.", "`vns` commands that sign";
    "cli.key_exists" => -, "A key file already exists and `--force` was not given.", "`vns key new`, `vns key import`";
    "cli.no_records" => -, "`vns update` was given no records and no `--clear`: nothing would change (exit code 2).", "`vns update`";
    "cli.not_confirmed" => -, "A renewal was not confirmed (no `--yes` off a terminal, or not answered yes); nothing was signed.", "`vns renew`";
    "cli.bad_tls" => -, "The TLS certificate or key given to `vns serve` cannot be read.", "`vns serve --tls-cert FILE --tls-key FILE`";
    "cli.unreachable" => -, "The node did not answer (exit code 3).", "`vns` commands that call a node";
    "cli.bad_answer" => -, "The node answered with an HTTP error that carries no VNS error.", "`vns` commands that call a node";
};
