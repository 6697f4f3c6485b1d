"""Accessibility checks with axe-core in a Playwright page.

We use the axe.min.js that the `axe-playwright-python` package ships (no download, works
offline) and call `axe.run` ourselves, so that the rule set, the options and the failure
message are ours:

    from axe import assert_no_axe_violations

    def test_something(page, base_url):
        page.goto(base_url + "/")
        wait_for_dash(page)
        assert_no_axe_violations(page)

The rule set is WCAG 2.0/2.1 levels A and AA (the level the BITV 2.0 requires of public
bodies in Germany). Only violations are reported; "incomplete" results (e.g. contrast on
background images) are not failures.

Allow-listing a rule is possible only with a reason that contains a link to the upstream
issue (axe-core, plotly.js, dash ...), e.g.

    assert_no_axe_violations(page, exclude_rules={
        # plotly draws its modebar as <a> without href; fixed upstream in vX.Y
        "link-name": "plotly modebar buttons have no name: https://github.com/plotly/plotly.js/issues/NNNN",
    })
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

_NO_EXCLUSIONS: Mapping[str, str] = MappingProxyType({})


@lru_cache(maxsize=1)
def axe_source() -> str:
    """The text of axe.min.js shipped inside the axe_playwright_python package."""
    import axe_playwright_python

    path = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    return path.read_text(encoding="utf-8")


def axe_version() -> str:
    head = axe_source()[:200]
    marker = "axe v"
    start = head.find(marker)
    return head[start + len(marker):].split()[0] if start >= 0 else "unknown"


def _check_exclusions(exclude_rules: Mapping[str, str]) -> None:
    if not isinstance(exclude_rules, Mapping):
        raise TypeError(
            "exclude_rules must map each rule id to a reason with an upstream link, "
            "e.g. {'rule-id': 'why: https://github.com/...'}"
        )
    for rule, reason in exclude_rules.items():
        if "http://" not in reason and "https://" not in reason:
            raise ValueError(
                f"axe rule {rule!r} is excluded without an upstream link in its reason ({reason!r}); "
                "fix the page instead, or link the upstream issue that makes the exclusion necessary"
            )


def inject_axe(page) -> None:
    """Load axe into the page (once per document).

    `add_script_tag(content=...)` inserts an inline script, so no URL has to be reachable.
    Should a strict Content-Security-Policy block inline scripts, we fall back to
    evaluating the source through the DevTools protocol, which no CSP restricts.
    """
    if page.evaluate("() => typeof window.axe !== 'undefined'"):
        return
    try:
        page.add_script_tag(content=axe_source())
    except Exception:  # noqa: BLE001 - blocked by CSP: use the fallback below
        pass
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        raise RuntimeError("could not load axe-core into the page")


def axe_violations(page, *, exclude_rules: Mapping[str, str] = _NO_EXCLUSIONS,
                   context: Any = None, tags: tuple[str, ...] = WCAG_TAGS) -> list[dict]:
    """Run axe-core on the current document and return its list of violations.

    exclude_rules -- {rule id: reason with an upstream link}; those rules are not run.
    context       -- an axe context (selector, or {"include": [...], "exclude": [...]});
                     default: the whole document.
    tags          -- axe tags to run; default WCAG 2.0/2.1 A + AA.
    """
    _check_exclusions(exclude_rules)
    inject_axe(page)
    options: dict[str, Any] = {
        "runOnly": {"type": "tag", "values": list(tags)},
        "resultTypes": ["violations"],
    }
    if exclude_rules:
        options["rules"] = {rule: {"enabled": False} for rule in exclude_rules}
    results = page.evaluate(
        """async ([context, options]) => {
            const results = await window.axe.run(context || document, options);
            return results.violations;
        }""",
        [context, options],
    )
    return list(results)


def _short(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_violations(violations: list[dict], *, max_nodes: int = 4, where: str = "") -> str:
    """A readable summary: rule id, impact, help, link and the first nodes of each rule."""
    total_nodes = sum(len(v.get("nodes", [])) for v in violations)
    lines = [
        f"{len(violations)} axe-core {axe_version()} violation(s) affecting {total_nodes} element(s)"
        + (f" on {where}" if where else "")
        + ":"
    ]
    for v in violations:
        nodes = v.get("nodes", [])
        lines.append(
            f"* {v['id']} [{v.get('impact') or 'n/a'}] {v.get('help', '')} -- {len(nodes)} element(s)"
        )
        if v.get("helpUrl"):
            lines.append(f"    {v['helpUrl']}")
        for node in nodes[:max_nodes]:
            target = node.get("target", [])
            selector = " >> ".join(
                json.dumps(t) if not isinstance(t, str) else t for t in target
            )
            lines.append(f"    - {selector}")
            lines.append(f"      {_short(node.get('html', ''), 200)}")
            summary = node.get("failureSummary") or ""
            if summary:
                lines.append(f"      {_short(summary, 300)}")
        if len(nodes) > max_nodes:
            lines.append(f"    … and {len(nodes) - max_nodes} more")
    return "\n".join(lines)


def assert_no_axe_violations(page, *, exclude_rules: Mapping[str, str] = _NO_EXCLUSIONS,
                             context: Any = None, where: str = "") -> None:
    """Fail with a readable summary if axe-core finds WCAG 2.1 A/AA violations."""
    violations = axe_violations(page, exclude_rules=exclude_rules, context=context)
    if violations:
        raise AssertionError(format_violations(violations, where=where or page.url))
