//! What the binary's integration tests share: a working folder and a fresh database on one back
//! end, and the `schoolsight` binary run inside them.
#![allow(dead_code)] // each test file uses its own part of it

use std::ffi::OsStr;
use std::fmt::Debug;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use schoolsight_store::testing::{TestBackend, TestDatabase};
use serde_json::Value;

pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub db: TestDatabase,
}

impl Sandbox {
    pub async fn new(backend: TestBackend) -> Sandbox {
        Sandbox { dir: tempfile::tempdir().unwrap(), db: TestDatabase::new(backend).await }
    }

    pub async fn remove(self) {
        self.db.remove().await;
    }

    /// The binary with `args`, set to work in this sandbox.
    pub fn command<S: AsRef<OsStr>>(&self, args: &[S]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_schoolsight"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("DATABASE_URL", &self.db.url)
            .env("SCHOOLSIGHT_INDEX", self.dir.path().join("index"))
            .env("RUST_BACKTRACE", "0");
        command
    }

    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs with `input` on standard input.
    pub fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut child = self.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs a command that must succeed; returns what it printed.
    pub fn ok<S: AsRef<OsStr> + Debug>(&self, args: &[S]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} on {:?}: {}", self.db.backend, String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must fail; returns its error text.
    pub fn fails<S: AsRef<OsStr> + Debug>(&self, args: &[S]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} succeeded: {}", String::from_utf8_lossy(&out.stdout));
        String::from_utf8(out.stderr).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `text` to a file in the working folder; returns its path.
    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.file(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }
}

/// Whether a Chromium to print PDFs with is at hand (`SCHOOLSIGHT_CHROMIUM`, or `chromium` on
/// the PATH), as `report … --format pdf` looks for one.
pub fn chromium_installed() -> bool {
    std::env::var_os("SCHOOLSIGHT_CHROMIUM").is_some()
        || std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).any(|d| d.join("chromium").is_file())
}
