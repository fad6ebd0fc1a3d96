//! Memberships imported from a CSV file (`partner_id,offer,competency,start,end`): every row is
//! checked, its partner ID included, and every problem reported with its line and column in
//! one pass, so the caller imports all rows or none. The work is linear in the file's size.

use super::OrganizationId;
use super::membership::{self, Competency, MembershipInput, ValidMembership};
use std::collections::{HashMap, HashSet};

/// The one header accepted (blanks around names and letter case ignored).
pub const HEADER: [&str; 5] = ["partner_id", "offer", "competency", "start", "end"];

/// A row that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    /// 1-based physical line of the file (the header is line 1).
    pub line: usize,
    /// The partner ID of the organization, trimmed.
    pub partner_id: String,
    /// The organization with this partner ID.
    pub organization: OrganizationId,
    pub membership: ValidMembership,
}

/// One problem found in the file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CsvProblem {
    /// 1-based physical line of the file.
    pub line: usize,
    /// A column name from the header, or `header`, `row`, `file`.
    pub column: String,
    /// `wrong_header`, `wrong_field_count`, `no_rows`, `required`, `unknown_partner_id`, or a
    /// membership code (`unknown_offer`, `invalid_date`, …).
    pub code: &'static str,
}

impl CsvProblem {
    fn new(line: usize, column: impl Into<String>, code: &'static str) -> CsvProblem {
        CsvProblem {
            line,
            column: column.into(),
            code,
        }
    }
}

/// How many rows (distinct lines) have at least one of `problems`.
pub fn rows_with_problems(problems: &[CsvProblem]) -> usize {
    problems
        .iter()
        .map(|problem| problem.line)
        .collect::<HashSet<_>>()
        .len()
}

/// Reads and checks every row; `organizations` maps partner IDs to organizations. Blank rows
/// (no text in any field) are skipped. `progress` is told, after each record, the line
/// reached and the file's number of lines.
pub fn parse_memberships_csv(
    text: &str,
    competencies: &[Competency],
    organizations: &HashMap<String, OrganizationId>,
    progress: &dyn Fn(usize, usize),
) -> Result<Vec<CsvRow>, Vec<CsvProblem>> {
    // Spreadsheets often save a byte order mark first.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());

    let mut lines = LineCounter::new(text);
    let total_lines = text.lines().count();
    let mut header_seen = false;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(1, |p| lines.line_at(p.byte()));
                problems.push(CsvProblem::new(line, "row", "unreadable_row"));
                continue;
            }
        };
        let line = record.position().map_or(1, |p| lines.line_at(p.byte()));
        progress(line, total_lines);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if !header_seen {
            header_seen = true;
            let matches = record.len() == HEADER.len()
                && record
                    .iter()
                    .zip(HEADER)
                    .all(|(found, wanted)| found.eq_ignore_ascii_case(wanted));
            if !matches {
                return Err(vec![CsvProblem::new(line, "header", "wrong_header")]);
            }
            continue;
        }
        if record.len() != HEADER.len() {
            problems.push(CsvProblem::new(line, "row", "wrong_field_count"));
            continue;
        }
        let field = |index: usize| record.get(index).unwrap_or_default().to_owned();
        let partner_id = field(0);
        // Looked up with the other checks, so one pass reports every problem of the file.
        let organization = if partner_id.is_empty() {
            problems.push(CsvProblem::new(line, "partner_id", "required"));
            None
        } else {
            let found = organizations.get(&partner_id).copied();
            if found.is_none() {
                problems.push(CsvProblem::new(line, "partner_id", "unknown_partner_id"));
            }
            found
        };
        let input = MembershipInput {
            offer: field(1),
            competency: Some(field(2)),
            start: field(3),
            end: field(4),
        };
        match (membership::validate(&input, competencies), organization) {
            (Ok(membership), Some(organization)) => rows.push(CsvRow {
                line,
                partner_id,
                organization,
                membership,
            }),
            (Ok(_), None) => {}
            (Err(errors), _) => problems.extend(
                errors
                    .into_iter()
                    .map(|error| CsvProblem::new(line, error.field, error.code)),
            ),
        }
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    if rows.is_empty() {
        return Err(vec![CsvProblem::new(1, "file", "no_rows")]);
    }
    Ok(rows)
}

