//! The command line, as clap sees it. Verbs, flags and `--json` output are a public interface:
//! add freely, never rename or remove.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "steward",
    version,
    about = "Research-collaboration agreements and IP stewardship, on your own machine"
)]
pub struct Cli {
    /// The store to use [default: the platform data folder, e.g. ~/.local/share/steward/steward.db]
    #[arg(long, global = true, env = "STEWARD_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Machine-readable JSON output (on stdout; errors as JSON on stderr)
    #[arg(long, global = true)]
    pub json: bool,

    /// Time-stamp signatures with this RFC 3161 authority (over the `tsa.url` setting)
    #[arg(long, global = true, value_name = "URL", conflicts_with = "no_timestamp")]
    pub tsa: Option<String>,

    /// Sign without a time stamp (PAdES B-B), whatever the `tsa.url` setting says
    #[arg(long, global = true)]
    pub no_timestamp: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the store (or upgrade it) and say where it is
    Init,
    /// Add the demo collaboration: a UK university, an overseas university and a company
    Demo {
        /// Also write every demo agreement as a PDF signed by the demo signatories to this folder
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Collaborations: create, list, show, edit, archive, and who takes part
    #[command(subcommand)]
    Collab(CollabCmd),
    /// Parties: the organisations that take part
    #[command(subcommand)]
    Party(PartyCmd),
    /// People: who works for a party
    #[command(subcommand)]
    Person(PersonCmd),
    /// The clause library: list, show, check and import templates
    #[command(subcommand)]
    Template(TemplateCmd),
    /// Review clause versions: approve, reject, deprecate
    #[command(subcommand)]
    Clause(ClauseCmd),
    /// Agreements: draft, change, render, compare and export
    #[command(subcommand)]
    Agreement(AgreementCmd),
    /// Signing identities: keys in the OS credential store, certificates in the store
    #[command(subcommand)]
    Identity(IdentityCmd),
    /// Sign a PDF (an incremental signature: earlier signatures stay valid)
    Sign {
        file: PathBuf,
        #[arg(long)]
        identity: i64,
        #[arg(long)]
        out: PathBuf,
        /// Why you sign (kept in the signature)
        #[arg(long)]
        reason: Option<String>,
        /// Also embed the validation data (certificates, CRLs) for the long term (PAdES B-LT)
        #[arg(long)]
        ltv: bool,
    },
    /// Verify every signature of a PDF, and whether anything changed after signing
    Verify { file: PathBuf },
    /// Add a document time stamp to a PDF (for archiving; over validation data: PAdES B-LTA)
    Timestamp {
        file: PathBuf,
        /// Write here [default: over FILE]
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Long-term validation data in signed PDFs
    #[command(subcommand)]
    Ltv(LtvCmd),
    /// Trust anchors: the certificate authorities whose paths verification trusts
    #[command(subcommand)]
    Trust(TrustCmd),
    /// Settings of this store (tsa.url: the time-stamping authority signing asks)
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// Search collaborations, agreements, parties, people and clauses (every word must match)
    Search {
        /// The words to look for
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
    },
    /// The contribution ledger: who put in what (append-only; corrections reverse)
    #[command(subcommand)]
    Ledger(LedgerCmd),
    /// Exchange rates for ledger reports, recorded with a date and a source
    #[command(subcommand)]
    Rate(RateCmd),
    /// CRediT contributor roles of the people in a collaboration
    #[command(subcommand)]
    Credit(CreditCmd),
    /// The decision log: append-only, hash-chained, each entry signed
    #[command(subcommand)]
    Decision(DecisionCmd),
    /// Partner exchange: import a partner's signed PDF, compare it with ours, decide, countersign
    #[command(subcommand)]
    Exchange(ExchangeCmd),
    /// Trusted Research due diligence: the questionnaire, answers, rating, approvals
    #[command(subcommand)]
    Diligence(DiligenceCmd),
    /// Offline sanctions screening: import lists, screen a collaboration's parties, clear or confirm
    #[command(subcommand)]
    Screening(ScreeningCmd),
    /// The joint risk register: every change a new version, significant ones in the decision log
    #[command(subcommand)]
    Risk(Box<RiskCmd>),
    /// Obligations and due items: derived from the agreements' clauses, or added by hand
    #[command(subcommand)]
    Obligation(ObligationCmd),
    /// Publication reviews: notice to the other parties, objections, consent, release
    #[command(subcommand)]
    Publication(PublicationCmd),
    /// Every due item as an iCalendar file
    #[command(subcommand)]
    Calendar(CalendarCmd),
    /// The IP register: background, results and their owners, filings, licences and options
    #[command(subcommand)]
    Ip(Box<IpCmd>),
    /// Datasets held for a collaboration (returned or destroyed at exit)
    #[command(subcommand)]
    Dataset(DatasetCmd),
    /// Exit: the trigger, the plan derived from the agreement and registers, certificates, the pack
    #[command(subcommand)]
    Exit(Box<ExitCmd>),
    /// The institution's library over git: publish signed releases, follow and pull them
    #[command(subcommand)]
    Library(LibraryCmd),
}

#[derive(Debug, Subcommand)]
pub enum LtvCmd {
    /// Embed a DSS with every certificate of each signature's path and the CRLs they name
    Add {
        file: PathBuf,
        /// Write here [default: over FILE]
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TrustCmd {
    /// Trust a certificate authority's certificate (PEM or DER) as the root of paths
    Add {
        file: PathBuf,
        /// The anchor's name [default: the certificate's subject]
        #[arg(long)]
        name: Option<String>,
    },
    /// List the trust anchors
    List,
    /// Stop trusting an anchor
    Remove { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    /// Set a setting (tsa.url)
    Set { key: String, value: String },
    /// Show a setting
    Get { key: String },
    /// Clear a setting
    Unset { key: String },
    /// Every setting and its value
    List,
}

#[derive(Debug, Subcommand)]
pub enum IpCmd {
    /// Each party's background (the agreement's background schedule)
    #[command(subcommand)]
    Background(BackgroundCmd),
    /// Results and invention disclosures, with the owner the agreement gives them
    #[command(subcommand)]
    Result(ResultCmd),
    /// Patent applications: their priority and PCT deadlines become due items
    #[command(subcommand)]
    Filing(FilingCmd),
    /// Licences and options granted on a result
    #[command(subcommand)]
    Licence(LicenceCmd),
    /// Copy the background register into a collaboration agreement's schedule (a new revision)
    Bind {
        #[arg(long)]
        agreement: i64,
    },
    /// Every kept version of a record
    History { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum BackgroundCmd {
    /// Add a piece of a party's background
    Add {
        #[arg(long)]
        collab: i64,
        #[arg(long)]
        party: String,
        #[arg(long)]
        item: String,
        #[arg(long, default_value = "")]
        description: String,
        /// Its legal owner, when not the party
        #[arg(long)]
        owner: Option<String>,
        /// Third-party rights and other limits
        #[arg(long, default_value = "")]
        restrictions: String,
        /// Its export control list entry
        #[arg(long)]
        export_control: Option<String>,
        /// On what terms the others may use it
        #[arg(long = "access", default_value = "")]
        access_terms: String,
        /// Expressly kept out of the project
        #[arg(long)]
        excluded: bool,
    },
    /// The background by party, and how it compares with the agreement's (signed) schedule
    List {
        #[arg(long)]
        collab: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum ResultCmd {
    /// Record a result or invention disclosure
    Add {
        #[arg(long)]
        collab: i64,
        #[arg(long)]
        title: String,
        /// The day it was disclosed (YYYY-MM-DD)
        #[arg(long)]
        disclosed: String,
        #[arg(long, default_value = "")]
        description: String,
        /// NAME|PARTY (repeat)
        #[arg(long = "inventor", value_name = "NAME|PARTY")]
        inventors: Vec<String>,
        /// Another party whose personnel contributed (repeat)
        #[arg(long = "contributor")]
        contributors: Vec<String>,
        /// A disclosure document (its SHA-256 is kept, not the file; repeat)
        #[arg(long = "document")]
        documents: Vec<PathBuf>,
    },
    /// The results with their owners
    List {
        #[arg(long)]
        collab: i64,
    },
    /// One result: owner and the clause that decides it, filings, licences
    Show {
        /// IPn (with --collab) or its id
        result: String,
        #[arg(long)]
        collab: Option<i64>,
    },
    /// The owner and why; with --set, overrule it with a reason (a signed decision)
    Owner {
        result: String,
        #[arg(long)]
        collab: Option<i64>,
        /// PARTY:PERCENT (repeat), e.g. --set Ferrant:100
        #[arg(long = "set", value_name = "PARTY:PERCENT")]
        set: Vec<String>,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        identity: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum FilingCmd {
    /// Record a patent application for a result
    Add {
        #[arg(long)]
        result: String,
        #[arg(long)]
        collab: Option<i64>,
        #[arg(long = "number")]
        application_number: String,
        /// GB, EP, US, JP, PCT, ...
        #[arg(long)]
        office: String,
        /// Filing date (YYYY-MM-DD)
        #[arg(long)]
        filed: String,
        /// The priority date claimed, when an earlier application is the first
        #[arg(long)]
        priority: Option<String>,
        /// The publication review whose patent delay protects it
        #[arg(long)]
        publication: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LicenceCmd {
    /// Record a licence or option on a result
    Add {
        #[arg(long)]
        result: String,
        #[arg(long)]
        collab: Option<i64>,
        #[arg(long)]
        licensee: String,
        #[arg(long, value_parser = ["licence", "option"], default_value = "licence")]
        grant: String,
        #[arg(long)]
        exclusive: bool,
        #[arg(long)]
        field: String,
        #[arg(long)]
        territory: String,
        #[arg(long)]
        starts: Option<String>,
        /// The option window's last day, or the licence's end
        #[arg(long)]
        ends: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LibraryCmd {
    /// Publish the approved library as a new signed release to a git remote (commit and push)
    Publish {
        /// The remote: a path, file://, ssh://, git:// or https:// (your own git credentials)
        #[arg(long)]
        remote: String,
        #[arg(long)]
        branch: Option<String>,
        /// The identity that signs the release
        #[arg(long)]
        identity: Option<i64>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Follow a library published at URL, trusting releases signed by these keys
    Follow {
        url: String,
        /// A publisher certificate fingerprint to trust (repeat for more)
        #[arg(long, required = true)]
        trust: Vec<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        branch: Option<String>,
    },
    /// Fetch, check and import new releases (every source, or the one named)
    Pull { name: Option<String> },
    /// The followed sources, the release each is at, and when it was last pulled
    Sources,
    /// Trust another publisher key for a source
    Trust { name: String, fingerprint: String },
    /// The releases this store published
    Releases,
}

#[derive(Debug, Subcommand)]
pub enum DatasetCmd {
    /// Record a dataset
    Add {
        #[arg(long)]
        collab: i64,
        #[arg(long)]
        name: String,
        /// The party that holds it
        #[arg(long)]
        holder: String,
        #[arg(long, value_parser = ["public", "internal", "confidential", "restricted"])]
        tier: String,
        #[arg(long)]
        location: String,
        #[arg(long, default_value = "")]
        description: String,
        /// The party that supplied it (it goes back to them at exit)
        #[arg(long)]
        supplied_by: Option<String>,
    },
    /// The datasets of a collaboration
    List {
        #[arg(long)]
        collab: i64,
    },
}

/// Which exit: by its id, or the one under way in a collaboration.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct WhichExit {
    #[arg(long)]
    pub exit: Option<i64>,
    #[arg(long)]
    pub collab: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum ExitCmd {
    /// Open an exit with its trigger and evidence (a signed decision)
    Start {
        #[arg(long)]
        collab: i64,
        #[arg(long, value_parser = ["sunset", "breach", "insolvency", "change-of-control", "withdrawal", "key-personnel", "by-agreement"])]
        trigger: String,
        /// The party leaving (all triggers but sunset and by-agreement)
        #[arg(long)]
        party: Option<String>,
        /// A file that shows the trigger (its SHA-256 is kept)
        #[arg(long)]
        evidence: Option<PathBuf>,
        #[arg(long)]
        note: Option<String>,
        /// The day it takes effect (default: today)
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        identity: Option<i64>,
    },
    /// The exit plan: what survives, each item's disposition, datasets, accounts, what is undecided
    Show {
        #[command(flatten)]
        which: WhichExit,
    },
    /// Decide an IP item's disposition: stays, assigned, licensed-back, licence-ended, licence-continues
    Decide {
        #[command(flatten)]
        which: WhichExit,
        /// The item's label (IP1, L1) or key
        item: String,
        disposition: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        identity: Option<i64>,
    },
    /// A dataset's certificate of return or sanitisation (signed by its holder), or a retention exception
    Certify {
        #[command(flatten)]
        which: WhichExit,
        /// The dataset's label (D1)
        dataset: String,
        #[arg(long, value_parser = ["clear", "purge", "destroy", "return"], required_unless_present = "retain")]
        method: Option<String>,
        /// The media sanitised or returned
        #[arg(long, required_unless_present = "retain")]
        media: Option<String>,
        /// Who did it
        #[arg(long = "by", required_unless_present = "retain")]
        performed_by: Option<String>,
        /// When (YYYY-MM-DD, default today)
        #[arg(long)]
        date: Option<String>,
        /// How it was verified
        #[arg(long, required_unless_present = "retain")]
        verified: Option<String>,
        /// Where the media went
        #[arg(long, required_unless_present = "retain")]
        media_fate: Option<String>,
        /// Keep it instead, under a logged exception
        #[arg(long, requires = "reason", conflicts_with_all = ["method", "media", "performed_by", "verified", "media_fate"])]
        retain: bool,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        identity: Option<i64>,
    },
    /// Complete the exit (refused while an item is undecided): writes the signed exit pack
    Complete {
        #[command(flatten)]
        which: WhichExit,
        #[arg(long)]
        out: PathBuf,
        /// Where to write the decision-log export (default: beside the pack, .log.json)
        #[arg(long)]
        log: Option<PathBuf>,
        #[arg(long)]
        identity: Option<i64>,
    },
}

/// The fields of a risk, as flags (`risk add` needs the required ones; `risk update` changes
/// only those given).
#[derive(Debug, Args, Default)]
pub struct RiskArgs {
    #[arg(long)]
    pub title: Option<String>,
    /// research_security, data, ip, financial, legal, reputational, operational or people
    #[arg(long)]
    pub category: Option<String>,
    #[arg(long)]
    pub cause: Option<String>,
    #[arg(long)]
    pub event: Option<String>,
    #[arg(long)]
    pub consequence: Option<String>,
    /// The party that raised it (id or name)
    #[arg(long)]
    pub raised_by: Option<String>,
    /// The party that owns it (id or name)
    #[arg(long)]
    pub owner_party: Option<String>,
    /// The person who owns it
    #[arg(long)]
    pub owner: Option<String>,
    /// Inherent likelihood and impact, 1-5 each: L,I (e.g. 4,5)
    #[arg(long, value_name = "L,I")]
    pub inherent: Option<String>,
    /// Residual likelihood and impact after treatment: L,I (or "none")
    #[arg(long, value_name = "L,I")]
    pub residual: Option<String>,
    #[arg(long)]
    pub controls: Option<String>,
    /// avoid, reduce_likelihood, reduce_consequence, share or accept (or "none")
    #[arg(long)]
    pub treatment: Option<String>,
    /// An action: TEXT|OWNER|DUE (repeat; replaces the actions)
    #[arg(long = "action", value_name = "TEXT|OWNER|DUE")]
    pub actions: Vec<String>,
    /// open, treating, accepted or closed
    #[arg(long)]
    pub status: Option<String>,
    /// The next review date (YYYY-MM-DD)
    #[arg(long)]
    pub next_review: Option<String>,
    /// shared (with the partners) or internal
    #[arg(long)]
    pub visibility: Option<String>,
    /// clause:ID, obligation:ID, agreement:ID or question:SUBJECT/QUESTION (repeat; replaces the links)
    #[arg(long = "link")]
    pub links: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum RiskCmd {
    /// Add a risk (a decision-log entry); prints its label (R1, R2, ...)
    Add {
        #[arg(long)]
        collab: i64,
        #[command(flatten)]
        fields: RiskArgs,
        /// The identity that signs the log entry (default: your only identity)
        #[arg(long)]
        identity: Option<i64>,
    },
    /// Record a new version of a risk with the fields given changed
    Update {
        /// R3 (with --collab) or the risk's id
        risk: String,
        #[arg(long)]
        collab: Option<i64>,
        #[command(flatten)]
        fields: RiskArgs,
        /// Why it changed
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        identity: Option<i64>,
    },
    /// The register, with the heat map
    List {
        #[arg(long)]
        collab: i64,
        /// Only the risks shared with the partners
        #[arg(long)]
        shared: bool,
    },
    /// One risk, whole
    Show {
        risk: String,
        #[arg(long)]
        collab: Option<i64>,
    },
    /// Every version of a risk, with what changed
    History {
        risk: String,
        #[arg(long)]
        collab: Option<i64>,
    },
    /// The register as CSV or JSON (only shared risks with --shared)
    Export {
        #[arg(long)]
        collab: i64,
        #[arg(long, value_enum, default_value = "csv")]
        format: RegisterFormat,
        #[arg(long)]
        shared: bool,
        /// Write here instead of standard output
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The register as a PDF with its heat maps
    Report {
        #[arg(long)]
        collab: i64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        shared: bool,
    },
    /// Create or raise the risks the Trusted Research answers call for
    Sync {
        #[arg(long)]
        collab: i64,
        #[arg(long)]
        identity: Option<i64>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RegisterFormat {
    Csv,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum ObligationCmd {
    /// Open obligations, soonest first (derived from the agreements as they stand)
    List {
        #[arg(long)]
        collab: Option<i64>,
        /// Only those due within this long (e.g. 30d, 8w, 3m), overdue ones included
        #[arg(long, value_name = "30d")]
        due_within: Option<String>,
        /// Only those past their date
        #[arg(long)]
        overdue: bool,
        /// Done, waived and withdrawn ones too
        #[arg(long)]
        all: bool,
    },
    /// One obligation
    Show { id: i64 },
    /// Mark an obligation done, with evidence (a decision-log entry)
    Done {
        id: i64,
        /// What was done
        #[arg(long, default_value = "")]
        note: String,
        /// A file that shows it (its SHA-256 is kept)
        #[arg(long)]
        evidence: Option<PathBuf>,
        #[arg(long)]
        identity: Option<i64>,
    },
    /// Waive an obligation, with the reason (a decision-log entry)
    Waive {
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        identity: Option<i64>,
    },
    /// Add an obligation by hand
    Add {
        #[arg(long)]
        collab: i64,
        #[arg(long)]
        title: String,
        /// YYYY-MM-DD
        #[arg(long)]
        due: String,
        /// reporting, deliverable, meeting, data_return, ... (default other)
        #[arg(long)]
        kind: Option<String>,
        /// The party it falls on (id or name; default all parties)
        #[arg(long)]
        party: Option<String>,
        /// The agreement it comes from
        #[arg(long)]
        agreement: Option<i64>,
        /// The clause it comes from
        #[arg(long)]
        clause: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Days before the date to remind (default 14)
        #[arg(long)]
        remind: Option<u32>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PublicationCmd {
    /// Send a proposed publication to the other parties for review
    Notify {
        #[arg(long)]
        collab: i64,
        #[arg(long)]
        title: String,
        /// The manuscript (its SHA-256 is recorded)
        #[arg(long)]
        file: PathBuf,
        #[arg(long)]
        venue: Option<String>,
        /// The intended submission date (after the notice period)
        #[arg(long)]
        submit_by: Option<String>,
        /// The publishing party (default: the lead)
        #[arg(long)]
        party: Option<String>,
        #[arg(long)]
        identity: Option<i64>,
    },
    /// Record another party's objection within the review window
    Object {
        publication: i64,
        #[arg(long, value_parser = ["confidential", "patent", "background"])]
        ground: String,
        #[arg(long)]
        party: String,
        #[arg(long)]
        note: String,
        #[arg(long)]
        identity: Option<i64>,
    },
    /// Record a party's consent
    Consent {
        publication: i64,
        #[arg(long)]
        party: String,
        #[arg(long, default_value = "consents")]
        note: String,
        #[arg(long)]
        identity: Option<i64>,
    },
    /// Resolve an objection (material removed, or the application filed)
    Resolve {
        publication: i64,
        /// The objection's number (from publication show)
        #[arg(long)]
        objection: i64,
        #[arg(long)]
        note: String,
        /// The revised version without the material (its SHA-256 is recorded)
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long)]
        identity: Option<i64>,
    },
    /// Release it: refused while the window is open (unless all consented) or an objection is open
    Release {
        publication: i64,
        #[arg(long)]
        doi: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        identity: Option<i64>,
    },
    /// Publications and their reviews
    List {
        #[arg(long)]
        collab: Option<i64>,
    },
    /// One publication with its review
    Show { publication: i64 },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCmd {
    /// Write every due item as RFC 5545 all-day events (re-export to update the same events)
    Export {
        #[arg(long)]
        collab: Option<i64>,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum DiligenceCmd {
    /// The questions of the questionnaire in force, with their help, sources and rules
    Questions,
    /// Store a changed questionnaire file as a new version
    Import { file: PathBuf },
    /// Answer questions about the work (or, with --party, about a partner): a new assessment revision
    Answer {
        #[arg(long)]
        collab: i64,
        /// The partner the answers are about (partner questions)
        #[arg(long)]
        party: Option<i64>,
        /// QUESTION=ANSWER (repeat); lists are comma-separated
        #[arg(long = "set", value_name = "QUESTION=ANSWER")]
        set: Vec<String>,
        /// A JSON file of answers: {"work": {...}, "party:ID": {...}}
        #[arg(long, conflicts_with_all = ["set", "party"])]
        file: Option<PathBuf>,
        /// Why the answers changed
        #[arg(long)]
        note: Option<String>,
    },
    /// The rating with its reasons, required clauses and approvals, and what blocks signing
    Show {
        #[arg(long)]
        collab: i64,
    },
    /// The due-diligence record as a PDF (answers, rating, screening, approvals), signed if asked
    Report {
        #[arg(long)]
        collab: i64,
        #[arg(long)]
        out: PathBuf,
        /// The identity that signs the record
        #[arg(long)]
        sign: Option<i64>,
    },
    /// Approve the current answers and screening for a reviewer role (a signed decision-log entry)
    Approve {
        #[arg(long)]
        collab: i64,
        /// The reviewer role (see: steward diligence questions)
        #[arg(long)]
        role: String,
        #[arg(long)]
        identity: i64,
        /// What was checked
        #[arg(long)]
        note: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScreeningCmd {
    /// Import list files (a file, several, or a folder of one release), recognised by content
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// The imported lists: name, date, entries, SHA-256
    Lists,
    /// Screen every party of a collaboration against every imported list
    Check {
        #[arg(long)]
        collab: i64,
    },
    /// Clear a possible match: the party is not the listed one
    Clear {
        /// The match's number (from screening check)
        #[arg(name = "match")]
        match_id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Confirm a possible match: the party is the listed one (a block)
    Confirm {
        #[arg(name = "match")]
        match_id: i64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExchangeCmd {
    /// Verify a partner's PDF and import the draft it carries (refused, with the reason, if any
    /// signature fails or the draft is not the one signed); or read a partner's edited Word file
    /// (.docx we exported) as proposed changes, kept as an unsigned draft. Prints the received
    /// draft's id
    Import {
        file: PathBuf,
        /// For an agreement new to this store: the collaboration to put it in [default: a new
        /// one named after the agreement, with the parties it names]
        #[arg(long)]
        collab: Option<i64>,
        /// Accept a file without signatures, kept and shown as an unsigned draft
        #[arg(long)]
        unsigned: bool,
        /// Accept a party's signature with a key other than the one pinned for it (a new key):
        /// recorded as a decision signed by --identity
        #[arg(long, requires = "identity")]
        accept_new_key: bool,
        /// The identity that signs the decision accepting a new key
        #[arg(long)]
        identity: Option<i64>,
    },
    /// Received drafts, newest first
    List {
        #[arg(long)]
        agreement: Option<i64>,
    },
    /// Compare a received draft with our latest revision: each change, then the redline
    Show {
        id: i64,
        /// text, html or json (json is also what --json gives)
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Accept some changes and reject the others (name each one: value:NAME, clause:ID,
    /// fallback:ID, title, or `all`); accepted ones make a new revision, and the decision is
    /// signed into the collaboration's decision log
    Decide {
        id: i64,
        #[arg(long = "accept")]
        accept: Vec<String>,
        #[arg(long = "reject")]
        reject: Vec<String>,
        /// The identity that signs the decision log entry
        #[arg(long)]
        identity: i64,
    },
    /// Countersign the partner's file exactly as received (their signatures stay valid)
    Countersign {
        id: i64,
        #[arg(long)]
        identity: i64,
        #[arg(long)]
        out: PathBuf,
    },
}

/// The fields of a ledger entry, as flags.
#[derive(Debug, Args)]
pub struct EntryArgs {
    /// The party: its id, short name or legal name
    #[arg(long)]
    pub party: String,
    /// Optionally a person of that party: id, e-mail or name
    #[arg(long)]
    pub person: Option<String>,
    /// cash, staff_time, background_ip, data, equipment, facilities or materials
    #[arg(long)]
    pub category: String,
    /// Money in major units (1234.56); or give --hours / --fte-months with --rate
    #[arg(long, allow_hyphen_values = true)]
    pub amount: Option<String>,
    /// ISO 4217 code (GBP, EUR, JPY, ...)
    #[arg(long)]
    pub currency: String,
    #[arg(long, allow_hyphen_values = true)]
    pub hours: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub fte_months: Option<String>,
    /// Money per hour or per FTE-month, in --currency
    #[arg(long, allow_hyphen_values = true)]
    pub rate: Option<String>,
    /// When the contribution was made (YYYY-MM-DD)
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub description: String,
    /// Evidence: a note
    #[arg(long, conflicts_with = "evidence_file")]
    pub evidence: Option<String>,
    /// Evidence: a file, recorded by its SHA-256 (the file itself is not stored)
    #[arg(long)]
    pub evidence_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum LedgerCmd {
    /// Record a contribution; prints its id. With --replaces, the old entry is reversed and the
    /// new one linked to it
    Add {
        #[arg(long)]
        collab: i64,
        #[command(flatten)]
        entry: Box<EntryArgs>,
        /// Correct this entry: reverse it and record this one in its place
        #[arg(long)]
        replaces: Option<i64>,
    },
    /// Reverse an entry (an entry with the opposite amount, linked; nothing is deleted)
    Reverse {
        #[arg(long)]
        collab: i64,
        entry: i64,
        #[arg(long)]
        reason: String,
    },
    /// List a collaboration's entries, oldest first
    List {
        #[arg(long)]
        collab: i64,
    },
    /// Totals per party and category in one currency, and each party's share (sums to 100.00)
    Report {
        #[arg(long)]
        collab: i64,
        /// Report currency [default: the ledger's currency, when it has only one]
        #[arg(long)]
        currency: Option<String>,
        /// Count entries dated on or before this day (YYYY-MM-DD)
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Import entries from CSV: all or nothing; every bad row is reported with its line
    Import {
        #[arg(long)]
        collab: i64,
        file: PathBuf,
    },
    /// Export the ledger as CSV (to a file, or standard output)
    Export {
        #[arg(long)]
        collab: i64,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Copy the shares and totals as of a date into a collaboration agreement (a new revision)
    Bind {
        #[arg(long)]
        agreement: i64,
        #[arg(long)]
        as_of: String,
        #[arg(long)]
        currency: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RateCmd {
    /// Record that 1 FROM was worth RATE TO on DATE
    Add {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long, allow_hyphen_values = true)]
        rate: String,
        #[arg(long)]
        date: String,
        /// Where the rate comes from (e.g. a central bank's reference rate)
        #[arg(long)]
        source: String,
    },
    /// List recorded rates
    List,
}

#[derive(Debug, Subcommand)]
pub enum CreditCmd {
    /// Record a person's CRediT role and degree (lead, equal or supporting)
    Set {
        #[arg(long)]
        collab: i64,
        #[arg(long)]
        person: i64,
        /// One of the 14 CRediT roles, e.g. conceptualization or "Writing – review & editing"
        #[arg(long)]
        role: String,
        #[arg(long)]
        degree: String,
    },
    /// List the roles recorded in a collaboration
    List {
        #[arg(long)]
        collab: i64,
    },
    /// Copy the contributor statement into a publication agreement (a new revision)
    Bind {
        #[arg(long)]
        agreement: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum DecisionCmd {
    /// Append a decision, signed by an identity's key; prints its number in the log
    Add {
        #[arg(long)]
        collab: i64,
        #[arg(long)]
        title: String,
        #[arg(long)]
        decision: Option<String>,
        #[arg(long)]
        rationale: Option<String>,
        /// Someone who took part (repeat for each)
        #[arg(long = "participant")]
        participants: Vec<String>,
        /// The day it was taken [default: today]
        #[arg(long)]
        date: Option<String>,
        /// What it touches: agreement:ID, clause:ID, party:ID, ledger:ID or decision:N (repeat)
        #[arg(long = "link")]
        links: Vec<String>,
        /// The entry (number) this one amends
        #[arg(long)]
        supersedes: Option<u64>,
        /// The signing identity of the author
        #[arg(long)]
        identity: i64,
    },
    /// List the log, oldest first
    List {
        #[arg(long)]
        collab: i64,
    },
    /// Recompute the chain and check every signature; names the first broken entry. Exit 0 only
    /// when intact
    Verify {
        #[arg(long, required_unless_present = "file")]
        collab: Option<i64>,
        /// Verify an exported log file instead (no database needed)
        #[arg(long, conflicts_with = "collab")]
        file: Option<PathBuf>,
    },
    /// Sign a checkpoint of the log's head (for a log from a Steward that did not sign them):
    /// only an intact log is signed
    Checkpoint {
        #[arg(long)]
        collab: i64,
        #[arg(long)]
        identity: i64,
    },
    /// Export the log as JSON with hashes, signatures and the authors' certificates
    Export {
        #[arg(long)]
        collab: i64,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum IdentityCmd {
    /// Create a key pair (kept in the OS credential store) and a self-signed certificate
    New {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        org: Option<String>,
        /// The kind of key pair
        #[arg(long, value_enum, default_value_t = KeyChoice::P256)]
        key: KeyChoice,
    },
    /// Import an institution's certificate and key from a PKCS#12 (.p12) file
    Import {
        file: PathBuf,
        /// Read the password from standard input instead of a prompt
        #[arg(long)]
        password_stdin: bool,
    },
    /// List identities with their certificate fingerprints
    List,
    /// Write an identity's certificate as PEM (for a partner to pin or a colleague to trust)
    Export {
        id: i64,
        #[arg(long, value_name = "FILE.pem")]
        out: PathBuf,
    },
    /// Remove an identity: its private key is deleted from the credential store; its
    /// certificate is kept, so what it signed still verifies
    Remove {
        id: i64,
        /// Confirm: the key cannot be recovered afterwards
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TemplateCmd {
    /// List every clause and agreement kind with its versions
    List,
    /// Show a template's versions, content and review history
    Show {
        id: String,
        /// The version to show [default: the newest]
        #[arg(long)]
        version: Option<i64>,
        /// Print the version as its template file (front matter and body), to edit and propose
        #[arg(long)]
        file: bool,
    },
    /// Check a folder (or file) of templates as the library would before importing it
    Check { path: PathBuf },
    /// Import a folder (or file) of templates as new draft versions, after checking them
    Import { path: PathBuf },
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Clause (or kind) id
    pub id: String,
    /// The version [default: the newest that can take this step]
    #[arg(long)]
    pub version: Option<i64>,
    /// Why (kept in the review history)
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ClauseCmd {
    /// Approve a draft version: new agreements use it
    Approve(ReviewArgs),
    /// Reject a draft version
    Reject(ReviewArgs),
    /// Deprecate an approved version: new agreements stop using it (refused for the only approved
    /// version of a clause an agreement kind needs)
    Deprecate(ReviewArgs),
    /// Put a deprecated version back into use (a new review entry; the history is kept)
    Reinstate(ReviewArgs),
    /// Propose an edited template file as the next draft version of a clause (or kind); write
    /// the file to edit with `template show ID --file`
    Propose {
        /// Clause (or kind) id
        id: String,
        /// The edited template file
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// What the new version changes and why (kept in its review history)
        #[arg(long)]
        note: String,
    },
}

#[derive(Debug, Args, Default)]
pub struct ValueArgs {
    /// Set a variable or answer a question: NAME=VALUE (repeatable)
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// A JSON file of variable values (and optional "@fallbacks")
    #[arg(long, value_name = "FILE.json")]
    pub vars: Option<PathBuf>,
    /// Use a fallback wording for a clause: CLAUSE=FALLBACK (empty to go back)
    #[arg(long = "fallback", value_name = "CLAUSE=ID")]
    pub fallback: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum AgreementCmd {
    /// Draft a new agreement; prints its id
    New {
        #[arg(long)]
        collab: i64,
        /// nda-mutual, nda-one-way, publication or collaboration
        #[arg(long)]
        kind: String,
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        values: ValueArgs,
    },
    /// Change values of an agreement: saves a new revision
    Set {
        id: i64,
        #[command(flatten)]
        values: ValueArgs,
        /// What changed and why
        #[arg(long)]
        note: Option<String>,
    },
    /// Move an agreement to the newest approved clause versions (a new revision)
    Upgrade { id: i64 },
    /// List agreements, optionally of one collaboration
    List {
        #[arg(long)]
        collab: Option<i64>,
    },
    /// Show an agreement: revisions, values, pinned clause versions
    Show { id: i64 },
    /// Render an agreement as text, HTML or the JSON document model
    Render {
        id: i64,
        #[arg(long)]
        revision: Option<i64>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Write to a file instead of standard output
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Export as PDF (with the machine-readable draft inside), optionally signed; or as a Word
    /// document for a partner to edit (--format docx: unsigned, its clauses marked so that the
    /// partner's edits come back with `exchange import`)
    Export {
        id: i64,
        #[arg(long)]
        out: PathBuf,
        /// pdf or docx
        #[arg(long, value_enum, default_value_t = ExportFormat::Pdf)]
        format: ExportFormat,
        /// Sign with this identity
        #[arg(long)]
        sign: Option<i64>,
        #[arg(long)]
        revision: Option<i64>,
        /// With --sign: also embed the validation data for the long term (PAdES B-LT)
        #[arg(long, requires = "sign")]
        ltv: bool,
    },
    /// Compare two revisions: clause by clause, then word by word
    Diff {
        id: i64,
        #[arg(long)]
        from: i64,
        #[arg(long)]
        to: i64,
        /// text, html or json (--json also gives json)
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Debug, Args, Default)]
pub struct CollabFields {
    /// A short summary of the work
    #[arg(long)]
    pub summary: Option<String>,
    /// planning, active or closed
    #[arg(long)]
    pub status: Option<String>,
    /// Start date, YYYY-MM-DD
    #[arg(long = "start", alias = "start-date", value_name = "DATE")]
    pub start_date: Option<String>,
    /// End date, YYYY-MM-DD
    #[arg(long = "end", alias = "end-date", value_name = "DATE")]
    pub end_date: Option<String>,
    /// Sunset date (when surviving obligations end), YYYY-MM-DD
    #[arg(long = "sunset", alias = "sunset-date", value_name = "DATE")]
    pub sunset_date: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CollabCmd {
    /// Create a collaboration; prints its id
    New {
        #[arg(long)]
        title: String,
        #[command(flatten)]
        fields: CollabFields,
    },
    /// List collaborations (archived ones with --all)
    List {
        #[arg(long)]
        all: bool,
    },
    /// Show one collaboration with its parties and people
    Show { id: i64 },
    /// Change fields of a collaboration (an empty value clears an optional field)
    Edit {
        id: i64,
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        fields: CollabFields,
    },
    /// Archive a collaboration: hidden from lists, nothing deleted
    Archive { id: i64 },
    /// Bring an archived collaboration back
    Restore { id: i64 },
    /// Add a party to a collaboration in a role (lead, partner, funder, subcontractor)
    AddParty {
        id: i64,
        #[arg(long)]
        party: i64,
        #[arg(long, default_value = "partner")]
        role: String,
    },
    /// Change a party's role in a collaboration
    SetRole {
        id: i64,
        #[arg(long)]
        party: i64,
        #[arg(long)]
        role: String,
    },
    /// Take a party out of a collaboration
    RemoveParty {
        id: i64,
        #[arg(long)]
        party: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum PartyCmd {
    /// Add an organisation; prints its id
    Add {
        /// Full legal name
        #[arg(long, alias = "legal-name")]
        name: String,
        /// ISO 3166-1 alpha-2 country code (GB, DE, JP, ...)
        #[arg(long)]
        country: String,
        /// A short name for lists and running text
        #[arg(long)]
        short_name: Option<String>,
        /// university, research_institute, company, funder, government or other
        #[arg(long)]
        kind: Option<String>,
        /// Company or charity registration number
        #[arg(long, alias = "registration-number")]
        reg_no: Option<String>,
        /// Registered address
        #[arg(long)]
        address: Option<String>,
    },
    /// List parties (archived ones with --all)
    List {
        #[arg(long)]
        all: bool,
    },
    /// Show one party
    Show { id: i64 },
    /// Archive a party: kept for the records that refer to it, hidden from lists
    Archive { id: i64 },
    /// Delete a party that nothing refers to
    Remove { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum PersonCmd {
    /// Add a person to a party; prints their id
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// The party (organisation) they belong to
        #[arg(long)]
        party: i64,
        /// ORCID iD, e.g. 0000-0002-1825-0097
        #[arg(long)]
        orcid: Option<String>,
    },
    /// List people, optionally of one party or one collaboration
    List {
        #[arg(long)]
        party: Option<i64>,
        #[arg(long)]
        collab: Option<i64>,
        #[arg(long)]
        all: bool,
    },
    /// Archive a person
    Archive { id: i64 },
    /// Correct a person's name, e-mail address or ORCID iD (options left out stay as they are)
    Edit {
        id: i64,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// ORCID iD ("" to clear it)
        #[arg(long)]
        orcid: Option<String>,
    },
    /// Remove a person: deleted when no record names them, else archived
    Remove { id: i64 },
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}

/// How a document or a comparison is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Html,
    Json,
}

/// What `agreement export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// PDF with the machine-readable draft inside (can be signed)
    Pdf,
    /// Word document (.docx) that knows its clauses, for a partner to edit (never signed)
    Docx,
}

/// The kind of a new identity's key pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyChoice {
    /// ECDSA on the NIST P-256 curve
    P256,
    /// RSA with a 3072-bit modulus
    Rsa3072,
}

impl KeyChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyChoice::P256 => "p256",
            KeyChoice::Rsa3072 => "rsa3072",
        }
    }
}
