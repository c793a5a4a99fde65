"""The agent's checks on the syntax tree, one table per defect kind, on an orders pipeline.

Each row is an edit of a small typed Scio (or Beam) file as the engine left it
and the problem the checks must report (a fragment of it: the model acts on
that text), or none for a correct migration. The campaign moves ``orders_v1``
to ``orders_v2``, whose schema has a REQUIRED column, a NULLABLE record and a
REPEATED column, so every mode is exercised.
"""

from __future__ import annotations

import pytest

from bot.agent.scope import check_change, scope_rules
from bot.agent.verify import verify_file
from bot.engine.planner import plan_repository
from bot.engine.protected import protected_reason
from bot.spec import Campaign, load_campaign

CAMPAIGN = """
id: orders-v2
title: Move order readers to orders_v2
guide: https://wiki.example.com/orders-v2
tables:
  - old: legacy-proj.shop.orders_v1
    new: core-proj.shop.orders_v2
    columns:
      customer: customer_id
      amount: price.amount
      day: DATE(created_at)
    old_columns: [customer, amount, day]
    new_columns:
      customer_id: {type: STRING, mode: REQUIRED}
      created_at: TIMESTAMP
      price: {type: "STRUCT<amount NUMERIC, currency STRING>", mode: NULLABLE}
      items: {type: STRING, mode: REPEATED}
"""
JOB = "src/main/scala/shop/Revenue.scala"
SPEC = "src/test/scala/shop/RevenueTest.scala"
BEAM = "src/main/java/shop/Big.java"
ANNOTATION = '@BigQueryType.fromTable("legacy-proj:shop.orders_v1")'
NEW_ANNOTATION = '@BigQueryType.fromTable("core-proj:shop.orders_v2")'
SOURCE = f"""package shop

object Revenue {{
  {ANNOTATION}
  class Order

  def main(cmdlineArgs: Array[String]): Unit = {{
    val (sc, args) = ContextAndArgs(cmdlineArgs)
    sc.typedBigQuery[Order]()
      .map(o => (o.customer.getOrElse("?"), o.amount.getOrElse(BigDecimal(0))))
      .sumByKey
      .saveAsTextFile(args("output"))
    sc.run()
  }}
}}
"""
TEST_SOURCE = """package shop

import shop.Revenue.Order

class RevenueTest extends PipelineSpec {
  "Revenue" should "sum per customer" in {
    JobTest[Revenue.type]
      .input(BigQueryIO[Order]("legacy-proj:shop.orders_v1"), Seq(Order(Some("c"), Some(1), None)))
      .output(TextIO("out"))(_ should containSingleValue("(c,1)"))
      .run()
  }
}
"""
BEAM_SOURCE = """package shop;

class Big {
  void run(Pipeline p) {
    p.apply(BigQueryIO.readTableRows().from("legacy-proj:shop.orders_v1"))
        .apply(Filter.by((TableRow row) -> row.get("amount") != null));
  }
}
"""
READ = '(o.customer.getOrElse("?"), o.amount.getOrElse(BigDecimal(0)))'
MIGRATED_READ = "(o.customer_id, o.price.flatMap(_.amount).getOrElse(BigDecimal(0)))"


@pytest.fixture(scope="module")
def orders() -> Campaign:
    return load_campaign(CAMPAIGN)


@pytest.fixture(scope="module")
def engine(orders: Campaign) -> dict[str, str]:
    files = {JOB: SOURCE, SPEC: TEST_SOURCE, BEAM: BEAM_SOURCE}
    return {**files, **plan_repository(orders, files).changes}


def _migrated(engine: dict[str, str], *replacements: tuple[str, str]) -> str:
    """The engine's text with its guardrail dropped, the annotation moved, then ``replacements``."""
    text = "".join(line for line in engine[JOB].splitlines(keepends=True) if "godwit:" not in line)
    text = text.replace(ANNOTATION, NEW_ANNOTATION)
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def _problems(campaign: Campaign, engine: dict[str, str], path: str, after: str) -> list[str]:
    """What the workspace reports: scope first, then verification (as ``Workspace.problems``)."""
    rules = scope_rules(campaign, only=[JOB, SPEC, BEAM])
    snapshot = {**engine, path: after}
    return check_change(rules, path, engine[path], after) or verify_file(
        campaign, snapshot, path, engine[path], after
    )


