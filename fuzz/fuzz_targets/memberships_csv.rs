//! The memberships CSV import on arbitrary text: never panics; every problem and every row
//! names a line inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sportello::domain::OrganizationId;
use sportello::domain::csv_import::parse_memberships_csv;
use sportello::domain::membership::Competency;
use std::collections::HashMap;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let competencies = [
        Competency {
            code: "cloud_platform".into(),
            name: "Cloud Platform".into(),
            cloud: true,
        },
        Competency {
            code: "security".into(),
            name: "Security".into(),
            cloud: false,
        },
    ];
    let organizations = HashMap::from([
        ("P-100".to_owned(), OrganizationId(1)),
        ("P-200".to_owned(), OrganizationId(2)),
    ]);
    let lines = text.matches('\n').count() + 1;
    match parse_memberships_csv(text, &competencies, &organizations, &|_, _| {}) {
        Ok(rows) => {
            assert!(!rows.is_empty(), "accepted without rows");
            for row in rows {
                // Line 1 at the earliest is the header.
                assert!((2..=lines).contains(&row.line), "row line {}", row.line);
                assert_eq!(
                    organizations.get(&row.partner_id),
                    Some(&row.organization),
                    "unknown partner ID accepted"
                );
                assert!(
                    row.membership.start <= row.membership.end,
                    "end before start"
                );
            }
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "refused without a problem");
            for problem in problems {
                assert!(
                    (1..=lines).contains(&problem.line),
                    "problem line {}",
                    problem.line
                );
            }
        }
    }
});
