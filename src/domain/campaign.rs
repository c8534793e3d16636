//! Campaign, contact and call statuses and the rules for moving between them.

use std::fmt;
use std::str::FromStr;

/// Where a campaign is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sea_orm::DeriveValueType)]
#[sea_orm(value_type = "String", from_str = "CampaignStatus::from_stored")]
pub enum CampaignStatus {
    Created,
    Queued,
    Dialing,
    Running,
    Paused,
    Completed,
    Stopped,
    Failed,
}

impl CampaignStatus {
    pub const ALL: [CampaignStatus; 8] = [
        CampaignStatus::Created,
        CampaignStatus::Queued,
        CampaignStatus::Dialing,
        CampaignStatus::Running,
        CampaignStatus::Paused,
        CampaignStatus::Completed,
        CampaignStatus::Stopped,
        CampaignStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Created => "CREATED",
            CampaignStatus::Queued => "QUEUED",
            CampaignStatus::Dialing => "DIALING",
            CampaignStatus::Running => "RUNNING",
            CampaignStatus::Paused => "PAUSED",
            CampaignStatus::Completed => "COMPLETED",
            CampaignStatus::Stopped => "STOPPED",
            CampaignStatus::Failed => "FAILED",
        }
    }

    /// No further change can happen.
    /// A campaign in this status may send dials.
    pub fn dials(self) -> bool {
        matches!(
            self,
            CampaignStatus::Queued | CampaignStatus::Dialing | CampaignStatus::Running
        )
    }

    pub fn is_finished(self) -> bool {
        matches!(
            self,
            CampaignStatus::Completed | CampaignStatus::Stopped | CampaignStatus::Failed
        )
    }

    /// The runtime owns a supervisor for the campaign in this status.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            CampaignStatus::Queued
                | CampaignStatus::Dialing
                | CampaignStatus::Running
                | CampaignStatus::Paused
        )
    }

    /// Whether `self → to` is allowed.
    pub fn can_become(self, to: CampaignStatus) -> bool {
        use CampaignStatus::*;
        matches!(
            (self, to),
            (Created, Queued)
                | (Queued, Dialing)
                | (Dialing, Running)
                | (Queued | Dialing | Running, Paused)
                | (Paused, Queued | Dialing | Running)
                | (Queued | Dialing | Running | Paused, Completed)
                | (Created | Queued | Dialing | Running | Paused, Stopped)
                | (Queued | Dialing | Running | Paused, Failed)
        )
    }

    /// `self → to`, or the illegal transition.
    pub fn transition(self, to: CampaignStatus) -> Result<CampaignStatus, IllegalTransition> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(IllegalTransition { from: self, to })
        }
    }
}

impl fmt::Display for CampaignStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CampaignStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CampaignStatus::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown campaign status {s:?}"))
    }
}

/// A refused status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from} campaign cannot become {to}")]
pub struct IllegalTransition {
    pub from: CampaignStatus,
    pub to: CampaignStatus,
}

/// How a campaign fills its slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CampaignMode {
    /// Keep up to `cap` calls live at all times.
    Continuous,
    /// Batch N+1 starts only when every call of batch N is terminal.
    Batch,
}

impl CampaignMode {
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignMode::Continuous => "continuous",
            CampaignMode::Batch => "batch",
        }
    }
}

impl FromStr for CampaignMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "continuous" => Ok(CampaignMode::Continuous),
            "batch" => Ok(CampaignMode::Batch),
            other => Err(format!(
                "unknown mode {other:?}: expected continuous or batch"
            )),
        }
    }
}

/// Where a contact is in its campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sea_orm::DeriveValueType)]
#[sea_orm(value_type = "String", from_str = "ContactStatus::from_stored")]
pub enum ContactStatus {
    /// Not dialed yet.
    Pending,
    /// Claimed by the runtime: a call is being placed or is live.
    Dialing,
    /// Has a final outcome.
    Done,
    /// The campaign was stopped before the contact was dialed.
    NotAttempted,
}

impl ContactStatus {
    pub const ALL: [ContactStatus; 4] = [
        ContactStatus::Pending,
        ContactStatus::Dialing,
        ContactStatus::Done,
        ContactStatus::NotAttempted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactStatus::Pending => "PENDING",
            ContactStatus::Dialing => "DIALING",
            ContactStatus::Done => "DONE",
            ContactStatus::NotAttempted => "NOT_ATTEMPTED",
        }
    }
}

impl fmt::Display for ContactStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ContactStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ContactStatus::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown contact status {s:?}"))
    }
}

/// A call's state. Moves only forward: QUEUED → RINGING → IN_PROGRESS → one terminal state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sea_orm::DeriveValueType)]
#[sea_orm(value_type = "String", from_str = "CallStatus::from_stored")]
pub enum CallStatus {
    Queued,
    Ringing,
    InProgress,
    Ended,
    Failed,
    Canceled,
    Timeout,
}

