"""Campaigns and their targets in the store, and the facts the pure state machine folds.

A target's ``facts`` column holds ``bot.campaigns.states.Target`` as JSON; every
change goes through ``record_event`` so the displayed ``state`` and the columns
people query (PR number, head) always agree with the facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from pydantic import TypeAdapter
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.campaigns.events import Event
from bot.campaigns.states import Target as TargetFacts
from bot.campaigns.states import apply
from bot.spec import Campaign as CampaignSpec
from bot.spec import campaign_from_markdown
from bot.store.models import Campaign, Installation, Target


@cache
def _facts_adapter() -> TypeAdapter[TargetFacts]:
    return TypeAdapter(TargetFacts)


def get_campaign(session: Session, repo: str, issue_number: int) -> Campaign | None:
    """The campaign opened by issue ``issue_number`` of ``repo`` (any letter case)."""
    query = select(Campaign).where(
        Campaign.repo == repo.lower(), Campaign.issue_number == issue_number
    )
    return session.scalars(query).first()


def campaign_by_pk(session: Session, pk: int) -> Campaign | None:
    return session.get(Campaign, pk)


def campaigns_named(session: Session, campaign_id: str) -> Sequence[Campaign]:
    """Campaigns whose spec ``id`` is ``campaign_id`` (the ``godwit:<id>`` label names it)."""
    query = select(Campaign).where(Campaign.campaign_id == campaign_id).order_by(Campaign.id)
    return session.scalars(query).all()


def spec_of(campaign: Campaign) -> CampaignSpec:
    """The spec as last validated (the stored body passed validation when it was stored)."""
    return campaign_from_markdown(campaign.spec_yaml)


def save_campaign(
    session: Session,
    *,
    installation_id: int,
    repo: str,
    issue_number: int,
    spec: CampaignSpec,
    spec_hash: str,
    body: str,
    author: str | None,
    state: str,
) -> tuple[Campaign, bool]:
    """Create or update the campaign of an issue; True when it is new or its spec changed.

    The installation row is created when the App never saw its ``installation``
    event (a database restored or reset), since the campaign refers to it.
    """
    if session.get(Installation, installation_id) is None:
        session.add(Installation(id=installation_id, account=repo.split("/")[0]))
        session.flush()
    campaign = get_campaign(session, repo, issue_number)
    if campaign is None:
        campaign = Campaign(
            installation_id=installation_id,
            repo=repo.lower(),
            issue_number=issue_number,
            campaign_id=spec.id,
            spec_hash=spec_hash,
            state=state,
            spec_yaml=body,
            author=author,
            overrides={},
        )
        session.add(campaign)
        session.flush()
        return campaign, True
    changed = campaign.spec_hash != spec_hash
    campaign.installation_id = installation_id
    campaign.campaign_id = spec.id
    campaign.spec_hash = spec_hash
    campaign.spec_yaml = body
    if author is not None:
        campaign.author = author
    return campaign, changed


def get_target(session: Session, campaign: Campaign, repo: str) -> Target | None:
    query = select(Target).where(Target.campaign_id == campaign.id, Target.repo == repo.lower())
    return session.scalars(query).first()


def upsert_target(session: Session, campaign: Campaign, repo: str) -> Target:
    """The campaign's row for ``repo``, created pending when first seen."""
    target = get_target(session, campaign, repo)
    if target is None:
        facts = TargetFacts(repo=repo.lower())
        target = Target(
            campaign_id=campaign.id,
            repo=repo.lower(),
            state=facts.state.value,
            installation_id=campaign.installation_id,
            facts=_facts_adapter().dump_python(facts, mode="json"),
        )
        session.add(target)
        session.flush()
    return target


def list_targets(session: Session, campaign: Campaign) -> Sequence[Target]:
    query = select(Target).where(Target.campaign_id == campaign.id).order_by(Target.repo)
    return session.scalars(query).all()


def target_by_pr(session: Session, repo: str, pr_number: int) -> Target | None:
    """The target whose pull request is ``repo#pr_number``, if Godwit opened it."""
    query = select(Target).where(Target.repo == repo.lower(), Target.pr_number == pr_number)
    return session.scalars(query).first()


def facts_of(target: Target) -> TargetFacts:
    if not target.facts:
        return TargetFacts(repo=target.repo)
    return _facts_adapter().validate_python(target.facts)


def store_facts(target: Target, facts: TargetFacts) -> None:
    """Write ``facts`` and the columns derived from them."""
    target.facts = _facts_adapter().dump_python(facts, mode="json")
    target.state = facts.state.value
    target.reason = facts.reason
    target.pr_number = facts.pr_number
    target.pr_url = facts.pr_url
    target.head_sha = facts.head_sha or target.head_sha
    target.human_commits = bool(facts.human_commits)
    target.reviewer = ", ".join(facts.reviewers) or None
    if facts.last_activity is not None:
        target.last_activity = facts.last_activity


def record_events(target: Target, events: Iterable[Event]) -> TargetFacts:
    """Fold ``events`` into the target's facts (idempotent, order-insensitive) and store them."""
    facts = facts_of(target)
    for event in events:
        facts = apply(facts, event)
    store_facts(target, facts)
    return facts


def record_event(target: Target, event: Event) -> TargetFacts:
    return record_events(target, (event,))


def mark_dashboard_due(session: Session, campaign: Campaign) -> bool:
    """Flag a refresh as queued; False when one already is (the caller then enqueues nothing)."""
    result = session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id, Campaign.dashboard_due.is_(False))
        .values(dashboard_due=True)
        .execution_options(synchronize_session=False)
    )
    session.refresh(campaign, ["dashboard_due"])
    return bool(getattr(result, "rowcount", 0))


def clear_dashboard_due(session: Session, campaign: Campaign) -> None:
    """Taken before rendering: events arriving meanwhile queue one more refresh."""
    campaign.dashboard_due = False
