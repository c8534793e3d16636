//! The campaign CSV export, streamed: a task reads the contacts in chunks (keyset on the row
//! number) and feeds a small channel, so memory stays constant whatever the campaign's size.

use bytes::Bytes;
use poem::Body;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::store;
use crate::store::entities::{call, campaign, contact};

/// Contacts read per query.
const CHUNK: u64 = 500;
/// Chunks buffered between the reader task and the socket.
const BUFFERED: usize = 4;

pub const COLUMNS: [&str; 11] = [
    "name",
    "business_name",
    "phone",
    "call_status",
    "ended_reason",
    "cost_usd",
    "duration_seconds",
    "recording_url",
    "success_evaluation",
    "transcript_summary",
    "attempts",
];

/// A safe download name: the campaign's name reduced to `[a-z0-9-]`, plus its id.
pub fn file_name(name: &str, id: Uuid) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug = if slug.is_empty() {
        "campaign".to_owned()
    } else {
        slug
    };
    format!("{}-{}.csv", &slug[..slug.len().min(60)], id.simple())
}

/// Starts the export of `campaign` and returns the response body.
pub fn stream(db: DatabaseConnection, campaign: &campaign::Model) -> Body {
    let variables: Vec<String> = campaign.settings_json["variableColumns"]
        .as_array()
        .map(|cols| {
            cols.iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let campaign_id = campaign.id;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(BUFFERED);
    tokio::spawn(async move {
        let mut header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        header.extend(variables.iter().cloned());
        let first = match encode(std::iter::once(header)) {
            Ok(bytes) => bytes,
            Err(e) => {
                let _ = tx.send(Err(std::io::Error::other(e))).await;
                return;
            }
        };
        if tx.send(Ok(first)).await.is_err() {
            return;
        }
        let mut after_row = 0;
        loop {
            let rows =
                match store::campaigns::export_chunk(&db, campaign_id, after_row, CHUNK).await {
                    Ok(rows) => rows,
                    Err(e) => {
                        tracing::error!(%campaign_id, error = %e, "export failed");
                        let _ = tx.send(Err(std::io::Error::other(e))).await;
                        return;
                    }
                };
            let Some((last, _)) = rows.last() else {
                return;
            };
            after_row = last.row_number;
            let records = rows
                .iter()
                .map(|(c, call)| record(c, call.as_ref(), &variables));
            let chunk = match encode(records) {
                Ok(bytes) => bytes,
                Err(e) => {
                    let _ = tx.send(Err(std::io::Error::other(e))).await;
                    return;
                }
            };
            // A closed channel means the client went away: stop reading.
            if tx.send(Ok(chunk)).await.is_err() {
                return;
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Body::from_bytes_stream(stream)
}

fn encode(records: impl Iterator<Item = Vec<String>>) -> Result<Bytes, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(64 * 1024));
    for record in records {
        writer.write_record(&record)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(Bytes::from(bytes))
}

fn record(c: &contact::Model, call: Option<&call::Model>, variables: &[String]) -> Vec<String> {
    let opt = |v: Option<String>| v.unwrap_or_default();
    let num = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
    let mut fields = vec![
        defuse(&c.name),
        defuse(&c.business_name),
        c.phone_e164.clone(),
        call.map_or(c.status.as_str(), |k| k.status.as_str())
            .to_owned(),
        opt(call.and_then(|k| k.ended_reason.clone())),
        num(call.and_then(|k| k.cost)),
        num(call.and_then(|k| k.duration_seconds)),
        opt(call.and_then(|k| k.recording_url.clone())),
        opt(call.and_then(|k| k.success_evaluation.clone())),
        defuse(&opt(call.and_then(|k| k.summary.clone()))),
        c.attempts.to_string(),
    ];
    for key in variables {
        let value = c.variables_json[key].as_str().unwrap_or_default();
        fields.push(defuse(value));
    }
    fields
}

/// Keeps spreadsheet programs from running a cell as a formula (CSV injection): text that
/// starts with `=`, `@`, tab or carriage return, or with `+`/`-` not followed by a digit, gets
/// a leading apostrophe.
fn defuse(value: &str) -> String {
    let mut chars = value.chars();
    let risky = match chars.next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    if risky {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe() {
        let id = Uuid::nil();
        assert_eq!(
            file_name("Q4 Outreach / \"West\"", id),
            format!("q4-outreach-west-{}.csv", id.simple())
        );
        assert!(file_name("李雷", id).starts_with("campaign-"));
    }

    #[test]
    fn formulas_are_defused_but_numbers_are_not() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("+14155552671"), "+14155552671");
        assert_eq!(defuse("-3"), "-3");
        assert_eq!(defuse("-x"), "'-x");
        assert_eq!(defuse("Acme, Inc."), "Acme, Inc.");
    }
}
