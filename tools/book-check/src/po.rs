//! Just enough of the gettext PO format to check a translation: each
//! entry's `msgid`, `msgstr`, whether it is marked fuzzy, and whether it is
//! obsolete (`#~`, kept by msgmerge for messages the book no longer has).
//!
//! The files themselves are written by `mdbook-xgettext` and `msgmerge`;
//! this only reads them. Strings are unescaped (`\"`, `\\`, `\n`, `\t`), so
//! messages compare as the text they stand for.

/// One entry of a PO file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    pub msgid: String,
    pub msgstr: String,
    /// `#, fuzzy`: msgmerge guessed the translation from a similar message;
    /// mdbook-gettext ignores it until a person has checked it.
    pub fuzzy: bool,
    /// `#~`: no longer in the book.
    pub obsolete: bool,
    /// `#: file` lines: where the message comes from.
    pub sources: Vec<String>,
}

/// Parses PO text into its entries, the header (`msgid ""`) included.
pub fn parse(text: &str) -> anyhow::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    let mut entry = Entry::default();
    // Which string a continuation line `"..."` adds to.
    #[derive(PartialEq)]
    enum Field {
        None,
        Id,
        Str,
        Other,
    }
    let mut field = Field::None;
    let mut started = false;
    for (number, raw) in text.lines().enumerate() {
        let mut line = raw.trim();
        if line.is_empty() {
            if started {
                entries.push(std::mem::take(&mut entry));
                started = false;
            }
            field = Field::None;
            continue;
        }
        if let Some(rest) = line.strip_prefix("#~") {
            entry.obsolete = true;
            line = rest.trim_start();
            if line.is_empty() || line.starts_with('|') {
                continue;
            }
        } else if let Some(flags) = line.strip_prefix("#,") {
            entry.fuzzy |= flags.split(',').any(|f| f.trim() == "fuzzy");
            continue;
        } else if let Some(source) = line.strip_prefix("#:") {
            entry
                .sources
                .extend(source.split_whitespace().map(str::to_string));
            continue;
        } else if line.starts_with('#') {
            continue;
        }
        let (target, rest) = if let Some(rest) = line.strip_prefix("msgid_plural ") {
            (Field::Other, rest)
        } else if let Some(rest) = line.strip_prefix("msgid ") {
            (Field::Id, rest)
        } else if let Some(rest) = line.strip_prefix("msgstr[") {
            let close = rest.find(']').unwrap_or(0);
            (Field::Str, rest[close + 1..].trim_start())
        } else if let Some(rest) = line.strip_prefix("msgstr ") {
            (Field::Str, rest)
        } else if let Some(rest) = line.strip_prefix("msgctxt ") {
            (Field::Other, rest)
        } else if line.starts_with('"') {
            (std::mem::replace(&mut field, Field::None), line)
        } else {
            anyhow::bail!("line {}: cannot read {raw:?}", number + 1);
        };
        started = true;
        let value = unquote(rest)
            .ok_or_else(|| anyhow::anyhow!("line {}: not a quoted string: {raw:?}", number + 1))?;
        match target {
            Field::Id => entry.msgid.push_str(&value),
            Field::Str => entry.msgstr.push_str(&value),
            Field::Other | Field::None => {}
        }
        field = target;
    }
    if started {
        entries.push(entry);
    }
    Ok(entries)
}

/// `"a\"b"` -> `a"b`.
fn unquote(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                other => out.push(other),
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"msgid ""
msgstr ""
"Language: zh_CN\n"

#: src/a.md:1
msgid "Hello"
msgstr "你好"

#, fuzzy
msgid ""
"two "
"lines \"quoted\""
msgstr "旧的"

msgid "Untranslated"
msgstr ""

#~ msgid "Gone"
#~ msgstr "没了"
"#;

    #[test]
    fn entries_flags_and_continuations() {
        let entries = parse(SAMPLE).unwrap();
        assert_eq!(entries.len(), 5);
        assert_eq!(entries[0].msgid, "");
        assert!(entries[0].msgstr.contains("zh_CN"));
        assert_eq!(entries[1].msgid, "Hello");
        assert_eq!(entries[1].msgstr, "你好");
        assert_eq!(entries[1].sources, ["src/a.md:1"]);
        assert_eq!(entries[2].msgid, "two lines \"quoted\"");
        assert!(entries[2].fuzzy);
        assert_eq!(entries[3].msgstr, "");
        assert!(entries[4].obsolete);
        assert_eq!(entries[4].msgid, "Gone");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse("msgid \"a\"\nnonsense\n").is_err());
    }
}
