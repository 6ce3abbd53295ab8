//! Header and footer zones: the lines before an article's first prose line
//! and after its last. Zone rules (date widgets, "About the author") act
//! only there, so the same words inside the story are safe.

/// Whether a line reads like a sentence of running text: enough words and
/// sentence-final punctuation, or simply long.
pub fn is_prose(line: &str) -> bool {
    super::shape::Shape::of(line).is_prose()
}

#[cfg(test)]
mod tests {
    use super::is_prose;

    #[test]
    fn sentences_are_prose_and_chrome_is_not() {
        assert!(is_prose(
            "The council voted on Tuesday to approve the new budget for the year."
        ));
        assert!(is_prose(
            "“We will not back down from this fight,” the mayor told reporters."
        ));
        assert!(!is_prose("Thursday, November 21, 2024"));
        assert!(!is_prose("Leave a Reply"));
        assert!(!is_prose(
            "Council approves budget after a long night of debate"
        ));
    }
}
