#!/usr/bin/env python3
"""Regenerate tests/fixtures/twilio/webhook-signatures.json with Twilio's own validator.

The oracle is the official `twilio` package (`twilio.request_validator.RequestValidator`);
`multidict` (a dependency of it) carries repeated parameter names. Not part of CI: the Rust test
`twilio_webhook::oracle_fixture` only reads the committed file.

    pip install twilio        # tested with twilio 9.13.0
    scripts/twilio-signature-fixture.py > tests/fixtures/twilio/webhook-signatures.json

The cases are pseudo-random but reproducible (fixed seed). Each form case records the URL Twilio
signed, the POST parameters (name/value pairs, repeats included), the token, the algorithm, the
signature `compute_signature` gives, and what `validate` answers for that signature on several
request URLs (the same URL with the port added, removed or changed, another scheme or path).
Each JSON case records a body, the URL with its `bodySHA256`, the signature, and `validate` on
the real and on a tampered body. URLs with a password in the userinfo or an IPv6 host are left
out: twilio-python's `remove_port` mangles them (see src/twilio/webhook/signature.rs).
"""

import hashlib
import json
import random
import sys
from urllib.parse import quote, urlencode

import twilio
from multidict import MultiDict
from twilio.request_validator import RequestValidator

SEED = 20240611
rng = random.Random(SEED)

HOSTS = ["mycompany.com", "pbx.example.net", "192.0.2.10", "hooks.sub.example.org", "user@pbx.example.net"]
PORTS = [None, None, None, 80, 443, 8080, 8443]
NAMES = [
    "CallSid", "AccountSid", "From", "To", "Caller", "Called", "CallStatus", "Direction",
    "DialCallStatus", "DialCallSid", "DialCallDuration", "Digits", "ApiVersion", "CallerCity",
    "CallerState", "CallerZip", "CallerCountry", "FromCity", "ToCountry", "StirVerstat",
    "a", "A", "b", "_x", "Zed", "zed", "é", "Ünïcode", "名前", "emoji😀", "sp ace", "amp&",
    "eq=", "plus+",
]
ALPHABET = "abcXYZ0123456789+-_.~ %&=/?#:@!$'()*,;é名😀\t"
PATH_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_.~"


def rand_text(lo, hi, alphabet=ALPHABET):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def rand_url():
    scheme = rng.choice(["https", "https", "http"])
    host = rng.choice(HOSTS)
    port = rng.choice(PORTS)
    netloc = host + (":%d" % port if port else "")
    segments = [rand_text(1, 10, PATH_CHARS) for _ in range(rng.randint(0, 4))]
    if segments and rng.random() < 0.3:
        segments[-1] = quote(rand_text(1, 6), safe="")
    path = "/" + "/".join(segments) if segments else rng.choice(["", "/"])
    query = ""
    if rng.random() < 0.5:
        pairs = [(rand_text(1, 5, PATH_CHARS), rand_text(0, 6)) for _ in range(rng.randint(1, 3))]
        query = "?" + urlencode(pairs)
    return scheme, host, port, path, query


def join(scheme, host, port, path, query):
    return "%s://%s%s%s%s" % (scheme, host, ":%d" % port if port else "", path, query)


def rand_params():
    pairs = []
    for _ in range(rng.randint(0, 12)):
        name = rng.choice(NAMES)
        value = rand_text(0, 12) if rng.random() < 0.7 else rng.choice(["", "+14158675309", "failed", "completed"])
        pairs.append((name, value))
        if rng.random() < 0.1:
            pairs.append((name, value))  # an exact repeat
    return pairs


def rand_token():
    return rand_text(16, 32, "0123456789abcdef") if rng.random() < 0.8 else rand_text(1, 12)


def variants(scheme, host, port, path, query):
    """Request URLs to validate the signature on, besides the signed one."""
    out = [
        join(scheme, host, None, path, query),
        join(scheme, host, 443 if scheme == "https" else 80, path, query),
        join(scheme, host, 8081, path, query),
        join("http" if scheme == "https" else "https", host, port, path, query),
        join(scheme, host, port, (path or "/") + "x", query),
        join(scheme, host, port, path, query + ("&" if query else "?") + "extra=1"),
    ]
    return list(dict.fromkeys(out))


def form_case(algorithm):
    parts = rand_url()
    url = join(*parts)
    pairs = rand_params()
    token = rand_token()
    validator = RequestValidator(token)
    params = MultiDict(pairs)
    signature = validator.compute_signature(url, params, algorithm)
    checks = []
    for request_url in [url] + variants(*parts):
        valid = validator.validate(request_url, MultiDict(pairs), signature, algorithm)
        checks.append({"url": request_url, "valid": bool(valid)})
    if pairs:
        tampered = list(pairs)
        name, value = tampered[-1]
        tampered[-1] = (name, value + "1")
        valid = validator.validate(url, MultiDict(tampered), signature, algorithm)
        checks.append({"url": url, "params": tampered, "valid": bool(valid)})
    return {
        "kind": "form",
        "algorithm": algorithm,
        "token": token,
        "url": url,
        "params": pairs,
        "signature": signature,
        "checks": checks,
    }


def json_case():
    scheme, host, port, path, query = rand_url()
    body = json.dumps(
        {rand_text(1, 8): rand_text(0, 10) for _ in range(rng.randint(0, 4))},
        ensure_ascii=rng.random() < 0.5,
        separators=rng.choice([(",", ":"), (", ", ": ")]),
    )
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    query = (query + "&" if query else "?") + "bodySHA256=" + digest
    url = join(scheme, host, port, path, query)
    token = rand_token()
    validator = RequestValidator(token)
    signature = validator.compute_signature(url, {})
    tampered = body + " "
    return {
        "kind": "json",
        "algorithm": "HMAC_SHA1",
        "token": token,
        "url": url,
        "body": body,
        "signature": signature,
        "checks": [
            {"url": url, "body": body, "valid": bool(validator.validate(url, body, signature))},
            {"url": url, "body": tampered, "valid": bool(validator.validate(url, tampered, signature))},
        ],
    }


def main():
    cases = [form_case("HMAC_SHA1") for _ in range(160)]
    cases += [form_case("HMAC_SHA256") for _ in range(20)]
    cases += [json_case() for _ in range(40)]
    doc = {
        "generated_by": "scripts/twilio-signature-fixture.py (seed %d) with the twilio Python "
        "package %s as the oracle: RequestValidator.compute_signature and .validate"
        % (SEED, twilio.__version__),
        "cases": cases,
    }
    # One case a line: diffs stay readable when the oracle changes.
    sys.stdout.write('{"generated_by": %s,\n "cases": [\n' % json.dumps(doc["generated_by"]))
    sys.stdout.write(",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in cases))
    sys.stdout.write("\n ]\n}\n")


if __name__ == "__main__":
    main()
