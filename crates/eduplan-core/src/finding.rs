//! Supervision findings (督导问题) and their rectification workflow (整改):
//! 待整改 → 整改中 → 待复查 → 已销号, with 复查不通过 sending a finding back to 整改中, and
//! 逾期 whenever the deadline has passed and the school has not yet handed in its rectification.
//!
//! The rules live here, as pure functions, so the store, the API and the CLI cannot disagree on
//! them: who may do what ([`Actor`]), which transitions exist ([`transition`]), and when a finding
//! is overdue ([`is_overdue`]).

/// Where a finding stands (整改状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingState {
    /// 待整改: found, nobody has started.
    Open,
    /// 整改中: the responsible unit is rectifying.
    InProgress,
    /// 待复查: rectification handed in, waiting for re-inspection.
    PendingReview,
    /// 已销号: re-inspected and closed.
    Closed,
}

impl FindingState {
    /// All states in workflow order.
    pub const ALL: [FindingState; 4] = [FindingState::Open, FindingState::InProgress, FindingState::PendingReview, FindingState::Closed];
    /// Stable name in the store and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingState::Open => "open",
            FindingState::InProgress => "in_progress",
            FindingState::PendingReview => "pending_review",
            FindingState::Closed => "closed",
        }
    }
    /// 中文名.
    pub fn zh(self) -> &'static str {
        match self {
            FindingState::Open => "待整改",
            FindingState::InProgress => "整改中",
            FindingState::PendingReview => "待复查",
            FindingState::Closed => "已销号",
        }
    }
    /// Parses a stable name or the Chinese name.
    pub fn parse(s: &str) -> Option<FindingState> {
        FindingState::ALL.into_iter().find(|x| x.as_str() == s || x.zh() == s)
    }
    /// Whether the problem still waits on the responsible unit (the states a deadline applies to).
    pub fn awaits_rectification(self) -> bool {
        matches!(self, FindingState::Open | FindingState::InProgress)
    }
}

/// A step of the workflow (整改操作).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// 开始整改: 待整改 → 整改中.
    Start,
    /// 提交复查: 整改中 → 待复查, with what was done.
    Submit,
    /// 复查通过，销号: 待复查 → 已销号.
    Close,
    /// 复查不通过，退回整改: 待复查 → 整改中, with the reason.
    Reject,
}

impl Action {
    /// All actions.
    pub const ALL: [Action; 4] = [Action::Start, Action::Submit, Action::Close, Action::Reject];
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Submit => "submit",
            Action::Close => "close",
            Action::Reject => "reject",
        }
    }
    /// 中文名.
    pub fn zh(self) -> &'static str {
        match self {
            Action::Start => "开始整改",
            Action::Submit => "提交复查",
            Action::Close => "复查通过，销号",
            Action::Reject => "复查不通过，退回整改",
        }
    }
    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }
    /// Whether the action must say something (what was done, or why it is not enough).
    pub fn needs_text(self) -> bool {
        matches!(self, Action::Submit | Action::Reject)
    }
}

/// How serious a finding is (问题等级).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// 一般.
    Minor,
    /// 较重.
    Major,
    /// 严重.
    Critical,
}

impl Severity {
    /// All severities, mildest first.
    pub const ALL: [Severity; 3] = [Severity::Minor, Severity::Major, Severity::Critical];
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
        }
    }
    /// 中文名.
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Minor => "一般",
            Severity::Major => "较重",
            Severity::Critical => "严重",
        }
    }
    /// Parses a stable or Chinese name.
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|x| x.as_str() == s || x.zh() == s)
    }
}

/// An escalation when rectification lags (问责措施), mildest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Escalation {
    /// 约谈: the responsible leader is summoned.
    Interview,
    /// 通报: publicly named.
    Notice,
    /// 问责: disciplinary accountability.
    Accountability,
}

