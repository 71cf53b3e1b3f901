//! Builds the Vue UI (web/ → web/dist) when it is missing or older than its sources, so that
//! `cargo run -- demo` on a fresh clone serves a working UI. Needs Node/npm; without them the
//! server still builds and serves a page saying how to build the UI. Set EDUPLAN_SKIP_UI_BUILD=1
//! to skip.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

fn newest(p: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(p).ok()?;
    if meta.is_dir() {
        std::fs::read_dir(p).ok()?.flatten().filter_map(|e| newest(&e.path())).max()
    } else {
        meta.modified().ok()
    }
}

fn main() {
    let web: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web");
    for p in ["src", "index.html", "package.json", "package-lock.json", "vite.config.js", "dist/index.html"] {
        println!("cargo:rerun-if-changed={}", web.join(p).display());
    }
    println!("cargo:rerun-if-env-changed=EDUPLAN_SKIP_UI_BUILD");
    if std::env::var_os("EDUPLAN_SKIP_UI_BUILD").is_some() || !web.join("package.json").exists() {
        return;
    }
    let built = newest(&web.join("dist/index.html"));
    let sources = ["src", "index.html", "package.json", "vite.config.js"].iter().filter_map(|p| newest(&web.join(p))).max();
    if built.is_some() && built >= sources {
        return;
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    if Command::new(npm).arg("--version").output().is_err() {
        println!("cargo:warning=npm not found: the web UI is not built (install Node.js, then rebuild)");
        return;
    }
    if !web.join("node_modules").exists() {
        let ok = Command::new(npm).args(["ci", "--no-audit", "--no-fund"]).current_dir(&web).status().map(|s| s.success()).unwrap_or(false);
        if !ok {
            println!("cargo:warning=npm ci failed in web/: the web UI is not built");
            return;
        }
    }
    let ok = Command::new(npm).args(["run", "build"]).current_dir(&web).status().map(|s| s.success()).unwrap_or(false);
    if !ok {
        println!("cargo:warning=npm run build failed in web/: the web UI is not built");
    }
}
