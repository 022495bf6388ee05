//! Steward's core: the domain, the local store, and [`Steward`], the one API that the desktop
//! shell, the `steward` CLI and the tests all call. Nothing here knows about windows or terminals.
//!
//! One folder per capability, each with its `impl Steward` methods and the types its callers see
//! (its SQL is in the same-named file of the private `store`):
//!
//! | capability | module | store |
//! |---|---|---|
//! | collaborations, parties, people | [`collaborations`] | `store/collaborations.rs` |
//! | the clause library: import, review, search, compare | [`library`] | `store/library.rs` |
//! | drafting agreements: create, revise, upgrade, render, diff, builder form and preview | [`agreements`] | `store/agreements.rs` |
//! | signing identities | [`identities`] | `store/identities.rs` |
//! | PDF export, signing, verification | [`documents`] | (none: reads agreements and identities) |
//! | partner exchange: import, compare, decide, countersign | [`exchange`] | `store/exchange.rs` |
//! | partners' pinned keys | [`trust`] | `store/trust.rs` |
//! | time stamps, trust anchors, certificate paths, validation data | [`trust::lasting`] | `store/trust.rs` |
//! | the contribution ledger, rates, CRediT roles | [`ledger`] | `store/ledger.rs` |
//! | the decision log | [`decisions`] | `store/decisions.rs` |
//! | Trusted Research due diligence: questionnaire, answers, rating, screening, approvals, gates | [`diligence`] | `store/diligence.rs` |
//! | the joint risk register: versions, heat map, log entries, review items | [`risks`] | `store/risks.rs` |
//! | obligations and due items: derived from clauses, by hand; the calendar file | [`obligations`] | `store/obligations.rs` |
//! | publication reviews: notice, objections, consent, release | [`publications`] | `store/publications.rs` |
//! | health of each collaboration (in [`collaborations`]) | `collaborations/health.rs` | (reads the above) |
//! | the demo collaboration | [`demo`] | |
//!
//! Cross-cutting: [`error`] (typed errors with kinds), [`clock`], [`secrets`] (the credential
//! store), [`files`] (bounded reads and atomic writes for both hosts), [`domain`] (plain types and
//! validation of single values).

pub mod agreements;
pub mod clock;
pub mod collaborations;
pub mod decisions;
pub mod demo;
pub mod diligence;
pub mod documents;
pub mod domain;
pub mod error;
pub mod exchange;
pub mod exit;
pub mod files;
pub mod identities;
pub mod ip;
pub mod ledger;
pub mod library;
pub mod obligations;
pub mod publications;
pub mod risks;
pub mod search;
pub mod secrets;
mod store;
pub mod trust;

pub use clock::{Clock, FixedClock, SystemClock};
pub use domain::*;
pub use error::{Error, ErrorKind, FieldError, Result};
use store::Store;
pub use store::{SCHEMA_VERSION, db_path_from_env, default_db_path};

use std::path::Path;
use std::sync::Arc;

/// Where new unique ids (agreement uids) come from: random in the hosts, a sequence in tests.
pub trait Ids: Send + Sync {
    fn new_uid(&self) -> String;
}

/// Random UUIDs (version 4).
#[derive(Debug, Default)]
pub struct RandomIds;

impl Ids for RandomIds {
    fn new_uid(&self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
}

/// `00000000-0000-4000-8000-000000000001`, `...002`, ...: deterministic ids for tests.
#[derive(Debug, Default)]
pub struct SequentialIds(std::sync::atomic::AtomicU64);

impl Ids for SequentialIds {
    fn new_uid(&self) -> String {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        format!("00000000-0000-4000-8000-{n:012}")
    }
}

/// An open Steward store plus the clock it stamps records with.
pub struct Steward {
    store: Store,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn Ids>,
    actor: String,
    /// Stored versions compiled so far: each is compiled when first needed (versions are immutable
    /// and named by hash, so the cache never goes stale).
    library: std::cell::RefCell<steward_clauses::Library>,
    pub(crate) secrets: Arc<dyn secrets::SecretStore>,
    /// Whether signing asks a time-stamping authority (this command's choice over the setting).
    pub(crate) time_stamping: trust::lasting::TimeStamping,
}

impl std::fmt::Debug for Steward {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Steward").field("store", &self.store).finish()
    }
}

impl Steward {
    /// Opens (creating and upgrading as needed) the store at `path`, and brings in the shipped
    /// clause library if this build carries versions the store has not seen.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Self> {
        Self::with_store(Store::open(path)?, clock)
    }

    /// A throwaway store in memory (tests, previews). Its keys go to an in-memory credential
    /// store too: keys of a database that vanishes must not linger in the user's keyring.
    pub fn open_in_memory(clock: Arc<dyn Clock>) -> Result<Self> {
        Ok(Self::with_store(Store::open_in_memory()?, clock)?.with_secrets(Arc::new(secrets::KeyringStore::mock())))
    }

    fn with_store(store: Store, clock: Arc<dyn Clock>) -> Result<Self> {
        let actor =
            std::env::var("STEWARD_USER").or_else(|_| std::env::var("USER")).unwrap_or_else(|_| "local user".into());
        let mut s = Self {
            store,
            clock,
            ids: Arc::new(RandomIds),
            actor,
            library: std::cell::RefCell::new(steward_clauses::Library::new()),
            time_stamping: trust::lasting::TimeStamping::Setting,
            secrets: Arc::new(secrets::KeyringStore::platform()),
        };
        s.ensure_shipped_library()?;
        Ok(s)
    }

    /// Uses `ids` for new unique ids (tests pass [`SequentialIds`]).
    pub fn with_ids(mut self, ids: Arc<dyn Ids>) -> Self {
        self.ids = ids;
        self
    }

    /// Keeps private keys in `store` (tests pass the mock).
    pub fn with_secrets(mut self, store: Arc<dyn secrets::SecretStore>) -> Self {
        self.secrets = store;
        self
    }

    /// Names the person acting (recorded on reviews and revisions).
    pub fn set_actor(&mut self, actor: impl Into<String>) {
        self.actor = actor.into();
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub(crate) fn new_uid(&self) -> String {
        self.ids.new_uid()
    }

    /// Imports the shipped library when this build's differs from the one last imported.
    fn ensure_shipped_library(&mut self) -> Result<()> {
        const KEY: &str = "library.shipped";
        let mut all = String::new();
        for f in steward_clauses::shipped::template_files() {
            all.push_str(&f.name);
            all.push('\0');
            all.push_str(&f.text);
            all.push('\0');
        }
        let digest = steward_clauses::canonical::sha256_hex(all.as_bytes());
        if self.store.setting(KEY)?.as_deref() == Some(digest.as_str()) {
            return Ok(());
        }
        self.import_shipped_library()?;
        self.store.set_setting(KEY, &digest)
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// The schema version of the open store.
    pub fn schema_version(&self) -> Result<i64> {
        self.store.schema_version()
    }

    /// Where the store is (none: in memory).
    pub fn store_path(&self) -> Option<&Path> {
        self.store.path()
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Runs `f` in one transaction: every change it makes lands, or none does.
    pub fn atomically<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        Store::atomically(self, |s| &mut s.store, f)
    }
}
