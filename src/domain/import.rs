//! Contacts CSV import: owns turning an operator-uploaded CSV (read as a stream) into
//! validated, E.164-normalised, de-duplicated contacts plus a per-row skip report.
//!
//! This module is pure: the only I/O it performs is reading from the `std::io::Read` it is
//! handed. It does not log, touch the database or call Vapi.
//!
//! # File format
//!
//! * UTF-8, with or without a leading byte-order mark; CRLF or LF line endings; RFC 4180
//!   quoting (quoted commas, quoted newlines, `""` escapes).
//! * The header is the first non-blank record. Header names are normalised with
//!   [`normalize_header`] (trimmed, lowercased, runs of spaces / `_` / `-` become one `_`), so
//!   `" Business Name "`, `Business_Name` and `business-name` all mean `business_name`.
//! * Required columns: `name`, `business_name`, `phone`. Every other named column becomes a
//!   per-contact variable (key = normalised header, value = trimmed cell; empty cells omitted),
//!   later sent to Vapi as `variableValues`. Columns whose header is blank are ignored.
//! * A record whose every field is empty after trimming (a blank line, `,,`, whitespace only)
//!   is ignored entirely: it is neither counted nor numbered.
//!
//! # Row numbers
//!
//! `row` is the 1-based number of a *data* row: the header and ignored blank records are not
//! counted, so rows run `1..=total_rows`.
//!
//! # Skip precedence
//!
//! When several reasons apply to one row, the first one in this order is reported:
//!
//! 1. [`SkipReason::WrongColumnCount`] — the row's field count differs from the header's
//!    (other cells cannot be trusted to be in the right column);
//! 2. [`SkipReason::MissingName`] — `name` is empty;
//! 3. [`SkipReason::EmptyPhone`] — `phone` is empty;
//! 4. [`SkipReason::InvalidPhone`] — `phone` does not parse, or parses to an impossible /
//!    invalid number;
//! 5. [`SkipReason::InvalidTimezone`] — the `timezone` cell is not an IANA time zone, when
//!    the campaign has calling hours ([`ImportOptions::require_valid_timezone`]);
//! 6. [`SkipReason::DoNotCall`] — the normalised number is suppressed;
//! 7. [`SkipReason::Duplicate`] — the normalised number equals that of an earlier *accepted*
//!    row (the first accepted occurrence wins; a row skipped for another reason never blocks a
//!    later row).
//!
//! An empty `business_name` is not a skip reason: it is kept as an empty string.
//!
//! # Time zones
//!
//! A `timezone` (or `time_zone`) column gives each contact's IANA time zone, used to keep calling
//! hours in the contact's local time. Like every extra column it is also kept as a variable.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{self, Read};

use phonenumber::country;
use serde::{Deserialize, Serialize};

/// The columns every contacts file must have (normalised names, in report order).
pub const REQUIRED_COLUMNS: [&str; 3] = ["name", "business_name", "phone"];

/// Options controlling one import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOptions {
    /// Region used to interpret numbers written without a `+` country code
    /// (e.g. `"US".parse::<phonenumber::country::Id>()`).
    pub default_region: country::Id,
    /// Maximum number of accepted contacts; accepting one more fails the whole import with
    /// [`ImportError::TooManyContacts`].
    pub max_contacts: usize,
    /// When `Some(cap)`, accepted contacts are split into batches of `cap`
    /// (`batch_index = position / cap`); when `None`, every contact is in batch 0.
    /// `Some(0)` is rejected with [`ImportError::InvalidOptions`].
    pub batch_cap: Option<u32>,
    /// Skip rows whose `timezone` cell is not an IANA time zone (the campaign keeps calling
    /// hours in local time); otherwise such a cell is only kept as a variable.
    pub require_valid_timezone: bool,
}

/// A phone number in E.164 form (`+14155552671`), valid according to libphonenumber metadata.
///
/// [`PhoneE164::parse`] is the only fallible constructor; holding a value proves it was
/// validated. Serialises as a plain string; deserialising re-validates.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneE164(String);

impl PhoneE164 {
    /// Parses a number as typed by a person (`(415) 555-2671`, `+1 415 555 2671`, ...),
    /// interpreting numbers without a country code in `region`, and keeps it only if it is a
    /// valid number (`phonenumber::is_valid`).
    pub fn parse(raw: &str, region: country::Id) -> Result<Self, PhoneError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(PhoneError::Empty);
        }
        let number = phonenumber::parse(Some(region), raw).map_err(|e| match e {
            // Reached for digit strings such as `+1 (000) 000-0000` whose national number is
            // all zeros: a number, just not a possible one.
            phonenumber::ParseError::MalformedInteger(_) => PhoneError::Invalid,
            other => PhoneError::Unparseable {
                reason: other.to_string(),
            },
        })?;
        if !phonenumber::is_valid(&number) {
            return Err(PhoneError::Invalid);
        }
        Ok(Self(
            number.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }

    /// The E.164 string, e.g. `+14155552671`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneE164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<PhoneE164> for String {
    fn from(phone: PhoneE164) -> Self {
        phone.0
    }
}

impl TryFrom<String> for PhoneE164 {
    type Error = PhoneError;

    /// Accepts only a string that is already a valid number in canonical E.164 form.
    fn try_from(value: String) -> Result<Self, Self::Error> {
        if !value.starts_with('+') {
            return Err(PhoneError::NotE164);
        }
        // The region is irrelevant for a number with a leading `+`.
        let parsed = Self::parse(&value, country::Id::US)?;
        if parsed.0 == value {
            Ok(parsed)
        } else {
            Err(PhoneError::NotE164)
        }
    }
}

/// Why a phone number was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// The field is empty (after trimming).
    #[error("phone number is empty")]
    Empty,
    /// The text could not be read as a phone number at all.
    #[error("not a phone number ({reason})")]
    Unparseable {
        /// The parser's explanation.
        reason: String,
    },
    /// The text parsed, but is not a possible / assigned number.
    #[error("not a valid phone number")]
    Invalid,
    /// The string is not in canonical E.164 form (only when deserialising a [`PhoneE164`]).
    #[error("not in E.164 form")]
    NotE164,
}

/// Normalises a phone number to E.164 (`+14155552671`) using `region` for numbers without a
/// country code; see [`PhoneE164::parse`].
pub fn normalize_phone(raw: &str, region: country::Id) -> Result<String, PhoneError> {
    PhoneE164::parse(raw, region).map(String::from)
}

