//! Webhook authentication: verifies that a delivery comes from Vapi under each scheme Vapi
//! offers (HMAC with a configurable layout, bearer token, legacy `X-Vapi-Secret`), over the raw
//! body bytes and in constant time — and signs deliveries the same way for the simulator.
//!
//! During a secret rotation a delivery passes when it is authenticated with the current secret
//! or the previous one; both are always checked (no early exit), so the answer's timing does
//! not tell which one matched. Signing uses the current secret only.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use poem::http::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Sha256, Sha512};
use subtle::ConstantTimeEq;

use crate::config::{
    HmacAlgorithm, HmacSettings, SignatureEncoding, WebhookScheme, WebhookSettings,
};

/// Header of the legacy scheme (Vapi's old `server.secret`).
pub const X_VAPI_SECRET: &str = "x-vapi-secret";

/// Why a delivery was refused. The HTTP layer answers 401 for all of them; the variant goes to
/// the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("no webhook secret is configured and unsigned webhooks are not allowed")]
    NoSecret,
    #[error("missing header {0}")]
    MissingHeader(String),
    #[error("header {0} is malformed")]
    MalformedHeader(String),
    #[error("timestamp is {skew_secs} s away from now, beyond the {tolerance_secs} s tolerance")]
    StaleTimestamp { skew_secs: i64, tolerance_secs: u64 },
    #[error("signature or secret does not match")]
    Mismatch,
    #[error("invalid webhook configuration: {0}")]
    Config(String),
}

/// Checks (and, for the simulator, produces) webhook credentials; built once from settings.
#[derive(Debug, Clone)]
pub struct WebhookVerifier {
    scheme: WebhookScheme,
    secret: Option<SecretString>,
    /// The secret being rotated out: accepted, never used to sign.
    previous: Option<SecretString>,
    allow_unsigned: bool,
    tolerance: Duration,
    bearer_header: HeaderName,
    signature_header: HeaderName,
    timestamp_header: HeaderName,
    hmac: HmacSettings,
}

