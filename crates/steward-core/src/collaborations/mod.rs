//! Collaborations, the parties (institutions) in them and their people. Records that others
//! refer to are archived, not deleted.

mod health;

use crate::error::{Error, Result};
use crate::{
    Collaboration, CollaborationDetail, CollaborationPatch, CollaborationSummary, Id, NewCollaboration, NewParty,
    NewPerson, Party, Person, Role, Steward, domain,
};

impl Steward {
    // ---- collaborations ----

    pub fn create_collaboration(&mut self, new: &NewCollaboration) -> Result<Id> {
        let fields = domain::CollabFields::merge(None, &new.into())?;
        let id = self.store.insert_collaboration(&fields, self.clock.now())?;
        self.store.set_collaboration_uid(id, &self.ids.new_uid())?;
        Ok(id)
    }

    pub fn update_collaboration(&mut self, id: Id, patch: &CollaborationPatch) -> Result<Collaboration> {
        let base = self.store.collaboration(id)?;
        let fields = domain::CollabFields::merge(Some(&base), patch)?;
        self.store.update_collaboration(id, &fields, self.clock.now())?;
        self.store.collaboration(id)
    }

    /// Hides a collaboration from the default lists; nothing is deleted.
    pub fn archive_collaboration(&mut self, id: Id) -> Result<()> {
        let now = self.clock.now();
        self.store.set_collaboration_archived(id, Some(now), now)
    }

    pub fn restore_collaboration(&mut self, id: Id) -> Result<()> {
        self.store.set_collaboration_archived(id, None, self.clock.now())
    }

    pub fn collaborations(&self, include_archived: bool) -> Result<Vec<CollaborationSummary>> {
        self.store.collaborations(include_archived)
    }

    /// The collaborations list with each one's health: its obligations brought up to date first.
    pub fn collaboration_overview(&mut self, include_archived: bool) -> Result<Vec<CollaborationSummary>> {
        self.refresh_obligations(None)?;
        let mut list = self.store.collaborations(include_archived)?;
        let health = self.health_of(&list)?;
        for c in &mut list {
            c.health = health.get(&c.collaboration.id).cloned();
        }
        Ok(list)
    }

    pub fn collaboration(&self, id: Id) -> Result<CollaborationDetail> {
        let collaboration = self.store.collaboration(id)?;
        let members = self.store.members(id)?;
        let people = self.store.people(None, Some(id), false)?;
        Ok(CollaborationDetail { collaboration, members, people })
    }

    /// Adds a party to a collaboration in a role. Archived records cannot gain members.
    pub fn add_member(&mut self, collab: Id, party: Id, role: Role) -> Result<()> {
        let c = self.store.collaboration(collab)?;
        let p = self.store.party(party)?;
        if c.archived {
            return Err(Error::Conflict(format!("collaboration {collab} is archived; restore it first")));
        }
        if p.archived {
            return Err(Error::Conflict(format!("party {party} ({}) is archived", p.display_name())));
        }
        let now = self.clock.now();
        self.store.add_member(collab, party, role, now)
    }

    pub fn set_member_role(&mut self, collab: Id, party: Id, role: Role) -> Result<()> {
        if self.store.set_member_role(collab, party, role)? {
            Ok(())
        } else {
            Err(Error::not_found("membership", format!("of party {party} in collaboration {collab}")))
        }
    }

    pub fn remove_member(&mut self, collab: Id, party: Id) -> Result<()> {
        if self.store.remove_member(collab, party)? {
            Ok(())
        } else {
            Err(Error::not_found("membership", format!("of party {party} in collaboration {collab}")))
        }
    }

    // ---- parties ----

    pub fn add_party(&mut self, new: &NewParty) -> Result<Id> {
        let fields = domain::PartyFields::validate(new)?;
        self.store.insert_party(&fields, self.clock.now())
    }

    pub fn parties(&self, include_archived: bool) -> Result<Vec<Party>> {
        self.store.parties(include_archived)
    }

    pub fn party(&self, id: Id) -> Result<Party> {
        self.store.party(id)
    }

    pub fn archive_party(&mut self, id: Id) -> Result<()> {
        self.store.set_party_archived(id, Some(self.clock.now()))
    }

    /// Deletes a party that nothing refers to; otherwise a conflict that says to archive it.
    pub fn remove_party(&mut self, id: Id) -> Result<()> {
        self.store.delete_party(id)
    }

    // ---- people ----

    pub fn add_person(&mut self, new: &NewPerson) -> Result<Id> {
        let fields = domain::PersonFields::validate(new)?;
        let party = self.store.party(new.party_id).map_err(|e| match e {
            Error::NotFound { .. } => Error::invalid("party", format!("there is no party {}", new.party_id)),
            e => e,
        })?;
        if party.archived {
            return Err(Error::Conflict(format!("party {} ({}) is archived", party.id, party.display_name())));
        }
        self.store.insert_person(party.id, &fields, self.clock.now())
    }

    pub fn people(&self, party: Option<Id>, collab: Option<Id>, include_archived: bool) -> Result<Vec<Person>> {
        if let Some(p) = party {
            self.store.party(p)?;
        }
        if let Some(c) = collab {
            self.store.collaboration(c)?;
        }
        self.store.people(party, collab, include_archived)
    }

    pub fn archive_person(&mut self, id: Id) -> Result<()> {
        self.store.set_person_archived(id, Some(self.clock.now()))
    }

    /// Corrects a person's name, e-mail address or ORCID iD (checked as when they were added;
    /// their party stays).
    pub fn update_person(&mut self, id: Id, name: &str, email: &str, orcid: Option<&str>) -> Result<Person> {
        let current = self.person(id)?;
        let new = NewPerson {
            name: name.to_string(),
            email: email.to_string(),
            orcid: orcid.map(str::to_string),
            party_id: current.party_id,
        };
        let fields = domain::PersonFields::validate(&new)?;
        self.store.update_person(id, &fields)?;
        self.person(id)
    }