impl Escalation {
    /// All escalations, mildest first.
    pub const ALL: [Escalation; 3] = [Escalation::Interview, Escalation::Notice, Escalation::Accountability];
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Escalation::Interview => "interview",
            Escalation::Notice => "notice",
            Escalation::Accountability => "accountability",
        }
    }
    /// 中文名.
    pub fn zh(self) -> &'static str {
        match self {
            Escalation::Interview => "约谈",
            Escalation::Notice => "通报",
            Escalation::Accountability => "问责",
        }
    }
    /// Parses a stable or Chinese name.
    pub fn parse(s: &str) -> Option<Escalation> {
        Escalation::ALL.into_iter().find(|x| x.as_str() == s || x.zh() == s)
    }
}

/// Who acts on a finding, as far as the workflow cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The supervision office (督导室) or an administrator: everything.
    Supervisor,
    /// The school the finding is about (its own findings only; the caller checks that).
    School,
    /// Anyone else who may see findings (other sections): read only.
    Viewer,
}

/// A refused request, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{zh} / {en}")]
pub struct WorkflowError {
    /// 中文说明.
    pub zh: String,
    /// English.
    pub en: String,
    /// The actor may never do this (a permission problem, not a state problem).
    pub forbidden: bool,
}

fn refuse(forbidden: bool, zh: String, en: String) -> WorkflowError {
    WorkflowError { zh, en, forbidden }
}

/// The state after `action`, or why it is refused. Re-inspection (close, reject) belongs to the
/// supervision office: a school cannot close its own finding.
pub fn transition(state: FindingState, action: Action, actor: Actor, text: &str) -> Result<FindingState, WorkflowError> {
    use FindingState::*;
    match actor {
        Actor::Viewer => return Err(refuse(true, "只有督导室和被督导学校可以办理整改".into(), "only the supervision office and the school concerned act on findings".into())),
        Actor::School if matches!(action, Action::Close | Action::Reject) => {
            return Err(refuse(true, "复查和销号由督导室办理，学校不能自行销号".into(), "re-inspection and closing belong to the supervision office".into()))
        }
        _ => {}
    }
    let next = match (state, action) {
        (Open, Action::Start) => InProgress,
        (InProgress, Action::Submit) => PendingReview,
        (PendingReview, Action::Close) => Closed,
        (PendingReview, Action::Reject) => InProgress,
        _ => {
            return Err(refuse(
                false,
                format!("状态为「{}」的问题不能「{}」", state.zh(), action.zh()),
                format!("a finding in state {} cannot take action {}", state.as_str(), action.as_str()),
            ))
        }
    };
    if action.needs_text() && text.trim().is_empty() {
        return Err(refuse(
            false,
            format!("「{}」须填写说明（整改措施或不通过的理由）", action.zh()),
            format!("{} needs a text (what was done, or why it is not enough)", action.as_str()),
        ));
    }
    Ok(next)
}

/// Who may comment, attach evidence, escalate and change deadlines.
pub fn may_comment(actor: Actor) -> bool {
    matches!(actor, Actor::Supervisor | Actor::School)
}

/// Escalating (约谈, 通报, 问责) and changing the deadline are the supervision office's.
pub fn may_manage(actor: Actor) -> bool {
    actor == Actor::Supervisor
}

/// Whether an escalation may be recorded on a finding in `state` (not on a closed one).
pub fn escalate(state: FindingState, actor: Actor) -> Result<(), WorkflowError> {
    if !may_manage(actor) {
        return Err(refuse(true, "只有督导室可以约谈、通报、问责".into(), "only the supervision office escalates".into()));
    }
    if state == FindingState::Closed {
        return Err(refuse(false, "已销号的问题不能再问责".into(), "a closed finding cannot be escalated".into()));
    }
    Ok(())
}

/// A finding is overdue (逾期) when its deadline (YYYY-MM-DD, inclusive) is before `today` and
/// the rectification has not been handed in. Dates compare as text, which is exact for ISO dates.
pub fn is_overdue(state: FindingState, deadline: &str, today: &str) -> bool {
    state.awaits_rectification() && !deadline.is_empty() && deadline < today
}

