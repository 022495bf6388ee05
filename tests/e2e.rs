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
        // Both rustls providers are compiled in; the WebDriver client's TLS takes ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
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
    // The window may re-render the element between finding and reading it (a stale reference):
    // find it again.
    for _ in 0..50 {
        let el = c.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css(css)).await.expect(css);
        match el.text().await {
            Ok(t) => return t,
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("{css}: the element kept changing while it was read")
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

/// Sets a form control's value as a user would (input and change events), so bound state follows.
async fn set(c: &Client, css: &str, value: &str) {
    wait_for(c, css).await;
    let js = "const el = document.querySelector(arguments[0]);
              if (el.type === 'checkbox') { el.checked = arguments[1] === 'true'; }
              else { el.value = arguments[1]; }
              el.dispatchEvent(new Event('input', { bubbles: true }));
              el.dispatchEvent(new Event('change', { bubbles: true }));";
    c.execute(js, vec![css.into(), value.into()]).await.unwrap_or_else(|e| panic!("{css}: {e}"));
}

/// Chooses the option of a select whose text contains `label`, as a user would.
async fn choose(c: &Client, css: &str, label: &str) {
    wait_for(c, css).await;
    let js = "const el = document.querySelector(arguments[0]);
              const o = [...el.options].find((o) => o.textContent.includes(arguments[1]));
              if (!o) return false;
              el.value = o.value;
              el.dispatchEvent(new Event('input', { bubbles: true }));
              el.dispatchEvent(new Event('change', { bubbles: true }));
              return true;";
    let found = c.execute(js, vec![css.into(), label.into()]).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    assert_eq!(found, serde_json::Value::Bool(true), "{css} offers {label:?}");
}

async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

async fn click(c: &Client, css: &str) {
    let el = wait_for(c, css).await;
    // Bring it to the middle of the window first: a click lands on whatever is at that point.
    c.execute("arguments[0].scrollIntoView({ block: 'center' })", vec![serde_json::to_value(&el).expect("element")])
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    el.click().await.unwrap_or_else(|e| panic!("{css}: {e}"));
}

/// Waits until the text of `css` contains `want` (long work finishes on its own time).
async fn wait_text(c: &Client, css: &str, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = match c.find(Locator::Css(css)).await {
            Ok(el) => el.prop("textContent").await.ok().flatten().unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(want) {
            return text;
        }
        if Instant::now() > deadline {
            let body = c.source().await.unwrap_or_default();
            panic!("{css} never said {want:?}; it says {text:?}\n\npage:\n{body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens a collaboration from the sidebar by its title.
async fn open_collaboration(c: &Client, title: &str) {
    wait_for(c, "[data-testid=sidebar-collabs] button").await;
    let items = c.find_all(Locator::Css("[data-testid=sidebar-collabs] button")).await.expect("sidebar");
    let mut found = false;
    for item in items {
        if item.prop("textContent").await.ok().flatten().unwrap_or_default().contains(title) {
            item.click().await.expect("open");
            found = true;
            break;
        }
    }
    assert!(found, "{title} is in the sidebar");
    wait_text(c, "#collab-heading", title).await;
}

async fn screenshot(c: &Client, name: &str) {
    screenshot_at(c, name, None).await;
}

/// A screenshot with `css` scrolled to the top of the window (the page's top without one).
async fn screenshot_at(c: &Client, name: &str, css: Option<&str>) {
    match css {
        Some(css) => c
            .execute("document.querySelector(arguments[0]).scrollIntoView({ block: 'start' })", vec![css.into()])
            .await
            .expect("scroll"),
        None => c.execute("window.scrollTo(0, 0)", vec![]).await.expect("scroll"),
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(screenshots_dir().join(format!("{name}.png")), png).expect("save screenshot");
}

#[tokio::test(flavor = "multi_thread")]
async fn fresh_store_opens_on_the_demo_collaboration() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let driver = Driver::start(tmp.path(), &tmp.path().join("steward.db"));
    let c = driver.connect().await;

    let title = wait_text(&c, "#collab-heading", "Low-loss").await;
    assert_eq!(title.trim(), "Low-loss superconducting resonators for quantum sensing");
    assert_eq!(c.title().await.expect("title"), "Steward");
    screenshot(&c, "collaboration").await;

    // Its Trusted Research assessment: a high rating, with its reasons and the required clauses.
    click(&c, "[data-testid=tab-diligence]").await;
    let rating = wait_text(&c, "[data-testid=rating]", "Trusted Research rating").await;
    assert!(rating.contains("High"), "{rating}");
    let clauses = wait_text(&c, "[data-testid=required-clauses]", "collab.export-control").await;
    assert!(clauses.contains("collab.tr-audit"), "{clauses}");
    screenshot(&c, "diligence").await;

    // Dates as the UK writes them, whatever this machine's locale: the choice made in Settings.
    click(&c, "[data-testid=nav-settings]").await;
    choose(&c, "[data-testid=settings-locale]", "English (UK)").await;

    click(&c, "[data-testid=nav-collabs]").await;
    wait_for(&c, "[data-testid=collab-list]").await;
    let cells = row_cells(&c, "[data-testid=collab-list] tbody tr").await;
    // The demo collaboration, the second one waiting for its export-control approval, and (with a
    // credential store to sign its log) the finished one in exit.
    let signed = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some();
    assert_eq!(cells.len(), if signed { 3 } else { 2 }, "the demo's collaborations: {cells:?}");
    let cells: Vec<Vec<String>> = cells.into_iter().filter(|r| r[0].starts_with("Low-loss")).collect();
    assert!(cells[0][0].starts_with("Low-loss superconducting resonators for quantum sensing"), "{cells:?}");
    assert_eq!(cells[0][1], "active");
    for code in ["DE", "GB", "JP", "(3)"] {
        assert!(cells[0][2].contains(code), "{cells:?}");
    }
    assert_eq!(cells[0][3], "1 January 2027 – 31 December 2029");
    screenshot(&c, "collaborations").await;
    c.close().await.expect("close");
}

/// The whole path of a new user, in the window only: a collaboration with two parties, a mutual
/// NDA built through the form, exported signed and verified; a ledger entry that moves the shares;
/// a decision that the log verifies.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_user_drafts_signs_and_verifies_an_nda_and_keeps_the_records() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert!(std::env::var_os("STEWARD_REQUIRE_KEYRING").is_none(), "a credential store is required here");
        eprintln!("skipped: no session bus, so no credential store for the signing identity");
        return;
    }
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let driver = Driver::start(tmp.path(), &tmp.path().join("steward.db"));
    let c = driver.connect().await;
    wait_text(&c, "#collab-heading", "Low-loss").await;

    // A collaboration with two parties.
    click(&c, "[data-testid=nav-collabs]").await;
    click(&c, "[data-testid=collab-new]").await;
    set(&c, "[data-testid=collab-title]", "Graphene sensor pilot").await;
    click(&c, "[data-testid=collab-save]").await;
    wait_text(&c, "#collab-heading", "Graphene sensor pilot").await;
    for (name, country, kind, role) in
        [("University of Eastfield", "GB", "university", "lead"), ("Hanse Sensorik GmbH", "DE", "company", "partner")]
    {
        set(&c, "[data-testid=party-legal_name]", name).await;
        set(&c, "[data-testid=party-country]", country).await;
        set(&c, "[data-testid=party-kind]", kind).await;
        set(&c, "[data-testid=party-role]", role).await;
        click(&c, "[data-testid=party-add]").await;
        wait_text(&c, "[data-testid=members]", name).await;
    }

    // A mutual NDA through the form, with the live preview.
    click(&c, "[data-testid=tab-agreements]").await;
    click(&c, "[data-testid=new-nda-mutual]").await;
    set(&c, "[data-testid=var-disclosure_purpose]", "the evaluation of graphene sensor prototypes for a joint pilot")
        .await;
    set(&c, "[data-testid=var-effective_date]", "2027-02-01").await;
    set(&c, "[data-testid=var-disclosure_period]", "1 year").await;
    set(&c, "[data-testid=var-confidentiality_period]", "5 years").await;
    wait_text(&c, "[data-testid=preview]", "graphene sensor prototypes").await;
    screenshot(&c, "builder").await;
    click(&c, "[data-testid=builder-save]").await;
    wait_for(&c, "[data-testid=tab-export]").await;

    // An identity, then the signed export.
    click(&c, "[data-testid=nav-identities]").await;
    set(&c, "[data-testid=identity-name]", "Dr Ada Eastfield").await;
    set(&c, "[data-testid=identity-email]", "ada@eastfield.example").await;
    set(&c, "[data-testid=identity-org]", "University of Eastfield").await;
    click(&c, "[data-testid=identity-create]").await;
    wait_text(&c, "[data-testid=identity-list]", "Dr Ada Eastfield").await;
    screenshot(&c, "identities").await;

    open_collaboration(&c, "Graphene sensor pilot").await;
    click(&c, "[data-testid=tab-agreements]").await;
    click(&c, "[data-testid=agreement-link]").await;
    click(&c, "[data-testid=tab-export]").await;
    let pdf = tmp.path().join("nda-signed.pdf");
    choose(&c, "[data-testid=export-identity]", "Dr Ada Eastfield").await;
    set(&c, "[data-testid=export-path]", pdf.to_str().expect("utf-8 path")).await;
    click(&c, "[data-testid=export-go]").await;
    let result = wait_text(&c, "[data-testid=export-result]", "Dr Ada Eastfield").await;
    assert!(result.contains("pages"), "{result}");
    // The agreement says who signed which revision.
    let signed = wait_text(&c, "[data-testid=signed-revision-1]", "Dr Ada Eastfield").await;
    assert!(signed.contains("University of Eastfield"), "{signed}");
    assert!(std::fs::read(&pdf).expect("the PDF was written").starts_with(b"%PDF"));
    screenshot(&c, "export").await;

    // Verified in the app.
    click(&c, "[data-testid=export-verify]").await;
    let verdict = wait_text(&c, "[data-testid=verify-result]", "Valid").await;
    assert!(verdict.contains("Dr Ada Eastfield"), "{verdict}");
    assert_eq!(c.find_all(Locator::Css("[data-testid=signature]")).await.expect("cards").len(), 1);
    screenshot(&c, "verify").await;

    // A ledger entry moves the shares.
    open_collaboration(&c, "Graphene sensor pilot").await;
    click(&c, "[data-testid=tab-ledger]").await;
    for (party, amount) in [("University of Eastfield", "30000"), ("Hanse Sensorik GmbH", "10000")] {
        set(&c, "[data-testid=ledger-date]", "2027-03-01").await;
        choose(&c, "[data-testid=ledger-party]", party).await;
        set(&c, "[data-testid=ledger-category]", "cash").await;
        set(&c, "[data-testid=ledger-amount]", amount).await;
        set(&c, "[data-testid=ledger-currency]", "GBP").await;
        set(&c, "[data-testid=ledger-description]", "Pilot funding").await;
        click(&c, "[data-testid=ledger-add]").await;
        wait_text(&c, "[data-testid=shares]", party).await;
    }
    let shares = wait_text(&c, "[data-testid=shares]", "75.00").await;
    assert!(shares.contains("25.00"), "{shares}");
    screenshot(&c, "ledger").await;

    // A decision, and the chain verified.
    click(&c, "[data-testid=tab-decisions]").await;
    set(&c, "[data-testid=decision-title]", "Use the mutual NDA for the pilot").await;
    set(&c, "[data-testid=decision-text]", "Both parties share prototype data under the mutual NDA.").await;
    set(&c, "[data-testid=decision-rationale]", "Both sides disclose.").await;
    choose(&c, "[data-testid=decision-identity]", "Dr Ada Eastfield").await;
    click(&c, "[data-testid=decision-add]").await;
    wait_text(&c, "[data-testid=decision]", "Use the mutual NDA for the pilot").await;
    let status = wait_text(&c, "[data-testid=chain-status]", "Verified").await;
    assert!(status.contains('1'), "{status}");
    screenshot(&c, "decisions").await;

    // Trusted Research in the window: the demo's second collaboration waits for approvals. An
    // answer changes (the rating's reasons show it), both reviewers approve, and its NDA signs.
    open_collaboration(&c, "Laser gas sensors").await;
    click(&c, "[data-testid=tab-diligence]").await;
    wait_text(&c, "[data-testid=blocks]", "approval by Export control").await;
    set(&c, "[data-testid=\"q-work.us_origin\"]", "yes").await;
    click(&c, "[data-testid=answers-save]").await;
    wait_text(&c, "[data-testid=reasons]", "US-origin").await;
    screenshot_at(&c, "diligence-blocked", Some("[data-testid=approvals]")).await;
    for (label, role) in [("Export control", "export_control"), ("Research office", "research_office")] {
        choose(&c, "[data-testid=approve-role]", label).await;
        choose(&c, "[data-testid=approve-identity]", "Samuel Okafor").await;
        set(&c, "[data-testid=approve-note]", "Checked in the window").await;
        click(&c, "[data-testid=approve-go]").await;
        wait_text(&c, &format!("[data-testid=approvals] tr[data-role={role}]"), "(decision").await;
    }
    wait_text(&c, "[data-testid=signing-state]", "Allowed").await;
    click(&c, "[data-testid=tab-agreements]").await;
    click(&c, "[data-testid=agreement-link]").await;
    click(&c, "[data-testid=tab-export]").await;
    let nda = tmp.path().join("laser-nda.pdf");
    choose(&c, "[data-testid=export-identity]", "Samuel Okafor").await;
    set(&c, "[data-testid=export-path]", nda.to_str().expect("utf-8 path")).await;
    click(&c, "[data-testid=export-go]").await;
    wait_text(&c, "[data-testid=export-result]", "Samuel Okafor").await;

    // The clause library, searched.
    click(&c, "[data-testid=nav-library]").await;
    set(&c, "[data-testid=library-search]", "academic freedom").await;
    wait_text(&c, "[data-testid=library-hits]", "Academic").await;
    click(&c, "[data-testid=library-hit]").await;
    wait_text(&c, "[data-testid=template-guidance]", " ").await;
    screenshot(&c, "library").await;

    c.close().await.expect("close");
}

/// Partner exchange in the window: store A (the app) receives store B's signed answer to A's NDA,
/// sees exactly the three changes B made (the clause text flagged non-standard), accepts one and
/// rejects two, signs and sends back its revised draft and verifies it; B then accepts that and
/// countersigns it as received: both signatures valid.
#[tokio::test(flavor = "multi_thread")]
async fn a_partners_signed_answer_is_compared_decided_and_countersigned() {
    use std::sync::Arc;
    use steward_core::{Steward, SystemClock};
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert!(std::env::var_os("STEWARD_REQUIRE_KEYRING").is_none(), "a credential store is required here");
        eprintln!("skipped: no session bus, so no credential store for the signing identities");
        return;
    }
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let (db_a, db_b) = (tmp.path().join("a.db"), tmp.path().join("b.db"));
    let (a1, b1, revised, countersigned) = (
        tmp.path().join("a1.pdf"),
        tmp.path().join("b1.pdf"),
        tmp.path().join("a2.pdf"),
        tmp.path().join("a2-countersigned.pdf"),
    );
    // A (the demo institution) sends its mutual NDA, signed.
    {
        let mut a = Steward::open(&db_a, Arc::new(SystemClock)).expect("store A");
        a.first_run().expect("demo");
        let who = a
            .create_identity("Samuel Okafor", "s@northmoor.ac.uk", Some("The University of Northmoor"), "p256", false)
            .expect("identity A");
        std::fs::write(&a1, a.export_agreement(1, None, Some(who.id)).expect("export").pdf).expect("a1");
    }
    // B, with its own store and identity, answers: two values and one clause's text changed.
    {
        let mut b = Steward::open(&db_b, Arc::new(SystemClock)).expect("store B");
        b.import_shipped_library().expect("library");
        // B knows another party already, so its party ids differ from A's.
        b.add_party(&steward_core::NewParty {
            legal_name: "Institut Dupont".into(),
            country: "FR".into(),
            ..Default::default()
        })
        .expect("party");
        let r = b.import_partner_pdf(&std::fs::read(&a1).expect("a1"), "a1.pdf", None, false).expect("import");
        let ag = r.received.agreement_id;
        let set = [("confidentiality_period", "7 years"), ("disclosure_period", "3 years")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(v)))
            .collect();
        b.update_agreement(ag, set, Default::default(), Some("our terms")).expect("values");
        let remedies = include_str!("../templates/clauses/nda/remedies.hbs").replacen(
            "1. ",
            "1. Subject to good-faith consultation first, ",
            1,
        );
        b.import_templates(&[steward_clauses::check::SourceFile { name: "remedies.hbs".into(), text: remedies }])
            .expect("clause");
        b.review_template("nda.remedies", None, steward_core::library::Status::Approved, Some("ours"))
            .expect("approve");
        b.upgrade_agreement(ag).expect("upgrade");
        let who = b
            .create_identity(
                "Aiko Tanabe",
                "a@kaminokawa-tech.ac.jp",
                Some("Kaminokawa Institute of Science and Technology"),
                "p256",
                false,
            )
            .expect("identity B");
        std::fs::write(&b1, b.export_agreement(ag, None, Some(who.id)).expect("export").pdf).expect("b1");
    }

    let driver = Driver::start(tmp.path(), &db_a);
    let c = driver.connect().await;
    wait_for(&c, "[data-testid=collab-list]").await;
    click(&c, "[data-testid=nav-exchange]").await;
    set(&c, "[data-testid=exchange-path]", b1.to_str().expect("utf-8")).await;
    click(&c, "[data-testid=exchange-import]").await;
    let verified = wait_text(&c, "[data-testid=exchange-verification]", "Aiko Tanabe").await;
    assert!(!verified.contains("UNSIGNED"), "{verified}");
    wait_for(&c, "[data-testid=change]").await;
    let changes = c.find_all(Locator::Css("[data-testid=change]")).await.expect("changes");
    let mut ids = Vec::new();
    for ch in &changes {
        ids.push(ch.attr("data-change").await.expect("attr").unwrap_or_default());
    }
    assert_eq!(ids, ["clause:nda.remedies", "value:confidentiality_period", "value:disclosure_period"]);
    let flagged = text_of(&c, "[data-change='clause:nda.remedies']").await;
    assert!(flagged.to_lowercase().contains("non-standard"), "{flagged}");
    assert_eq!(
        c.find_all(Locator::Css("[data-testid=change] [data-testid=non-standard]")).await.expect("badges").len(),
        1
    );

    click(&c, "[data-testid='accept-value:confidentiality_period']").await;
    click(&c, "[data-testid='reject-value:disclosure_period']").await;
    click(&c, "[data-testid='reject-clause:nda.remedies']").await;
    choose(&c, "[data-testid=exchange-identity]", "Samuel Okafor").await;
    screenshot(&c, "exchange").await;
    screenshot_at(&c, "exchange-changes", Some("[data-testid=exchange-changes]")).await;
    click(&c, "[data-testid=exchange-decide]").await;
    let result = wait_text(&c, "[data-testid=exchange-result]", "revision 2").await;
    assert!(result.contains("Accepted 1") && result.contains("rejected 2"), "{result}");

    // Two changes were rejected, so what goes back is A's revised draft, signed by A.
    set(&c, "[data-testid=countersign-path]", revised.to_str().expect("utf-8")).await;
    click(&c, "[data-testid=countersign-go]").await;
    wait_text(&c, "[data-testid=countersign-result]", "Signed our revised draft").await;
    click(&c, "[data-testid=countersign-verify]").await;
    let verdict = wait_text(&c, "[data-testid=verify-result]", "Valid").await;
    assert!(verdict.contains("Samuel Okafor"), "{verdict}");
    // The agreement lists both sides' signatures: ours on the revised draft (revision 2), the
    // partner's on their own draft.
    click(&c, "[data-testid=nav-exchange]").await;
    click(&c, "[data-testid=received-row]").await;
    click(&c, "[data-testid=exchange-open-agreement]").await;
    wait_text(&c, "[data-testid=signed-revision-2]", "Samuel Okafor").await;
    let theirs = wait_text(&c, "[data-testid=signed-their-draft]", "Aiko Tanabe").await;
    assert!(theirs.contains("Kaminokawa Institute of Science and Technology"), "{theirs}");
    screenshot_at(&c, "agreement-signatures", None).await;
    c.close().await.expect("close");
    drop(driver);
    if let Ok(o) = Command::new("pdfsig").arg(&revised).output() {
        let t = String::from_utf8_lossy(&o.stdout);
        assert_eq!(t.matches("Signature is Valid.").count(), 1, "{t}");
    }

    // B accepts A's answer as it is and countersigns A's file as received: both signatures valid.
    {
        let mut b = Steward::open(&db_b, Arc::new(SystemClock)).expect("store B");
        let file = std::fs::read(&revised).expect("a2");
        // A signed its revised draft with another of its identities (the office's key): B's pin
        // of A's first key stops the import until B accepts the new key, as a signed decision.
        let who = b.identities().expect("ids").into_iter().find(|i| i.name == "Aiko Tanabe").expect("B");
        let e = b.import_partner_pdf(&file, "a2.pdf", None, false).expect_err("a new key for A");
        assert_eq!(e.kind(), steward_core::ErrorKind::NewKey, "{e}");
        let opts = steward_core::exchange::ImportOptions { accept_new_key: Some(who.id), ..Default::default() };
        let r = b.import_partner_pdf_with(&file, "a2.pdf", &opts).expect("import");
        assert!(r.pinned.iter().any(|p| p.contains("accepted a new key")), "{:?}", r.pinned);
        let all: Vec<String> = r.changes.iter().map(|c| c.id.clone()).collect();
        b.decide_exchange(r.received.id, &all, &[], who.id).expect("accept all");
        std::fs::write(&countersigned, b.countersign_received(r.received.id, who.id).expect("countersign"))
            .expect("write");
    }
    if let Ok(o) = Command::new("pdfsig").arg(&countersigned).output() {
        let t = String::from_utf8_lossy(&o.stdout);
        assert_eq!(t.matches("Signature is Valid.").count(), 2, "{t}");
    }
    // The decision is in A's log, signed, with the file's hash.
    let a = Steward::open(&db_a, Arc::new(SystemClock)).expect("store A");
    let log = a.decisions(1).expect("log");
    let last = log.last().expect("an entry");
    let sha = hex_sha256(&std::fs::read(&b1).expect("b1"));
    assert!(last.entry.rationale.contains(&sha), "{last:?}");
    assert!(a.verify_decisions(1).expect("verify").intact);
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
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

/// The `data-testid` of the first element matching `css` whose text contains `text`.
async fn testid_containing(c: &Client, css: &str, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let js = "const el = [...document.querySelectorAll(arguments[0])]
                    .find((e) => e.textContent.includes(arguments[1]));
                  return el ? el.dataset.testid : null;";
        match c.execute(js, vec![css.into(), text.into()]).await.unwrap_or_else(|e| panic!("{css}: {e}")) {
            serde_json::Value::String(id) => return id,
            _ if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(100)).await,
            _ => panic!("no {css} says {text:?}"),
        }
    }
}

