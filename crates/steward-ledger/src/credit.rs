//! The Contributor Roles Taxonomy (CRediT): fourteen roles, each with a degree of contribution.

crate::entry::text_enum!(
    /// A CRediT role.
    CreditRole {
        Conceptualization = "conceptualization",
        DataCuration = "data_curation",
        FormalAnalysis = "formal_analysis",
        FundingAcquisition = "funding_acquisition",
        Investigation = "investigation",
        Methodology = "methodology",
        ProjectAdministration = "project_administration",
        Resources = "resources",
        Software = "software",
        Supervision = "supervision",
        Validation = "validation",
        Visualization = "visualization",
        WritingOriginalDraft = "writing_original_draft",
        WritingReviewEditing = "writing_review_editing",
    }
);

crate::entry::text_enum!(
    /// How much a person contributed to a role.
    Degree { Lead = "lead", Equal = "equal", Supporting = "supporting" }
);

impl CreditRole {
    /// The role's name as CRediT spells it.
    pub fn label(self) -> &'static str {
        match self {
            CreditRole::Conceptualization => "Conceptualization",
            CreditRole::DataCuration => "Data curation",
            CreditRole::FormalAnalysis => "Formal analysis",
            CreditRole::FundingAcquisition => "Funding acquisition",
            CreditRole::Investigation => "Investigation",
            CreditRole::Methodology => "Methodology",
            CreditRole::ProjectAdministration => "Project administration",
            CreditRole::Resources => "Resources",
            CreditRole::Software => "Software",
            CreditRole::Supervision => "Supervision",
            CreditRole::Validation => "Validation",
            CreditRole::Visualization => "Visualization",
            CreditRole::WritingOriginalDraft => "Writing – original draft",
            CreditRole::WritingReviewEditing => "Writing – review & editing",
        }
    }

    /// Parses the slug or the CRediT label (`Writing – review & editing`).
    pub fn parse_any(field: &str, text: &str) -> Result<Self, crate::Problem> {
        let t = text.trim();
        if let Some(r) = CreditRole::ALL.iter().find(|r| r.label().eq_ignore_ascii_case(t)) {
            return Ok(*r);
        }
        let slug: String = t
            .to_ascii_lowercase()
            .replace(['–', '—'], "-")
            .replace(" & ", " ")
            .replace(" - ", " ")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '_' || *c == '-')
            .collect();
        CreditRole::parse(field, &slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fourteen_roles_parse_by_slug_and_label() {
        assert_eq!(CreditRole::ALL.len(), 14);
        for r in CreditRole::ALL {
            assert_eq!(CreditRole::parse_any("role", r.label()).expect("label"), *r);
            assert_eq!(CreditRole::parse_any("role", r.as_str()).expect("slug"), *r);
        }
        assert_eq!(
            CreditRole::parse_any("role", "writing - review & editing").expect("loose"),
            CreditRole::WritingReviewEditing
        );
        assert!(CreditRole::parse_any("role", "coffee").is_err());
        assert!(Degree::parse("degree", "co-lead").is_err());
    }
}
