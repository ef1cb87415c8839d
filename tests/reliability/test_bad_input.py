"""Bad input is refused with its place, never rewritten, never half-written (issue 8, cases 1-5)."""

from __future__ import annotations

import re
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from lacrdf import ProjectPaths, build_dataset
from lacrdf.cli import main
from lacrdf.errors import RecordErrors
from lacrdf.graph.dumps import render
from lacrdf.records.loader import load_project

SOURCE = ("source: {id: t-src, file: t.txt, sha256: " + "0" * 64 + ", title: T, language: en%s}\n")


def load(tmp: Path, paths: ProjectPaths, text: str | bytes, name: str = "case.yaml"):  # type: ignore[no-untyped-def]
    path = tmp / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return build_dataset(load_project([paths.data / "actors", path], root=tmp))


def error_of(tmp: Path, paths: ProjectPaths, text: str | bytes) -> str:
    with pytest.raises(RecordErrors) as info:
        load(tmp, paths, text)
    rendered = info.value.render()
    assert "\n" not in rendered and rendered.startswith("case.yaml:")
    return rendered


BAD_IRI_CHARS = [" ", "<", ">", '"', "{", "}", "|", "^", "`", "\\"]


@pytest.mark.parametrize("char", BAD_IRI_CHARS, ids=[f"U+{ord(c):04X}" for c in BAD_IRI_CHARS])
def test_invalid_iri_characters_in_ids_are_refused(tmp_path: Path, paths: ProjectPaths, char: str) -> None:
    quoted = char.replace("\\", "\\\\").replace('"', '\\"')
    msg = error_of(tmp_path, paths, f'actors:\n  - {{id: "bad{quoted}id", type: person, name: X}}\n')
    assert "field 'id'" in msg and "IRI" in msg


@pytest.mark.parametrize("char", BAD_IRI_CHARS, ids=[f"U+{ord(c):04X}" for c in BAD_IRI_CHARS])
def test_invalid_iri_characters_in_urls_are_refused(tmp_path: Path, paths: ProjectPaths, char: str) -> None:
    quoted = char.replace("\\", "\\\\").replace('"', '\\"')
    msg = error_of(tmp_path, paths, SOURCE % f', url: "https://example.org/a{quoted}b"')
    assert "field 'url'" in msg


@pytest.mark.parametrize("url", ["../relative.html", "page.html", "//example.org/x", "mailto:x@example.org",
                                 "javascript:alert(1)"])
def test_relative_or_non_http_iris_are_refused(tmp_path: Path, paths: ProjectPaths, url: str) -> None:
    assert "field 'url'" in error_of(tmp_path, paths, SOURCE % f', url: "{url}"')


FIGURE = (SOURCE % "" + "facts:\n"
          "  - {id: t-f, kind: figure, para: 1, figure_type: trade, reporter: BE, currency: EUR, %s}\n")
EVENT = SOURCE % "" + "facts:\n  - {id: t-e, kind: event, para: 1, event_type: meeting, title: T, %s}\n"


@pytest.mark.parametrize("text,field", [
    (FIGURE % 'amount: "1", period: "2024-02-30"', "period"),
    (FIGURE % 'amount: "1", period: "2023-13"', "period"),
    (FIGURE % 'amount: "1", period: "20"', "period"),
    (FIGURE % 'amount: "abc"', "amount"),
    (FIGURE % 'amount: "1e9"', "amount"),
    (FIGURE % 'amount: "NaN"', "amount"),
    (FIGURE % 'amount: "5,032.9"', "amount"),
    (FIGURE % 'amount: "-3"', "amount"),
    (EVENT % "online: yes", "online"),
    (EVENT % "online: 1", "online"),
    (EVENT % "online: True", "online"),
    (EVENT % 'ordinal: "third"', "ordinal"),
    (EVENT % "ordinal: 0", "ordinal"),
])
def test_ill_typed_values_are_refused_not_rewritten(tmp_path: Path, paths: ProjectPaths, text: str,
                                                    field: str) -> None:
    assert f"field '{field}'" in error_of(tmp_path, paths, text)


@pytest.mark.parametrize("stated,written", [("5032.9", "5032.9"), ("1.50", "1.5"), ("0.5", "0.5"),
                                            ("42.30", "42.3"), ("100", "100"), ("0.000", "0")])