/// Normalises a header name: trimmed, lowercased, and every run of whitespace, `_` or `-`
/// turned into a single `_`, with none at either end (`" Business-Name "` → `business_name`).
pub fn normalize_header(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_sep = false;
    for c in raw.chars() {
        if c.is_whitespace() || c == '_' || c == '-' || c == '\u{feff}' {
            pending_sep = true;
            continue;
        }
        if pending_sep && !out.is_empty() {
            out.push('_');
        }
        pending_sep = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// Masks a phone number for logs: keeps the first 2 and the last 4 characters and replaces
/// the rest with `*` (`+14155552671` → `+1******2671`). Inputs of 6 characters or fewer are
/// masked entirely.
pub fn mask_phone(e164: &str) -> String {
    let n = e164.chars().count();
    if n <= 6 {
        return "*".repeat(n);
    }
    e164.chars()
        .enumerate()
        .map(|(i, c)| if i < 2 || i >= n - 4 { c } else { '*' })
        .collect()
}

/// Why a data row was not imported. Serialises as a kebab-case string (`"invalid-phone"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// The row's field count differs from the header's.
    WrongColumnCount,
    /// The `name` cell is empty.
    MissingName,
    /// The `phone` cell is empty.
    EmptyPhone,
    /// The `phone` cell is not a valid phone number.
    InvalidPhone,
    /// The `timezone` cell is not an IANA time zone (only when calling hours apply).
    InvalidTimezone,
    /// The number is on the do-not-call (suppression) list.
    DoNotCall,
    /// The number (after normalisation) was already accepted on an earlier row.
    Duplicate,
}

impl SkipReason {
    /// The kebab-case name, identical to the serialised form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WrongColumnCount => "wrong-column-count",
            Self::MissingName => "missing-name",
            Self::EmptyPhone => "empty-phone",
            Self::InvalidPhone => "invalid-phone",
            Self::InvalidTimezone => "invalid-timezone",
            Self::DoNotCall => "do-not-call",
            Self::Duplicate => "duplicate",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A contact that passed every check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedContact {
    /// 1-based data row number (header and blank records not counted).
    pub row: u64,
    /// Trimmed name, never empty.
    pub name: String,
    /// Trimmed business name; may be empty.
    pub business_name: String,
    /// The normalised number.
    pub phone_e164: PhoneE164,
    /// The phone cell as written (trimmed).
    pub phone_original: String,
    /// Every non-required, non-empty cell, keyed by normalised header.
    pub variables: BTreeMap<String, String>,
    /// `position / batch_cap` (position = 0-based index among accepted contacts), or 0.
    pub batch_index: u32,
    /// The contact's IANA time zone (canonical name), when its row gives a valid one.
    pub timezone: Option<String>,
}

/// A data row that was not imported, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRow {
    /// 1-based data row number (header and blank records not counted).
    pub row: u64,
    /// The (highest-precedence) reason.
    pub reason: SkipReason,
    /// A human explanation, e.g. `duplicate of row 3`.
    pub detail: String,
    /// The row's raw (untrimmed) cells keyed by normalised header, for the operator to see.
    /// Cells beyond the header, or under a blank header, are keyed `_column_N` (1-based N).
    pub data: BTreeMap<String, String>,
}

/// The outcome of a successful import.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportReport {
    /// Data rows seen (header and blank records excluded); `accepted + skipped`.
    pub total_rows: u64,
    /// Contacts to call, in file order.
    pub accepted: Vec<ImportedContact>,
    /// Rows not imported, in file order, each with a reason.
    pub skipped: Vec<SkippedRow>,
}

impl ImportReport {
    /// Number of skipped rows with the given reason.
    pub fn skipped_count(&self, reason: SkipReason) -> usize {
        self.skipped.iter().filter(|s| s.reason == reason).count()
    }
}

/// A file-level failure: nothing from the file should be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The file has no header row (it is empty or blank).
    #[error("the file is empty: expected a header row with columns name, business_name, phone")]
    Empty,
    /// Required columns are absent from the header (normalised names).
    #[error("missing required column(s): {}", .0.join(", "))]
    MissingColumns(Vec<String>),
    /// The same normalised header name appears more than once.
    #[error("column(s) appear more than once in the header: {}", .0.join(", "))]
    DuplicateColumns(Vec<String>),
    /// More contacts would be accepted than `max_contacts` allows; reading stopped early.
    #[error("too many contacts: the limit is {max}, the file has at least {found_at_least}")]
    TooManyContacts {
        /// The configured limit.
        max: usize,
        /// Accepted contacts counted before reading stopped.
        found_at_least: usize,
    },
    /// The file is not readable CSV / UTF-8; the message names the line.
    #[error("malformed CSV: {0}")]
    Csv(String),
    /// The options are unusable (e.g. `batch_cap` of 0).
    #[error("invalid import options: {0}")]
    InvalidOptions(String),
    /// Whoever took the accepted contacts stopped taking them (its own error says why).
    #[error("the import was stopped: {0}")]
    Stopped(String),
}

/// Parses a contacts CSV from `reader`, one record at a time, into a report holding every
/// accepted contact (see [`parse_contacts_each`] to handle them as they come instead).
///
/// `is_suppressed` is asked about every otherwise-acceptable number (in E.164); for a set use
/// `&|e164: &str| set.contains(e164)`.
///
/// Returns the report, or a file-level [`ImportError`]. Reading stops at the first file-level
/// error (in particular as soon as `max_contacts` would be exceeded).
pub fn parse_contacts<R: Read>(
    reader: R,
    options: &ImportOptions,
    is_suppressed: &dyn Fn(&str) -> bool,
) -> Result<ImportReport, ImportError> {
    let mut accepted = Vec::new();
    let tally = parse_contacts_each(reader, options, is_suppressed, &mut |contact| {
        accepted.push(contact);
        Ok(())
    })?;
    Ok(ImportReport {
        total_rows: tally.total_rows,
        accepted,
        skipped: tally.skipped,
    })
}

/// What [`parse_contacts_each`] keeps: the counts and the skipped rows (the accepted contacts
/// went to its callback).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportTally {
    /// Data rows seen (header and blank records excluded); `accepted + skipped`.
    pub total_rows: u64,
    /// Contacts handed to the callback.
    pub accepted: u64,
    /// Rows not imported, in file order, each with a reason.
    pub skipped: Vec<SkippedRow>,
}

