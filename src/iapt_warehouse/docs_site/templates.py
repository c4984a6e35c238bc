"""The site's page templates (Jinja, autoescaped). The stylesheet is docs/site_assets/site.css."""

from __future__ import annotations

BASE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} - IAPT warehouse</title>
<link rel="stylesheet" href="{{ root }}site.css">
</head>
<body>
<header class="site-header"><a class="brand" href="{{ root }}index.html">IAPT warehouse</a>
<nav><a href="{{ root }}index.html#dbt">dbt docs</a> <a href="{{ root }}index.html#gx">Data Docs</a>
<a href="{{ root }}index.html#dq">Data quality</a></nav></header>
<main>
{% block body %}{% endblock %}
</main>
<footer>Built {{ built }} by <code>iapt docs-site</code> from {{ db_name }}. Works offline.</footer>
</body>
</html>
"""

INDEX = """{% extends "base" %}{% block body %}
<h1>IAPT (NHS Talking Therapies) warehouse</h1>
<p class="lead">A SQL-first dbt + DuckDB warehouse for the NHS England IAPT data set: providers' monthly
submission packages are loaded (<code>iapt load</code>), transformed by dbt, checked, and published as the
NHS monthly activity measures. This site is built by <code>make docs</code> and needs no network.</p>

<h2>Layers</h2>
<p class="flow">landing &rarr; staging &rarr; intermediate &rarr; marts &rarr; publication
&nbsp;&nbsp;|&nbsp;&nbsp; dq (reads landing and staging) &nbsp;&nbsp;|&nbsp;&nbsp; nhse (NHS-compatible views)</p>
<table class="layers">
<thead><tr><th>Schema</th><th>What it holds</th></tr></thead>
<tbody>
{% for name, text in layers %}<tr><td><code>{{ name }}</code></td><td>{{ text }}</td></tr>
{% endfor %}</tbody></table>

<h2 id="dbt">dbt documentation</h2>
{% if dbt_ok %}<p><a class="card-link" href="dbt/static_index.html">Models, columns, tests and measure definitions</a>
(the overview page explains the layers and how to read the DQ tables; each measure's definition quoting
its catalogue rule is on the <a href="dbt/static_index.html#!/seed/seed.iapt_warehouse.ref_measure_catalogue">measure
catalogue</a> page).</p>
{% else %}<p class="missing">{{ dbt_message }}</p>{% endif %}

<h2 id="gx">Great Expectations Data Docs</h2>
{% if gx_ok %}<p><a class="card-link" href="gx/index.html">Expectation suites and validation results</a>
({{ gx_rewrites }} CDN links served from local copies).</p>
{% else %}<p class="missing">{{ gx_message }}</p>{% endif %}

<h2 id="dq">Data-quality statements</h2>
{% if statements %}<p>One statement per reporting month, newest first, generated from the <code>dq</code> models.</p>
<ul class="months">
{% for s in statements %}<li><a class="dq-month" href="dq/{{ s.slug }}.html">{{ s.month.strftime("%B %Y") }}</a>
&mdash; {{ s.submitted }} of {{ s.expected }} providers submitted;
<span class="status-error">{{ s.status_count("error") }} error</span>,
<span class="status-warn">{{ s.status_count("warn") }} warn</span>,
<span class="status-good">{{ s.status_count("good") }} good</span></li>
{% endfor %}</ul>
{% else %}<p class="missing">{{ dq_message }}</p>{% endif %}
{% endblock %}
"""

MONTH = """{% extends "base" %}{% block body %}
<p><a href="../index.html">&larr; All months</a></p>
<h1>Data-quality statement: {{ s.month.strftime("%B %Y") }}</h1>
<p>Reporting period {{ s.month }} to {{ s.providers[0].row.reporting_period_end }}. Generated from
<a href="{{ dbt }}#!/model/model.iapt_warehouse.dq_provider_month_summary"
><code>dq.dq_provider_month_summary</code></a>,
<a href="{{ dbt }}#!/model/model.iapt_warehouse.dq_item_validity"><code>dq.dq_item_validity</code></a> and
<a href="{{ dbt }}#!/model/model.iapt_warehouse.dq_measure_item_inputs"><code>dq.dq_measure_item_inputs</code></a>.
An item is below target when under {{ target }}% of its records are valid (the NHS VODIM rules).</p>

