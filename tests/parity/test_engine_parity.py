"""Parity inside the engine: every verified rewrite is run, and one that differs is not written."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.campaigns.meta import MarkerKeys
from bot.checkout import read_checkout
from bot.engine.model import Action, ReferenceKind
from bot.engine.planner import plan_repository
from bot.engine.report import build_report
from bot.parity.outcome import Verdict
from bot.parity.prove import DATASETS, ROWS, Prover
from bot.spec import Campaign, CampaignError, VerifyOptions, load_campaign
from tests.parity.orders import ORDERS_YAML, orders

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plays-v2"
DAILY = (
    "-- Revenue per day.\n"
    "SELECT order_date, SUM(order_total) AS revenue\n"
    "FROM `shop-proj.sales.orders_v1`\n"
    "GROUP BY order_date;\n"
    "\n"
    "SELECT order_id, order_total * 2 AS doubled\n"
    "FROM `shop-proj.sales.orders_v1`;\n"
)


@pytest.fixture
def broken_parentheses(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine as if it forgot the parentheses an expression mapping needs."""
    prove = Prover.prove

    def wrong(self: Prover, original: str, rewritten: str, **kwargs: object) -> object:
        broken = rewritten.replace("(subtotal + shipping) * 2", "subtotal + shipping * 2")
        if broken != rewritten:
            kwargs.pop("parsed", None)  # the engine's trees are of the text it wrote
        return prove(self, original, broken, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Prover, "prove", wrong)


def test_every_rewritten_statement_of_the_examples_is_run() -> None:
    campaign = load_campaign((EXAMPLES / "campaign.yml").read_text(encoding="utf-8"))
    outcomes = []
    for repo in sorted((EXAMPLES / "repos").iterdir()):
        plan = plan_repository(campaign, read_checkout(repo))
        for file in plan.files:
            # A Scala table spec is rewritten too, but it is a name, not a query to run.
            specs = all(r.reference.kind is ReferenceKind.TABLE_SPEC for r in file.references)
            assert len(file.parity) == (0 if specs else file.statements_rewritten), file.path
        outcomes += [p.outcome for _, p in plan.parity]
    assert len(outcomes) >= 8
    assert not [o for o in outcomes if o.verdict is Verdict.DIFFERS]
    assert all(o.verdict is Verdict.PROVEN for o in outcomes), outcomes
    assert all(o.datasets == DATASETS and o.rows >= ROWS for o in outcomes)


def test_a_rewrite_that_differs_gets_a_guardrail_and_is_not_written(
    broken_parentheses: None,
) -> None:
    plan = plan_repository(orders(), {"jobs/daily.sql": DAILY})
    (file,) = plan.files
    assert file.action is Action.GUARDRAIL
    assert file.statements_rewritten == 1  # the first statement needs no parentheses
    (guardrail,) = file.guardrails
    assert guardrail.reason.startswith("parity failed: the rows differ")
    assert guardrail.statement_line == 6
    assert file.new_text is not None
    assert "order_total * 2 AS doubled" in file.new_text  # left as it was
    assert "subtotal + shipping * 2" not in file.new_text
    assert file.new_text.splitlines()[5].startswith("-- godwit: parity failed: the rows differ")
    verdicts = [(p.line, p.outcome.verdict) for p in file.parity]
    assert verdicts == [(2, Verdict.PROVEN), (6, Verdict.DIFFERS)]
    assert file.parity[1].outcome.counterexample is not None


def test_the_plan_json_carries_parity_per_statement_and_in_total(
    broken_parentheses: None,
) -> None:
    campaign = orders()
    report = build_report(campaign, [("shop", plan_repository(campaign, {"q.sql": DAILY}))])
    (file,) = report.repos[0].files
    first, second = file.parity
    assert (first.verdict, second.verdict) == (Verdict.PROVEN, Verdict.DIFFERS)
    example = second.counterexample
    assert example is not None
    assert example.old_output.columns == ["order_id", "doubled"]
    assert example.old_output.rows != example.new_output.rows
    assert report.totals.parity_proven == 1
    assert report.totals.parity_differs == 1
    assert report.parity is not None
    assert (report.parity.enabled, report.parity.proven, report.parity.differs) == (True, 1, 1)


def test_parity_off_in_the_campaign_runs_nothing(broken_parentheses: None) -> None:
    campaign = load_campaign(ORDERS_YAML + "verify:\n  parity: false\n")
    assert campaign.verify == VerifyOptions(parity=False)
    plan = plan_repository(campaign, {"q.sql": DAILY})
    (file,) = plan.files
    assert file.parity == ()
    assert file.statements_rewritten == 2  # unchecked, the broken rewrite would be written
    report = build_report(campaign, [("shop", plan)])
    assert report.parity is not None
    assert not report.parity.enabled


