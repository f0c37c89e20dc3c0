//! Reads Ofsted inspection letters and reports (Markdown, text, PDF) into structured records.
