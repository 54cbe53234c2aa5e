"""Generate realistic policies of any size, as DSL files and as the equivalent fideslang manifest.

Proportions follow real notices: per "system" (a product or service of the organisation) a handful
of categories, three or four purposes, a couple of recipients, sometimes a transfer, and several
cookies. ``violations=True`` plants defects (marketing on legitimate interests, cookies without
expiry, vague retention, transfers without safeguards) in about one system in five.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

HEADER = '''controller "Bench Corp AS" {
  registration "NO 999 999 999"
  address "Gate 1, 0150 Oslo"
  country NO
  email "privacy@bench.example"
}
authority datatilsynet { name "Datatilsynet" country NO website "https://www.datatilsynet.no" }
subject customer
subject visitor
rights {
  offered access, rectification, erasure, restriction, portability, objection, object_direct_marketing,
    withdraw_consent
  how "E-mail privacy@bench.example"
  complaints datatilsynet
}
consent banner {
  method opt_in
  reject_button
  withdraw "Cookie settings in the footer"
  record_retention 1 year
}
'''

CATEGORY_KEYS = ["user.contact.email", "user.name", "user.contact.phone_number", "user.contact.address",
                 "user.behavior.purchase_history", "user.device.ip_address", "user.behavior.browsing_history"]


def system_block(i: int, bad: bool) -> str:
    """One system: ~100 lines of DSL."""
    s = f"s{i}"
    cats = "\n".join(
        f'category {s}_c{j} {{\n  taxonomy {key}\n  name {{ nb "Kategori {j}" en "Category {j}" }}\n}}'
        for j, key in enumerate(CATEGORY_KEYS))
    cat_refs = ", ".join(f"{s}_c{j}" for j in range(len(CATEGORY_KEYS)))
    marketing_basis = "legitimate_interests" if bad else "consent\n  consent banner"
    retention = "as long as necessary" if bad else "2 years after last_order"
    expiry = "persistent" if bad else "13 months"
    mechanism = "" if bad else '  mechanism dpf\n  certification "DPF list, checked 2026-08-01"\n'
    return f'''# ---- system {i}
{cats}
purpose {s}_orders {{
  name {{ nb "Ordre {i}" en "Orders {i}" }}
  use essential.service
  basis contract
  categories {cat_refs}
  subjects customer
  recipients {s}_host
  retention {retention}
}}
purpose {s}_news {{
  name {{ nb "Nyhetsbrev {i}" en "Newsletter {i}" }}
  use marketing.communications.email
  basis {marketing_basis}
  categories {s}_c0, {s}_c1
  subjects customer
  recipients {s}_mail
  transfers {s}_mail_us
  retention until consent_withdrawn
}}
purpose {s}_stats {{
  name {{ nb "Statistikk {i}" en "Statistics {i}" }}
  use analytics.reporting
  basis consent
  consent banner
  categories {s}_c5, {s}_c6
  subjects visitor
  retention 13 months
}}
recipient {s}_host {{ name "Host {i} AS" role processor countries NO contract "DPA-{i}" }}
recipient {s}_mail {{ name "Mail {i} Inc" role processor countries US contract "DPA-M{i}" }}
transfer {s}_mail_us {{
  recipient {s}_mail
  country US
{mechanism}}}
cookie {s}_sid {{ party first expiry session category strictly_necessary purpose {s}_orders }}
cookie {s}_pref {{ party first expiry 12 months category strictly_necessary purpose {s}_orders }}
cookie "{s}_id" {{
  party first
  expiry {expiry}
  category analytics
  purpose {s}_stats
  consent banner
}}
cookie "{s}_ses" {{ party first expiry 30 minutes category analytics purpose {s}_stats consent banner }}
'''


def policy_text(systems: int, violations: bool, seed: int = 1) -> str:
    rng = random.Random(seed)
    blocks = [HEADER] + [system_block(i, violations and rng.random() < 0.2) for i in range(systems)]
    return "\n".join(blocks)


def lines_to_systems(lines: int) -> int:
    per_system = policy_text(2, False).count("\n") - policy_text(1, False).count("\n")
    header = policy_text(0, False).count("\n")
    return max(1, round((lines - header) / per_system))


def write_policy(root: Path, lines: int, violations: bool = False) -> Path:
    """One policy directory of about ``lines`` lines (header in its own file)."""
    root.mkdir(parents=True, exist_ok=True)
    systems = lines_to_systems(lines)
    text = policy_text(systems, violations)
    (root / "policy.privacy").write_text(text, encoding="utf-8")
    return root


def write_split_policy(root: Path, systems: int, violations: bool = False) -> Path:
    """One policy of ``systems`` systems, one file per system (as a large organisation would)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "organisation.privacy").write_text(HEADER, encoding="utf-8")
    rng = random.Random(1)
    for i in range(systems):
        (root / f"system{i:04d}.privacy").write_text(system_block(i, violations and rng.random() < 0.2),
                                                     encoding="utf-8")
    return root


