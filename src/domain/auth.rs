//! Users' roles and API tokens: a token is 32 random bytes shown once, stored as a SHA-256 hash.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// What a user may do: admins manage everything, operators run their own campaigns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Operator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "operator" => Ok(Role::Operator),
            other => Err(format!(
                "unknown role {other:?}: expected admin or operator"
            )),
        }
    }
}

/// Prefix that makes autolynx tokens recognisable (e.g. by secret scanners).
pub const TOKEN_PREFIX: &str = "alx_";
const TOKEN_BYTES: usize = 32;

/// A freshly generated API token. Only its hash is stored; the plain text is shown once.
pub struct NewToken {
    pub plain: SecretString,
    pub hash: TokenHash,
    /// The first characters, safe to display so people can tell tokens apart.
    pub display_prefix: String,
}

impl NewToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; TOKEN_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        let plain = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
        let hash = TokenHash::of(&plain);
        let display_prefix = plain[..TOKEN_PREFIX.len() + 6].to_owned();
        Self {
            plain: SecretString::from(plain),
            hash,
            display_prefix,
        }
    }

    pub fn expose(&self) -> &str {
        self.plain.expose_secret()
    }
}

/// Hex SHA-256 of a token: what the database stores and looks tokens up by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn of(token: &str) -> Self {
        Self(hex::encode(Sha256::digest(token.as_bytes())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_long_and_hashed() {
        let a = NewToken::generate();
        let b = NewToken::generate();
        assert_ne!(a.expose(), b.expose());
        assert!(a.expose().starts_with(TOKEN_PREFIX));
        // 32 bytes of base64url without padding is 43 characters.
        assert_eq!(a.expose().len(), TOKEN_PREFIX.len() + 43);
        assert_eq!(a.hash, TokenHash::of(a.expose()));
        assert_eq!(a.hash.as_str().len(), 64);
        assert!(a.expose().starts_with(&a.display_prefix));
    }

    #[test]
    fn roles_round_trip() {
        for role in [Role::Admin, Role::Operator] {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("root".parse::<Role>().is_err());
    }
}