@pytest.mark.parametrize(
    ("verify", "message"),
    [
        ("verify:\n  paritty: false\n", "unknown key (did you mean 'parity'?)"),
        ("verify:\n  parity: 'no'\n", "Input should be a valid boolean"),
    ],
)
def test_the_verify_key_is_validated_strictly(verify: str, message: str) -> None:
    with pytest.raises(CampaignError) as raised:
        load_campaign(ORDERS_YAML + verify)
    (issue,) = raised.value.errors
    assert issue.path.startswith("verify.")
    assert message in issue.message


def test_statements_parity_cannot_run_say_why() -> None:
    campaign = orders()
    prover = Prover(campaign)
    udf = "SELECT my_dataset.score(sku) AS s FROM `shop-proj.sales.orders_v1`"
    merge = (
        "MERGE `shop-proj.sales.totals` t USING `shop-proj.sales.orders_v1` s "
        "ON t.id = s.order_id WHEN MATCHED THEN UPDATE SET t.sku = s.sku"
    )
    random = "SELECT sku, RAND() AS r FROM `shop-proj.sales.orders_v1`"
    reasons = {}
    for name, sql in {"udf": udf, "merge": merge, "random": random}.items():
        rewritten = sql.replace("orders_v1", "orders_v2").replace("(sku)", "(item_sku)")
        outcome = prover.prove(sql, rewritten)
        assert outcome.verdict is Verdict.NOT_CHECKABLE, name
        reasons[name] = outcome.reason
    assert "DuckDB" in (reasons["udf"] or "")
    assert reasons["merge"] == "MERGE statements are not executed, only queries"
    assert reasons["random"] == "RAND() is not deterministic"


def test_no_new_columns_is_not_checkable() -> None:
    campaign = load_campaign(ORDERS_YAML.split("    old_columns:")[0])
    plan = plan_repository(campaign, {"q.sql": "SELECT sku FROM `shop-proj.sales.orders_v1`"})
    ((_, located),) = plan.parity
    assert located.outcome.verdict is Verdict.NOT_CHECKABLE
    assert (
        located.outcome.reason == "the campaign gives no new_columns for shop-proj.sales.orders_v2"
    )


def test_parity_is_deterministic() -> None:
    campaign = orders()
    first = build_report(campaign, [("shop", plan_repository(campaign, {"q.sql": DAILY}))])
    again = Prover(orders())  # a new prover, no outcome shared by text
    sql = "SELECT order_date, COUNT(*) AS n FROM `shop-proj.sales.orders_v1` GROUP BY 1"
    rewritten = sql.replace("order_date", "DATE(created_at) AS order_date").replace(
        "orders_v1", "orders_v2"
    )
    assert again.prove(sql, rewritten) == again.prove(sql, rewritten)
    assert first == build_report(campaign, [("shop", plan_repository(campaign, {"q.sql": DAILY}))])


def test_dbt_and_scala_statements_are_run_too() -> None:
    campaign = load_campaign((EXAMPLES / "campaign.yml").read_text(encoding="utf-8"))
    dbt = plan_repository(campaign, read_checkout(EXAMPLES / "repos" / "acme-dbt-analytics"))
    scio = plan_repository(campaign, read_checkout(EXAMPLES / "repos" / "acme-scio-pipelines"))
    by_path = {f.path: [p.outcome.verdict for p in f.parity] for f in (*dbt.files, *scio.files)}
    assert by_path["models/marts/weekly_platform_mix.sql"] == [Verdict.PROVEN]
    scala = "src/main/scala/com/acme/pipelines/TopTracksByCountry.scala"
    assert by_path[scala] == [Verdict.PROVEN]


def test_the_campaign_hash_follows_the_verify_option() -> None:
    from bot.spec import spec_hash

    on, off = orders(), load_campaign(ORDERS_YAML + "verify:\n  parity: false\n")
    assert spec_hash(on) != spec_hash(off)
    assert isinstance(on, Campaign)