def write_repo(root: Path, files: int, lines_per_file: int = 100, violations: bool = False) -> Path:
    """``files`` policies of about ``lines_per_file`` lines each, one directory per policy."""
    for i in range(files):
        d = root / f"org{i:04d}"
        d.mkdir(parents=True, exist_ok=True)
        rng = random.Random(i)
        text = HEADER + system_block(i, violations and rng.random() < 0.2)
        (d / "policy.privacy").write_text(text, encoding="utf-8")
    return root


#: The data categories of the peer comparison's systems, declared once (fideslang keys are global).
PEER_CATEGORIES = {f"c{j}": key for j, key in enumerate(CATEGORY_KEYS)}


def peer_declarations(i: int) -> list[tuple[str, str, list[str], str]]:
    """System ``i`` of the peer comparison: (name, data use, category ids, data subject) per
    declaration. Both ``fides_manifest`` and ``write_peer_policy`` are written from this, so the two
    forms hold the same facts and nothing else."""
    return [(f"Orders {i}", "essential.service", list(PEER_CATEGORIES), "customer"),
            (f"Newsletter {i}", "marketing.communications.email", ["c0", "c1"], "customer"),
            (f"Statistics {i}", "analytics.reporting", ["c5", "c6"], "anonymous_user")]


def fides_manifest(systems: int) -> str:
    """The peer comparison's systems as a fideslang manifest (for `fides --local evaluate`), with a
    policy rule of the kind fides evaluates: no marketing on contact data."""
    out = ["""policy:
  - fides_key: bench_policy
    name: Bench policy
    rules:
      - fides_key: no_marketing_on_contact_data
        name: No marketing on contact data
        data_categories:
          matches: ANY
          values: [user.contact]
        data_uses:
          matches: ANY
          values: [marketing]
        data_subjects:
          matches: ANY
          values: [customer]
""", "system:"]
    for i in range(systems):
        out.append(f"""  - fides_key: s{i}
    name: System {i}
    description: Generated system {i}
    system_type: Service
    privacy_declarations:""")
        for name, use, cats, subject in peer_declarations(i):
            out.append(f"""      - name: {name}
        data_categories: [{', '.join(PEER_CATEGORIES[c] for c in cats)}]
        data_use: {use}
        data_subjects: [{subject}]""")
    return "\n".join(out) + "\n"


def write_peer_policy(root: Path, systems: int) -> Path:
    """The same systems as ``fides_manifest``, as one policy with a file per system. It says no more
    than the manifest (no legal basis, retention, recipients or cookies), so privacy-dsl reports
    what is missing, as fides reports the policy rule's violations."""
    root.mkdir(parents=True, exist_ok=True)
    shared = [f"category {cid} {{ taxonomy {key} }}" for cid, key in PEER_CATEGORIES.items()]
    (root / "organisation.privacy").write_text("\n".join([*shared, "subject customer", "subject anonymous_user"])
                                               + "\n", encoding="utf-8")
    for i in range(systems):
        blocks = [f"# System {i}: Generated system {i} (Service)"]
        for n, (name, use, cats, subject) in enumerate(peer_declarations(i)):
            blocks.append(f'purpose s{i}_p{n} {{\n  name "{name}"\n  use {use}\n'
                          f'  categories {", ".join(cats)}\n  subjects {subject}\n}}')
        (root / f"system{i:04d}.privacy").write_text("\n".join(blocks) + "\n", encoding="utf-8")
    return root


def compose_yaml(lines: int) -> str:
    """A docker-compose-like YAML document of exactly ``lines`` lines (a service per block, with
    its image, ports, environment, volumes, health check and labels): what ``yamllint`` is
    compared on for the cold start, the same length as the policy linted."""
    out = ["---", "# Services of the shop (generated for the benchmark)", "version: \"3.9\"", "services:"]
    i = 0
    while True:
        block = [f"  web{i}:", f"    image: \"registry.example.com/shop/web:{i}.4.2\"", "    restart: unless-stopped",
                 "    ports:", f"      - \"{8000 + i}:8080\"", "    environment:", f"      SERVICE_NAME: web{i}",
                 "      LOG_LEVEL: info", f"      DATABASE_URL: \"postgres://shop@db{i}:5432/shop\"",
                 "    volumes:", f"      - \"./data/web{i}:/var/lib/web\"", "    depends_on:", f"      - db{i}",
                 "    healthcheck:", "      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8080/health\"]",
                 "      interval: 30s", "      retries: 3", "    labels:", f"      com.example.team: \"team-{i % 7}\"",
                 "      com.example.tier: frontend"]
        if len(out) + len(block) > lines:
            break
        out += block
        i += 1
    # the rest: compose extension fields, one line each
    out += [f"x-build-{n}: \"shop-{n}\"" for n in range(lines - len(out))]
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--lines", type=int, default=10_000, help="lines in one policy")
    ap.add_argument("--files", type=int, default=0, help="instead: this many 100-line policies")
    ap.add_argument("--violations", action="store_true")
    args = ap.parse_args()
    if args.files:
        write_repo(args.out, args.files, violations=args.violations)
    else:
        write_policy(args.out, args.lines, args.violations)
    print(args.out)


if __name__ == "__main__":
    main()
