#!/usr/bin/env python3
"""python-docx's view of a Word file Steward exported, and edits made to it as a partner would.

Usage:
  docx_check.py inspect FILE.docx      prints JSON: styles used, numbering, fields, content
                                       controls, bookmarks, custom XML parts, core properties
  docx_check.py edit IN.docx OUT.docx  a partner's edits with python-docx and raw WordprocessingML:
                                       a tracked insertion and deletion in clause 5, a plain edit in
                                       clause 8, clause 10 deleted, a comment on clause 5
"""
import json
import sys
import zipfile

import docx
from docx.oxml.ns import qn

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def controls(doc):
    body = doc.element.body
    out = []
    for sdt in body.iter(qn("w:sdt")):
        tag = sdt.find(qn("w:sdtPr") + "/" + qn("w:tag"))
        out.append(tag.get(qn("w:val")) if tag is not None else None)
    return out


def inspect(path):
    doc = docx.Document(path)
    body = doc.element.body
    # Paragraphs inside content controls too (python-docx's doc.paragraphs skips those).
    paras = [docx.text.paragraph.Paragraph(p, doc.part) for p in body.iter(qn("w:p"))]
    styles_used = sorted({p.style.name for p in paras if p.style is not None})
    texts = [p.text for p in paras]
    instr = [i.text.strip() for i in body.iter(qn("w:instrText"))]
    footer = doc.sections[0].footer
    footer_instr = [i.text.strip() for i in footer._element.iter(qn("w:instrText"))]
    header_text = " ".join(p.text for p in doc.sections[0].header.paragraphs)
    numbering = doc.part.numbering_part.element
    abstract = []
    for a in numbering.iter(qn("w:abstractNum")):
        levels = []
        for lvl in a.iter(qn("w:lvl")):
            text = lvl.find(qn("w:lvlText"))
            fmt = lvl.find(qn("w:numFmt"))
            style = lvl.find(qn("w:pStyle"))
            levels.append({
                "text": text.get(qn("w:val")) if text is not None else None,
                "format": fmt.get(qn("w:numFmt")) if False else (fmt.get(qn("w:val")) if fmt is not None else None),
                "style": style.get(qn("w:val")) if style is not None else None,
            })
        abstract.append(levels)
    with zipfile.ZipFile(path) as z:
        custom = [n for n in z.namelist() if n.startswith("customXml/item") and "Props" not in n]
        custom_root = [z.read(n).decode("utf-8")[:200] for n in custom]
    core = doc.core_properties
    print(json.dumps({
        "paragraphs": len(paras),
        "text": "\n".join(texts),
        "styles_used": styles_used,
        "style_ids": sorted(s.style_id for s in doc.styles if s.style_id),
        "direct_run_formatting": sum(1 for p in paras for r in p.runs
                                     if r.font.size is not None or r.font.name is not None),
        "direct_paragraph_formatting": sum(1 for p in paras
                                           if p.paragraph_format.left_indent is not None
                                           or p.paragraph_format.alignment is not None),
        "numbering": abstract,
        "ref_fields": [i for i in instr if i.startswith("REF ")],
        "footer_fields": footer_instr,
        "header": header_text,
        "controls": controls(doc),
        "bookmarks": [b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))],
        "custom_parts": custom,
        "custom_roots": custom_root,
        "tables": len(list(body.iter(qn("w:tbl")))),
        "core": {"title": core.title, "subject": core.subject, "author": core.author,
                 "created": core.created.isoformat() if core.created else None,
                 "modified": core.modified.isoformat() if core.modified else None,
                 "revision": core.revision},
        "fonts": sorted({f.get(qn("w:ascii")) for f in doc.styles.element.iter(qn("w:rFonts")) if f.get(qn("w:ascii"))}),
    }))


def clause_controls(doc):
    out = []
    for sdt in doc.element.body.iter(qn("w:sdt")):
        tag = sdt.find(qn("w:sdtPr") + "/" + qn("w:tag"))
        if tag is not None and tag.get(qn("w:val"), "").startswith("steward:clause:"):
            out.append(sdt)
    return out


def el(name, **attrs):
    e = docx.oxml.OxmlElement(name)
    for k, v in attrs.items():
        e.set(qn(k), v)
    return e


def tracked_edit(p, find, replacement):
    """Word's tracked change: the run holding `find` split, `find` in w:del, `replacement` in w:ins."""
    for r in p._p.iter(qn("w:r")):
        t = r.find(qn("w:t"))
        if t is None or find not in (t.text or ""):
            continue
        before, after = t.text.split(find, 1)
        parent = r.getparent()
        i = parent.index(r)
        def run(text, deleted=False):
            nr = el("w:r")
            nt = el("w:delText" if deleted else "w:t")
            nt.text = text
            nt.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            nr.append(nt)
            return nr
        parent.remove(r)
        d = el("w:del", **{"w:id": "901", "w:author": "Partner Counsel", "w:date": "2027-01-20T10:00:00Z"})
        d.append(run(find, deleted=True))
        ins = el("w:ins", **{"w:id": "902", "w:author": "Partner Counsel", "w:date": "2027-01-20T10:00:00Z"})
        ins.append(run(replacement))
        for k, node in enumerate([run(before), d, ins, run(after)]):
            parent.insert(i + k, node)
        return True
    return False


def edit(src, dst):
    doc = docx.Document(src)
    cl = clause_controls(doc)
    def paras(sdt):
        return [docx.text.paragraph.Paragraph(p, doc.part) for p in sdt.iter(qn("w:p"))]
    # Clause 5: a tracked deletion and insertion in its first sub-clause, and a comment on it.
    p5 = [p for p in paras(cl[4]) if p.text.strip()][1]
    words = p5.text.split()
    target = next(w for w in words if len(w) > 5 and w.isalpha())
    assert tracked_edit(p5, target, target + " and promptly"), "clause 5 edited"
    doc.add_comment(p5.runs[0], text="We need this to happen promptly.", author="Partner Counsel", initials="PC")
    # Clause 8: a plain (untracked) edit.
    p8 = [p for p in paras(cl[7]) if p.text.strip()][1]
    last = [r for r in p8.runs if r.text][-1]
    last.text = last.text.rstrip(".") + ", save as the parties agree in writing."
    # Clause 10: deleted outright.
    cl[9].getparent().remove(cl[9])
    doc.save(dst)
    print(json.dumps({"clause5": p5.text, "clause8": p8.text, "word": target}))


if __name__ == "__main__":
    if sys.argv[1] == "inspect":
        inspect(sys.argv[2])
    elif sys.argv[1] == "edit":
        edit(sys.argv[2], sys.argv[3])
