//! Matching what someone types against names, as a Turkish reader expects and an English one too.
//!
//! Plain lower-casing gets Turkish wrong both ways: `İ` lower-cases to `i` plus a combining dot
//! (so `istanbul` misses `İSTANBUL`) and `I` to `i` (so `ılık` misses `ILIK`). Which of the two
//! an `I` stands for depends on the language of the name, not the reader's, and a list mixes
//! both (`MICROSOFT` and `ILIK`), so the four letters are taken as one letter for searching:
//! `I`, `ı`, `İ` and `i` all match each other. Nothing else is folded: `ş` is not `s`.

/// `text` as it is compared: lower case, the four i's as `i`.
pub fn search_key(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| *c != '\u{307}')
        .map(|c| if c == 'ı' { 'i' } else { c })
        .collect()
}

/// Whether every word of `query` is somewhere in `haystack` (already a [`search_key`]).
pub fn matches_every_word(haystack: &str, query: &str) -> bool {
    query.split_whitespace().all(|word| haystack.contains(&search_key(word)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_turkish_i_letters_find_each_other() {
        assert!(matches_every_word(&search_key("İSTANBUL Bilişim"), "istanbul"));
        assert!(matches_every_word(&search_key("ILIK Gıda"), "ılık"));
        assert!(matches_every_word(&search_key("Işık Tekstil"), "IŞIK"));
        assert!(matches_every_word(&search_key("MICROSOFT 365"), "microsoft"));
        assert!(matches_every_word(&search_key("Microsoft 365"), "MİCROSOFT"));
        assert!(matches_every_word(&search_key("Çağrı Şahin"), "ÇAĞRI şah"));
    }

    #[test]
    fn other_letters_keep_their_marks() {
        assert!(!matches_every_word(&search_key("Şahin"), "sahin"));
        assert!(!matches_every_word(&search_key("Öz"), "oz"));
        assert!(!matches_every_word(&search_key("Istanbul"), "istanbul ankara"));
        assert!(matches_every_word(&search_key("anything"), "   "));
    }
}