/// The number a heat map cell shows (empty is none).
async fn heat_count(c: &Client, css: &str) -> u32 {
    let el = wait_for(c, css).await;
    let text = el.prop("textContent").await.expect("text").unwrap_or_default();
    text.trim().parse().unwrap_or(0)
}

/// A collaboration as it is run, in the window: a risk added moves the heat map; an obligation
/// marked done; a publication given notice, consented to by both partners and released; the Due
/// view across collaborations exported as a calendar; the overview's health verdict.
#[tokio::test(flavor = "multi_thread")]
async fn the_demo_collaboration_is_run_risks_obligations_publications_and_the_calendar() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert!(std::env::var_os("STEWARD_REQUIRE_KEYRING").is_none(), "a credential store is required here");
        eprintln!("skipped: no session bus, so no credential store for the demo's identities");
        return;
    }
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let driver = Driver::start(tmp.path(), &tmp.path().join("steward.db"));
    let c = driver.connect().await;
    wait_text(&c, "#collab-heading", "Low-loss").await;

    // The joint risk register: a new risk at likelihood 4, impact 4 lands in that cell.
    click(&c, "[data-testid=tab-risks]").await;
    wait_for(&c, "[data-testid=risk-register]").await;
    let (inherent, residual) = ("[data-testid=heat-inherent-4-4]", "[data-testid=heat-residual-2-4]");
    let (before_inherent, before_residual) = (heat_count(&c, inherent).await, heat_count(&c, residual).await);
    click(&c, "[data-testid=risk-add]").await;
    set(&c, "[data-testid=risk-title]", "Resonator chips held at customs on the way to Ferrant").await;
    set(&c, "[data-testid=risk-category]", "operational").await;
    set(&c, "[data-testid=risk-cause]", "Export documents for the chips are checked by hand at the border").await;
    set(&c, "[data-testid=risk-event]", "A batch waits more than six weeks before it reaches the Ferrant lab").await;
    set(&c, "[data-testid=risk-consequence]", "Work package 2 misses its month-12 milestone").await;
    choose(&c, "[data-testid=risk-owner-party]", "Ferrant").await;
    set(&c, "[data-testid=risk-owner]", "Dr Lena Vogt").await;
    set(&c, "[data-testid=risk-inherent-l]", "4").await;
    set(&c, "[data-testid=risk-inherent-i]", "4").await;
    set(&c, "[data-testid=risk-residual-l]", "2").await;
    set(&c, "[data-testid=risk-residual-i]", "4").await;
    choose(&c, "[data-testid=risk-treatment]", "Reduce likelihood").await;
    set(&c, "[data-testid=risk-controls]", "Fixed monthly slots agreed with the facility manager").await;
    let review = (chrono::Local::now().date_naive() + chrono::Days::new(60)).to_string();
    set(&c, "[data-testid=risk-next-review]", &review).await;
    wait_text(&c, "[data-testid=risk-inherent-score]", "16").await;
    click(&c, "[data-testid=risk-save]").await;
    wait_text(&c, "[data-testid=risk-history]", "Version 1").await;
    let row = testid_containing(&c, "[data-testid^=risk-row-]", "held at customs").await;
    let cells = row_cells(&c, &format!("[data-testid={row}]")).await;
    // Its band is the residual one once it is treated: 16 before, 8 after.
    assert_eq!(cells[0][2], "amber", "{cells:?}");
    assert_eq!(cells[0][3], "16", "{cells:?}");
    assert_eq!(cells[0][4], "8", "{cells:?}");
    assert_eq!(heat_count(&c, inherent).await, before_inherent + 1);
    assert_eq!(heat_count(&c, residual).await, before_residual + 1);
    let moves = wait_text(&c, "[data-testid=risk-moves]", "16").await;
    assert!(moves.contains('8'), "{moves}");
    screenshot_at(&c, "risks", Some("[data-testid=risks]")).await;

    // Obligations: one added by hand is marked done, with a note, into the decision log.
    click(&c, "[data-testid=tab-obligations]").await;
    let row = testid_containing(&c, "[data-testid^=obligation-row-]", "sample inventory").await;
    let id = row.trim_start_matches("obligation-row-").to_string();
    screenshot_at(&c, "obligations", Some("[data-testid=obligations]")).await;
    click(&c, &format!("[data-testid=obligation-done-{id}]")).await;
    set(&c, "[data-testid=obligation-note]", "Inventory of 14 sample chips sent to Ferrant by email").await;
    click(&c, "[data-testid=obligation-close-save]").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while c.find(Locator::Css(&format!("[data-testid={row}]"))).await.is_ok() {
        assert!(Instant::now() < deadline, "the done obligation left the open list");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    set(&c, "[data-testid=obligation-show-closed]", "true").await;
    wait_text(&c, &format!("[data-testid=obligation-state-{id}]"), "done").await;
    let closed = wait_text(&c, &format!("[data-testid={row}]"), "14 sample chips").await;
    assert!(closed.contains("decision"), "{closed}");

    // Publication review: notice, both partners consent, then it may be released.
    click(&c, "[data-testid=tab-publications]").await;
    wait_text(&c, "[data-testid=publications]", "Two-level-system loss").await;
    screenshot_at(&c, "publications", Some("[data-testid=publications]")).await;
    let manuscript = tmp.path().join("kinetic-inductance-draft1.pdf");
    std::fs::write(&manuscript, b"%PDF-1.7 manuscript draft for review").expect("manuscript");
    click(&c, "[data-testid=pub-notify]").await;
    set(&c, "[data-testid=pub-title]", "Kinetic inductance of granular aluminium at millikelvin").await;
    set(&c, "[data-testid=pub-file]", manuscript.to_str().expect("utf-8")).await;
    set(&c, "[data-testid=pub-venue]", "Applied Physics Letters").await;
    click(&c, "[data-testid=pub-notify-save]").await;
    let card = testid_containing(&c, "[data-testid^=publication-]", "Kinetic inductance").await;
    let id = card.trim_start_matches("publication-").to_string();
    wait_text(&c, &format!("[data-testid=pub-countdown-{id}]"), "left to object").await;
    wait_for(&c, &format!("[data-testid=pub-blocked-{id}]")).await;
    for party in ["Kaminokawa Tech", "Ferrant"] {
        click(&c, &format!("[data-testid=pub-consent-{id}]")).await;
        choose(&c, "[data-testid=pub-party]", party).await;
        set(&c, "[data-testid=pub-note]", "Nothing confidential of ours; go ahead.").await;
        click(&c, "[data-testid=pub-action-save]").await;
        wait_text(&c, &format!("[data-testid=pub-consents-{id}]"), party).await;
    }
    click(&c, &format!("[data-testid=pub-release-{id}]")).await;
    set(&c, "[data-testid=pub-doi]", "10.1063/5.0000001").await;
    click(&c, "[data-testid=pub-action-save]").await;
    wait_text(&c, &format!("[data-testid=pub-status-{id}]"), "released").await;

    // Due across every collaboration, and its calendar.
    click(&c, "[data-testid=nav-due]").await;
    wait_text(&c, "[data-testid=due-group-overdue]", "export-control classification").await;
    screenshot(&c, "due").await;
    let ics = tmp.path().join("steward.ics");
    set(&c, "[data-testid=due-ics-path]", ics.to_str().expect("utf-8")).await;
    click(&c, "[data-testid=due-export-ics]").await;
    wait_text(&c, "[data-testid=due-exported]", "events").await;
    let text = std::fs::read_to_string(&ics).expect("calendar written");
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    // Long lines are folded (RFC 5545 3.1): read them whole.
    let unfolded = text.replace("\r\n ", "");
    assert!(unfolded.contains("SUMMARY:Confirm the export-control classification"), "{unfolded}");
    // The item marked done stays in the calendar, cancelled, so a calendar that imported it updates.
    assert!(unfolded.contains("SUMMARY:Done: Send Ferrant the sample inventory"), "{unfolded}");

    // The overview's health verdict names the overdue item.
    click(&c, "[data-testid=nav-collabs]").await;
    let row =
        testid_containing(&c, "[data-testid=collab-list] tbody td.health [data-testid^=health-reasons-]", "overdue")
            .await;
    let collab = row.trim_start_matches("health-reasons-");
    let verdict = text_of(&c, &format!("[data-testid=health-{collab}]")).await;
    assert!(["Attention", "At risk"].contains(&verdict.trim()), "{verdict}");
    c.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ip_register_is_bound_and_exits_run_from_their_trigger_to_a_signed_pack() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert!(std::env::var_os("STEWARD_REQUIRE_KEYRING").is_none(), "a credential store is required here");
        eprintln!("skipped: no session bus, so no credential store for the demo's identities");
        return;
    }
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let driver = Driver::start(tmp.path(), &tmp.path().join("steward.db"));
    let c = driver.connect().await;
    wait_text(&c, "#collab-heading", "Low-loss").await;

    // The background register differs from the agreement's schedule until it is bound in.
    click(&c, "[data-testid=tab-ip]").await;
    wait_text(&c, "[data-testid=bg-schedule]", "differs from the background schedule").await;
    wait_text(&c, "[data-testid=bg-row-B4]", "UK 3A001.b").await;
    let owner = text_of(&c, "[data-testid=result-owner-IP1]").await;
    assert!(owner.contains("Owner: Northmoor") && owner.contains("collab.ownership-2"), "{owner}");
    wait_text(&c, "[data-testid=filing-F1]", "GB2719043.6").await;
    wait_text(&c, "[data-testid=licence-L1]", "exclusive option to Ferrant").await;
    screenshot(&c, "ip").await;
    screenshot_at(&c, "ip-results", Some("[data-testid=result-IP1]")).await;
    click(&c, "[data-testid=bg-bind]").await;
    wait_text(&c, "[data-testid=bg-bound]", "Revision 2 of the agreement").await;
    wait_text(&c, "[data-testid=bg-schedule]", "matches the register").await;

    // An exit from its trigger: the second demo collaboration ends by agreement, with evidence.
    open_collaboration(&c, "Laser gas sensors").await;
    click(&c, "[data-testid=tab-exit]").await;
    click(&c, "[data-testid=exit-start]").await;
    choose(&c, "[data-testid=exit-trigger]", "by agreement").await;
    set(&c, "[data-testid=exit-start-note]", "Both parties agreed to end the study before it began").await;
    let minutes = tmp.path().join("steering-committee-minutes.txt");
    std::fs::write(&minutes, "Minutes: the parties agree to end the collaboration.\n").expect("evidence");
    set(&c, "[data-testid=exit-evidence]", minutes.to_str().expect("utf-8")).await;
    choose(&c, "[data-testid=exit-start-identity]", "northmoor").await;
    click(&c, "[data-testid=exit-start-save]").await;
    wait_text(&c, "[data-testid=exit-status]", "under way").await;
    let head = text_of(&c, "[data-testid=exit]").await;
    assert!(head.contains("Ended by agreement of all parties"), "{head}");
    assert!(head.contains("steering-committee-minutes.txt"), "{head}");
    // Nothing there needs deciding (no results, no datasets): it completes into its pack at once.
    wait_text(&c, "[data-testid=exit-status]", "ready to complete").await;
    wait_text(&c, "[data-testid=exit-accounts]", "No contributions are recorded").await;
    let first_pack = tmp.path().join("laser-exit-pack.pdf");
    set(&c, "[data-testid=exit-pack-path]", first_pack.to_str().expect("utf-8")).await;
    choose(&c, "[data-testid=exit-complete-identity]", "northmoor").await;
    click(&c, "[data-testid=exit-complete]").await;
    wait_text(&c, "[data-testid=exit-completed]", "signed by").await;
    let bytes = std::fs::read(&first_pack).expect("exit pack written");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    wait_text(&c, "[data-testid=collab-status]", "closed").await;

    // The finished collaboration's exit: one dataset still to certify, then the signed pack.
    open_collaboration(&c, "Cryogenic amplifier noise benchmarking").await;
    click(&c, "[data-testid=tab-exit]").await;
    wait_text(&c, "[data-testid=exit-status]", "1 item to decide").await;
    wait_text(&c, "[data-testid=exit-undecided]", "D2").await;
    wait_text(&c, "[data-testid=exit-accounts]", "Ferrant").await;
    let disabled = c
        .execute("return document.querySelector('[data-testid=exit-complete]').disabled", vec![])
        .await
        .expect("complete button");
    assert_eq!(disabled, serde_json::Value::Bool(true), "completion waits for D2");
    screenshot(&c, "exit").await;
    click(&c, "[data-testid=exit-decide-D2]").await;
    wait_for(&c, "[data-testid=exit-form-D2]").await;
    choose(&c, "[data-testid=exit-cert-method]", "Returned").await;
    set(&c, "[data-testid=exit-cert-media]", "Two encrypted USB drives").await;
    set(&c, "[data-testid=exit-cert-by]", "Dr Helen Achterberg").await;
    set(&c, "[data-testid=exit-cert-on]", &chrono::Local::now().date_naive().to_string()).await;
    set(&c, "[data-testid=exit-cert-verification]", "Receipt signed by Ferrant's lab manager").await;
    set(&c, "[data-testid=exit-cert-fate]", "Returned to Ferrant by courier").await;
    choose(&c, "[data-testid=exit-item-identity]", "northmoor").await;
    click(&c, "[data-testid=exit-decide-save]").await;
    wait_text(&c, "[data-testid=exit-decided-D2]", "returned").await;
    wait_text(&c, "[data-testid=exit-status]", "ready to complete").await;

    let pack = tmp.path().join("exit-pack.pdf");
    set(&c, "[data-testid=exit-pack-path]", pack.to_str().expect("utf-8")).await;
    choose(&c, "[data-testid=exit-complete-identity]", "northmoor").await;
    click(&c, "[data-testid=exit-complete]").await;
    wait_text(&c, "[data-testid=exit-completed]", "signed by").await;
    wait_text(&c, "[data-testid=exit-status]", "completed").await;
    // A sunset exit closes the collaboration.
    wait_text(&c, "[data-testid=collab-status]", "closed").await;
    let bytes = std::fs::read(&pack).expect("exit pack written");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    assert_eq!(text_of(&c, "[data-testid=exit-pack-sha]").await.trim(), hex_sha256(&bytes));
    screenshot(&c, "exit-complete").await;
    c.close().await.expect("close");
}

