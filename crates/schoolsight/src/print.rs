//! A report's formats on the CLI (`report … --format md|html|json|pdf`), and its PDF: the report's
//! HTML printed to A4 by Debian's headless Chromium, the same browser the dashboard's print
//! tests use, so the CLI's PDF is what the page's print gives.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use schoolsight_app::draft_letter::LetterFormat;

/// What `--format` asks for: one of the app's text formats, or a PDF printed from the HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Text(LetterFormat),
    Pdf,
}

impl ReportFormat {
    /// "md", "html", "json" or "pdf"; anything else is refused with the formats named.
    pub fn parse(text: &str) -> Result<ReportFormat, String> {
        match text {
            "pdf" => Ok(ReportFormat::Pdf),
            other => LetterFormat::parse(other).map(ReportFormat::Text).map_err(|_| format!("format {other:?}: expected md, html, json or pdf")),
        }
    }

    /// The format the report is rendered in: a PDF is printed from the HTML.
    pub fn rendered(self) -> LetterFormat {
        match self {
            ReportFormat::Text(format) => format,
            ReportFormat::Pdf => LetterFormat::Html,
        }
    }
}

/// Writes a rendered report (`rendered`'s format): text to `out`, or to standard output without
/// it; a PDF printed from the HTML to `out`, which a PDF needs (binary on a terminal helps nobody).
pub fn deliver(format: ReportFormat, rendered: &str, out: Option<&Path>) -> Result<()> {
    match (format, out) {
        (ReportFormat::Pdf, Some(out)) => html_to_pdf(rendered, out),
        (ReportFormat::Pdf, None) => bail!("--format pdf needs --out FILE.pdf"),
        (ReportFormat::Text(_), Some(out)) => std::fs::write(out, rendered).with_context(|| format!("writing {}", out.display())),
        (ReportFormat::Text(_), None) => {
            print!("{rendered}");
            Ok(())
        }
    }
}

/// Prints an HTML document to an A4 PDF at `out` with headless Chromium (`SCHOOLSIGHT_CHROMIUM`,
/// else `chromium` on the PATH). The page is forced to A4 whatever its own styles say, and the
/// browser gets a fresh profile in a temporary folder, so two prints at once do not share one.
pub fn html_to_pdf(html: &str, out: &Path) -> Result<()> {
    let browser = chromium()?;
    let work = TempDir::new()?;
    let page = work.0.join("report.html");
    std::fs::write(&page, a4(html)).with_context(|| format!("writing {}", page.display()))?;
    let out = absolute(out)?;
    // A PDF left by an earlier run must not pass for this one's.
    let _ = std::fs::remove_file(&out);
    let mut pdf_arg = OsString::from("--print-to-pdf=");
    pdf_arg.push(&out);
    let mut profile_arg = OsString::from("--user-data-dir=");
    profile_arg.push(work.0.join("profile"));
    let run = Command::new(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--no-first-run"])
        .arg(profile_arg)
        .arg(pdf_arg)
        .arg(format!("file://{}", page.display()))
        .output()
        .with_context(|| format!("running {}", browser.display()))?;
    let written = std::fs::metadata(&out).is_ok_and(|m| m.len() > 0);
    if !run.status.success() || !written {
        bail!("{} wrote no PDF at {} ({}): {}", browser.display(), out.display(), run.status, last_lines(&run.stderr, 5));
    }
    Ok(())
}

/// The end of the browser's standard error: it logs many harmless lines (no D-Bus in a
/// container) before the one that says what went wrong.
fn last_lines(stderr: &[u8], n: usize) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The browser to print with: `SCHOOLSIGHT_CHROMIUM`, else `chromium` found on the PATH.
fn chromium() -> Result<PathBuf> {
    const INSTALL: &str = "install Debian's chromium with scripts/install-browser, or set SCHOOLSIGHT_CHROMIUM to a Chromium binary";
    if let Some(named) = std::env::var_os("SCHOOLSIGHT_CHROMIUM") {
        let named = PathBuf::from(named);
        if named.is_file() {
            return Ok(named);
        }
        bail!("SCHOOLSIGHT_CHROMIUM names {}, which is not a file: {INSTALL}", named.display());
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.is_file())
        .with_context(|| format!("printing a PDF needs Chromium, and there is no chromium on the PATH: {INSTALL}"))
}

/// The page with an A4 page rule after its own styles (a draft letter has none; the dashboard's
/// already asks for A4), so the PDF is A4 whatever the browser's default paper is.
fn a4(html: &str) -> String {
    const RULE: &str = "<style>@page { size: A4; margin: 15mm; }</style>\n";
    match html.find("</head>") {
        Some(end) => format!("{}{RULE}{}", &html[..end], &html[end..]),
        None => format!("{RULE}{html}"),
    }
}

/// Chromium resolves a relative output path against its own working folder: give it ours.
fn absolute(path: &Path) -> Result<PathBuf> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    Ok(std::env::current_dir().context("the working folder")?.join(path))
}

/// A temporary folder removed when dropped (the page and the browser's profile).
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("schoolsight-print-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_the_text_ones_and_pdf() {
        assert_eq!(ReportFormat::parse("pdf"), Ok(ReportFormat::Pdf));
        assert_eq!(ReportFormat::parse("md"), Ok(ReportFormat::Text(LetterFormat::Markdown)));
        assert_eq!(ReportFormat::Pdf.rendered(), LetterFormat::Html);
        assert_eq!(ReportFormat::parse("docx"), Err("format \"docx\": expected md, html, json or pdf".to_string()));
    }

    #[test]
    fn the_a4_rule_follows_the_page_own_styles() {
        let page = a4("<html><head><link rel=stylesheet href=x.css></head><body>x</body></html>");
        assert!(page.find("x.css").unwrap() < page.find("size: A4").unwrap());
        assert!(a4("<p>no head</p>").starts_with("<style>@page { size: A4"));
    }

    #[test]
    fn a_pdf_needs_an_output_file() {
        let e = deliver(ReportFormat::Pdf, "<p>x</p>", None).unwrap_err();
        assert_eq!(e.to_string(), "--format pdf needs --out FILE.pdf");
    }
}
