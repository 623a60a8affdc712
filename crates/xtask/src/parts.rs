//! Which parts of the project exist in this tree. Suites light up as their files arrive.

use std::path::{Path, PathBuf};

pub const CLIENT_PACKAGE: &str = "podium-client";
pub const SERVER_PACKAGE: &str = "podium-server";

/// What is present, looked up once per run.
pub struct Parts {
    root: PathBuf,
}

impl Parts {
    pub fn new(root: &Path) -> Self {
        Parts {
            root: root.to_path_buf(),
        }
    }

    /// The client crate is a workspace member with a library or binary.
    pub fn client(&self) -> bool {
        let src = self.root.join("crates/client/src");
        self.root.join("crates/client/Cargo.toml").exists()
            && (src.join("lib.rs").exists() || src.join("main.rs").exists())
    }

    /// The client can be built by Trunk: it exists and `Trunk.toml` is at the top.
    pub fn trunk_app(&self) -> bool {
        self.client() && self.root.join("Trunk.toml").exists()
    }

    /// The client has `#[wasm_bindgen_test]` tests.
    pub fn client_wasm_tests(&self) -> bool {
        let client = self.root.join("crates/client");
        ["src", "tests"].iter().any(|d| {
            files_with_ext(&client.join(d), "rs")
                .iter()
                .any(|f| std::fs::read_to_string(f).is_ok_and(|s| s.contains("wasm_bindgen_test")))
        })
    }

    /// Where Trunk writes the build: `dist` in Trunk.toml's `[build]`, else `dist`.
    pub fn dist(&self) -> PathBuf {
        let toml = std::fs::read_to_string(self.root.join("Trunk.toml")).unwrap_or_default();
        let configured = toml.lines().find_map(|l| {
            let (key, value) = l.split_once('=')?;
            (key.trim() == "dist").then(|| value.trim().trim_matches('"').to_string())
        });
        self.root
            .join(configured.unwrap_or_else(|| "dist".to_string()))
    }

    /// Every PHP file of the Moodle plugin.
    pub fn php_files(&self) -> Vec<PathBuf> {
        files_with_ext(&self.root.join("moodle-plugin"), "php")
    }

    /// The directory holding the plugin's PHPUnit configuration (`phpunit.xml` or
    /// `phpunit.xml.dist`), in the plugin itself or in its `tests/`.
    pub fn phpunit_dir(&self) -> Option<PathBuf> {
        let plugin = self.root.join("moodle-plugin/podium");
        [plugin.clone(), plugin.join("tests")]
            .into_iter()
            .find(|dir| {
                ["phpunit.xml", "phpunit.xml.dist"]
                    .iter()
                    .any(|f| dir.join(f).exists())
            })
    }

    /// The Playwright project, when it has a package.json and a config.
    pub fn e2e_dir(&self) -> Option<PathBuf> {
        let dir = self.root.join("tests/e2e");
        let config = ["ts", "js", "mjs", "cjs"]
            .iter()
            .any(|ext| dir.join(format!("playwright.config.{ext}")).exists());
        (config && dir.join("package.json").exists()).then_some(dir)
    }

    /// Cargo's target directory.
    pub fn target_dir(&self) -> PathBuf {
        std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.root.join("target"))
    }
}

/// Files ending in `.ext` under `dir`, recursively, skipping `node_modules`, `vendor` and
/// hidden directories; sorted.
pub fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !(name.starts_with('.') || name == "node_modules" || name == "vendor") {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|e| e == ext) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}