/// The legal team's store: an identity and the changed notice clause, approved.
fn approve_changed_notice(s: &mut steward_core::Steward) {
    let shipped = steward_clauses::shipped::template_files();
    let notice = shipped.iter().find(|f| f.name.ends_with("pub/notice.hbs")).expect("notice");
    let text = notice.text.replacen("+++\n1.", "+++\n1. The parties value open publication of the Results.\n\n1.", 1);
    s.import_templates(&[steward_clauses::check::SourceFile { name: "pub/notice.hbs".into(), text }]).expect("imports");
    s.review_template("pub.notice", Some(2), steward_core::library::Status::Approved, Some("agreed"))
        .expect("approves");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_legal_teams_library_is_followed_and_pulled_in_the_window() {
    use std::sync::Arc;
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let remote = tmp.path().join("clauses.git");
    std::fs::create_dir_all(&remote).expect("dir");
    let ok = std::process::Command::new("git")
        .arg("-C")
        .arg(&remote)
        .args(["init", "--quiet", "--bare", "--initial-branch=main"])
        .status()
        .expect("git");
    assert!(ok.success());
    let remote_s = remote.to_str().expect("utf-8").to_string();
    // The research office publishes release 1 from its own store.
    let mut legal = steward_core::Steward::open_in_memory(Arc::new(steward_core::SystemClock)).expect("store");
    let who = legal
        .create_identity(
            "Samuel Okafor",
            "s.okafor@northmoor.ac.uk",
            Some("The University of Northmoor"),
            "p256",
            false,
        )
        .expect("identity");
    legal.publish_library(&remote_s, None, Some(who.id), Some("first release")).expect("release 1");

    let driver = Driver::start(tmp.path(), &tmp.path().join("steward.db"));
    let c = driver.connect().await;
    wait_for(&c, "#collab-heading").await;
    click(&c, "[data-testid=nav-library]").await;
    click(&c, "[data-testid=library-sources-open]").await;
    click(&c, "[data-testid=source-follow]").await;
    set(&c, "[data-testid=source-url]", &remote_s).await;
    set(&c, "[data-testid=source-trust]", &who.fingerprint).await;
    set(&c, "[data-testid=source-name]", "northmoor").await;
    click(&c, "[data-testid=source-follow-save]").await;
    wait_text(&c, "[data-testid=source-release-northmoor]", "none yet").await;
    click(&c, "[data-testid=source-pull-northmoor]").await;
    wait_text(&c, "[data-testid=source-pulled]", "release 1 of The University of Northmoor's library").await;
    wait_text(&c, "[data-testid=source-release-northmoor]", "release 1").await;

    // Release 2 changes the notice clause: the pull shows it word by word.
    approve_changed_notice(&mut legal);
    legal.publish_library(&remote_s, None, Some(who.id), Some("notice clause")).expect("release 2");
    click(&c, "[data-testid=source-pull-northmoor]").await;
    wait_text(&c, "[data-testid=source-pulled]", "release 1 to release 2").await;
    let change = text_of(&c, "[data-testid='source-change-pub.notice']").await;
    assert!(change.contains("version 2 replaces version 1"), "{change}");
    let inserted = text_of(&c, "[data-testid='source-change-pub.notice'] ins").await;
    assert!(inserted.contains("The parties value open publication"), "{inserted}");
    // Pulling again finds nothing new.
    click(&c, "[data-testid=source-pull-northmoor]").await;
    wait_text(&c, "[data-testid=source-pulled]", "nothing new").await;
    // The demo's own source, made in the background on the fresh store: release 2 waits. (The
    // panel is opened again so that it reads the sources afresh.)
    click(&c, "[data-testid=library-sources-open]").await;
    click(&c, "[data-testid=library-sources-open]").await;
    wait_text(&c, "[data-testid=source-release-northmoor-research-office]", "release 1").await;
    click(&c, "[data-testid=source-pull-northmoor-research-office]").await;
    wait_text(&c, "[data-testid=source-pulled]", "northmoor-research-office: release 1 to release 2").await;
    wait_text(&c, "[data-testid=source-release-northmoor-research-office]", "release 2").await;
    screenshot_at(&c, "library-sources", Some("[data-testid=library-sources]")).await;
    c.close().await.expect("close");
}

/// The clause library kept in the window: a new version of a clause proposed from its edited
/// file (a mistake shown as typed, gone once mended), compared with the version in use and
/// approved with a note; deprecating the only approved version of a clause a kind needs refused
/// with the reason.
#[tokio::test(flavor = "multi_thread")]
async fn a_legal_user_changes_compares_and_approves_a_clause_in_the_window() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let driver = Driver::start(tmp.path(), &tmp.path().join("steward.db"));
    let c = driver.connect().await;
    wait_for(&c, "#collab-heading").await;
    click(&c, "[data-testid=nav-library]").await;
    open_template(&c, "Response to proposed publications").await;

    click(&c, "[data-testid=propose-open]").await;
    wait_text(&c, "[data-testid=propose-check]", "checks pass").await;
    let el = wait_for(&c, "[data-testid=propose-text]").await;
    let file = el.prop("value").await.expect("value").unwrap_or_default();
    assert!(file.starts_with("+++"), "{file}");
    let want = "treated as having consented";
    assert!(file.contains(want), "the clause reads {file}");
    // A mistake as one types: the checker says where; mended, it says nothing.
    let broken = file.replacen("}}", "}", 1);
    set(&c, "[data-testid=propose-text]", &broken).await;
    let problems = wait_text(&c, "[data-testid=propose-problems]", "Line").await;
    assert!(!problems.is_empty());
    let edited = file.replacen(want, "treated as having given its consent", 1);
    set(&c, "[data-testid=propose-text]", &edited).await;
    wait_text(&c, "[data-testid=propose-check]", "checks pass").await;
    assert!(c.find(Locator::Css("[data-testid=propose-problems]")).await.is_err(), "the problem is gone");
    set(&c, "[data-testid=propose-note]", "Say plainly that silence is consent").await;
    click(&c, "[data-testid=propose-submit]").await;
    wait_text(&c, ".review .done", "is saved as a draft").await;
    let added = wait_text(&c, "[data-testid=template-diff] ins", "given its consent").await;
    assert!(added.contains("given its consent"), "{added}");
    screenshot_at(&c, "library-propose", Some("[data-testid=template-diff]")).await;

    click(&c, "[data-testid=review-approved]").await;
    set(&c, "[data-testid=review-note]", "Agreed with the research office").await;
    click(&c, "[data-testid=review-submit]").await;
    wait_text(&c, "[data-testid=shown-status]", "approved").await;
    let history = wait_text(&c, "[data-testid=template-reviews]", "Agreed with the research office").await;
    assert!(history.contains("proposed: Say plainly that silence is consent"), "{history}");

    // The only approved version of a clause a kind needs cannot be deprecated.
    open_template(&c, "Theses").await;
    click(&c, "[data-testid=review-deprecated]").await;
    set(&c, "[data-testid=review-note]", "Tidying up").await;
    click(&c, "[data-testid=review-submit]").await;
    let refused = wait_text(&c, "[data-testid=error]", "the only approved version").await;
    assert!(refused.contains("Theses"), "{refused}");
    wait_text(&c, "[data-testid=shown-status]", "approved").await;
    c.close().await.expect("close");
}

