//! The label rules: allowed characters and lengths, and the IDNA (UTS-46) mapping of
//! internationalised labels to their one `xn--` spelling.

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use super::{NameError, MAX_LABEL_LEN, MIN_LABEL_LEN};

pub(super) fn is_label_char(ch: char) -> bool {
    matches!(ch, 'a'..='z' | '0'..='9' | '-' | '_')
}

/// The label rules, applied to the canonical ASCII label.
pub(super) fn check_label(label: &str) -> Result<(), NameError> {
    if label.is_empty() {
        return Err(NameError::EmptyLabel);
    }
    let len = label.chars().count();
    if len < MIN_LABEL_LEN {
        return Err(NameError::TooShort { label: label.to_owned(), len, min: MIN_LABEL_LEN });
    }
    if len > MAX_LABEL_LEN {
        return Err(NameError::TooLong { len, max: MAX_LABEL_LEN });
    }
    if let Some((position, ch)) = label.chars().enumerate().find(|(_, c)| !is_label_char(*c)) {
        return Err(NameError::BadChar { ch, position });
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(NameError::HyphenEdge { label: label.to_owned() });
    }
    Ok(())
}

/// What UTS-46 maps one character to (its output may carry U+FFFD when the character is not
/// valid on its own, e.g. a lone combining mark; that is never ASCII, so it never hides a
/// look-alike).
pub(super) fn uts46_map(ch: char) -> String {
    let mut buf = [0u8; 4];
    let (mapped, _) = Uts46::new().to_unicode(
        ch.encode_utf8(&mut buf).as_bytes(),
        AsciiDenyList::EMPTY,
        Hyphens::Allow,
    );
    mapped.into_owned()
}

/// Maps non-ASCII input to its IDNA ASCII form, refusing any character that would turn into
/// ASCII or vanish: that is exactly how a look-alike of an ASCII name would be produced
/// (Kelvin sign → `k`, fullwidth `ａ` → `a`, soft hyphen → nothing, `ﬁ` → `fi`).
pub(super) fn unicode_to_ascii(input: &str) -> Result<String, NameError> {
    for ch in input.chars().filter(|c| !c.is_ascii()) {
        let mapped = uts46_map(ch);
        if mapped.is_empty() || mapped.chars().any(|m| m.is_ascii()) {
            return Err(NameError::Confusable { ch, code: u32::from(ch), mapped });
        }
    }
    // The deny list stays empty because our own character rules run on the result; STD3 would
    // also refuse `_`, which `.vfs` labels allow. Edge hyphens are checked on the Unicode text,
    // where users see them (this also covers decoded `xn--` labels).
    Uts46::new()
        .to_ascii(
            input.as_bytes(),
            AsciiDenyList::EMPTY,
            Hyphens::CheckFirstLast,
            DnsLength::Ignore,
        )
        .map(|ascii| ascii.into_owned())
        .map_err(|_| NameError::Idna { input: input.to_owned() })
}

/// An `xn--` label typed or received as ASCII must be exactly what [`unicode_to_ascii`] makes of
/// its decoded text; otherwise it would be a second encoding of a name (or smuggle in a
/// confusable character that parsing the Unicode would refuse).
pub(super) fn check_ace_label(label: &str) -> Result<(), NameError> {
    let bad = || NameError::BadPunycode { label: label.to_owned() };
    let (unicode, result) =
        Uts46::new().to_unicode(label.as_bytes(), AsciiDenyList::EMPTY, Hyphens::Allow);
    if result.is_err() || unicode.is_ascii() {
        return Err(bad());
    }
    match unicode_to_ascii(&unicode) {
        Ok(ascii) if ascii == label => Ok(()),
        Ok(_) => Err(bad()),
        Err(e @ NameError::Confusable { .. }) => Err(e),
        Err(_) => Err(bad()),
    }
}