TYPED_READS = [
    ("every field mapped", [(READ, MIGRATED_READ)], None),
    ("old field on the new table", [], "o.customer: rows Order of core-proj.shop.orders_v2"),
    (
        "invented field",
        [(READ, "(o.customer_id, o.cost.getOrElse(BigDecimal(0)))")],
        "no field cost",
    ),
    (
        "invented nested field",
        [(READ, "(o.customer_id, o.price.flatMap(_.amt).getOrElse(BigDecimal(0)))")],
        "the record price have no field amt",
    ),
    (
        "other nested field than mapped",
        [(READ, '(o.customer_id, o.price.flatMap(_.currency).getOrElse("0"))')],
        "maps to price.amount; the edited code does not read amount",
    ),
    (
        "record read as a bare value",
        [(READ, "(o.customer_id, o.price.amount.getOrElse(BigDecimal(0)))")],
        "write o.price.flatMap(_.amount)",
    ),
    (
        "REQUIRED unwrapped as an Option",
        [(READ, MIGRATED_READ.replace("o.customer_id", 'o.customer_id.getOrElse("?")'))],
        "o.customer_id is String (REQUIRED), not an Option",
    ),
    (
        "REPEATED read as an Option",
        [(READ, '(o.customer_id, o.items.getOrElse(""))')],
        "o.items is List[String] (REPEATED)",
    ),
    (
        "syntax error",
        [(READ, MIGRATED_READ[:-1])],
        "does not parse as Scala",
    ),
    (
        "annotation at another table",
        [(NEW_ANNOTATION, '@BigQueryType.fromTable("other-proj:shop.orders_v9")')],
        "may name only the campaign's new table",
    ),
]


@pytest.mark.parametrize(("title", "replacements", "problem"), TYPED_READS)
def test_typed_reads_follow_the_new_schema_and_its_modes(
    orders: Campaign,
    engine: dict[str, str],
    title: str,
    replacements: list[tuple[str, str]],
    problem: str | None,
) -> None:
    problems = _problems(orders, engine, JOB, _migrated(engine, *replacements))
    if problem is None:
        # The test's rows follow the old schema: the migration names it to be updated too.
        assert problems
        assert all(p.startswith(f"{SPEC} line 8: Order(...)") for p in problems)
    else:
        assert any(problem in p for p in problems), (title, problems)


def test_case_patterns_match_every_field_of_the_new_row(
    orders: Campaign, engine: dict[str, str]
) -> None:
    spec = engine[SPEC].replace('Order(Some("c"), Some(1), None)', 'Order("c", None, None, Nil)')
    engine = {**engine, SPEC: spec}
    four = "{ case Order(c, _, p, _) => (c, p.flatMap(_.amount).getOrElse(BigDecimal(0))) }"
    after = _migrated(engine, (f"(o => {READ})", four))
    assert _problems(orders, engine, JOB, after) == []
    three = _migrated(engine, (f"(o => {READ})", four.replace("c, _, p, _", "c, _, p")))
    assert _problems(orders, engine, JOB, three) == [
        "line 10: case Order(...) matches 3 fields; Order from core-proj.shop.orders_v2 has 4: "
        "customer_id: String, created_at: Option[Instant], price: Option[Record], "
        "items: List[String]"
    ]


