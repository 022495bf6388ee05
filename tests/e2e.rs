//! End-to-end tests of the desktop app in the real WebView: tauri-driver + WebKitWebDriver drive
//! the built `steward-desktop` binary. Needs a display (run under xvfb-run) and tauri-driver on
//! PATH; the README's test command provides both. Each run gets fresh data folders.

use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const APP: &str = env!("CARGO_BIN_EXE_steward-desktop");

/// Two WebKit sessions at once crash each other's pages: the tests take turns.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// tauri-driver and everything it starts, in one process group that is ended on drop.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(data: &Path, db: &Path) -> Self {
        use std::os::unix::process::CommandExt;
        let port = free_port();
        let native = free_port();
        let child = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .env("XDG_DATA_HOME", data.join("data"))
            .env("XDG_CONFIG_HOME", data.join("config"))
            .env("XDG_CACHE_HOME", data.join("cache"))
            .env("STEWARD_DB", db)
            .process_group(0)
            .spawn()
            .expect("tauri-driver on PATH (cargo install tauri-driver --locked)");
        Self { child, port }
    }

    async fn connect(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert("tauri:options".into(), serde_json::json!({ "application": APP }));
        let url = format!("http://127.0.0.1:{}", self.port);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match ClientBuilder::rustls().expect("tls").capabilities(caps.clone()).connect(&url).await {
                Ok(c) => return c,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("could not start a WebDriver session: {e}"),
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // tauri-driver leaves WebKitWebDriver behind when killed alone: end the whole group.
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGTERM);
        }
        let _ = self.child.wait();
    }
}

fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screens");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

async fn text_of(c: &Client, css: &str) -> String {
    let el = c.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css(css)).await.expect(css);
    el.text().await.expect("text")
}

/// The text of each cell of each row matched by `rows`, white space collapsed.
async fn row_cells(c: &Client, rows: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for row in c.find_all(Locator::Css(rows)).await.expect("rows") {
        let mut cells = Vec::new();
        for cell in row.find_all(Locator::Css("td")).await.expect("cells") {
            // WebKitWebDriver drops some spaces at element edges; read the DOM text instead.
            let text = cell.prop("textContent").await.expect("text").unwrap_or_default();
            cells.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        out.push(cells);
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn fresh_store_opens_on_the_demo_collaboration() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let driver = Driver::start(tmp.path(), &tmp.path().join("steward.db"));
    let c = driver.connect().await;

    text_of(&c, "[data-testid=collab-list]").await;
    let cells = row_cells(&c, "[data-testid=collab-list] tbody tr").await;
    assert_eq!(cells.len(), 1, "one collaboration: {cells:?}");
    assert_eq!(cells[0][0], "Low-loss superconducting resonators for quantum sensing");
    assert_eq!(cells[0][1], "active");
    assert_eq!(cells[0][2], "DE · GB · JP (3)");
    assert_eq!(cells[0][3], "1 January 2027 – 31 December 2029");
    assert_eq!(c.title().await.expect("title"), "Steward");

    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(screenshots_dir().join("collaborations.png"), png).expect("save screenshot");
    c.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_newer_store_is_reported_in_the_window_and_left_alone() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("future.db");
    {
        let sql = "CREATE TABLE t (x); PRAGMA application_id = 1398036292; PRAGMA user_version = 999;";
        let ok = Command::new("sqlite3").arg(&db).arg(sql).status().expect("sqlite3").success();
        assert!(ok, "sqlite3 made the store");
    }
    let before = std::fs::read(&db).expect("read");
    let driver = Driver::start(tmp.path(), &db);
    let c = driver.connect().await;
    let alert = text_of(&c, "[role=alert]").await;
    assert!(alert.contains("needs a newer Steward"), "{alert}");
    assert!(alert.contains("schema version 999"), "{alert}");
    c.close().await.expect("close");
    drop(driver);
    assert_eq!(std::fs::read(&db).expect("read"), before);
}
