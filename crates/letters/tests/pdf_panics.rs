//! The PDF reader panics on some files: the panic becomes `LetterError::Pdf`, its message is
//! kept off the terminal, and the panic hook in place before is back afterwards. (A test binary
//! of its own: it installs a panic hook, which is process-wide.)

use std::panic;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use schoolsight_letters::{LetterError, document_from_bytes, parse};

/// A one-page PDF with `content` as its page's content stream.
fn pdf(content: &str, resources: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources {resources} >>"),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{object}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for offset in offsets {
        out.push_str(&format!("{offset:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.into_bytes()
}

const HELVETICA: &str = "<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>";

#[test]
fn reader_panics_are_quiet_errors_and_the_hook_comes_back() {
    let test_thread = thread::current().id();
    let reported = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&reported);
    panic::set_hook(Box::new(move |_| {
        if thread::current().id() == test_thread {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    }));

    // No font behind /F1, and a number where a string is: pdf-extract panics on both.
    for (name, bytes) in [
        ("no-font.pdf", pdf("BT /F1 12 Tf 72 712 Td (Hello) Tj ET", "<< >>")),
        (
            "bad-operand.pdf",
            pdf("BT /F1 12 Tf (x) (y) Td (Hello) Tj ET", HELVETICA),
        ),
    ] {
        match document_from_bytes(name, &bytes) {
            Err(LetterError::Pdf { file, message }) => {
                assert_eq!(file, name);
                assert!(message.contains("gave up"), "{message}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    assert_eq!(reported.load(Ordering::SeqCst), 0, "the reader's panics were reported");

    // The hook installed before is back.
    let _ = panic::catch_unwind(|| panic!("after"));
    assert_eq!(reported.load(Ordering::SeqCst), 1);
    let _ = panic::take_hook();

    // A sound PDF reads.
    let document = document_from_bytes(
        "ok.pdf",
        &pdf("BT /F1 12 Tf 72 712 Td (Dear Ms Leavy) Tj ET", HELVETICA),
    )
    .unwrap();
    assert_eq!(parse(&document.text).salutation.as_deref(), Some("Dear Ms Leavy"));
}