    /// Removes a person: deleted when no record names them, else archived (their ledger entries
    /// and credit roles keep naming them). Says which.
    pub fn remove_person(&mut self, id: Id) -> Result<PersonRemoval> {
        self.person(id)?;
        if self.store.delete_person(id)? {
            Ok(PersonRemoval::Deleted)
        } else {
            self.store.set_person_archived(id, Some(self.clock.now()))?;
            Ok(PersonRemoval::Archived)
        }
    }

    /// One person, archived or not.
    pub fn person(&self, id: Id) -> Result<Person> {
        self.store
            .people(None, None, true)?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| Error::not_found("person", id))
    }
}

/// What removing a person came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PersonRemoval {
    /// No record named them: gone.
    Deleted,
    /// Records name them: kept, archived.
    Archived,
}

#[cfg(test)]
mod tests {
    use crate::*;
    use chrono::TimeZone;

    fn steward() -> Steward {
        let clock = FixedClock::ticking(
            chrono::Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).single().expect("valid"),
            chrono::Duration::seconds(1),
        );
        Steward::open_in_memory(Arc::new(clock)).expect("store")
    }

    fn party(s: &mut Steward, name: &str, country: &str) -> Id {
        s.add_party(&NewParty { legal_name: name.into(), country: country.into(), ..Default::default() })
            .expect("party")
    }

    #[test]
    fn collaboration_round_trip() {
        let mut s = steward();
        let id = s
            .create_collaboration(&NewCollaboration {
                title: "Sensors".into(),
                start_date: Some("2027-01-01".into()),
                end_date: Some("2028-12-31".into()),
                ..Default::default()
            })
            .expect("create");
        let a = party(&mut s, "Northmoor University", "gb");
        let b = party(&mut s, "Ferrant GmbH", "DE");
        s.add_member(id, b, Role::Partner).expect("member");
        s.add_member(id, a, Role::Lead).expect("member");
        let d = s.collaboration(id).expect("detail");
        assert_eq!(d.collaboration.title, "Sensors");
        assert!(d.collaboration.created_at.to_rfc3339().starts_with("2026-11-01T09:00:0"), "stamped by the test clock");
        let names: Vec<_> = d.members.iter().map(|m| (m.role, m.party.legal_name.as_str())).collect();
        assert_eq!(names, [(Role::Lead, "Northmoor University"), (Role::Partner, "Ferrant GmbH")]);
        let list = s.collaborations(false).expect("list");
        assert_eq!(list[0].countries, ["DE", "GB"]);
        assert_eq!(list[0].member_count, 2);

        let err = s.add_member(id, a, Role::Funder).expect_err("duplicate");
        assert_eq!(err.kind(), ErrorKind::Conflict);
        s.set_member_role(id, a, Role::Funder).expect("role");
        assert_eq!(s.collaboration(id).expect("d").members[1].role, Role::Funder);
    }

    #[test]
    fn archive_instead_of_delete() {
        let mut s = steward();
        let id = s.create_collaboration(&NewCollaboration { title: "X".into(), ..Default::default() }).expect("c");
        let p = party(&mut s, "Lonely Ltd", "GB");
        let q = party(&mut s, "Busy Ltd", "GB");
        s.add_member(id, q, Role::Partner).expect("m");
        s.remove_party(p).expect("unreferenced parties may go");
        let err = s.remove_party(q).expect_err("referenced");
        assert_eq!(err.kind(), ErrorKind::Conflict);
        assert!(err.to_string().contains("archive it instead"), "{err}");
        s.archive_party(q).expect("archive");
        assert!(s.parties(false).expect("l").is_empty());
        assert_eq!(s.parties(true).expect("l").len(), 1);
        s.archive_collaboration(id).expect("archive");
        assert!(s.collaborations(false).expect("l").is_empty());
        assert!(s.collaborations(true).expect("l")[0].collaboration.archived);
        s.restore_collaboration(id).expect("restore");
        assert_eq!(s.collaborations(false).expect("l").len(), 1);
    }

    #[test]
    fn people_belong_to_parties() {
        let mut s = steward();
        let p = party(&mut s, "Northmoor University", "GB");
        let new = NewPerson { name: "Ada Byron".into(), email: "ada@northmoor.ac.uk".into(), orcid: None, party_id: p };
        s.add_person(&new).expect("person");
        assert_eq!(s.add_person(&new).expect_err("dup").kind(), ErrorKind::Conflict);
        let err =
            s.add_person(&NewPerson { party_id: 99, email: "x@y.org".into(), ..new.clone() }).expect_err("no party");
        assert_eq!(err.field_errors()[0].field, "party");
        assert_eq!(s.people(Some(p), None, false).expect("l").len(), 1);
        assert_eq!(s.people(Some(42), None, false).expect_err("nf").kind(), ErrorKind::NotFound);
    }

    #[test]
    fn update_validates_the_merged_record() {
        let mut s = steward();
        let id = s
            .create_collaboration(&NewCollaboration {
                title: "X".into(),
                start_date: Some("2027-06-01".into()),
                ..Default::default()
            })
            .expect("c");
        let err = s
            .update_collaboration(id, &CollaborationPatch { end_date: Some("2027-01-01".into()), ..Default::default() })
            .expect_err("end before start");
        assert_eq!(err.field_errors()[0].field, "end_date");
        let c = s
            .update_collaboration(id, &CollaborationPatch { status: Some("active".into()), ..Default::default() })
            .expect("ok");
        assert_eq!(c.status, CollabStatus::Active);
        assert!(c.updated_at > c.created_at);
    }
}