/// Parses a contacts CSV like [`parse_contacts`], handing each accepted contact to `accept` as
/// soon as its row is read, so memory holds only the skipped rows and the numbers seen (for
/// duplicates) whatever the file's size. An error from `accept` stops the reading and is
/// returned as is.
pub fn parse_contacts_each<R: Read>(
    reader: R,
    options: &ImportOptions,
    is_suppressed: &dyn Fn(&str) -> bool,
    accept: &mut dyn FnMut(ImportedContact) -> Result<(), ImportError>,
) -> Result<ImportTally, ImportError> {
    if options.batch_cap == Some(0) {
        return Err(ImportError::InvalidOptions(
            "batch_cap must be at least 1".to_owned(),
        ));
    }
    let mut csv_reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(SkipBom::new(reader));
    let mut record = csv::ByteRecord::new();

    let header = loop {
        match next_record(&mut csv_reader, &mut record, None)? {
            None => return Err(ImportError::Empty),
            Some(fields) if is_blank(&fields) => continue,
            Some(fields) => break fields,
        }
    };
    let columns = Columns::from_header(&header)?;

    let mut tally = ImportTally::default();
    let mut first_row_of: HashMap<PhoneE164, u64> = HashMap::new();
    loop {
        let fields = match next_record(&mut csv_reader, &mut record, Some(tally.total_rows + 1))? {
            None => break,
            Some(fields) if is_blank(&fields) => continue,
            Some(fields) => fields,
        };
        tally.total_rows += 1;
        let row = tally.total_rows;
        match columns.check_row(&fields, options, is_suppressed, &first_row_of) {
            Ok(checked) => {
                let position = usize::try_from(tally.accepted).unwrap_or(usize::MAX);
                if position >= options.max_contacts {
                    return Err(ImportError::TooManyContacts {
                        max: options.max_contacts,
                        found_at_least: position + 1,
                    });
                }
                let batch_index = match options.batch_cap {
                    Some(cap) => u32::try_from(position / cap as usize).unwrap_or(u32::MAX),
                    None => 0,
                };
                first_row_of.insert(checked.phone.clone(), row);
                tally.accepted += 1;
                accept(ImportedContact {
                    row,
                    name: checked.name,
                    business_name: checked.business_name,
                    phone_e164: checked.phone,
                    phone_original: checked.phone_original,
                    variables: checked.variables,
                    batch_index,
                    timezone: checked.timezone,
                })?;
            }
            Err((reason, detail)) => tally.skipped.push(SkippedRow {
                row,
                reason,
                detail,
                data: columns.raw_data(&fields),
            }),
        }
    }
    Ok(tally)
}

/// Reads the next record and decodes it as UTF-8; `Ok(None)` at end of input.
/// `data_row` is the number the record will get if it is a non-blank data row (`None` while
/// looking for the header); it only feeds error messages.
fn next_record<R: Read>(
    csv_reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
    data_row: Option<u64>,
) -> Result<Option<Vec<String>>, ImportError> {
    let what = || data_row.map_or_else(|| "the header".to_owned(), |n| format!("data row {n}"));
    match csv_reader.read_byte_record(record) {
        Ok(false) => return Ok(None),
        Ok(true) => {}
        Err(e) => {
            let line = e
                .position()
                .map_or_else(|| csv_reader.position().line(), |p| p.line());
            return Err(ImportError::Csv(format!("line {line} ({}): {e}", what())));
        }
    }
    let line = record
        .position()
        .map_or_else(|| csv_reader.position().line(), |p| p.line());
    record
        .iter()
        .enumerate()
        .map(|(i, field)| {
            std::str::from_utf8(field).map(str::to_owned).map_err(|e| {
                ImportError::Csv(format!(
                    "line {line} ({}), field {}: invalid UTF-8 ({e}); save the file as UTF-8",
                    what(),
                    i + 1
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn is_blank(fields: &[String]) -> bool {
    fields.iter().all(|f| f.trim().is_empty())
}

/// The header, resolved.
struct Columns {
    /// Normalised header name per column (may be empty for a blank header cell).
    names: Vec<String>,
    name: usize,
    business_name: usize,
    phone: usize,
    timezone: Option<usize>,
}

/// The parts of a row that passed every check.
struct CheckedRow {
    name: String,
    business_name: String,
    phone: PhoneE164,
    phone_original: String,
    variables: BTreeMap<String, String>,
    timezone: Option<String>,
}

impl Columns {
    fn from_header(header: &[String]) -> Result<Self, ImportError> {
        let names: Vec<String> = header.iter().map(|h| normalize_header(h)).collect();
        let position = |wanted: &str| names.iter().position(|n| n == wanted);
        let missing: Vec<String> = REQUIRED_COLUMNS
            .iter()
            .filter(|c| position(c).is_none())
            .map(|c| (*c).to_owned())
            .collect();
        let (Some(name), Some(business_name), Some(phone)) = (
            position("name"),
            position("business_name"),
            position("phone"),
        ) else {
            return Err(ImportError::MissingColumns(missing));
        };
        let mut duplicates: Vec<String> = names
            .iter()
            .enumerate()
            .filter(|(i, n)| !n.is_empty() && names[..*i].contains(n))
            .map(|(_, n)| n.clone())
            .collect();
        duplicates.sort();
        duplicates.dedup();
        if !duplicates.is_empty() {
            return Err(ImportError::DuplicateColumns(duplicates));
        }
        let timezone = position("timezone").or_else(|| position("time_zone"));
        Ok(Self {
            names,
            name,
            business_name,
            phone,
            timezone,
        })
    }

    fn cell<'a>(&self, fields: &'a [String], index: usize) -> &'a str {
        fields.get(index).map_or("", |f| f.trim())
    }

    fn check_row(
        &self,
        fields: &[String],
        options: &ImportOptions,
        is_suppressed: &dyn Fn(&str) -> bool,
        first_row_of: &HashMap<PhoneE164, u64>,
    ) -> Result<CheckedRow, (SkipReason, String)> {
        if fields.len() != self.names.len() {
            return Err((
                SkipReason::WrongColumnCount,
                format!(
                    "expected {} fields, found {}",
                    self.names.len(),
                    fields.len()
                ),
            ));
        }
        let name = self.cell(fields, self.name);
        if name.is_empty() {
            return Err((SkipReason::MissingName, "name is empty".to_owned()));
        }
        let phone_original = self.cell(fields, self.phone);
        if phone_original.is_empty() {
            return Err((SkipReason::EmptyPhone, "phone is empty".to_owned()));
        }
        let phone = PhoneE164::parse(phone_original, options.default_region)
            .map_err(|e| (SkipReason::InvalidPhone, e.to_string()))?;
        let zone = self.timezone.map(|i| self.cell(fields, i)).unwrap_or("");
        let timezone = match crate::domain::hours::parse_timezone(zone) {
            Ok(tz) => Some(tz.name().to_owned()),
            Err(e) if !zone.is_empty() && options.require_valid_timezone => {
                return Err((SkipReason::InvalidTimezone, e));
            }
            Err(_) => None,
        };
        if is_suppressed(phone.as_str()) {
            return Err((
                SkipReason::DoNotCall,
                format!("{} is on the do-not-call list", mask_phone(phone.as_str())),
            ));
        }
        if let Some(first) = first_row_of.get(&phone) {
            return Err((SkipReason::Duplicate, format!("duplicate of row {first}")));
        }
        let variables = self
            .names
            .iter()
            .zip(fields)
            .enumerate()
            .filter(|(i, (key, _))| {
                !key.is_empty() && ![self.name, self.business_name, self.phone].contains(i)
            })
            .filter_map(|(_, (key, value))| {
                let value = value.trim();
                (!value.is_empty()).then(|| (key.clone(), value.to_owned()))
            })
            .collect();
        Ok(CheckedRow {
            name: name.to_owned(),
            business_name: self.cell(fields, self.business_name).to_owned(),
            phone,
            phone_original: phone_original.to_owned(),
            variables,
            timezone,
        })
    }

    /// The raw cells keyed by header, for a skipped row.
    fn raw_data(&self, fields: &[String]) -> BTreeMap<String, String> {
        fields
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let key = match self.names.get(i) {
                    Some(name) if !name.is_empty() => name.clone(),
                    _ => format!("_column_{}", i + 1),
                };
                (key, value.clone())
            })
            .collect()
    }
}

/// A reader that drops a leading UTF-8 byte-order mark, so a BOM never ends up in the first
/// header name (and a quoted first header still parses as quoted).
struct SkipBom<R> {
    inner: R,
    head: [u8; 3],
    head_len: usize,
    head_pos: usize,
    head_done: bool,
}

impl<R: Read> SkipBom<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            head: [0; 3],
            head_len: 0,
            head_pos: 0,
            head_done: false,
        }
    }
}