impl CallStatus {
    pub const ALL: [CallStatus; 7] = [
        CallStatus::Queued,
        CallStatus::Ringing,
        CallStatus::InProgress,
        CallStatus::Ended,
        CallStatus::Failed,
        CallStatus::Canceled,
        CallStatus::Timeout,
    ];

    /// The statuses a live (slot-holding) call can be in.
    pub const LIVE: [CallStatus; 3] = [
        CallStatus::Queued,
        CallStatus::Ringing,
        CallStatus::InProgress,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Queued => "QUEUED",
            CallStatus::Ringing => "RINGING",
            CallStatus::InProgress => "IN_PROGRESS",
            CallStatus::Ended => "ENDED",
            CallStatus::Failed => "FAILED",
            CallStatus::Canceled => "CANCELED",
            CallStatus::Timeout => "TIMEOUT",
        }
    }

    pub fn is_terminal(self) -> bool {
        !CallStatus::LIVE.contains(&self)
    }

    fn rank(self) -> u8 {
        match self {
            CallStatus::Queued => 0,
            CallStatus::Ringing => 1,
            CallStatus::InProgress => 2,
            _ => 3,
        }
    }

    /// The status after learning `next`: `Some(next)` when it moves the call forward, `None`
    /// when it would move it backwards or sideways (late, duplicate or out-of-order news).
    pub fn advance(self, next: CallStatus) -> Option<CallStatus> {
        (next.rank() > self.rank()).then_some(next)
    }

    /// Maps a provider's open status string; unknown values are `None`.
    pub fn from_provider(status: &str) -> Option<CallStatus> {
        match status {
            "scheduled" | "queued" => Some(CallStatus::Queued),
            "ringing" => Some(CallStatus::Ringing),
            "in-progress" | "forwarding" => Some(CallStatus::InProgress),
            "ended" => Some(CallStatus::Ended),
            _ => None,
        }
    }
}

impl fmt::Display for CallStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CallStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CallStatus::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown call status {s:?}"))
    }
}

/// Whether an analysis `successEvaluation` (a string whose meaning depends on the rubric:
/// "true"/"false", a 1–10 score, a letter grade...) counts as a success.
pub fn is_success(evaluation: &str) -> bool {
    let e = evaluation.trim().to_ascii_lowercase();
    match e.as_str() {
        "true" | "yes" | "pass" | "passed" | "success" | "successful" | "a" | "b" => true,
        _ => e.parse::<f64>().is_ok_and(|score| score >= 7.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaign_transitions_follow_the_design() {
        use CampaignStatus::*;
        assert!(Created.can_become(Queued));
        assert!(
            !Created.can_become(Dialing),
            "truthful start: only via QUEUED"
        );
        assert!(!Queued.can_become(Running));
        assert!(Running.can_become(Paused) && Paused.can_become(Running));
        for finished in [Completed, Stopped, Failed] {
            for to in CampaignStatus::ALL {
                assert!(!finished.can_become(to), "{finished} -> {to}");
            }
        }
        assert_eq!(
            Completed.transition(Queued),
            Err(IllegalTransition {
                from: Completed,
                to: Queued
            })
        );
        for s in CampaignStatus::ALL {
            assert_eq!(s.as_str().parse::<CampaignStatus>().unwrap(), s);
        }
    }

    #[test]
    fn call_status_never_moves_backwards() {
        use CallStatus::*;
        assert_eq!(Queued.advance(Ringing), Some(Ringing));
        assert_eq!(Ringing.advance(Queued), None);
        assert_eq!(InProgress.advance(Ringing), None);
        assert_eq!(Queued.advance(Ended), Some(Ended));
        assert_eq!(Ended.advance(InProgress), None);
        assert_eq!(Ended.advance(Failed), None, "terminal is final");
        assert_eq!(InProgress.advance(InProgress), None);
        assert!(Timeout.is_terminal() && !Ringing.is_terminal());
    }

    #[test]
    fn success_evaluations() {
        for yes in ["true", "True", "8", "10", "pass", "A"] {
            assert!(is_success(yes), "{yes}");
        }
        for no in ["false", "3", "", "fail", "C", "nan"] {
            assert!(!is_success(no), "{no}");
        }
    }
}

/// A stored status this binary does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownStatus(pub String);

macro_rules! stored_as_names {
    ($($status:ty),*) => {$(
        impl $status {
            /// Reads the stored name (the database column), once, at the store boundary.
            pub fn from_stored(stored: &str) -> Result<Self, UnknownStatus> {
                stored.parse().map_err(UnknownStatus)
            }
        }
    )*};
}

stored_as_names!(CampaignStatus, ContactStatus, CallStatus);

/// Statuses compare with their stored names (`status == "ENDED"`), as the database holds them.
macro_rules! compares_with_names {
    ($($status:ty),*) => {$(
        impl PartialEq<str> for $status {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $status {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    )*};
}

compares_with_names!(CampaignStatus, ContactStatus, CallStatus);
