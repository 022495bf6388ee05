#!/usr/bin/env python3
"""pyHanko's view of time stamps and certificate paths in a signed PDF.

Usage: pyhanko_timestamps.py FILE TRUST_ROOT.der...
Prints one JSON object: {"signatures": [...], "error"}. For each signature: its field, whether it
is a document time stamp, intact, valid, trusted (a path to one of the given roots, no
revocation fetching), and for a signature time stamp (PAdES B-T) the stamp's own intact, valid,
trusted and time. Validation time is now; nothing is fetched from the network.
"""
import json
import logging
import sys

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext


def ts_status(st):
    if st is None:
        return None
    return {
        "intact": bool(st.intact),
        "valid": bool(st.valid),
        "trusted": st.trust_problem_indic is None,
        "time": st.timestamp.isoformat() if st.timestamp else None,
    }


def main():
    logging.disable(logging.CRITICAL)
    path, roots = sys.argv[1], sys.argv[2:]
    trust = []
    for r in roots:
        with open(r, "rb") as f:
            trust.append(x509.Certificate.load(f.read()))
    out = {"signatures": [], "error": None}
    try:
        with open(path, "rb") as f:
            reader = PdfFileReader(f, strict=False)
            for sig in reader.embedded_signatures:
                vc = ValidationContext(trust_roots=trust, allow_fetching=False, revocation_mode="soft-fail")
                rec = {"field": sig.field_name, "document_timestamp": sig.sig_object_type == "/DocTimeStamp"}
                if rec["document_timestamp"]:
                    st = validate_pdf_timestamp(sig, validation_context=vc)
                    rec.update(ts_status(st))
                else:
                    ts_vc = ValidationContext(trust_roots=trust, allow_fetching=False, revocation_mode="soft-fail")
                    st = validate_pdf_signature(sig, signer_validation_context=vc, ts_validation_context=ts_vc)
                    rec.update(
                        {
                            "intact": bool(st.intact),
                            "valid": bool(st.valid),
                            "trusted": st.trust_problem_indic is None,
                            "modification_level": getattr(st.modification_level, "name", None),
                            "timestamp": ts_status(st.timestamp_validity),
                        }
                    )
                out["signatures"].append(rec)
    except Exception as e:  # malformed files raise: refused
        out["error"] = f"{type(e).__name__}: {e}"
    print(json.dumps(out))


if __name__ == "__main__":
    main()
