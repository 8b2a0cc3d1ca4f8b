"""Flows with DECA data and code nodes compiled to ASL and run end to end on the local runtime."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from deca.deca_data.columns import TableColumn
from deca.deca_data.context import data_stores
from deca.deca_data.models import FormDefinition, FormField
from tests.fakes.node_runs import data_context, run_flow

ONBOARDING = Path(__file__).resolve().parents[3] / "examples" / "customer-onboarding.json"
VALIDATOR = """
def main(input):
    data = input["customer_data"]
    if "@" not in data.get("email", ""):
        raise ValueError("customer_data.email is not an email address")
    return {"email": data["email"].lower(), "name": data.get("name", "")}
"""


DATA_FLOW: dict[str, Any] = {
    "id": "lead-intake",
    "name": "Lead intake",
    "version": 1,
    "triggers": [{"type": "webhook", "path": "/leads", "method": "POST"}],
    "nodes": [
        {
            "id": "check",
            "type": "deca_forms",
            "config": {"operation": "validate", "form_id": "lead", "data": "{{ input.lead }}"},
        },
        {
            "id": "contact",
            "type": "deca_crm",
            "config": {
                "operation": "create",
                "entity": "contact",
                "match_on": ["email"],
                "data": {"email": "{{ input.lead.email }}", "name": "{{ input.lead.name }}"},
            },
        },
        {
            "id": "log",
            "type": "deca_tables",
            "config": {
                "operation": "insert",
                "table_id": "leads",
                "rows": [{"email": "{{ input.lead.email }}", "budget": "{{ input.lead.budget }}"}],
            },
        },
        {
            "id": "big",
            "type": "deca_tables",
            "config": {"operation": "query", "table_id": "leads", "where": {"budget": {"$gte": 1000}}},
        },
        {
            "id": "docs",
            "type": "deca_knowledge_base",
            "config": {
                "operation": "search",
                "knowledge_base_id": "sales",
                "query": "{{ input.lead.question }}",
                "top_k": 1,
            },
        },
        {
            "id": "score",
            "type": "code",
            "config": {
                "language": "python",
                "source": "def main(input):\n    return {'big_leads': input['count'], 'valid': input['valid'], 'hint': input['hint']}\n",
                "input": {
                    "count": "{{ big.count }}",
                    "valid": "{{ check.valid }}",
                    "hint": "{{ docs.results[0].title }}",
                },
            },
        },
    ],
    "connections": [
        {"from": "check", "to": "contact", "condition": "{{ check.valid }}"},
        {"from": "contact", "to": "log"},
        {"from": "log", "to": "big"},
        {"from": "big", "to": "docs"},
        {"from": "docs", "to": "score"},
    ],
}


def test_data_nodes_and_code_chain_through_a_compiled_flow() -> None:
    # Given a form, a table and a knowledge base in the workspace
    ctx = data_context("local")
    data = data_stores(ctx)
    data.forms.save_form(
        "local",
        FormDefinition(
            workspace_id="local",
            form_id="lead",
            name="Lead",
            fields=[
                FormField(name="email", type="email", required=True),
                FormField(name="name"),
                FormField(name="budget", type="number"),
                FormField(name="question"),
            ],
        ),
    )
    data.tables.create_table(
        "local", "leads", [TableColumn(name="email"), TableColumn(name="budget", type="number")]
    )
    data.knowledge.add_document(
        "local", "sales", title="Pricing", content="Enterprise pricing starts at 1000 per month."
    )
    lead = {"email": "ada@example.com", "name": "Ada", "budget": 5000, "question": "enterprise pricing"}

    # When the flow runs
    result = run_flow(DATA_FLOW, ctx, {"lead": lead})

    # Then every node wrote or read the workspace's data and the code node saw their outputs
    assert result["status"] == "SUCCEEDED", result
    assert result["output"]["contact"]["created"] is True
    assert result["output"]["score"]["result"] == {"big_leads": 1, "valid": True, "hint": "Pricing"}
    assert data.crm.search("local", "contact", filters={"email": "ada@example.com"})[0].data["name"] == "Ada"


def test_daily_sales_report_example_queries_the_deals_table() -> None:
    # Given a deals table with two deals won on the report day and one open
    ctx = data_context("local")
    tables = data_stores(ctx).tables
    columns = [
        TableColumn(name=n, type=t)
        for n, t in [("stage", "string"), ("closed_on", "date"), ("region", "string"), ("amount", "number")]
    ]
    tables.create_table("local", "deals", columns)
    tables.insert(
        "local",
        "deals",
        [
            {"stage": "won", "closed_on": "2024-03-04", "region": "EU", "amount": 100},
            {"stage": "won", "closed_on": "2024-03-04", "region": "EU", "amount": 50},
            {"stage": "open", "closed_on": "2024-03-04", "region": "US", "amount": 70},
        ],
    )
    example = Path(__file__).resolve().parents[3] / "examples" / "daily-sales-report.json"
    mocks = {"commentary": {"text": "Good day."}, "archive": {}, "post": {}}

    # When the example runs for that day (the agent, S3 and Slack nodes pinned)
    result = run_flow(
        json.loads(example.read_text(encoding="utf-8")),
        ctx,
        {"scheduled_time": "2024-03-04T08:00:00Z"},
        mocks,
    )

    # Then the table node returned the won deals, which the downstream nodes aggregated
    assert result["status"] == "SUCCEEDED", result
    assert [r["amount"] for r in result["output"]["won-deals"]["rows"]] == [100, 50]
    assert result["output"]["top-deals"]["items"][0]["amount"] == 100
