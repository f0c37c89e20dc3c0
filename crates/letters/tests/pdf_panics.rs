//! The PDF reader panics on some files: the panic becomes `LetterError::Pdf`, its message is
//! kept off the terminal, and the panic hook in place before is back afterwards. (A test binary
//! of its own: it installs a panic hook, which is process-wide.)

mod common;

use std::panic;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use common::{HELVETICA, pdf};
use schoolsight_letters::{LetterError, document_from_bytes, parse};


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
