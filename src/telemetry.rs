//! Logging: `tracing` to stderr, human-readable or JSON (one object per line: `timestamp`,
//! `level`, `message`, the event's fields, and the fields of the spans it happened in —
//! `request_id`, `campaign_id`, `call_id`). Phone numbers are logged only masked
//! ([`crate::domain::import::mask_phone`]); transcripts, summaries and secrets never.

use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, LogSettings};
use crate::domain::import::mask_phone;

/// Installs the global subscriber once; later calls are ignored (tests start many apps).
pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_new(&settings.level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match settings.format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(true)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Masks every phone-number-like run (`+` and/or 7 to 15 digits) in a text that came from
/// outside, such as a provider's error message, before it can reach a log line.
pub fn redact_phone_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let plus = chars[i] == '+';
        let mut j = if plus { i + 1 } else { i };
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        let digits = j - if plus { i + 1 } else { i };
        let word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
        let inside_word = (start > 0 && word(chars[start - 1]))
            || chars
                .get(j)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_');
        if digits >= 7 && !inside_word {
            let run: String = chars[start..j].iter().collect();
            out.push_str(&mask_phone(&run));
            i = j;
        } else if j > i {
            out.extend(&chars[i..j]);
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_in_free_text_are_masked() {
        assert_eq!(
            redact_phone_numbers("customer.number +14155552671 is not valid"),
            "customer.number +1******2671 is not valid"
        );
        assert_eq!(
            redact_phone_numbers("dial 4152340001 now"),
            "dial 41****0001 now"
        );
        assert_eq!(redact_phone_numbers("status 400: bad"), "status 400: bad");
        assert_eq!(redact_phone_numbers("+44"), "+44");
        // Ids that merely contain digits are left alone.
        assert_eq!(redact_phone_numbers("call-12345678"), "call-12345678");
    }
}
