//! SYNC endpoints: `ws://`/`wss://` URLs and multiaddrs, checked and printed canonically.

use std::net::{Ipv4Addr, Ipv6Addr};

use multihash::Multihash;

use super::data::check_value_len;
use super::{clip, RecordError};

/// Parses a SYNC endpoint into its canonical string.
pub(super) fn parse_sync(value: &str) -> Result<String, RecordError> {
    check_value_len("SYNC", value)?;
    let bad = |reason: String| RecordError::BadSync { value: clip(value), reason };
    // Printable ASCII only: URLs and multiaddrs percent-encode everything else, and whitespace
    // or control bytes in an endpoint are always a mistake or an attack.
    if let Some(ch) = value.chars().find(|c| !matches!(c, '!'..='~')) {
        return Err(bad(format!("character {ch:?} is not allowed")));
    }
    if value.starts_with('/') {
        canonical_multiaddr(value).map_err(bad)
    } else {
        canonical_ws_url(value).map_err(bad)
    }
}

/// Checks a DNS host name (ASCII, labels of `a-z 0-9 -`) and returns it lower-cased.
fn canonical_hostname(host: &str) -> Result<String, String> {
    let host = host.to_ascii_lowercase();
    if host.is_empty() || host.len() > 253 {
        return Err("host name must be 1 to 253 characters".into());
    }
    for label in host.split('.') {
        let ok_chars = label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if label.is_empty() || label.len() > 63 || !ok_chars {
            return Err(format!("host label {label:?} is not a DNS label"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("host label {label:?} starts or ends with '-'"));
        }
    }
    // A numeric last label means an IPv4 literal; accept only the strict dotted form so that
    // spellings like `127.1` or `0x7f.0.0.1` cannot stand for the same address.
    if host.rsplit('.').next().is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit())) {
        return host
            .parse::<Ipv4Addr>()
            .map(|ip| ip.to_string())
            .map_err(|_| format!("{host:?} is not a valid IPv4 address"));
    }
    Ok(host)
}

fn parse_port(port: &str) -> Result<u16, String> {
    // Digits only: `u16::from_str` would also take a leading `+`.
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("port {port:?} is not a number"));
    }
    match port.parse::<u16>() {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(format!("port {port:?} is not in 1..=65535")),
    }
}

/// `ws://` or `wss://` URL: lower-case scheme and host, no credentials, no fragment (RFC 6455
/// forbids them), default port dropped.
fn canonical_ws_url(value: &str) -> Result<String, String> {
    let (scheme, rest) = value.split_once("://").ok_or("missing scheme")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "ws" => 80,
        "wss" => 443,
        _ => return Err(format!("scheme {scheme:?} is not ws or wss")),
    };
    if rest.contains('#') {
        return Err("WebSocket URLs cannot have a fragment".into());
    }
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    if authority.contains('@') {
        // Credentials in a public record leak, and `good.com@evil.com` misleads readers.
        return Err("credentials (user@) are not allowed".into());
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (ip, after) = bracketed.split_once(']').ok_or("unclosed '[' in host")?;
        let ip: Ipv6Addr = ip.parse().map_err(|_| format!("{ip:?} is not an IPv6 address"))?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or("garbage after ']'")?),
        };
        (format!("[{ip}]"), port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (canonical_hostname(host)?, Some(port)),
            None => (canonical_hostname(authority)?, None),
        }
    };
    let port = match port.map(parse_port).transpose()? {
        Some(p) if p != default_port => format!(":{p}"),
        _ => String::new(),
    };
    Ok(format!("{scheme}://{host}{port}{path}"))
}

/// Multiaddr protocols accepted in SYNC records and whether they take a value.
const MULTIADDR_PROTOCOLS: [(&str, bool); 14] = [
    ("ip4", true),
    ("ip6", true),
    ("dns", true),
    ("dns4", true),
    ("dns6", true),
    ("tcp", true),
    ("udp", true),
    ("ws", false),
    ("wss", false),
    ("tls", false),
    ("quic-v1", false),
    ("webrtc-direct", false),
    ("certhash", true),
    ("p2p", true),
];

/// A multiaddr from the known protocol set: it must start with an address (ip4/ip6/dns*), may
/// end with `/p2p/<peer id>`, uses each protocol once, and values are checked and re-printed.
fn canonical_multiaddr(value: &str) -> Result<String, String> {
    let mut parts = value.split('/').skip(1);
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    while let Some(protocol) = parts.next() {
        if protocol.is_empty() {
            return Err("empty component (stray '/')".into());
        }
        let takes_value = MULTIADDR_PROTOCOLS
            .iter()
            .find(|(p, _)| *p == protocol)
            .map(|(_, v)| *v)
            .ok_or_else(|| format!("unsupported protocol {:?}", clip(protocol)))?;
        if seen.contains(&protocol) {
            return Err(format!("protocol {protocol:?} appears twice"));
        }
        if seen.contains(&"p2p") {
            return Err("/p2p/<peer id> must come last".into());
        }
        if seen.is_empty() && !matches!(protocol, "ip4" | "ip6" | "dns" | "dns4" | "dns6") {
            return Err("must start with /ip4, /ip6, /dns, /dns4 or /dns6".into());
        }
        seen.push(protocol);
        out.push(protocol.to_owned());
        if !takes_value {
            continue;
        }
        let v =
            parts.next().filter(|v| !v.is_empty()).ok_or(format!("{protocol} needs a value"))?;
        out.push(canonical_multiaddr_value(protocol, v)?);
    }
    Ok(out.iter().fold(String::new(), |acc, part| acc + "/" + part))
}

fn canonical_multiaddr_value(protocol: &str, v: &str) -> Result<String, String> {
    match protocol {
        "ip4" => v
            .parse::<Ipv4Addr>()
            .map(|ip| ip.to_string())
            .map_err(|_| format!("{v:?} is not an IPv4 address")),
        "ip6" => v
            .parse::<Ipv6Addr>()
            .map(|ip| ip.to_string())
            .map_err(|_| format!("{v:?} is not an IPv6 address")),
        "tcp" | "udp" => parse_port(v).map(|p| p.to_string()),
        "certhash" => {
            // libp2p writes certificate hashes as base64url multibase; requiring exactly that
            // spelling keeps one encoding per address.
            let bytes = crate::block::decode_multibase(v).map_err(|e| format!("certhash: {e}"))?;
            Multihash::<64>::from_bytes(&bytes).map_err(|e| format!("certhash: {e}"))?;
            let canonical = format!("u{}", crate::block::base64url(&bytes));
            if canonical != v {
                return Err(format!("certhash must be base64url multibase ({canonical})"));
            }
            Ok(canonical)
        }
        "p2p" => {
            // Any libp2p peer (not only Ed25519) may serve sync, so accept any peer-id
            // multihash: identity-inlined keys or SHA-256 of larger keys.
            let bytes = bs58::decode(v).into_vec().map_err(|_| format!("{v:?} is not base58"))?;
            let mh = Multihash::<64>::from_bytes(&bytes).map_err(|e| format!("p2p: {e}"))?;
            match (mh.code(), mh.size()) {
                (0x00, 1..=42) | (0x12, 32) => Ok(bs58::encode(&bytes).into_string()),
                _ => Err(format!("{v:?} is not a peer id")),
            }
        }
        // dns, dns4, dns6
        _ => canonical_hostname(v),
    }
}