impl<R: Read> Read for SkipBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while !self.head_done {
            match self.inner.read(&mut self.head[self.head_len..]) {
                Ok(0) => self.head_done = true,
                Ok(n) => {
                    self.head_len += n;
                    if self.head_len == self.head.len() {
                        self.head_done = true;
                        if self.head == [0xEF, 0xBB, 0xBF] {
                            self.head_len = 0;
                        }
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if self.head_pos < self.head_len {
            let n = buf.len().min(self.head_len - self.head_pos);
            buf[..n].copy_from_slice(&self.head[self.head_pos..self.head_pos + n]);
            self.head_pos += n;
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn us() -> country::Id {
        country::Id::US
    }

    fn opts(max_contacts: usize, batch_cap: Option<u32>) -> ImportOptions {
        ImportOptions {
            default_region: us(),
            max_contacts,
            batch_cap,
            require_valid_timezone: false,
        }
    }

    fn none(_: &str) -> bool {
        false
    }

    fn parse(input: &[u8]) -> Result<ImportReport, ImportError> {
        parse_contacts(input, &opts(100_000, None), &none)
    }

    fn ok(input: &str) -> ImportReport {
        match parse(input.as_bytes()) {
            Ok(report) => report,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    fn only_skip(report: &ImportReport) -> &SkippedRow {
        assert_eq!(report.skipped.len(), 1, "{report:#?}");
        &report.skipped[0]
    }

    const HEADER: &str = "name,business_name,phone\n";

    // ---- helpers -------------------------------------------------------------------------

    #[test]
    fn normalize_header_variants() {
        for h in [
            "business_name",
            " Business_Name ",
            "BUSINESS NAME",
            "business-name",
            "Business  Name",
            "\u{feff}business_name",
            "__business__name__",
        ] {
            assert_eq!(normalize_header(h), "business_name", "{h:?}");
        }
        assert_eq!(normalize_header(" name "), "name");
        assert_eq!(normalize_header("PHONE"), "phone");
        assert_eq!(normalize_header("   "), "");
    }

    #[test]
    fn normalize_phone_formats() {
        for raw in [
            "(415) 555-2671",
            "415.555.2671",
            "+1 415 555 2671",
            "14155552671",
            "415-555-2671",
            "+14155552671",
            "  (415) 555-2671 ",
        ] {
            assert_eq!(
                normalize_phone(raw, us()).as_deref(),
                Ok("+14155552671"),
                "{raw:?}"
            );
        }
        // A foreign number with its country code is kept whatever the default region.
        assert_eq!(
            normalize_phone("+44 20 7946 0958", us()).as_deref(),
            Ok("+442079460958")
        );
        // The default region is used for national numbers.
        let gb: country::Id = "GB".parse().expect("GB is a region");
        assert_eq!(
            normalize_phone("020 7946 0958", gb).as_deref(),
            Ok("+442079460958")
        );
    }

    #[test]
    fn normalize_phone_rejects() {
        assert_eq!(normalize_phone("  ", us()), Err(PhoneError::Empty));
        assert_eq!(
            normalize_phone("+1 (000) 000-0000", us()),
            Err(PhoneError::Invalid)
        );
        assert_eq!(normalize_phone("604-0791", us()), Err(PhoneError::Invalid));
        assert!(matches!(
            normalize_phone("not a number", us()),
            Err(PhoneError::Unparseable { .. })
        ));
    }

    #[test]
    fn phone_e164_serde_roundtrip_and_revalidation() {
        let phone = PhoneE164::parse("(415) 555-2671", us()).expect("valid");
        let json = serde_json::to_string(&phone).expect("serialise");
        assert_eq!(json, "\"+14155552671\"");
        assert_eq!(
            serde_json::from_str::<PhoneE164>(&json).expect("deserialise"),
            phone
        );
        assert!(serde_json::from_str::<PhoneE164>("\"4155552671\"").is_err());
        assert!(serde_json::from_str::<PhoneE164>("\"+1 415 555 2671\"").is_err());
        assert!(serde_json::from_str::<PhoneE164>("\"+10000000000\"").is_err());
    }

    #[test]
    fn mask_phone_keeps_two_and_four() {
        assert_eq!(mask_phone("+14155552671"), "+1******2671");
        assert_eq!(mask_phone("+442079460958"), "+4*******0958");
        assert_eq!(mask_phone("+1234"), "*****");
        assert_eq!(mask_phone(""), "");
        assert_eq!(mask_phone("+1234567"), "+1**4567");
        assert_eq!(mask_phone("+123456"), "+1*3456");
    }

    #[test]
    fn skip_reasons_serialise_kebab_case() {
        let all = [
            (SkipReason::WrongColumnCount, "wrong-column-count"),
            (SkipReason::MissingName, "missing-name"),
            (SkipReason::EmptyPhone, "empty-phone"),
            (SkipReason::InvalidPhone, "invalid-phone"),
            (SkipReason::InvalidTimezone, "invalid-timezone"),
            (SkipReason::DoNotCall, "do-not-call"),
            (SkipReason::Duplicate, "duplicate"),
        ];
        for (reason, text) in all {
            assert_eq!(
                serde_json::to_string(&reason).expect("serialise"),
                format!("\"{text}\"")
            );
            assert_eq!(reason.to_string(), text);
        }
    }

    // ---- file format ---------------------------------------------------------------------

    #[test]
    fn basic_accept() {
        let r = ok("name,business_name,phone\nAna Smith,Acme Plumbing,(415) 555-2671\n");
        assert_eq!(r.total_rows, 1);
        assert!(r.skipped.is_empty());
        let c = &r.accepted[0];
        assert_eq!(c.row, 1);
        assert_eq!(c.name, "Ana Smith");
        assert_eq!(c.business_name, "Acme Plumbing");
        assert_eq!(c.phone_e164.as_str(), "+14155552671");
        assert_eq!(c.phone_original, "(415) 555-2671");
        assert!(c.variables.is_empty());
        assert_eq!(c.batch_index, 0);
    }

    #[test]
    fn bom_is_stripped_even_before_a_quoted_header() {
        for input in [
            "\u{feff}name,business_name,phone\nAna,Acme,4155552671\n",
            "\u{feff}\"name\",\"business_name\",\"phone\"\nAna,Acme,4155552671\n",
        ] {
            let r = ok(input);
            assert_eq!(r.accepted.len(), 1, "{input:?}");
            assert_eq!(r.accepted[0].name, "Ana");
        }
        // A BOM-only or tiny input does not confuse the BOM reader.
        assert_eq!(parse(b"\xEF\xBB\xBF"), Err(ImportError::Empty));
        // A truncated BOM is passed through untouched (and is then invalid UTF-8).
        assert!(matches!(parse(b"\xEF\xBB"), Err(ImportError::Csv(_))));
    }

    #[test]
    fn crlf_and_lf_give_the_same_report() {
        let lf = ok("name,business_name,phone\nAna,Acme,4155552671\nBen,Bright,2125550147\n");
        let crlf =
            ok("name,business_name,phone\r\nAna,Acme,4155552671\r\nBen,Bright,2125550147\r\n");
        assert_eq!(lf, crlf);
        assert_eq!(lf.accepted.len(), 2);
        assert_eq!(lf.accepted[1].name, "Ben");
        // No trailing newline at all.
        let bare = ok("name,business_name,phone\r\nAna,Acme,4155552671");
        assert_eq!(bare.accepted.len(), 1);
    }

    #[test]
    fn quoted_commas_newlines_and_quotes() {
        let r = ok(concat!(
            "name,business_name,phone,notes\r\n",
            "\"O'Brien, Pat\",\"Delta Auto, Inc.\",\"+1 415 555 2671\",\"line one\r\nline two\"\r\n",
            "\"Say \"\"Hi\"\"\",Acme,212-555-0147,\r\n",
        ));
        assert_eq!(r.total_rows, 2);
        assert_eq!(r.accepted.len(), 2, "{r:#?}");
        assert_eq!(r.accepted[0].name, "O'Brien, Pat");
        assert_eq!(r.accepted[0].business_name, "Delta Auto, Inc.");
        assert_eq!(r.accepted[0].variables["notes"], "line one\r\nline two");
        assert_eq!(r.accepted[1].row, 2);
        assert_eq!(r.accepted[1].name, "Say \"Hi\"");
        assert!(r.accepted[1].variables.is_empty());
    }

    #[test]
    fn header_case_and_space_variants() {
        for header in [
            "name,business_name,phone",
            "Name,Business_Name,Phone",
            " name , business_name , PHONE ",
            "NAME,Business Name,phone",
            "Phone,Business-Name,Name",
        ] {
            let input = if header.starts_with("Phone") {
                format!("{header}\n4155552671,Acme,Ana\n")
            } else {
                format!("{header}\nAna,Acme,4155552671\n")
            };
            let r = ok(&input);
            assert_eq!(r.accepted.len(), 1, "{header:?}");
            assert_eq!(r.accepted[0].name, "Ana", "{header:?}");
            assert_eq!(r.accepted[0].business_name, "Acme", "{header:?}");
            assert_eq!(r.accepted[0].phone_e164.as_str(), "+14155552671");
        }
    }

    #[test]
    fn variables_are_kept_trimmed_and_empty_ones_omitted() {
        let r = ok(concat!(
            "name,business_name,phone, City ,Time Zone,plan,\n",
            "Ana,Acme,4155552671,  New York ,America/New_York,,\n",
        ));
        let vars = &r.accepted[0].variables;
        let expected: BTreeMap<String, String> = [
            ("city".to_owned(), "New York".to_owned()),
            ("time_zone".to_owned(), "America/New_York".to_owned()),
        ]
        .into();
        assert_eq!(vars, &expected);
    }

    #[test]
    fn fields_trimmed_and_names_in_any_script_kept() {
        let r = ok(concat!(
            "name,business_name,phone\n",
            "  李雷  ,  Müller GmbH ,  +1 415 555 2671  \n",
            "Chloé O'Brien,,212.555.0147\n",
            "Anne-Marie Zoë Søren,Cedar & Oak Realty,+1 202 555 0198\n",
        ));
        assert!(r.skipped.is_empty(), "{r:#?}");
        let names: Vec<&str> = r.accepted.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["李雷", "Chloé O'Brien", "Anne-Marie Zoë Søren"]);
        assert_eq!(r.accepted[0].business_name, "Müller GmbH");
        assert_eq!(r.accepted[0].phone_original, "+1 415 555 2671");
        // Missing business name is not a skip reason.
        assert_eq!(r.accepted[1].business_name, "");
    }

    #[test]
    fn blank_lines_are_ignored_and_not_numbered() {
        let r = ok(concat!(
            "\n\r\n",
            "name,business_name,phone\n",
            "\n",
            "Ana,Acme,4155552671\n",
            "   \n",
            ",,\n",
            " , , \r\n",
            "\r\n",
            "Ben,Bright,\n",
            "\n",
        ));
        assert_eq!(r.total_rows, 2);
        assert_eq!(r.accepted.len(), 1);
        let s = only_skip(&r);
        assert_eq!((s.row, s.reason), (2, SkipReason::EmptyPhone));
    }

    // ---- skip reasons --------------------------------------------------------------------

    #[test]
    fn skip_empty_phone() {
        let r = ok(&format!("{HEADER}Ana,Acme,   \n"));
        let s = only_skip(&r);
        assert_eq!((s.row, s.reason), (1, SkipReason::EmptyPhone));
        assert_eq!(s.detail, "phone is empty");
        assert_eq!(s.data["phone"], "   ");
        assert_eq!(s.data["name"], "Ana");
        assert_eq!(s.data["business_name"], "Acme");
    }

    #[test]
    fn skip_invalid_phone() {
        for phone in [
            "+1 (000) 000-0000",
            "604-0791",
            "not a number",
            "12",
            "+999 123",
        ] {
            let r = ok(&format!("{HEADER}Ana,Acme,{phone}\n"));
            let s = only_skip(&r);
            assert_eq!(s.reason, SkipReason::InvalidPhone, "{phone:?}");
            assert_eq!(s.data["phone"], phone);
            assert!(!s.detail.is_empty());
        }
        let r = ok(&format!("{HEADER}Ana,Acme,+1 (000) 000-0000\n"));
        assert_eq!(only_skip(&r).detail, "not a valid phone number");
    }

    #[test]
    fn skip_missing_name() {
        let r = ok(&format!("{HEADER}  ,Acme,4155552671\n"));
        let s = only_skip(&r);
        assert_eq!((s.row, s.reason), (1, SkipReason::MissingName));
        assert_eq!(s.detail, "name is empty");
    }

    #[test]
    fn skip_wrong_column_count() {
        let r = ok(&format!(
            "{HEADER}Ana,Delta Auto, Inc.,4155552671\nBen,Acme\nCid,Acme,2125550147\n"
        ));
        assert_eq!(r.total_rows, 3);
        assert_eq!(r.accepted.len(), 1);
        assert_eq!(r.accepted[0].row, 3);
        assert_eq!(r.skipped.len(), 2);
        let s = &r.skipped[0];
        assert_eq!((s.row, s.reason), (1, SkipReason::WrongColumnCount));
        assert_eq!(s.detail, "expected 3 fields, found 4");
        assert_eq!(s.data["business_name"], "Delta Auto");
        assert_eq!(s.data["phone"], " Inc.");
        assert_eq!(s.data["_column_4"], "4155552671");
        let s = &r.skipped[1];
        assert_eq!((s.row, s.reason), (2, SkipReason::WrongColumnCount));
        assert_eq!(s.detail, "expected 3 fields, found 2");
    }

    #[test]
    fn skip_do_not_call_with_closure_or_set() {
        let input = format!("{HEADER}Ana,Acme,(415) 555-2671\nBen,Bright,212-555-0147\n");
        let dnc: HashSet<String> = ["+14155552671".to_owned()].into();
        let r = parse_contacts(input.as_bytes(), &opts(10, None), &|e| dnc.contains(e))
            .expect("parses");
        let s = only_skip(&r);
        assert_eq!((s.row, s.reason), (1, SkipReason::DoNotCall));
        assert_eq!(s.detail, "+1******2671 is on the do-not-call list");
        assert_eq!(r.accepted.len(), 1);
        assert_eq!(r.accepted[0].name, "Ben");
    }

    #[test]
    fn skip_duplicates_across_formats_first_wins() {
        let r = ok(&format!(
            "{HEADER}A,X,(415) 555-2671\nB,X,415.555.2671\nC,X,+1 415 555 2671\nD,X,14155552671\nE,X,212-555-0147\nF,X,+12125550147\n"
        ));
        assert_eq!(r.total_rows, 6);
        assert_eq!(r.accepted.len(), 2);
        assert_eq!(r.accepted[0].phone_e164.as_str(), "+14155552671");
        let skipped: Vec<(u64, SkipReason, &str)> = r
            .skipped
            .iter()
            .map(|s| (s.row, s.reason, s.detail.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                (2, SkipReason::Duplicate, "duplicate of row 1"),
                (3, SkipReason::Duplicate, "duplicate of row 1"),
                (4, SkipReason::Duplicate, "duplicate of row 1"),
                (6, SkipReason::Duplicate, "duplicate of row 5"),
            ]
        );
    }

    #[test]
    fn precedence_of_skip_reasons() {
        let dnc = |e: &str| e == "+14155552671";
        let input = format!(
            concat!(
                "{}",
                ",Acme,,extra\n", // 1 wrong count beats missing name + empty phone
                ",Acme,not a number\n", // 2 missing name beats invalid phone
                ",Acme,\n",       // 3 missing name beats empty phone
                "Ana,Acme,\n",    // 4 empty phone
                "Ana,Acme,+1 (000) 000-0000\n", // 5 invalid phone
                "Ana,Acme,4155552671\n", // 6 do-not-call
                "Ana,Acme,2125550147\n", // 7 accepted
                "Bob,Acme,4155552671\n", // 8 do-not-call beats nothing-to-duplicate
                "Bob,Acme,212.555.0147\n", // 9 duplicate of 7
                "  ,Acme,212.555.0147\n", // 10 missing name beats duplicate
            ),
            HEADER
        );
        let r = parse_contacts(input.as_bytes(), &opts(10, None), &dnc).expect("parses");
        let reasons: Vec<(u64, SkipReason)> = r.skipped.iter().map(|s| (s.row, s.reason)).collect();
        use SkipReason::*;
        assert_eq!(
            reasons,
            [
                (1, WrongColumnCount),
                (2, MissingName),
                (3, MissingName),
                (4, EmptyPhone),
                (5, InvalidPhone),
                (6, DoNotCall),
                (8, DoNotCall),
                (9, Duplicate),
                (10, MissingName),
            ]
        );
        assert_eq!(r.accepted.len(), 1);
        assert_eq!(r.accepted[0].row, 7);
    }

    #[test]
    fn a_skipped_row_does_not_block_a_later_one() {
        let r = ok(&format!(
            "{HEADER},Acme,4155552671\nAna,Acme,(415) 555-2671\n"
        ));
        assert_eq!(r.accepted.len(), 1);
        assert_eq!(r.accepted[0].row, 2);
    }

    // ---- batches and limits --------------------------------------------------------------

    #[test]
    fn batch_indexes_with_cap_3_over_7() {
        let mut input = String::from(HEADER);
        for i in 0..7 {
            input.push_str(&format!("C{i},Acme,415-555-{:04}\n", 2600 + i));
            if i == 2 {
                input.push_str("Skipped,Acme,\n"); // skipped rows take no batch position
            }
        }
        let r = parse_contacts(input.as_bytes(), &opts(100, Some(3)), &none).expect("parses");
        assert_eq!(r.total_rows, 8);
        let batches: Vec<u32> = r.accepted.iter().map(|c| c.batch_index).collect();
        assert_eq!(batches, [0, 0, 0, 1, 1, 1, 2]);
        let r = parse_contacts(input.as_bytes(), &opts(100, None), &none).expect("parses");
        assert!(r.accepted.iter().all(|c| c.batch_index == 0));
    }

    #[test]
    fn zero_batch_cap_is_rejected() {
        let err = parse_contacts(HEADER.as_bytes(), &opts(10, Some(0)), &none);
        assert!(matches!(err, Err(ImportError::InvalidOptions(_))));
    }

    #[test]
    fn max_contacts_exceeded_stops_early() {
        let mut input = String::from(HEADER);
        for i in 0..5 {
            input.push_str(&format!("C{i},Acme,415-555-{:04}\n", 2600 + i));
        }
        // Garbage after the limit would be a Csv error if it were read.
        let mut bytes = input.clone().into_bytes();
        bytes.extend_from_slice(b"\xff\xfe,broken,\n");
        let err = parse_contacts(&bytes[..], &opts(3, None), &none);
        assert_eq!(
            err,
            Err(ImportError::TooManyContacts {
                max: 3,
                found_at_least: 4
            })
        );
        assert_eq!(
            err.expect_err("error").to_string(),
            "too many contacts: the limit is 3, the file has at least 4"
        );
        // Exactly at the limit is fine, and skipped rows do not count towards it.
        input.push_str("Dup,Acme,4155552600\n");
        let r = parse_contacts(input.as_bytes(), &opts(5, None), &none).expect("parses");
        assert_eq!(r.accepted.len(), 5);
        assert_eq!(r.skipped.len(), 1);
    }

    // ---- file-level errors ---------------------------------------------------------------

    #[test]
    fn missing_columns_error_names_them() {
        let err = parse(b"Name,Phone,city\nAna,4155552671,NYC\n").expect_err("missing");
        assert_eq!(
            err,
            ImportError::MissingColumns(vec!["business_name".into()])
        );
        assert_eq!(err.to_string(), "missing required column(s): business_name");
        let err = parse(b"full name,company\n").expect_err("missing");
        assert_eq!(
            err,
            ImportError::MissingColumns(vec![
                "name".into(),
                "business_name".into(),
                "phone".into()
            ])
        );
    }

    #[test]
    fn duplicate_columns_error() {
        let err = parse(b"name,business_name,phone,Phone\n").expect_err("dup");
        assert_eq!(err, ImportError::DuplicateColumns(vec!["phone".into()]));
    }

    #[test]
    fn header_only_is_an_empty_report() {
        let r = ok("name,business_name,phone\r\n\r\n");
        assert_eq!(r, ImportReport::default());
    }

    #[test]
    fn empty_file_error() {
        for input in ["", "\n\n", "\r\n  \r\n", ",,\n", "\u{feff}"] {
            assert_eq!(
                parse(input.as_bytes()),
                Err(ImportError::Empty),
                "{input:?}"
            );
        }
    }

    #[test]
    fn invalid_utf8_error_names_the_line() {
        let input = b"name,business_name,phone\nAna,Acme,4155552671\n\"Multi\nline\",Acme,2125550147\nJos\xe9,Acme,3125550111\n";
        let err = parse(input).expect_err("invalid utf-8");
        let ImportError::Csv(msg) = &err else {
            panic!("expected Csv, got {err:?}");
        };
        assert!(msg.contains("line 5"), "{msg}");
        assert!(msg.contains("data row 3"), "{msg}");
        assert!(msg.contains("field 1"), "{msg}");
        assert!(err.to_string().starts_with("malformed CSV: "), "{err}");
        // In the header too.
        let err = parse(b"n\xffame,business_name,phone\n").expect_err("invalid utf-8");
        assert!(
            matches!(&err, ImportError::Csv(m) if m.contains("line 1")),
            "{err:?}"
        );
    }

    #[test]
    fn io_errors_become_csv_errors() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        let err = parse_contacts(Failing, &opts(10, None), &none).expect_err("io");
        assert!(
            matches!(&err, ImportError::Csv(m) if m.contains("disk on fire")),
            "{err:?}"
        );
    }

    #[test]
    fn one_byte_at_a_time_reader_gives_the_same_report() {
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match (self.0.split_first(), buf.first_mut()) {
                    (Some((b, rest)), Some(slot)) => {
                        *slot = *b;
                        self.0 = rest;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        let input = FIXTURE_MESSY;
        let whole = parse(input).expect("parses");
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(input);
        let trickled =
            parse_contacts(Trickle(&with_bom), &opts(100_000, None), &none).expect("parses");
        assert_eq!(whole, trickled);
    }

    // ---- generated fixtures (expected numbers from fixtures/expected.py) -----------------

    // Expected numbers printed by `python3 fixtures/expected.py` (csv module + `phonenumbers`
    // as the oracle, cross-checked against a replay of the generator's damage choices).
    const CLEAN_ACCEPTED: usize = 50;
    const EXTRA_ACCEPTED: usize = 30;
    const MESSY_ACCEPTED: usize = 158;
    const MESSY_EMPTY_BUSINESS: usize = 10;
    const MESSY_SKIPPED: [(SkipReason, usize); 4] = [
        (SkipReason::MissingName, 8),
        (SkipReason::EmptyPhone, 12),
        (SkipReason::InvalidPhone, 19),
        (SkipReason::Duplicate, 3),
    ];
    const MESSY_SPOT_CHECKS: [(u64, SkipReason, &str); 8] = [
        // Generator kind 3 on the first row falls through to "blank name".
        (1, SkipReason::MissingName, "name is empty"),
        (4, SkipReason::InvalidPhone, "not a valid phone number"), // +1 (000) 000-0000
        (
            15,
            SkipReason::InvalidPhone,
            "not a phone number (not a number)",
        ),
        (22, SkipReason::Duplicate, "duplicate of row 20"), // 17026076536 vs +17026076536
        (29, SkipReason::EmptyPhone, "phone is empty"),
        (36, SkipReason::InvalidPhone, "not a valid phone number"), // 871-2394, too short
        (103, SkipReason::Duplicate, "duplicate of row 12"),
        (166, SkipReason::Duplicate, "duplicate of row 82"),
    ];

    const FIXTURE_CLEAN: &[u8] = include_bytes!("../../tests/fixtures/clean_50.csv");
    const FIXTURE_MESSY: &[u8] = include_bytes!("../../tests/fixtures/messy_200.csv");
    const FIXTURE_EXTRA: &[u8] = include_bytes!("../../tests/fixtures/extra_30.csv");

    fn counts(r: &ImportReport) -> BTreeMap<SkipReason, usize> {
        let mut out = BTreeMap::new();
        for s in &r.skipped {
            *out.entry(s.reason).or_default() += 1;
        }
        out
    }

    #[test]
    fn fixture_clean_50() {
        let r = parse(FIXTURE_CLEAN).expect("parses");
        assert_eq!(r.total_rows, 50);
        assert_eq!(r.accepted.len(), CLEAN_ACCEPTED);
        assert_eq!(r.skipped.len(), 50 - CLEAN_ACCEPTED);
        let first = &r.accepted[0];
        assert_eq!(
            (first.row, first.name.as_str(), first.phone_e164.as_str()),
            (1, "Chloé Okafor", "+12136040791")
        );
    }

    #[test]
    fn fixture_extra_30() {
        let r = parse(FIXTURE_EXTRA).expect("parses");
        assert_eq!(r.total_rows, 30);
        assert_eq!(r.accepted.len(), EXTRA_ACCEPTED);
        for c in &r.accepted {
            let keys: Vec<&str> = c.variables.keys().map(String::as_str).collect();
            assert_eq!(keys, ["city", "plan", "timezone"], "row {}", c.row);
        }
        let first = &r.accepted[0].variables;
        assert_eq!(first["city"], "New York");
        assert_eq!(first["timezone"], "America/New_York");
        assert_eq!(r.accepted[0].timezone.as_deref(), Some("America/New_York"));
        assert!(r.accepted.iter().all(|c| c.timezone.is_some()));
        assert_eq!(first["plan"], "enterprise");
    }

    #[test]
    fn fixture_messy_200() {
        let r = parse(FIXTURE_MESSY).expect("parses");
        assert_eq!(r.total_rows, 200);
        assert_eq!(r.accepted.len(), MESSY_ACCEPTED);
        let expected: BTreeMap<SkipReason, usize> = MESSY_SKIPPED.into_iter().collect();
        assert_eq!(counts(&r), expected);
        for (row, reason, detail) in MESSY_SPOT_CHECKS {
            let s = r
                .skipped
                .iter()
                .find(|s| s.row == row)
                .unwrap_or_else(|| panic!("row {row} should be skipped"));
            assert_eq!((s.reason, s.detail.as_str()), (reason, detail), "row {row}");
        }
        // Row 17 re-formats row 1's number, but row 1 was skipped (no name): row 17 is the
        // first accepted occurrence, not a duplicate.
        let row17 = r
            .accepted
            .iter()
            .find(|c| c.row == 17)
            .expect("row 17 accepted");
        assert_eq!(row17.phone_e164.as_str(), "+12136040791");
        assert_eq!(row17.name, "Hana Müller");
        // Stray whitespace (generator kind 4) is trimmed.
        assert!(
            r.accepted
                .iter()
                .all(|c| c.name == c.name.trim() && c.phone_original == c.phone_original.trim())
        );
        // Missing business names (generator kind 5) are accepted with an empty string.
        assert_eq!(
            r.accepted
                .iter()
                .filter(|c| c.business_name.is_empty())
                .count(),
            MESSY_EMPTY_BUSINESS
        );
    }

    // ---- property tests ------------------------------------------------------------------

    const AREAS: [u16; 24] = [
        201, 202, 206, 212, 213, 305, 312, 404, 415, 469, 512, 617, 702, 718, 773, 808, 917, 971,
        303, 602, 614, 503, 615, 720,
    ];

    proptest::proptest! {
        #[test]
        fn six_generator_styles_agree(area in proptest::sample::select(&AREAS[..]),
                                      ex in 200u16..990, line in 0u16..10000) {
            let styles = [
                format!("({area}) {ex}-{line:04}"),
                format!("{area}.{ex}.{line:04}"),
                format!("+1 {area} {ex} {line:04}"),
                format!("1{area}{ex}{line:04}"),
                format!("{area}-{ex}-{line:04}"),
                format!("+1{area}{ex}{line:04}"),
            ];
            let results: Vec<_> = styles.iter().map(|s| normalize_phone(s, us())).collect();
            for r in &results {
                proptest::prop_assert_eq!(r, &results[0]);
            }
            if let Ok(e164) = &results[0] {
                proptest::prop_assert_eq!(e164, &format!("+1{area}{ex}{line:04}"));
            }
        }

        #[test]
        fn arbitrary_input_never_panics(raw in "\\PC{0,40}") {
            let _ = normalize_phone(&raw, us());
            let _ = normalize_header(&raw);
            let _ = mask_phone(&raw);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let mut input = b"name,business_name,phone\n".to_vec();
            input.extend_from_slice(&bytes);
            let _ = parse(&input);
        }
    }

    #[test]
    fn time_zones_are_read_and_checked_only_when_calling_hours_apply() {
        let input = "name,business_name,phone,Time Zone\n\
                     A,,+14155552671,Europe/Paris\n\
                     B,,+14155552672,Eastern\n\
                     C,,+14155552673,\n";
        let loose = parse_contacts(input.as_bytes(), &opts(100, None), &none).unwrap();
        let zones: Vec<_> = loose.accepted.iter().map(|c| c.timezone.clone()).collect();
        assert_eq!(zones, [Some("Europe/Paris".to_owned()), None, None]);
        // The cell stays a variable either way.
        assert_eq!(loose.accepted[1].variables["time_zone"], "Eastern");

        let strict = ImportOptions {
            require_valid_timezone: true,
            ..opts(100, None)
        };
        let report = parse_contacts(input.as_bytes(), &strict, &none).unwrap();
        assert_eq!(report.accepted.len(), 2);
        let skip = only_skip(&report);
        assert_eq!((skip.row, skip.reason), (2, SkipReason::InvalidTimezone));
        assert!(skip.detail.contains("IANA"), "{}", skip.detail);
    }
}