def test_a_query_with_aliases_needs_no_scala_change(
    orders: Campaign, engine: dict[str, str]
) -> None:
    query = (
        '@BigQueryType.fromQuery("SELECT customer_id AS customer, price.amount AS amount '
        'FROM `core-proj.shop.orders_v2`")'
    )
    after = _migrated(engine, (NEW_ANNOTATION, query), ('o.customer.getOrElse("?")', "o.customer"))
    # The test's rows now have the query's two fields: customer (REQUIRED) and amount.
    spec = engine[SPEC].replace('Order(Some("c"), Some(1), None)', 'Order("c", Some(1))')
    engine = {**engine, SPEC: spec}
    assert _problems(orders, engine, JOB, after) == []
    wrong = after.replace("price.amount AS amount", "price.currency AS amount")
    assert _problems(orders, engine, JOB, wrong) == [
        "line 4: the query's amount is price.currency, but the campaign maps amount to price.amount"
    ]
    kept = after.replace("(o.customer,", '(o.customer.getOrElse("?"),')
    assert _problems(orders, engine, JOB, kept) == [
        "line 10: o.customer is String (REQUIRED), not an Option; drop .getOrElse"
    ]


def test_test_rows_rebuilt_for_the_new_schema_pass_with_the_pipeline(
    orders: Campaign, engine: dict[str, str]
) -> None:
    job = _migrated(engine, (READ, MIGRATED_READ))
    spec = engine[SPEC].replace(
        'Seq(Order(Some("c"), Some(1), None))',
        'Seq(Order("c", None, Some(Price(Some(BigDecimal(1)), None)), Nil))',
    )
    snapshot = {**engine, JOB: job, SPEC: spec}
    assert verify_file(orders, snapshot, JOB, engine[JOB], job) == []
    rules = scope_rules(orders, only=[JOB, SPEC])
    assert check_change(rules, SPEC, engine[SPEC], spec) == []
    assert verify_file(orders, snapshot, SPEC, engine[SPEC], spec) == []
    short = spec.replace(", Nil))", "))")
    assert verify_file(orders, {**snapshot, SPEC: short}, SPEC, engine[SPEC], short) == [
        "line 8: Order(...) gives 3 values; Order from core-proj.shop.orders_v2 has 4: "
        "customer_id: String, created_at: Option[Instant], price: Option[Record], "
        "items: List[String]"
    ]


SMUGGLED = [
    (
        "process call in a lambda",
        ("o => (", 'o => { Process("id").!; ('),
        ("BigDecimal(0)))", "BigDecimal(0))) }"),
        "Process (process execution)",
    ),
    (
        "statement under a column comment",
        ("    sc.run()\n", "    val k = 1 // amount\n    sc.run()\n"),
        None,
        "changes code that involves no campaign table",
    ),
    (
        "call under a column comment",
        ("    sc.run()\n", '    println("x") // customer\n    sc.run()\n'),
        None,
        "adds a call that involves no campaign table",
    ),
    (
        "import",
        ("package shop\n", "package shop\n\nimport java.net.URL\n"),
        None,
        "a migration adds no import",
    ),
    ("environment", ('args("output")', 'sys.env("HOME")'), None, "sys.env (environment)"),
    (
        "unrelated operation",
        ("      .sumByKey\n", "      .sumByKey\n      .distinct\n"),
        None,
        "adds a call",
    ),
    (
        "comment rewritten",
        ("object Revenue {", "object Revenue { // fast"),
        None,
        "changes a comment",
    ),
    (
        "pipeline replaced",
        ("    sc.typedBigQuery[Order]()\n", "    sc.parallelize(Seq.empty[Order])\n"),
        None,
        "removes a typed read",
    ),
]


@pytest.mark.parametrize(("title", "first", "second", "problem"), SMUGGLED)
def test_code_beyond_the_migration_is_out_of_scope(
    orders: Campaign,
    engine: dict[str, str],
    title: str,
    first: tuple[str, str],
    second: tuple[str, str] | None,
    problem: str,
) -> None:
    after = _migrated(engine, (READ, MIGRATED_READ), first, *([second] if second else []))
    rules = scope_rules(orders, only=[JOB])
    problems = check_change(rules, JOB, engine[JOB], after)
    assert any(problem in p for p in problems), (title, problems)
    assert all(p.startswith(JOB) for p in problems)  # each says where


