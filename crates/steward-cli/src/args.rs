//! The command line, as clap sees it. Verbs, flags and `--json` output are a public interface:
//! add freely, never rename or remove.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "steward",
    version,
    about = "Research-collaboration agreements and IP stewardship, on your own machine",
    propagate_version = true
)]
pub struct Cli {
    /// The store to use [default: the platform data folder, e.g. ~/.local/share/steward/steward.db]
    #[arg(long, global = true, env = "STEWARD_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Machine-readable JSON output (on stdout; errors as JSON on stderr)
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the store (or upgrade it) and say where it is
    Init,
    /// Add the demo collaboration: a UK university, an overseas university and a company
    Demo,
    /// Collaborations: create, list, show, edit, archive, and who takes part
    #[command(subcommand)]
    Collab(CollabCmd),
    /// Parties: the organisations that take part
    #[command(subcommand)]
    Party(PartyCmd),
    /// People: who works for a party
    #[command(subcommand)]
    Person(PersonCmd),
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
}