/// Checks a deadline typed by a user: YYYY-MM-DD with a real month and day.
pub fn check_date(s: &str) -> Result<(), WorkflowError> {
    let bad = || refuse(false, format!("日期「{s}」格式应为 YYYY-MM-DD"), format!("date {s:?} must be YYYY-MM-DD"));
    let p: Vec<&str> = s.split('-').collect();
    if p.len() != 3 || p[0].len() != 4 || p[1].len() != 2 || p[2].len() != 2 {
        return Err(bad());
    }
    let (y, m, d): (i32, u32, u32) = (p[0].parse().map_err(|_| bad())?, p[1].parse().map_err(|_| bad())?, p[2].parse().map_err(|_| bad())?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use FindingState::*;

    #[test]
    fn the_happy_path_and_a_failed_reinspection() {
        let s = transition(Open, Action::Start, Actor::School, "").unwrap();
        assert_eq!(s, InProgress);
        let s = transition(s, Action::Submit, Actor::School, "新增 2 间多媒体教室").unwrap();
        assert_eq!(s, PendingReview);
        let s = transition(s, Action::Reject, Actor::Supervisor, "仅完成 1 间").unwrap();
        assert_eq!(s, InProgress);
        let s = transition(s, Action::Submit, Actor::Supervisor, "补齐").unwrap();
        assert_eq!(transition(s, Action::Close, Actor::Supervisor, "").unwrap(), Closed);
    }

    #[test]
    fn illegal_transitions_are_refused_for_everyone() {
        for actor in [Actor::Supervisor, Actor::School] {
            for (state, action) in [(Open, Action::Submit), (Open, Action::Close), (InProgress, Action::Start), (InProgress, Action::Close), (Closed, Action::Start), (Closed, Action::Reject), (PendingReview, Action::Start)] {
                let e = transition(state, action, actor, "x").unwrap_err();
                if actor == Actor::School && matches!(action, Action::Close | Action::Reject) {
                    // never the school's, whatever the state
                    assert!(e.forbidden);
                } else {
                    assert!(!e.forbidden, "{state:?} {action:?} is a state error");
                    assert!(e.zh.contains(state.zh()), "{}", e.zh);
                }
            }
        }
    }

    #[test]
    fn schools_cannot_close_and_viewers_cannot_act() {
        let e = transition(PendingReview, Action::Close, Actor::School, "").unwrap_err();
        assert!(e.forbidden);
        assert!(transition(Open, Action::Start, Actor::Viewer, "").unwrap_err().forbidden);
        assert!(escalate(Open, Actor::School).unwrap_err().forbidden);
        assert!(escalate(Closed, Actor::Supervisor).is_err());
        assert!(escalate(PendingReview, Actor::Supervisor).is_ok());
    }

    #[test]
    fn submitting_and_rejecting_need_a_text() {
        assert!(transition(InProgress, Action::Submit, Actor::School, "  ").is_err());
        assert!(transition(PendingReview, Action::Reject, Actor::Supervisor, "").is_err());
        assert!(transition(PendingReview, Action::Close, Actor::Supervisor, "").is_ok());
    }

    #[test]
    fn overdue_from_dates() {
        // the deadline day itself is still in time
        assert!(!is_overdue(Open, "2026-06-30", "2026-06-30"));
        assert!(is_overdue(Open, "2026-06-30", "2026-07-01"));
        assert!(is_overdue(InProgress, "2026-06-30", "2027-01-01"));
        // handed in or closed: not overdue however late
        assert!(!is_overdue(PendingReview, "2026-06-30", "2027-01-01"));
        assert!(!is_overdue(Closed, "2026-06-30", "2027-01-01"));
    }

    #[test]
    fn dates_are_checked() {
        assert!(check_date("2028-02-29").is_ok());
        assert!(check_date("2027-02-29").is_err());
        assert!(check_date("2027-13-01").is_err());
        assert!(check_date("2027-6-1").is_err());
        assert!(check_date("明年六月").is_err());
    }
}
