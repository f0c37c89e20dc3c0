//! Text out of PDFs through pdf-extract, which panics on some fonts and malformed files: the
//! panic is caught and becomes an error, and its message is kept off the terminal.

use std::any::Any;
use std::panic::{self, PanicHookInfo, UnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use crate::error::LetterError;

type PanicHook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Swapping the process-wide panic hook is serialised, so that two extractions at once can't
/// leave the quiet hook installed for good.
static HOOK_SWAP: Mutex<()> = Mutex::new(());

/// The PDF's text, or why there is none.
pub(crate) fn pdf_text(file: &str, bytes: &[u8]) -> Result<String, LetterError> {
    let failure = |message: String| LetterError::Pdf {
        file: file.to_string(),
        message,
    };
    match quietly(|| pdf_extract::extract_text_from_mem(bytes)) {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(e)) => Err(failure(e.to_string())),
        Err(message) => Err(failure(format!("the PDF reader gave up: {message}"))),
    }
}

/// Runs `work`, turning a panic into its message. While it runs, panics on this thread are not
/// reported by the panic hook; panics on other threads still go to the hook that was installed,
/// which is put back afterwards.
fn quietly<T>(work: impl FnOnce() -> T + UnwindSafe) -> Result<T, String> {
    let _swap = HOOK_SWAP.lock().unwrap_or_else(PoisonError::into_inner);
    let quiet_thread = thread::current().id();
    let previous: Arc<PanicHook> = Arc::new(panic::take_hook());
    let forward = Arc::clone(&previous);
    panic::set_hook(Box::new(move |info| {
        if thread::current().id() != quiet_thread {
            forward(info);
        }
    }));
    let outcome = panic::catch_unwind(work);
    drop(panic::take_hook());
    let restored = Arc::try_unwrap(previous).unwrap_or_else(|shared| Box::new(move |info| shared(info)));
    panic::set_hook(restored);
    outcome.map_err(|payload| panic_message(payload.as_ref()))
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an unexplained failure".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_the_hook_comes_back() {
        let outcome: Result<(), String> = quietly(|| panic!("bad font"));
        assert_eq!(outcome, Err("bad font".to_string()));
        assert_eq!(quietly(|| 7), Ok(7));
    }

    #[test]
    fn garbage_after_the_header_is_an_error() {
        let err = pdf_text("x.pdf", b"%PDF-1.4\n\x00\x01garbage").unwrap_err();
        assert!(matches!(err, LetterError::Pdf { ref file, .. } if file == "x.pdf"));
    }
}