impl WebhookVerifier {
    pub fn from_settings(settings: &WebhookSettings) -> Result<Self, VerifyError> {
        let header = |name: &str| {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| VerifyError::Config(format!("{name:?} is not a header name")))
        };
        if !settings.hmac.payload_format.contains("{body}") {
            return Err(VerifyError::Config(
                "the HMAC payload format must contain {body}".to_owned(),
            ));
        }
        Ok(Self {
            scheme: settings.scheme,
            secret: settings
                .secret
                .clone()
                .filter(|s| !s.expose_secret().is_empty()),
            previous: settings
                .previous_secret
                .clone()
                .filter(|s| !s.expose_secret().is_empty()),
            allow_unsigned: settings.allow_unsigned,
            tolerance: Duration::from_secs(settings.timestamp_tolerance_secs),
            bearer_header: header(&settings.bearer_header)?,
            signature_header: header(&settings.hmac.signature_header)?,
            timestamp_header: header(&settings.hmac.timestamp_header)?,
            hmac: settings.hmac.clone(),
        })
    }

    pub fn scheme(&self) -> WebhookScheme {
        self.scheme
    }

    /// Verifies one delivery. `url_path` is the request path (for `{url}` in the payload
    /// format), `body` the raw bytes as received.
    pub fn verify(
        &self,
        method: &str,
        url_path: &str,
        headers: &HeaderMap,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), VerifyError> {
        let Some(secret) = &self.secret else {
            return if self.allow_unsigned {
                Ok(())
            } else {
                Err(VerifyError::NoSecret)
            };
        };
        let secrets: Vec<&[u8]> = std::iter::once(secret)
            .chain(self.previous.as_ref())
            .map(|s| s.expose_secret().as_bytes())
            .collect();
        match self.scheme {
            WebhookScheme::Bearer => {
                let value = header_str(headers, &self.bearer_header)?;
                let token = strip_bearer(value)
                    .ok_or_else(|| VerifyError::MalformedHeader(self.bearer_header.to_string()))?;
                ct_eq_any(token.as_bytes(), &secrets)
            }
            WebhookScheme::XVapiSecret => {
                let value = header_str(headers, &HeaderName::from_static(X_VAPI_SECRET))?;
                ct_eq_any(value.as_bytes(), &secrets)
            }
            WebhookScheme::Hmac => {
                let signed_ts = if self.hmac.payload_format.contains("{timestamp}")
                    || headers.contains_key(&self.timestamp_header)
                {
                    let raw = header_str(headers, &self.timestamp_header)?;
                    let at = parse_timestamp(raw).ok_or_else(|| {
                        VerifyError::MalformedHeader(self.timestamp_header.to_string())
                    })?;
                    let skew = now - at;
                    if u128::from(skew.num_milliseconds().unsigned_abs())
                        > self.tolerance.as_millis()
                    {
                        return Err(VerifyError::StaleTimestamp {
                            skew_secs: skew.num_seconds(),
                            tolerance_secs: self.tolerance.as_secs(),
                        });
                    }
                    raw.to_owned()
                } else {
                    String::new()
                };
                let value = header_str(headers, &self.signature_header)?;
                let encoded = value
                    .strip_prefix(self.hmac.signature_prefix.as_str())
                    .ok_or(VerifyError::Mismatch)?;
                let signature = match self.hmac.encoding {
                    SignatureEncoding::Hex => hex::decode(encoded.trim()),
                    SignatureEncoding::Base64 => BASE64
                        .decode(encoded.trim())
                        .map_err(|_| hex::FromHexError::InvalidStringLength),
                }
                .map_err(|_| VerifyError::Mismatch)?;
                let payload = self.payload(method, url_path, &signed_ts, body);
                // Every secret is tried, whichever matches, so timing does not tell which.
                let mut matched = false;
                for secret in &secrets {
                    matched |= self.verify_mac(secret, &payload, &signature).is_ok();
                }
                if matched {
                    Ok(())
                } else {
                    Err(VerifyError::Mismatch)
                }
            }
        }
    }

    /// The headers a delivery of `body` must carry to pass [`verify`](Self::verify) at `now`.
    /// Empty when no secret is set (unsigned deliveries).
    pub fn sign(
        &self,
        method: &str,
        url_path: &str,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, VerifyError> {
        let Some(secret) = &self.secret else {
            return Ok(Vec::new());
        };
        let secret = secret.expose_secret();
        let value = |s: String| {
            HeaderValue::from_str(&s)
                .map_err(|_| VerifyError::Config("the secret is not a valid header value".into()))
        };
        Ok(match self.scheme {
            WebhookScheme::Bearer => {
                vec![(
                    self.bearer_header.clone(),
                    value(format!("Bearer {secret}"))?,
                )]
            }
            WebhookScheme::XVapiSecret => vec![(
                HeaderName::from_static(X_VAPI_SECRET),
                value(secret.to_owned())?,
            )],
            WebhookScheme::Hmac => {
                let ts = now.timestamp_millis().to_string();
                let payload = self.payload(method, url_path, &ts, body);
                let mac = self.compute_mac(secret.as_bytes(), &payload)?;
                let encoded = match self.hmac.encoding {
                    SignatureEncoding::Hex => hex::encode(mac),
                    SignatureEncoding::Base64 => BASE64.encode(mac),
                };
                vec![
                    (
                        self.signature_header.clone(),
                        value(format!("{}{encoded}", self.hmac.signature_prefix))?,
                    ),
                    (self.timestamp_header.clone(), value(ts)?),
                ]
            }
        })
    }

    /// The signed bytes: the payload format with its placeholders replaced; the body is
    /// inserted as raw bytes, never re-encoded.
    fn payload(&self, method: &str, url_path: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(body.len() + 64);
        let mut rest = self.hmac.payload_format.as_str();
        while let Some(start) = rest.find('{') {
            out.extend_from_slice(&rest.as_bytes()[..start]);
            let tail = &rest[start..];
            let (replacement, len): (&[u8], usize) = if tail.starts_with("{body}") {
                (body, 6)
            } else if tail.starts_with("{timestamp}") {
                (timestamp.as_bytes(), 11)
            } else if tail.starts_with("{method}") {
                (method.as_bytes(), 8)
            } else if tail.starts_with("{url}") {
                (url_path.as_bytes(), 5)
            } else {
                (b"{", 1)
            };
            out.extend_from_slice(replacement);
            rest = &tail[len..];
        }
        out.extend_from_slice(rest.as_bytes());
        out
    }

    fn compute_mac(&self, secret: &[u8], payload: &[u8]) -> Result<Vec<u8>, VerifyError> {
        let bad_key = |_| VerifyError::Config("unusable HMAC key".to_owned());
        Ok(match self.hmac.algorithm {
            HmacAlgorithm::Sha256 => {
                let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(bad_key)?;
                mac.update(payload);
                mac.finalize().into_bytes().to_vec()
            }
            HmacAlgorithm::Sha512 => {
                let mut mac = Hmac::<Sha512>::new_from_slice(secret).map_err(bad_key)?;
                mac.update(payload);
                mac.finalize().into_bytes().to_vec()
            }
        })
    }

    fn verify_mac(
        &self,
        secret: &[u8],
        payload: &[u8],
        signature: &[u8],
    ) -> Result<(), VerifyError> {
        let bad_key = |_| VerifyError::Config("unusable HMAC key".to_owned());
        let ok = match self.hmac.algorithm {
            HmacAlgorithm::Sha256 => {
                let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(bad_key)?;
                mac.update(payload);
                mac.verify_slice(signature).is_ok()
            }
            HmacAlgorithm::Sha512 => {
                let mut mac = Hmac::<Sha512>::new_from_slice(secret).map_err(bad_key)?;
                mac.update(payload);
                mac.verify_slice(signature).is_ok()
            }
        };
        if ok {
            Ok(())
        } else {
            Err(VerifyError::Mismatch)
        }
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Result<&'a str, VerifyError> {
    headers
        .get(name)
        .ok_or_else(|| VerifyError::MissingHeader(name.to_string()))?
        .to_str()
        .map_err(|_| VerifyError::MalformedHeader(name.to_string()))
}

/// `Bearer <token>` with a case-insensitive scheme word.
fn strip_bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Whether `given` equals any of `expected`, each compared in constant time and all of them
/// compared (no early exit).
fn ct_eq_any(given: &[u8], expected: &[&[u8]]) -> Result<(), VerifyError> {
    let matched = expected
        .iter()
        .fold(subtle::Choice::from(0), |acc, e| acc | given.ct_eq(e));
    if bool::from(matched) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

/// Seconds or milliseconds since the epoch (values above 10^11 are milliseconds: 10^11 s is
/// the year 5138), possibly fractional.
pub fn parse_timestamp(raw: &str) -> Option<DateTime<Utc>> {
    let value: f64 = raw.trim().parse().ok()?;
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    let millis = if value > 1e11 { value } else { value * 1000.0 };
    DateTime::from_timestamp_millis(millis as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"message":{"type":"status-update","status":"ringing"}}"#;
    const PATH: &str = "/api/webhooks/vapi";

    fn settings(scheme: WebhookScheme, secret: &str) -> WebhookSettings {
        WebhookSettings::new(scheme, Some(secret))
    }

    fn verifier(s: &WebhookSettings) -> WebhookVerifier {
        WebhookVerifier::from_settings(s).unwrap()
    }

    fn signed(v: &WebhookVerifier, body: &[u8], at: DateTime<Utc>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (k, val) in v.sign("POST", PATH, body, at).unwrap() {
            headers.insert(k, val);
        }
        headers
    }

    #[test]
    fn hmac_default_layout_matches_vapi() {
        let v = verifier(&settings(WebhookScheme::Hmac, "s3cret"));
        let now = Utc::now();
        let headers = signed(&v, BODY, now);
        let ts = headers["x-timestamp"].to_str().unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(format!("{ts}.").as_bytes());
        mac.update(BODY);
        assert_eq!(
            headers["x-signature"].to_str().unwrap(),
            hex::encode(mac.finalize().into_bytes())
        );
        assert_eq!(v.verify("POST", PATH, &headers, BODY, now), Ok(()));
    }

    #[test]
    fn hmac_rejects_a_changed_byte_a_wrong_secret_and_missing_headers() {
        let v = verifier(&settings(WebhookScheme::Hmac, "s3cret"));
        let now = Utc::now();
        let headers = signed(&v, BODY, now);

        let mut changed = BODY.to_vec();
        changed[20] ^= 1;
        assert_eq!(
            v.verify("POST", PATH, &headers, &changed, now),
            Err(VerifyError::Mismatch)
        );

        let other = verifier(&settings(WebhookScheme::Hmac, "other"));
        assert_eq!(
            other.verify("POST", PATH, &headers, BODY, now),
            Err(VerifyError::Mismatch)
        );

        let mut no_sig = headers.clone();
        no_sig.remove("x-signature");
        assert_eq!(
            v.verify("POST", PATH, &no_sig, BODY, now),
            Err(VerifyError::MissingHeader("x-signature".into()))
        );
        let mut no_ts = headers.clone();
        no_ts.remove("x-timestamp");
        assert_eq!(
            v.verify("POST", PATH, &no_ts, BODY, now),
            Err(VerifyError::MissingHeader("x-timestamp".into()))
        );

        let mut garbage = headers;
        garbage.insert("x-signature", HeaderValue::from_static("zz-not-hex"));
        assert_eq!(
            v.verify("POST", PATH, &garbage, BODY, now),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn hmac_timestamp_outside_the_tolerance_is_refused_both_ways() {
        let v = verifier(&settings(WebhookScheme::Hmac, "s3cret"));
        let then = Utc::now();
        let headers = signed(&v, BODY, then);
        assert!(
            v.verify(
                "POST",
                PATH,
                &headers,
                BODY,
                then + chrono::Duration::seconds(299)
            )
            .is_ok()
        );
        assert!(matches!(
            v.verify(
                "POST",
                PATH,
                &headers,
                BODY,
                then + chrono::Duration::seconds(301)
            ),
            Err(VerifyError::StaleTimestamp { .. })
        ));
        assert!(matches!(
            v.verify(
                "POST",
                PATH,
                &headers,
                BODY,
                then - chrono::Duration::seconds(301)
            ),
            Err(VerifyError::StaleTimestamp { .. })
        ));
    }

    #[test]
    fn hmac_accepts_timestamps_in_seconds() {
        let v = verifier(&settings(WebhookScheme::Hmac, "k"));
        let now = Utc::now();
        let ts = now.timestamp().to_string();
        let mut mac = Hmac::<Sha256>::new_from_slice(b"k").unwrap();
        mac.update(format!("{ts}.").as_bytes());
        mac.update(BODY);
        let mut headers = HeaderMap::new();
        headers.insert("x-timestamp", HeaderValue::from_str(&ts).unwrap());
        headers.insert(
            "x-signature",
            HeaderValue::from_str(&hex::encode(mac.finalize().into_bytes())).unwrap(),
        );
        assert_eq!(v.verify("POST", PATH, &headers, BODY, now), Ok(()));
    }

    #[test]
    fn hmac_base64_prefix_sha512_and_custom_layout() {
        let mut s = settings(WebhookScheme::Hmac, "k");
        s.hmac = HmacSettings {
            signature_header: "x-vapi-signature".into(),
            timestamp_header: "x-vapi-timestamp".into(),
            signature_prefix: "sha512=".into(),
            encoding: SignatureEncoding::Base64,
            payload_format: "{method} {url} {timestamp}:{body}".into(),
            algorithm: HmacAlgorithm::Sha512,
        };
        let v = verifier(&s);
        let now = Utc::now();
        let headers = signed(&v, BODY, now);
        let sig = headers["x-vapi-signature"].to_str().unwrap();
        assert!(sig.starts_with("sha512="), "{sig}");
        let ts = headers["x-vapi-timestamp"].to_str().unwrap();
        let mut mac = Hmac::<Sha512>::new_from_slice(b"k").unwrap();
        mac.update(format!("POST {PATH} {ts}:").as_bytes());
        mac.update(BODY);
        assert_eq!(
            &sig["sha512=".len()..],
            BASE64.encode(mac.finalize().into_bytes())
        );
        assert_eq!(v.verify("POST", PATH, &headers, BODY, now), Ok(()));
        // The path is signed too.
        assert_eq!(
            v.verify("POST", "/elsewhere", &headers, BODY, now),
            Err(VerifyError::Mismatch)
        );
        // Without the prefix the signature is refused.
        let mut no_prefix = headers.clone();
        no_prefix.insert(
            "x-vapi-signature",
            HeaderValue::from_str(&sig["sha512=".len()..]).unwrap(),
        );
        assert_eq!(
            v.verify("POST", PATH, &no_prefix, BODY, now),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn body_only_payload_needs_no_timestamp() {
        let mut s = settings(WebhookScheme::Hmac, "k");
        s.hmac.payload_format = "{body}".into();
        let v = verifier(&s);
        let now = Utc::now();
        let mut headers = signed(&v, BODY, now);
        headers.remove("x-timestamp");
        assert_eq!(v.verify("POST", PATH, &headers, BODY, now), Ok(()));
    }

    #[test]
    fn bearer_scheme() {
        let v = verifier(&settings(WebhookScheme::Bearer, "tok"));
        let now = Utc::now();
        let headers = signed(&v, BODY, now);
        assert_eq!(headers["authorization"], "Bearer tok");
        assert_eq!(v.verify("POST", PATH, &headers, BODY, now), Ok(()));
        let mut lower = HeaderMap::new();
        lower.insert("authorization", HeaderValue::from_static("bearer tok"));
        assert_eq!(v.verify("POST", PATH, &lower, BODY, now), Ok(()));
        let mut wrong = HeaderMap::new();
        wrong.insert("authorization", HeaderValue::from_static("Bearer tok2"));
        assert_eq!(
            v.verify("POST", PATH, &wrong, BODY, now),
            Err(VerifyError::Mismatch)
        );
        let mut bare = HeaderMap::new();
        bare.insert("authorization", HeaderValue::from_static("tok"));
        assert!(v.verify("POST", PATH, &bare, BODY, now).is_err());
        assert_eq!(
            v.verify("POST", PATH, &HeaderMap::new(), BODY, now),
            Err(VerifyError::MissingHeader("authorization".into()))
        );

        let mut custom = settings(WebhookScheme::Bearer, "tok");
        custom.bearer_header = "X-Auth".into();
        let v = verifier(&custom);
        let headers = signed(&v, BODY, now);
        assert_eq!(headers["x-auth"], "Bearer tok");
        assert_eq!(v.verify("POST", PATH, &headers, BODY, now), Ok(()));
    }

    #[test]
    fn legacy_x_vapi_secret_scheme() {
        let v = verifier(&settings(WebhookScheme::XVapiSecret, "legacy"));
        let now = Utc::now();
        let headers = signed(&v, BODY, now);
        assert_eq!(headers["x-vapi-secret"], "legacy");
        assert_eq!(v.verify("POST", PATH, &headers, BODY, now), Ok(()));
        let mut wrong = HeaderMap::new();
        wrong.insert("x-vapi-secret", HeaderValue::from_static("legacy "));
        assert_eq!(
            v.verify("POST", PATH, &wrong, BODY, now),
            Err(VerifyError::Mismatch)
        );
        assert!(matches!(
            v.verify("POST", PATH, &HeaderMap::new(), BODY, now),
            Err(VerifyError::MissingHeader(_))
        ));
    }

    #[test]
    fn no_secret_is_refused_unless_explicitly_allowed() {
        let mut s = WebhookSettings::new(WebhookScheme::Hmac, None);
        s.allow_unsigned = false;
        let v = verifier(&s);
        assert_eq!(
            v.verify("POST", PATH, &HeaderMap::new(), BODY, Utc::now()),
            Err(VerifyError::NoSecret)
        );
        s.allow_unsigned = true;
        let v = verifier(&s);
        assert_eq!(
            v.verify("POST", PATH, &HeaderMap::new(), BODY, Utc::now()),
            Ok(())
        );
        assert!(v.sign("POST", PATH, BODY, Utc::now()).unwrap().is_empty());
    }

    #[test]
    fn during_a_rotation_the_current_and_the_previous_secret_pass_under_every_scheme() {
        let now = Utc::now();
        for scheme in [
            WebhookScheme::Hmac,
            WebhookScheme::Bearer,
            WebhookScheme::XVapiSecret,
        ] {
            let mut rotating = settings(scheme, "new-secret");
            rotating.previous_secret = Some(SecretString::from("old-secret"));
            let v = verifier(&rotating);
            let by_new = signed(&verifier(&settings(scheme, "new-secret")), BODY, now);
            let by_old = signed(&verifier(&settings(scheme, "old-secret")), BODY, now);
            let by_other = signed(&verifier(&settings(scheme, "other-secret")), BODY, now);
            assert_eq!(
                v.verify("POST", PATH, &by_new, BODY, now),
                Ok(()),
                "{scheme:?}"
            );
            assert_eq!(
                v.verify("POST", PATH, &by_old, BODY, now),
                Ok(()),
                "{scheme:?}"
            );
            assert_eq!(
                v.verify("POST", PATH, &by_other, BODY, now),
                Err(VerifyError::Mismatch),
                "{scheme:?}"
            );
            // Signing uses the current secret only.
            let header = match scheme {
                WebhookScheme::Hmac => "x-signature",
                WebhookScheme::Bearer => "authorization",
                WebhookScheme::XVapiSecret => X_VAPI_SECRET,
            };
            assert_eq!(
                signed(&v, BODY, now).get(header),
                by_new.get(header),
                "{scheme:?}"
            );
            // Without a previous secret, the old one is refused.
            let plain = verifier(&settings(scheme, "new-secret"));
            assert_eq!(
                plain.verify("POST", PATH, &by_old, BODY, now),
                Err(VerifyError::Mismatch),
                "{scheme:?}"
            );
        }
    }

    #[test]
    fn timestamps_in_seconds_and_milliseconds() {
        let s = parse_timestamp("1700000000").unwrap();
        let ms = parse_timestamp("1700000000000").unwrap();
        assert_eq!(s, ms);
        assert!(parse_timestamp("yesterday").is_none());
        assert!(parse_timestamp("-5").is_none());
    }
}
