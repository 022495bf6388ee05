//! One file per noun of the command line; each verb is one call into steward-core plus output.

pub(crate) mod agreement;
pub(crate) mod collab;
pub(crate) mod decision;
pub(crate) mod diligence;
pub(crate) mod documents;
pub(crate) mod exchange;
pub(crate) mod identity;
pub(crate) mod ip;
pub(crate) mod lasting;
pub(crate) mod ledger;
pub(crate) mod library;
pub(crate) mod party;
pub(crate) mod running;
pub(crate) mod sources;