/// Opens a template on the Library screen by searching for its title.
async fn open_template(c: &Client, title: &str) {
    set(c, "[data-testid=library-search]", title).await;
    let js = "const el = [...document.querySelectorAll('[data-testid=library-hit]')]
                .find((e) => e.querySelector('.item-title')?.textContent === arguments[0]);
              if (el) el.click();
              return !!el;";
    let deadline = Instant::now() + Duration::from_secs(20);
    while c.execute(js, vec![title.into()]).await.expect("js") != serde_json::Value::Bool(true) {
        assert!(Instant::now() < deadline, "no library hit is titled {title:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_text(c, "#template-title", title).await;
}

/// What sticks out sideways on the screen shown (tests/overflow.js).
async fn overflowing(c: &Client) -> Vec<serde_json::Value> {
    let js = include_str!("overflow.js");
    match c.execute(js, vec![]).await.expect("overflow check") {
        serde_json::Value::Array(found) => found,
        other => panic!("the overflow check returned {other}"),
    }
}

/// The layouts hold at 900x650 and 1400x900: on every screen and tab of the demo no element is
/// wider than its container (measured in the page), the sidebar gives way below 1000 px.
#[tokio::test(flavor = "multi_thread")]
async fn the_screens_hold_their_layout_at_900_by_650_and_1400_by_900() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let driver = Driver::start(tmp.path(), &tmp.path().join("steward.db"));
    let c = driver.connect().await;
    wait_text(&c, "#collab-heading", "Low-loss").await;
    let tabs = [
        "parties",
        "agreements",
        "diligence",
        "risks",
        "obligations",
        "publications",
        "ip",
        "exit",
        "ledger",
        "decisions",
    ];
    let mut problems: Vec<String> = Vec::new();
    for (w, h) in [(900u32, 650u32), (1400, 900)] {
        c.set_window_size(w, h).await.expect("window size");
        tokio::time::sleep(Duration::from_millis(400)).await;
        let mut check = async |c: &Client, screen: &str| {
            tokio::time::sleep(Duration::from_millis(500)).await;
            for o in overflowing(c).await {
                problems.push(format!("{w}x{h} {screen}: {o}"));
            }
        };
        for nav in ["collabs", "due", "library", "exchange", "verify", "identities", "settings", "help"] {
            click(&c, &format!("[data-testid=nav-{nav}]")).await;
            check(&c, nav).await;
        }
        open_collaboration(&c, "Low-loss").await;
        for tab in tabs {
            click(&c, &format!("[data-testid=tab-{tab}]")).await;
            check(&c, tab).await;
        }
        if w == 900 {
            screenshot(&c, "narrow-decisions").await;
        }
        click(&c, "[data-testid=tab-agreements]").await;
        click(&c, "[data-testid=agreement-link]").await;
        for view in ["text", "redline", "export"] {
            click(&c, &format!("[data-testid=tab-{view}]")).await;
            check(&c, &format!("agreement {view}")).await;
        }
        click(&c, "[data-testid=agreement-edit]").await;
        wait_for(&c, "[data-testid=preview]").await;
        check(&c, "builder").await;
        if w == 900 {
            screenshot(&c, "narrow-builder").await;
        }
        click(&c, "[data-testid=nav-library]").await;
        open_template(&c, "Notice of proposed publications").await;
        check(&c, "library template").await;
        if w == 900 {
            screenshot(&c, "narrow-library").await;
        }
    }
    assert!(problems.is_empty(), "elements wider than their containers:\n{}", problems.join("\n"));
    c.close().await.expect("close");
}

/// Sends keys to whatever has the focus, as a keyboard does.
async fn keys(c: &Client, text: &str) {
    let el = c.active_element().await.expect("a focused element");
    el.send_keys(text).await.unwrap_or_else(|e| panic!("typing {text:?}: {e}"));
}

/// The `data-testid` (or tag) of the focused element.
async fn focused(c: &Client) -> String {
    let js = "const el = document.activeElement; return el ? (el.dataset.testid || el.id || el.tagName) : '';";
    c.execute(js, vec![]).await.expect("js").as_str().unwrap_or_default().to_string()
}

/// Presses Tab until the element with `testid` has the focus (at most `limit` presses).
async fn tab_to(c: &Client, testid: &str, limit: usize) {
    use fantoccini::key::Key;
    for _ in 0..limit {
        if focused(c).await == testid {
            return;
        }
        keys(c, &char::from(Key::Tab).to_string()).await;
    }
    panic!("{testid} was not reached with {limit} presses of Tab (focus is on {})", focused(c).await);
}

/// One flow by keyboard alone: Ctrl+K finds the demo collaboration, Enter opens it, Tab reaches
/// the person form, a person is typed in and added with Enter; the search palette also finds a
/// clause by its wording and opens it in the library.
#[tokio::test(flavor = "multi_thread")]
async fn a_person_is_added_by_keyboard_alone_from_the_search_palette() {
    use fantoccini::key::Key;
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let driver = Driver::start(tmp.path(), &tmp.path().join("steward.db"));
    let c = driver.connect().await;
    wait_text(&c, "#collab-heading", "Low-loss").await;
    click(&c, "[data-testid=nav-due]").await;

    let ctrl_k = format!("{}k{}", char::from(Key::Control), char::from(Key::Null));
    keys(&c, &ctrl_k).await;
    wait_for(&c, "[data-testid=search-palette]").await;
    keys(&c, "resonators").await;
    wait_text(&c, "[data-testid=search-results]", "Low-loss superconducting resonators").await;
    screenshot(&c, "search").await;
    keys(&c, &char::from(Key::Enter).to_string()).await;
    wait_text(&c, "#collab-heading", "Low-loss").await;

    tab_to(&c, "person-party", 400).await;
    keys(&c, &char::from(Key::Down).to_string()).await;
    keys(&c, &char::from(Key::Tab).to_string()).await;
    assert_eq!(focused(&c).await, "person-name");
    keys(&c, "Dr Ines Carvalho").await;
    keys(&c, &char::from(Key::Tab).to_string()).await;
    assert_eq!(focused(&c).await, "person-email");
    keys(&c, "i.carvalho@northmoor.ac.uk").await;
    keys(&c, &char::from(Key::Enter).to_string()).await;
    wait_text(&c, "[data-testid=members]", "Dr Ines Carvalho").await;

    // The palette finds a clause by its wording, in readable words, and opens it.
    keys(&c, &ctrl_k).await;
    wait_for(&c, "[data-testid=search-palette]").await;
    keys(&c, "thesis examiners").await;
    let found = wait_text(&c, "[data-testid=search-results]", "Theses").await;
    assert!(!found.contains("{{"), "{found}");
    keys(&c, &char::from(Key::Enter).to_string()).await;
    wait_text(&c, "#template-title", "Theses").await;
    c.close().await.expect("close");
}

/// Signatures that last, in the window: the time-stamping authority set in Settings (a test
/// authority on 127.0.0.1), the demo's trust anchor and one added, a signed export time-stamped
/// and its certificate path trusted to the lead university's authority, then validation data
/// added from the Verify screen and the new file verified.
#[tokio::test(flavor = "multi_thread")]
async fn a_signature_is_time_stamped_trusted_to_its_anchor_and_kept_for_the_long_term() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        eprintln!("no session bus: signing needs a Secret Service (run scripts/test.sh)");
        return;
    }
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let tsa = steward_testkit::pki::TestTsa::start();
    let tsa_root = tmp.path().join("tsa-root.der");
    std::fs::write(&tsa_root, &tsa.root).expect("write");
    let driver = Driver::start(tmp.path(), &tmp.path().join("steward.db"));
    let c = driver.connect().await;
    wait_text(&c, "#collab-heading", "Low-loss").await;

    click(&c, "[data-testid=nav-settings]").await;
    choose(&c, "[data-testid=settings-locale]", "English (UK)").await;
    wait_text(&c, "[data-testid=trust-anchors]", "University of Northmoor Research Signing CA").await;
    set(&c, "[data-testid=tsa-url]", &tsa.url).await;
    click(&c, "[data-testid=tsa-save]").await;
    wait_text(&c, "[data-testid=settings-note]", "time-stamped by this authority").await;
    set(&c, "[data-testid=trust-add-path]", tsa_root.to_str().expect("utf-8")).await;
    set(&c, "[data-testid=trust-add-name]", "Test time-stamping root").await;
    click(&c, "[data-testid=trust-add]").await;
    wait_text(&c, "[data-testid=trust-anchors]", "Test time-stamping root").await;
    wait_for(&c, "[data-testid=settings-signatures]").await;
    screenshot_at(&c, "settings-signatures", Some("[data-testid=settings-signatures]")).await;

    open_collaboration(&c, "Low-loss superconducting resonators").await;
    click(&c, "[data-testid=tab-agreements]").await;
    click(&c, "[data-testid=agreement-link]").await;
    click(&c, "[data-testid=tab-export]").await;
    let pdf = tmp.path().join("stamped.pdf");
    choose(&c, "[data-testid=export-identity]", "Samuel Okafor").await;
    set(&c, "[data-testid=export-path]", pdf.to_str().expect("utf-8 path")).await;
    click(&c, "[data-testid=export-go]").await;
    wait_text(&c, "[data-testid=export-result]", "Samuel Okafor").await;
    assert_eq!(tsa.served(), 1, "the export asked the authority once");

    click(&c, "[data-testid=export-verify]").await;
    wait_text(&c, "[data-testid=verify-result]", "Valid").await;
    let ts = wait_text(&c, "[data-testid=sig-timestamp]", "by Steward Test TSA").await;
    assert!(!ts.contains("does not hold"), "{ts}");
    let chain =
        wait_text(&c, "[data-testid=sig-chain]", "Trusted to University of Northmoor Research Signing CA").await;
    assert!(chain.contains("Samuel Okafor →"), "{chain}");
    screenshot_at(&c, "verify-timestamp", Some("[data-testid=verify-result]")).await;

    let lasting = tmp.path().join("stamped-lt.pdf");
    set(&c, "[data-testid=verify-lasting-path]", lasting.to_str().expect("utf-8")).await;
    click(&c, "[data-testid=verify-add-ltv]").await;
    wait_text(&c, "[data-testid=verify-lasting-note]", "Added").await;
    let ltv = wait_text(&c, "[data-testid=sig-ltv]", "Validation data for the long term is in the file").await;
    assert!(!ltv.contains("lacks"), "{ltv}");
    wait_text(&c, "[data-testid=verify-verdict]", "Valid").await;
    wait_text(&c, "[data-testid=verify-dss]", "certificates").await;
    let report = steward_sign::verify(&std::fs::read(&lasting).expect("the new file")).expect("verifies");
    assert!(report.ok && report.signatures[0].ltv && report.dss.is_some());
    screenshot_at(&c, "verify-ltv", Some("[data-testid=verify-result]")).await;
    c.close().await.expect("close");
}