def test_numbers_keep_their_value_in_one_canonical_form_everywhere(tmp_path: Path, paths: ProjectPaths,
                                                                   stated: str, written: str) -> None:
    ds = load(tmp_path, paths, FIGURE % f'amount: "1", share_of_total: "{stated}"')
    for fmt in ("ttl", "nt", "jsonld", "xml", "trig", "nq"):
        text = render(ds, fmt).decode("utf-8")
        assert f'"{written}"' in text or f">{written}<" in text or f" {written} " in text, fmt
        if stated != written:
            assert f'"{stated}"' not in text and f">{stated}<" not in text, fmt


@pytest.mark.parametrize("tag", ["en_US", "", "@EN-us", "e", "english", "en-", "en US", "12"])
def test_bad_language_tags_are_refused(tmp_path: Path, paths: ProjectPaths, tag: str) -> None:
    msg = error_of(tmp_path, paths,
                   f'actors:\n  - id: t-o\n    type: organization\n    name: X\n    aliases: {{"{tag}": [X]}}\n')
    assert "BCP 47" in msg


@pytest.mark.parametrize("tag,normal", [("EN", "en"), ("pt-BR", "pt-br"), ("Es", "es")])
def test_language_tags_are_normalised_to_lower_case(tmp_path: Path, paths: ProjectPaths, tag: str,
                                                    normal: str) -> None:
    ds = load(tmp_path, paths, f'actors:\n  - id: t-o\n    type: person\n    name: X\n    name_language: "{tag}"\n')
    langs = {q.object.language for q in ds.quads if q.subject.value.endswith("/person/t-o")
             and q.predicate.value.endswith("#label")}
    assert normal in langs and tag not in (langs - {normal})


@pytest.mark.parametrize("payload,needle", [
    (b'actors:\n  - {id: t-p, type: person, name: "a\x01b"}\n', "control character U\\+0001"),
    (b'actors:\n  - {id: t-p, type: person, name: "a\\x01b"}\n', "U\\+0001"),
    (b'actors:\n  - {id: t-p, type: person, name: "a\\ud800b"}\n', "U\\+D800|invalid Unicode"),
    (b'actors:\n  - {id: t-p, type: person, name: "caf\xe9"}\n', "not valid UTF-8"),
    (b'\xff\xfea\x00c\x00', "not valid UTF-8"),
    (b"actors:\n  - {id: t-p, id: t-q, type: person, name: X}\n", "duplicate key 'id'"),
    (b"a: &a [1, 2]\nb: *a\n", "anchors and aliases are not allowed"),
    (b"actors: !!python/object/apply:os.system [echo]\n", "not allowed"),
    (b"actors:\n  - {id: t-p\n", "invalid YAML"),
    (b"- just\n- a list\n", "top level must be a mapping"),
])
def test_malformed_files_give_a_located_error(tmp_path: Path, paths: ProjectPaths, payload: bytes,
                                              needle: str) -> None:
    msg = error_of(tmp_path, paths, payload)
    assert re.search(needle, msg), msg
    assert msg.split(":")[1].isdigit() and msg.split(":")[2].isdigit()


def test_a_bom_is_accepted(tmp_path: Path, paths: ProjectPaths) -> None:
    ds = load(tmp_path, paths, b"\xef\xbb\xbfactors:\n  - {id: t-p, type: person, name: X}\n")
    assert any(q.subject.value.endswith("/person/t-p") for q in ds.quads)


def test_alias_bomb_is_refused_fast_in_bounded_memory(tmp_path: Path, paths: ProjectPaths) -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    tracemalloc.start()
    started = time.perf_counter()
    msg = error_of(tmp_path, paths, "\n".join(levels) + "\n")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "anchors and aliases" in msg
    assert elapsed < 2 and peak < 20 * 1024 * 1024


def test_oversized_file_is_refused(tmp_path: Path, paths: ProjectPaths) -> None:
    msg = error_of(tmp_path, paths, b"# " + b"x" * (9 * 1024 * 1024) + b"\n")
    assert "larger than" in msg


def test_nothing_is_written_on_bad_input(tmp_path: Path, paths: ProjectPaths,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(paths.root)
    out = tmp_path / "dist"
    out.mkdir()
    (out / "lacrdf.ttl").write_bytes(b"previous build\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text(FIGURE % 'amount: "abc"', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--data", str(paths.data / "actors"), "--data", str(bad),
                                       "--out", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["lacrdf.ttl"]
    assert (out / "lacrdf.ttl").read_bytes() == b"previous build\n"