<h2>Coverage</h2>
<table class="figures"><tbody>
<tr><th>Providers submitted / expected</th><td>{{ s.submitted }} / {{ s.expected }}</td></tr>
<tr><th>Rows loaded</th><td>{{ "{:,}".format(s.rows_loaded) }}</td></tr>
<tr><th>Rows rejected</th><td>{{ "{:,}".format(s.rows_rejected) }}</td></tr>
<tr><th>Providers by status</th><td>{{ s.status_count("good") }} good, {{ s.status_count("warn") }} warn,
{{ s.status_count("error") }} error</td></tr>
</tbody></table>

<table class="providers">
<thead><tr><th>Provider</th><th>Status</th><th>Submitted</th><th>Window</th><th>Tables</th><th>Rows loaded</th>
<th>Rows rejected</th><th>Items below target</th><th>Pathway continuity %</th><th>Why</th></tr></thead>
<tbody>
{% for p in s.providers %}<tr class="status-{{ p.row.dq_status }}">
<td><a href="#{{ p.row.provider_code }}">{{ p.row.provider_code }}</a> {{ p.row.provider_name or "" }}</td>
<td class="status-{{ p.row.dq_status }}">{{ p.row.dq_status }}</td><td>{{ "yes" if p.row.submitted else "no" }}</td>
<td>{{ p.row.submission_window_in_use or "" }}</td><td>{{ p.row.tables_submitted or 0 }}</td>
<td>{{ "{:,}".format(p.row.rows_loaded or 0) }}</td><td>{{ "{:,}".format(p.row.rows_rejected or 0) }}</td>
<td>{{ p.row.items_below_target or 0 }} of {{ p.row.items_checked or 0 }}</td>
<td>{{ pct(p.row.pathway_continuity_pct) }}</td><td>{{ p.row.status_reason or "" }}</td></tr>
{% endfor %}</tbody></table>

<h2>Known issues</h2>
{% set ns = namespace(any=false) %}
{% for p in s.providers if p.issues or p.affected or not p.row.submitted %}{% set ns.any = true %}
<section class="provider" id="{{ p.row.provider_code }}">
<h3>{{ p.row.provider_code }} {{ p.row.provider_name or "" }}
<span class="status-{{ p.row.dq_status }}">{{ p.row.dq_status }}</span></h3>
<p>{{ p.row.status_reason or "" }}</p>
{% if not p.row.submitted %}<p>No submission in use for this month: every measure for this provider is missing.</p>
{% endif %}
{% if p.issues %}<table class="issues"><thead><tr><th>Item</th><th>Records</th><th>Valid %</th><th>Default %</th>
<th>Invalid %</th><th>Missing %</th><th>DQ measure</th><th>Measures using it</th></tr></thead><tbody>
{% for i in p.issues %}<tr><td><code>{{ i.table_name }}.{{ i.item_name }}</code></td><td>{{ i.total_count }}</td>
<td>{{ pct(i.valid_pct) }}</td><td>{{ pct(i.default_pct) }}</td><td>{{ pct(i.invalid_pct) }}</td>
<td>{{ pct(i.missing_pct) }}</td><td>{{ i.dq_measure_id or "" }}</td><td>{{ i.measures | join(", ") }}</td></tr>
{% endfor %}</tbody></table>{% endif %}
{% if p.affected %}<p>Measures these issues affect (treat this provider's figures for them with care):</p>
<ul class="measures">{% for m in p.affected %}<li><details>
<summary><code>{{ m }}</code> {{ s.measure_names.get(m, "") }}</summary>
{% if measure_docs.get(m) %}<pre>{{ measure_docs[m] }}</pre>{% endif %}
<p><a href="{{ dbt }}#!/seed/seed.iapt_warehouse.ref_measure_catalogue">Definition in the dbt docs</a> &middot;
<a href="{{ dbt }}#!/model/model.iapt_warehouse.monthly_activity">publication.monthly_activity</a></p></details></li>
{% endfor %}</ul>{% endif %}
</section>
{% endfor %}
{% if not ns.any %}<p>No provider has an item below target this month.</p>{% endif %}
{% endblock %}
"""
