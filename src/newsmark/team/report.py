"""The agreement report as an HTML page: heatmaps of labels x annotator pairs."""

from __future__ import annotations

import html

from newsmark.team.agreement import ALL, Agreement

MEASURES = (("f1_exact", "span F1, exact"), ("f1_overlap", "span F1, overlap"),
            ("kappa", "Cohen's κ on token labels"))


def colour(value: float | None) -> str:
    """A cell's background: red (0 or less) through yellow to green (1); grey when undefined."""
    if value is None:
        return "#dddddd"
    v = max(0.0, min(1.0, value))
    r = 230 if v < 0.5 else int(230 - (v - 0.5) * 2 * 150)
    g = int(80 + v * 2 * 120) if v < 0.5 else 200
    return f"#{r:02x}{g:02x}70"


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def render_html(result: Agreement, title: str = "Agreement") -> str:
    pairs = sorted({(p.a, p.b) for p in result.pairs})
    rows = [ALL, *result.labels, *result.relation_types]
    cells = {(p.a, p.b, p.label): p for p in result.pairs}
    out = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
           "<style>body{font-family:sans-serif}table{border-collapse:collapse;margin:1em 0}"
           "td,th{border:1px solid #999;padding:4px 8px;text-align:center}</style></head><body>",
           f"<h1>{html.escape(title)}</h1>",
           f"<p>{len(result.annotators)} annotators ({html.escape(', '.join(result.annotators))}); "
           f"{result.documents} documents annotated by two or more, {result.documents_all} by all. "
           f"Tokenizer: {html.escape(result.tokenizer)}.</p>"]
    for field, name in MEASURES:
        out.append(f"<h2>{html.escape(name)}</h2><table><tr><th>label</th>")
        out += [f"<th>{html.escape(a)} / {html.escape(b)}</th>" for a, b in pairs]
        out.append("</tr>")
        for label in rows:
            if field == "kappa" and label in result.relation_types:
                continue
            out.append(f"<tr><th>{html.escape(label)}</th>")
            for a, b in pairs:
                p = cells.get((a, b, label))
                v = getattr(p, field) if p else None
                out.append(f"<td style='background:{colour(v)}'>{fmt(v)}</td>")
            out.append("</tr>")
        out.append("</table>")
    out.append("<h2>All annotators</h2><table><tr><th>label</th><th>Fleiss' κ</th><th>Krippendorff's α<sub>U</sub></th></tr>")
    for label in [ALL, *result.labels]:
        fk, au = result.fleiss_kappa.get(label), result.alpha_u.get(label)
        out.append(f"<tr><th>{html.escape(label)}</th><td style='background:{colour(fk)}'>{fmt(fk)}</td>"
                   f"<td style='background:{colour(au)}'>{fmt(au)}</td></tr>")
    out.append("</table></body></html>")
    return "\n".join(out)