def test_lines_under_review_widen_scope_but_not_the_deny_list(
    orders: Campaign, engine: dict[str, str]
) -> None:
    line = next(i for i, t in enumerate(engine[JOB].splitlines(), 1) if ".sumByKey" in t)
    reviewed = scope_rules(orders, {JOB: [line]}, window=1, only=[JOB])
    after = engine[JOB].replace("      .sumByKey\n", "      .sumByKey\n      .distinct\n")
    assert check_change(reviewed, JOB, engine[JOB], after) == []
    shell = engine[JOB].replace(
        "      .sumByKey\n", '      .sumByKey\n      .map(x => Runtime.getRuntime.exec("id"))\n'
    )
    assert any("process execution" in p for p in check_change(reviewed, JOB, engine[JOB], shell))


WEAKENED = [
    (
        "inputs truncated",
        ('Seq(Order(Some("c"), Some(1), None))', 'Seq(Order(Some("c"), Some(1), None)).take(0)'),
        "empties or truncates",
    ),
    ("inputs emptied", ('Seq(Order(Some("c"), Some(1), None))', "Nil"), "removes test inputs"),
    (
        "inputs Seq.empty",
        ('Seq(Order(Some("c"), Some(1), None))', "Seq.empty[Order]"),
        "removes test inputs",
    ),
    (
        "assertion succeed",
        ('(_ should containSingleValue("(c,1)"))', "(_ => succeed)"),
        "removes assertions",
    ),
    (
        "assertion true",
        ('(_ should containSingleValue("(c,1)"))', "(_ => assert(true))"),
        "trivially true",
    ),
]


@pytest.mark.parametrize(("title", "replacement", "problem"), WEAKENED)
def test_tests_may_be_updated_but_not_weakened(
    orders: Campaign, engine: dict[str, str], title: str, replacement: tuple[str, str], problem: str
) -> None:
    after = engine[SPEC].replace(*replacement)
    assert after != engine[SPEC]
    problems = check_change(scope_rules(orders, only=[SPEC]), SPEC, engine[SPEC], after)
    assert any(problem in p for p in problems), (title, problems)


def test_an_emptied_test_file_is_rejected(orders: Campaign, engine: dict[str, str]) -> None:
    rules = scope_rules(orders, only=[SPEC])
    assert check_change(rules, SPEC, engine[SPEC], "") == [
        f"{SPEC} would be emptied; files are never deleted"
    ]


BEAM_EDITS = [
    (
        "nested key through its record",
        'row.get("amount") != null',
        '((TableRow) row.get("price")).get("amount") != null',
        None,
    ),
    (
        "old key on the new table",
        'row.get("amount") != null',
        'row.get("amount") != null',
        "reads 'amount'",
    ),
    (
        "invented nested key",
        'row.get("amount") != null',
        '((TableRow) row.get("price")).get("amt") != null',
        "amt",
    ),
]


@pytest.mark.parametrize(("title", "old", "new", "problem"), BEAM_EDITS)
def test_beam_table_row_keys_follow_the_new_schema(
    orders: Campaign, engine: dict[str, str], title: str, old: str, new: str, problem: str | None
) -> None:
    text = "".join(line for line in engine[BEAM].splitlines(keepends=True) if "godwit:" not in line)
    after = text.replace("legacy-proj:shop.orders_v1", "core-proj:shop.orders_v2").replace(old, new)
    problems = _problems(orders, engine, BEAM, after)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), (title, problems)


@pytest.mark.parametrize(
    "path",
    [
        "project/Dependencies.scala",
        "build.sc",
        ".sbtopts",
        ".jvmopts",
        ".scalafmt.conf",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "settings.gradle",
        "build.mill",
        ".mill-version",
        ".github/workflows/ci.yml",
        ".circleci/config.yml",
    ],
)
def test_build_and_ci_files_are_never_editable(orders: Campaign, path: str) -> None:
    assert protected_reason(path) is not None
    rules = scope_rules(orders)
    assert check_change(rules, path, "orders_v1\n", "orders_v2\n") == [protected_reason(path)]