/// The 1-based lines of records, read in file order.
///
/// The reader's own line count is not used: it is taken before the terminator of the previous
/// line (`\n` of `\r\n`) and any blank lines are consumed, so it can point above the record.
/// Newlines are counted from where the previous record was found, not from the start of the
/// file, so a whole file costs one pass however many rows it has.
struct LineCounter<'a> {
    text: &'a [u8],
    /// Bytes before this offset have been counted…
    counted_to: usize,
    /// …and hold this many newlines.
    newlines: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            counted_to: 0,
            newlines: 0,
        }
    }

    /// The line of the record read from byte `offset`.
    fn line_at(&mut self, offset: u64) -> usize {
        let offset = usize::try_from(offset)
            .unwrap_or(self.text.len())
            .min(self.text.len());
        let rest = self.text.get(offset..).unwrap_or_default();
        let skipped = rest
            .iter()
            .take_while(|&&byte| byte == b'\r' || byte == b'\n')
            .count();
        let end = offset + skipped;
        if end < self.counted_to {
            // Records come in file order; should one not, count again from the start.
            self.counted_to = 0;
            self.newlines = 0;
        }
        let between = self.text.get(self.counted_to..end).unwrap_or_default();
        self.newlines += between.iter().filter(|&&byte| byte == b'\n').count();
        self.counted_to = end;
        self.newlines + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::membership::Offer;
    use time::macros::date;

    fn competencies() -> Vec<Competency> {
        vec![Competency {
            code: "cloud_platform".into(),
            name: "Cloud Platform".into(),
            cloud: true,
        }]
    }

    fn organizations() -> HashMap<String, OrganizationId> {
        (1..=9)
            .map(|n| (format!("P-{n}00"), OrganizationId(n)))
            .chain((1..=9).map(|n| (format!("P-{n}"), OrganizationId(10 + n))))
            .chain([("P,1".to_owned(), OrganizationId(20))])
            .collect()
    }

    fn parse(text: &str) -> Result<Vec<CsvRow>, Vec<CsvProblem>> {
        parse_memberships_csv(text, &competencies(), &organizations(), &|_, _| {})
    }

    fn problems(text: &str) -> Vec<(usize, String, &'static str)> {
        parse(text)
            .expect_err("refused")
            .into_iter()
            .map(|p| (p.line, p.column, p.code))
            .collect()
    }

    fn problem(line: usize, column: &str, code: &'static str) -> (usize, String, &'static str) {
        (line, column.to_owned(), code)
    }

    #[test]
    fn imports_valid_rows_with_their_lines() {
        let text = "\u{feff}Partner_ID, Offer ,competency,start,end\n\
                    P-100,gold,cloud_platform,2026-01-01,2026-12-31\n\
                    \n\
                    P-200 , action_pack ,,2026-02-01,2027-01-31\n\
                    ,,,,\n";
        let rows = parse(text).expect("valid");
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].line, rows[0].partner_id.as_str()), (2, "P-100"));
        assert_eq!(rows[0].organization, OrganizationId(1));
        assert_eq!(rows[0].membership.offer, Offer::Gold);
        assert_eq!(
            rows[0].membership.competency.as_deref(),
            Some("cloud_platform")
        );
        assert_eq!((rows[1].line, rows[1].partner_id.as_str()), (4, "P-200"));
        assert_eq!(rows[1].organization, OrganizationId(2));
        assert_eq!(rows[1].membership.competency, None);
        assert_eq!(rows[1].membership.end, date!(2027 - 01 - 31));
    }

    #[test]
    fn wrong_header_is_one_problem() {
        assert_eq!(
            problems("partner,offer,competency,start,end\nP-1,gold,x,2026-01-01,2026-01-02\n"),
            [problem(1, "header", "wrong_header")]
        );
        assert_eq!(
            problems("partner_id,offer,competency,start\n"),
            [problem(1, "header", "wrong_header")]
        );
    }

    #[test]
    fn empty_files_have_no_rows() {
        assert_eq!(problems(""), [problem(1, "file", "no_rows")]);
        assert_eq!(problems("\n  \n"), [problem(1, "file", "no_rows")]);
        assert_eq!(
            problems("partner_id,offer,competency,start,end\n\n"),
            [problem(1, "file", "no_rows")]
        );
    }

    #[test]
    fn every_problem_is_reported_with_line_and_column() {
        let text = "partner_id,offer,competency,start,end\n\
                    P-1,gold,cloud_platform,2026-01-01,2026-12-31\n\
                    ,silver,,2026-01-01,2026-13-01\n\
                    \n\
                    P-3,gold,cloud_platform\n\
                    P-4,platinum,cloud_platform,2026-05-01,2026-04-30\n\
                    P-5,action_pack,cloud_platform,2026-01-01,2026-12-31\n\
                    P-6,gold,knitting,2026-01-01,2026-12-31,extra\n\
                    P-77,gold,cloud_platform,2026-01-01,2026-12-31\n\
                    P-78,gold,,2026-01-01,2026-12-31\n";
        assert_eq!(
            problems(text),
            [
                problem(3, "partner_id", "required"),
                problem(3, "competency", "competency_required"),
                problem(3, "end", "invalid_date"),
                problem(5, "row", "wrong_field_count"),
                problem(6, "offer", "unknown_offer"),
                problem(6, "end", "end_before_start"),
                problem(7, "competency", "competency_not_allowed"),
                problem(8, "row", "wrong_field_count"),
                problem(9, "partner_id", "unknown_partner_id"),
                problem(10, "partner_id", "unknown_partner_id"),
                problem(10, "competency", "competency_required"),
            ]
        );
        let found = parse(text).expect_err("refused");
        assert_eq!((rows_with_problems(&found), found.len()), (7, 11));
    }

    #[test]
    fn quoted_fields_and_crlf() {
        let text = "partner_id,offer,competency,start,end\r\n\
                    \"P,1\",gold,cloud_platform,2026-01-01,2026-12-31\r\n\
                    P-2,gold,bad,2026-01-01,2026-12-31\r\n";
        assert_eq!(
            problems(text),
            [problem(3, "competency", "unknown_competency")]
        );
    }

    #[test]
    fn lines_stay_right_deep_into_a_large_file() {
        let mut text = String::from("partner_id,offer,competency,start,end\r\n");
        for n in 0..5000 {
            text.push_str("P-1,gold,cloud_platform,2026-01-01,2026-12-31\r\n");
            if n % 7 == 0 {
                text.push_str("\r\n,,,,\n\n");
            }
        }
        text.push_str("P-1,gold,cloud_platform,2026-01-01,2026-13-01\n");
        let last = text.matches('\n').count();
        assert_eq!(problems(&text), [problem(last, "end", "invalid_date")]);
    }
}
