// Records the screens' tests share: one demo collaboration, its parties and people, an identity.
import type { Collaboration, CollaborationSummary, Identity, Member, Person } from "../bindings";

export const collaborationRecord: Collaboration = {
  id: 1,
  title: "Low-loss superconducting resonators",
  summary: null,
  status: "active",
  start_date: "2027-01-01",
  end_date: "2029-12-31",
  sunset_date: null,
  archived: false,
  created_at: "2026-11-01T09:00:00Z",
  updated_at: "2026-11-01T09:00:00Z",
};

export function collaborationSummary(over: Partial<CollaborationSummary> = {}): CollaborationSummary {
  return {
    ...collaborationRecord, countries: ["DE", "GB", "JP"], member_count: 3, parties: ["Northmoor", "Ferrant", "Kisaragi"],
    ...over,
  };
}

export const northmoor: Member = {
  role: "lead",
  party: { id: 1, legal_name: "University of Northmoor", short_name: "Northmoor", kind: "university",
    registration_number: null, address: null, country: "GB", archived: false },
};

export const ferrant: Member = {
  role: "partner",
  party: { id: 2, legal_name: "Ferrant Composites GmbH", short_name: "Ferrant", kind: "company",
    registration_number: null, address: null, country: "DE", archived: false },
};

export const people: Person[] = [
  { id: 1, name: "Helen Achterberg", email: "h.achterberg@northmoor.ac.uk", orcid: null, party_id: 1, archived: false },
  { id: 2, name: "Jonas Ferrant", email: "j.ferrant@ferrant.de", orcid: null, party_id: 2, archived: false },
];

export function identity(over: Partial<Identity> = {}): Identity {
  return {
    id: 7,
    name: "Helen Achterberg",
    email: "h.achterberg@northmoor.ac.uk",
    organisation: "The University of Northmoor",
    key_kind: "ecdsa-p256",
    fingerprint: "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90",
    origin: "created",
    created_at: "2026-11-01T10:00:00Z",
    expires_at: "2031-11-01",
    expiry: "valid",
    ...over,
  };
}