/// Clicks the first element matching `css` whose text contains `text`.
async fn click_text(c: &Client, css: &str, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let js = "const el = [...document.querySelectorAll(arguments[0])]
                    .find((e) => e.textContent.includes(arguments[1]));
                  if (el) { el.click(); return true; } return false;";
        match c.execute(js, vec![css.into(), text.into()]).await.unwrap_or_else(|e| panic!("{css}: {e}")) {
            serde_json::Value::Bool(true) => return,
            _ if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(100)).await,
            _ => panic!("no {css} says {text:?}"),
        }
    }
}

#[tokio::test]
async fn a_partners_word_edits_are_read_clause_by_clause_and_decided_in_the_window() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        assert!(std::env::var_os("STEWARD_REQUIRE_KEYRING").is_none(), "a credential store is required here");
        eprintln!("skipped: no session bus, so no credential store for the demo's identities");
        return;
    }
    let _turn = ONE_AT_A_TIME.lock().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("steward.db");
    let driver = Driver::start(tmp.path(), &db);
    let c = driver.connect().await;
    wait_text(&c, "#collab-heading", "Low-loss").await;

    // Export the collaboration agreement for Word.
    open_collaboration(&c, "Low-loss superconducting resonators").await;
    click(&c, "[data-testid=tab-agreements]").await;
    click_text(&c, "[data-testid=agreement-link]", "Research Collaboration Agreement").await;
    click(&c, "[data-testid=tab-export]").await;
    let docx = tmp.path().join("rca.docx");
    set(&c, "[data-testid=export-docx-path]", docx.to_str().expect("utf-8 path")).await;
    click(&c, "[data-testid=export-docx-go]").await;
    let done = wait_text(&c, "[data-testid=export-docx-result]", "for Word").await;
    assert!(done.contains("unsigned") && done.contains("clauses"), "{done}");
    assert!(steward_docx::read(&std::fs::read(&docx).expect("the file")).is_ok());
    wait_text(&c, "[data-testid=export-word]", "Saved revision").await;
    // The window's first screenshot can be a frame from its start: take one to throw away.
    let _ = c.screenshot().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    screenshot_at(&c, "export-word", Some("[data-testid=export-word]")).await;

    // The demo's Word draft from the company partner's counsel, waiting to be decided.
    click(&c, "[data-testid=nav-exchange]").await;
    click_text(&c, "[data-testid=received-row]", "ferrant-counsel-edits-r1.docx").await;
    let verification = wait_text(&c, "[data-testid=exchange-verification]", "UNSIGNED").await;
    assert!(verification.contains("Word files carry no signature"), "{verification}");
    wait_for(&c, "[data-testid=change]").await;
    let changes = c.find_all(Locator::Css("[data-testid=change]")).await.expect("changes");
    let mut ids = Vec::new();
    for ch in &changes {
        ids.push(ch.attr("data-change").await.expect("attr").unwrap_or_default());
    }
    assert_eq!(ids.len(), 3, "{ids:?}");
    let comment = wait_text(&c, "[data-testid=partner-comment]", "judged reasonably").await;
    assert!(comment.contains("Jonas Weidlich"), "{comment}");
    let with_comment = c
        .find(Locator::Css("[data-testid=partner-comment]"))
        .await
        .expect("comment")
        .attr("data-clause")
        .await
        .expect("attr")
        .unwrap_or_default();
    wait_text(&c, "[data-testid=exchange-redline]", "good faith").await;
    // Accept the tracked change the comment is on, reject the others.
    for id in &ids {
        let verb = if id == &format!("clause:{with_comment}") { "accept" } else { "reject" };
        click(&c, &format!("[data-testid='{verb}-{id}']")).await;
    }
    choose(&c, "[data-testid=exchange-identity]", "Samuel Okafor").await;
    screenshot_at(&c, "exchange-word", Some("[data-testid=exchange-changes]")).await;
    click(&c, "[data-testid=exchange-decide]").await;
    let result = wait_text(&c, "[data-testid=exchange-result]", "revision 2").await;
    assert!(result.contains("Accepted 1") && result.contains("rejected 2"), "{result}");
    // No countersigning a Word file: the panel offers our revised draft, signed.
    wait_text(&c, "#countersign-heading", "Send back our revised draft").await;
    c.close().await.expect("close");
    drop(driver);

    let s = steward_core::Steward::open(&db, std::sync::Arc::new(steward_core::SystemClock)).expect("store");
    let text = s.render_agreement(4, None).expect("render").to_text();
    assert!(text.split_whitespace().collect::<Vec<_>>().join(" ").contains("acting reasonably and in good faith"));
    let last = s.decisions(1).expect("log").last().cloned().expect("an entry");
    let received = s.received_drafts(Some(4)).expect("received");
    let word = received.iter().find(|r| r.format == steward_core::exchange::FileFormat::Docx).expect("the Word draft");
    assert!(last.entry.rationale.contains(&word.file_sha256), "{last:?}");
    assert!(s.verify_decisions(1).expect("verify").intact);
}
