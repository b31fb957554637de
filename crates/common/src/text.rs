//! Turning bytes from the network into text, and text into bytes.
//!
//! TCP delivers a byte stream, not messages: one `read` can end in the middle
//! of a multibyte character ("你" is three bytes in UTF-8, two in GBK). Python's
//! `recv(1024).decode()` raises `UnicodeDecodeError` then; a [`TextDecoder`]
//! keeps the incomplete tail and finishes the character with the next read.
//! Bytes that are not text at all are shown as U+FFFD (`�`), never a crash.
//!
//! The decoding itself is encoding_rs's streaming decoder, which also gives
//! seed 004's GBK for free.

use clap::ValueEnum;

/// The character encodings a lesson can speak (`--encoding`).
#[derive(ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, what every tutorial uses unless it says otherwise.
    #[default]
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GBK, the Chinese Windows encoding seed 004's Python uses.
    #[value(name = "gbk")]
    Gbk,
}

impl Encoding {
    fn codec(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Gbk => encoding_rs::GBK,
        }
    }

    /// The bytes to send for `text` (Python's `text.encode(...)`). A character
    /// GBK cannot represent becomes an HTML numeric reference, as the
    /// WHATWG GBK encoder specifies, rather than an error.
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            Encoding::Utf8 => text.as_bytes().to_vec(),
            Encoding::Gbk => self.codec().encode(text).0.into_owned(),
        }
    }

    /// A fresh streaming decoder for one connection (or one datagram).
    pub fn decoder(self) -> TextDecoder {
        TextDecoder {
            inner: self.codec().new_decoder_without_bom_handling(),
        }
    }

    /// Decodes one complete message (a UDP datagram is always complete).
    pub fn decode_all(self, bytes: &[u8]) -> String {
        let mut decoder = self.decoder();
        let mut text = decoder.decode(bytes);
        text.push_str(&decoder.finish());
        text
    }
}

/// The line a server prints when one read filled its whole buffer
/// (`recv(1024)` returned 1024 bytes): TCP keeps no message boundaries, so
/// a longer message is not lost, its rest waits in the socket for the next
/// read. `reads_again` is false for a server that reads only once (the rest
/// is then never read). `None` when the read did not fill the buffer.
pub fn full_read(n: usize, capacity: usize, reads_again: bool) -> Option<String> {
    if n < capacity || capacity == 0 {
        return None;
    }
    let rest = if reads_again {
        "comes in the next read"
    } else {
        "would come in the next read, but this server reads once"
    };
    Some(format!(
        "({n} bytes arrived, the buffer is full: the rest of a longer message {rest})"
    ))
}

/// Decodes a stream of reads, carrying a split character to the next read.
pub struct TextDecoder {
    inner: encoding_rs::Decoder,
}

impl TextDecoder {
    /// Decodes the bytes of one read. A character cut off at the end is held
    /// back and completed by the next call.
    pub fn decode(&mut self, bytes: &[u8]) -> String {
        self.decode_inner(bytes, false)
    }

    /// The stream has ended: whatever was held back can never be completed,
    /// so it comes out as U+FFFD.
    pub fn finish(&mut self) -> String {
        self.decode_inner(&[], true)
    }

    fn decode_inner(&mut self, bytes: &[u8], last: bool) -> String {
        let capacity = self
            .inner
            .max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len() * 3 + 4);
        let mut text = String::with_capacity(capacity);
        // The capacity is the decoder's own worst case, so one call always
        // consumes every byte; replacement of malformed bytes is built in.
        let _ = self.inner.decode_to_string(bytes, &mut text, last);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_split_across_reads_is_not_garbled() {
        let bytes = "你好".as_bytes(); // 6 bytes, split inside the first char
        let mut d = Encoding::Utf8.decoder();
        assert_eq!(d.decode(&bytes[..2]), "");
        assert_eq!(d.decode(&bytes[2..4]), "你");
        assert_eq!(d.decode(&bytes[4..]), "好");
        assert_eq!(d.finish(), "");
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        assert_eq!(Encoding::Utf8.decode_all(b"a\xffb"), "a\u{FFFD}b");
    }

    #[test]
    fn an_unfinished_character_at_the_end_is_reported_once() {
        let mut d = Encoding::Utf8.decoder();
        assert_eq!(d.decode(&"你".as_bytes()[..2]), "");
        assert_eq!(d.finish(), "\u{FFFD}");
    }

    #[test]
    fn only_a_read_that_fills_the_buffer_gets_a_note() {
        assert_eq!(full_read(1023, 1024, true), None);
        assert_eq!(full_read(0, 0, true), None);
        let note = full_read(1024, 1024, true).unwrap();
        assert!(note.contains("1024 bytes arrived"), "{note}");
        assert!(note.contains("the next read"), "{note}");
        let once = full_read(1024, 1024, false).unwrap();
        assert!(once.contains("this server reads once"), "{once}");
    }

    #[test]
    fn gbk_round_trip() {
        let text = "收到您的信息~";
        let bytes = Encoding::Gbk.encode(text);
        assert_eq!(bytes.len(), 13, "six 2-byte characters and one ASCII");
        assert_ne!(bytes, text.as_bytes());
        assert_eq!(Encoding::Gbk.decode_all(&bytes), text);
        // And split in the middle of a character.
        let mut d = Encoding::Gbk.decoder();
        let mut out = d.decode(&bytes[..3]);
        out += &d.decode(&bytes[3..]);
        assert_eq!(out, text);
    }
}
