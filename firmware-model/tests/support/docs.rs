//! Reading the contract documents in tests: a numbered section, and the cells of a
//! table.

/// The body of section `## {number}.` of `doc` (named `name` in the panic message).
pub fn section(doc: &'static str, name: &str, number: u32) -> &'static str {
    let heading = format!("\n## {number}. ");
    let start = doc.find(&heading).unwrap_or_else(|| panic!("{name} has no section {number}"));
    let body = &doc[start + heading.len()..];
    &body[..body.find("\n## ").unwrap_or(body.len())]
}

/// The cells of the rows of the first table in `text` (header and rule skipped), each
/// trimmed of spaces and backticks.
pub fn first_table(text: &str) -> Vec<Vec<&str>> {
    text.lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().trim_matches('`')).collect())
        .collect()
}