def test_the_pr_body_has_a_parity_section_with_the_counterexample(
    broken_parentheses: None,
) -> None:
    from bot.campaigns.links import IssueRef
    from bot.campaigns.pr import PullRequestTarget, pr_body

    target = PullRequestTarget(
        "acme/shop", "b" * 40, IssueRef("acme/campaigns", 7), "https://github.com"
    )
    campaign = orders()
    body = pr_body(
        campaign,
        plan_repository(campaign, {"q.sql": DAILY}),
        target,
        keys=MarkerKeys(b"marker-key-for-tests"),
    )
    lines = body.splitlines()
    section = lines.index("### Parity")
    assert lines.index("### How to interact") > section
    text = "\n".join(lines[section : lines.index("### How to interact")])
    assert (
        "**1 proven**, 0 not checkable, **1 differed** (left unchanged, each with a guardrail)"
        in text
    )
    assert (
        f"| `q.sql` | [2](https://github.com/acme/shop/blob/{'b' * 40}/q.sql#L2) | "
        f"proven on {DATASETS} datasets of 23 rows |" in lines
    )
    assert (
        "| `q.sql` | [6](https://github.com/acme/shop/blob/"
        + "b" * 40
        + "/q.sql#L6) | differs: the rows differ |"
        in lines
    )
    assert "<summary>Counterexample for <code>q.sql</code> line 6</summary>" in lines
    assert "| order_id | doubled |" in lines  # both outputs, as tables


def test_the_pr_body_says_when_parity_is_off() -> None:
    from bot.campaigns.links import IssueRef
    from bot.campaigns.pr import PullRequestTarget, pr_body

    target = PullRequestTarget(
        "acme/shop", "b" * 40, IssueRef("acme/campaigns", 7), "https://github.com"
    )
    campaign = load_campaign(ORDERS_YAML + "verify:\n  parity: false\n")
    body = pr_body(
        campaign,
        plan_repository(campaign, {"q.sql": DAILY}),
        target,
        keys=MarkerKeys(b"marker-key-for-tests"),
    )
    assert (
        "Off for this campaign (`verify: {parity: false}`): the rewritten statements were not run."
        in body
    )


INCREMENTAL = """\
{{ config(materialized='incremental') }}
select order_id, order_total
from {{ source('sales', 'orders_v1') }}
where order_total > 0
{% if is_incremental() %}
and order_date > (select max(order_date) from {{ this }})
{% endif %}
"""
SOURCES = """\
version: 2
sources:
  - name: sales
    database: shop-proj
    schema: sales
    tables:
      - name: orders_v1
"""


def test_a_dbt_model_runs_as_a_full_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    prove = Prover.prove

    def spy(self: Prover, original: str, rewritten: str, **kwargs: object) -> object:
        seen.append(original)
        seen.append(rewritten)
        return prove(self, original, rewritten, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Prover, "prove", spy)
    files = {
        "dbt_project.yml": "name: shop\nversion: '1.0.0'\n",
        "models/_sources.yml": SOURCES,
        "models/orders.sql": INCREMENTAL,
    }
    plan = plan_repository(orders(), files)
    model = next(f for f in plan.files if f.path == "models/orders.sql")
    assert [p.outcome.verdict for p in model.parity] == [Verdict.PROVEN]
    original, rewritten = seen
    assert "max(order_date)" not in original  # the incremental branch is left out
    assert "where order_total > 0" in original
    assert "where subtotal + shipping > 0" in rewritten
    assert model.new_text is not None
    # The file itself is rewritten whole; {{ this }} keeps the model's own column names.
    assert "and DATE(created_at) > (select max(order_date) from {{ this }})" in model.new_text


def test_the_incremental_branch_is_found_and_its_else_branch_kept() -> None:
    from bot.engine.dbt.jinja import mask

    text = (
        "select 1 from t\n"
        "{% if is_incremental() %}where a > 1{% else %}where b > 1{% endif %}\n"
        "{% if var('x') %}and c{% endif %}"
    )
    ((start, end),) = mask(text, "bigquery").incremental
    assert text[start:end] == "{% if is_incremental() %}where a > 1{% else %}"


def test_a_statement_that_runs_too_long_is_not_checkable(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.parity import duck

    monkeypatch.setattr(duck, "RUN_SECONDS", 0.2)
    joins = " ".join(f"CROSS JOIN `shop-proj.x.t{i}` AS t{i}" for i in range(6))
    sql = f"SELECT COUNT(*) AS n FROM `shop-proj.sales.orders_v1` AS o {joins} WHERE o.sku != ''"
    rewritten = sql.replace("orders_v1", "orders_v2").replace("o.sku", "o.item_sku")
    outcome = Prover(orders(), rows=64).prove(sql, rewritten)
    assert outcome.verdict is Verdict.NOT_CHECKABLE
    assert outcome.reason == "the original statement ran longer than 0.2 s on synthetic rows"


def test_the_default_verify_options_leave_the_campaign_hash_as_it_was() -> None:
    import hashlib
    import json

    from bot.spec import spec_hash

    campaign = orders()
    before = json.dumps(
        campaign.model_dump(mode="json", exclude={"agent", "verify", "usage"}),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert spec_hash(campaign) == hashlib.sha256(before.encode("utf-8")).hexdigest()
