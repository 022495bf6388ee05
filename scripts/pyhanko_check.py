#!/usr/bin/env python3
"""Independent second opinion on signed PDFs: pyHanko's validation with its difference analysis.

Prints one JSON line per file: {"file", "accepted", "signatures": [...], "error"}. A file is
accepted only when it has signatures, each is intact and valid (trusting the signer's own
certificate: identity is not what is judged here), the last covers the entire file, every
earlier one covers its entire revision, and the difference analysis rates what followed each
as no more than further signatures (NONE, LTA_UPDATES or FORM_FILLING) with DocMDP satisfied.
Usage: pyhanko_check.py FILE_OR_DIR...
"""
import json
import logging
import pathlib
import sys

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

ALLOWED = {"NONE", "LTA_UPDATES", "FORM_FILLING"}


def check(path):
    out = {"file": str(path), "accepted": False, "signatures": [], "error": None}
    try:
        with open(path, "rb") as f:
            reader = PdfFileReader(f, strict=False)
            sigs = reader.embedded_signatures
            if not sigs:
                out["error"] = "no signatures"
                return out
            ok = True
            for i, sig in enumerate(sigs):
                ctx = ValidationContext(trust_roots=[sig.signer_cert], allow_fetching=False)
                st = validate_pdf_signature(sig, signer_validation_context=ctx)
                level = getattr(st.modification_level, "name", str(st.modification_level))
                coverage = getattr(st.coverage, "name", str(st.coverage))
                rec = {
                    "field": sig.field_name,
                    "intact": bool(st.intact),
                    "valid": bool(st.valid),
                    "coverage": coverage,
                    "modification_level": level,
                    "docmdp_ok": st.docmdp_ok,
                }
                out["signatures"].append(rec)
                last = i == len(sigs) - 1
                want = "ENTIRE_FILE" if last else "ENTIRE_REVISION"
                if not (rec["intact"] and rec["valid"] and level in ALLOWED and st.docmdp_ok is not False):
                    ok = False
                if coverage != want and not (coverage == "ENTIRE_FILE"):
                    ok = False
            out["accepted"] = ok
    except Exception as e:  # malformed files raise: refused
        out["error"] = f"{type(e).__name__}: {e}"
    return out


def main():
    logging.disable(logging.CRITICAL)  # its difference analysis logs every refusal with a traceback
    files = []
    for a in sys.argv[1:]:
        p = pathlib.Path(a)
        files.extend(sorted(p.rglob("*.pdf")) if p.is_dir() else [p])
    for f in files:
        print(json.dumps(check(f)), flush=True)


if __name__ == "__main__":
    main()
