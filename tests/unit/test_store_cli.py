"""`python -m sozialraum user ...` and `massnahmen-import` on SQLite and PostgreSQL: German
output, exit status, and what ends up in the database (DATABASE_URL, SOZIALRAUM_INSTANCE_DIR)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

import sozialraum.package
from sozialraum import cli
from sozialraum.store import MeasureStore
from tests.unit.store_fixtures import BACKENDS, REPO, database_url, erfurt_package

PASSWORD = "richtig-langes-passwort"
HEADER = "measure_id;title;leitlinien;primary_leitlinie;status;progress;Bemerkung\n"


@pytest.fixture(params=BACKENDS)
def env(request, tmp_path, monkeypatch):
    """Settings of the CLI: a fresh database and instance folder; the package loaded once."""
    values = {"DATABASE_URL": database_url(request.param, tmp_path),
              "SOZIALRAUM_INSTANCE_DIR": str(tmp_path / "instance")}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("SOZIALRAUM_DATA_DIR", raising=False)
    package = erfurt_package()
    monkeypatch.setattr(sozialraum.package, "load_package", lambda *args, **kwargs: package)
    return values


@pytest.fixture
def store(env):
    store = MeasureStore(env["DATABASE_URL"], env["SOZIALRAUM_INSTANCE_DIR"])
    store.setup(erfurt_package())
    yield store
    store.engine.dispose()


def run_cli(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_process(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sozialraum", *args], cwd=REPO, capture_output=True, text=True,
                          input=stdin, env={**os.environ, **env}, timeout=120)


# ------------------------------------------------------------------------------------------ user
def test_user_commands(env, store, capsys, monkeypatch):
    assert run_cli(capsys, monkeypatch, "user", "add", "anna", "--password-stdin", stdin=PASSWORD + "\n") == (
        0, "Benutzer „anna“ angelegt (Rolle: Redaktion).\n", "")
    assert run_cli(capsys, monkeypatch, "user", "add", "bernd", "--role", "viewer", stdin=PASSWORD + "x\n")[0] == 0
    assert run_cli(capsys, monkeypatch, "user", "role", "bernd", "--role", "admin") == (
        0, "Rolle von „bernd“: Verwaltung.\n", "")
    assert run_cli(capsys, monkeypatch, "user", "lock", "anna") == (0, "„anna“ gesperrt.\n", "")
    assert run_cli(capsys, monkeypatch, "user", "list") == (
        0, "anna\teditor – Redaktion (gesperrt)\nbernd\tadmin – Verwaltung\n", "")
    assert store.verify_user("anna", PASSWORD) is None
    assert run_cli(capsys, monkeypatch, "user", "unlock", "anna") == (0, "„anna“ entsperrt.\n", "")
    assert store.verify_user("anna", PASSWORD).role == "editor"
    assert run_cli(capsys, monkeypatch, "user", "password", "anna", stdin="noch-ein-passwort\n") == (
        0, "Passwort von „anna“ geändert.\n", "")
    assert store.verify_user("anna", "noch-ein-passwort") is not None
    assert store.verify_user("anna", PASSWORD) is None


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (("user", "add", "anna"), "kurz\n", "Passwort: mindestens 10 Zeichen.\n"),
    (("user", "add", "a b"), PASSWORD + "\n", "Benutzername: 2 bis 64 Zeichen, nur Buchstaben, Ziffern, Punkt, "
                                              "Bindestrich, Unterstrich.\n"),
    (("user", "lock", "niemand"), "", "Benutzer „niemand“ gibt es nicht.\n"),
    (("user", "role", "niemand", "--role", "viewer"), "", "Benutzer „niemand“ gibt es nicht.\n"),
])
def test_user_errors_exit_1(env, store, capsys, monkeypatch, args, stdin, message):
    assert run_cli(capsys, monkeypatch, *args, stdin=stdin) == (1, "", message)
    assert store.list_users() == []


def test_user_without_name_exits_2(env, capsys, monkeypatch):
    assert run_cli(capsys, monkeypatch, "user", "lock") == (2, "", "Bitte den Benutzernamen angeben.\n")


def test_user_unknown_role_is_a_usage_error(env, capsys, monkeypatch):
    with pytest.raises(SystemExit) as exit_:
        run_cli(capsys, monkeypatch, "user", "add", "anna", "--role", "gott")
    assert exit_.value.code == 2
    assert "'gott'" in capsys.readouterr().err


def test_duplicate_user_exits_1(env, store, capsys, monkeypatch):
    store.add_user("anna", PASSWORD, "viewer")
    assert run_cli(capsys, monkeypatch, "user", "add", "anna", stdin=PASSWORD + "\n") == (
        1, "", "Benutzer „anna“ gibt es schon.\n")


# ------------------------------------------------------------------------------------------ import
def test_import_preview_then_apply(env, store, tmp_path, capsys, monkeypatch):
    path = tmp_path / "liste.csv"
    path.write_text(HEADER + "M-2019-001;Bewegte Pause;3;3;verstetigt;100;x\n"
                    f"M-2019-002;{store.get('M-2019-002')['title']};4;4;verstetigt;100;\n"
                    ";Neue Maßnahme;2;2;geplant;0;\n", encoding="utf-8")
    before = store.audit_count()
    code, out, err = run_cli(capsys, monkeypatch, "massnahmen-import", str(path))
    assert code == 0
    assert out == ("liste.csv: 1 neu, 1 geändert, 1 unverändert\n"
                   "  Zeile 2: M-2019-001 ändern (Titel, Leitlinien)\n"
                   "  Zeile 4: (neu) neu\n"
                   "Vorschau; mit --apply übernehmen.\n")
    assert err == "Hinweis: Spalte „Bemerkung“ ist unbekannt und wird nicht gelesen.\n"
    assert store.audit_count() == before and store.get("M-2019-001")["version"] == 1   # preview only

    code, out, _ = run_cli(capsys, monkeypatch, "massnahmen-import", str(path), "--apply", "--user", "chef",
                           "--comment", "Beschluss Mai")
    assert code == 0 and out.endswith("Übernommen.\n")
    record = store.get("M-2019-001")
    assert (record["title"], record["leitlinien"], record["version"]) == ("Bewegte Pause", [3], 2)
    assert {(h["username"], h["comment"]) for h in store.history("M-2019-001") if h["version"] == 2} == {
        ("chef", "Beschluss Mai")}
    assert store.audit_count() == before + 3   # two fields changed, one measure created
    assert len(store.frame()) == 62


def test_import_with_a_bad_row_writes_nothing(env, store, tmp_path, capsys, monkeypatch):
    path = tmp_path / "liste.csv"
    path.write_text(HEADER + ";Gut;2;2;geplant;0;\n;Auch gut;3;3;geplant;10;\n;Schlecht;3;3;geplant;140;\n",
                    encoding="utf-8")
    before = store.audit_count()
    code, out, err = run_cli(capsys, monkeypatch, "massnahmen-import", str(path), "--apply")
    assert (code, out) == (1, "")
    assert ("liste.csv: 1 Problem(e), nichts übernommen:\n"
            "- Zeile 4: Fortschritt: „140“ muss eine ganze Zahl von 0 bis 100 sein.\n") in err
    assert store.audit_count() == before and len(store.frame()) == 61


@pytest.mark.parametrize(("name", "data", "message"), [
    ("kaputt.csv", bytes(range(256)) * 4, "Die CSV-Datei ist nicht UTF-8-kodiert."),
    ("kaputt.xlsx", b"das ist kein zip" * 10, "Die Datei ist nicht lesbar"),
])
def test_import_broken_file_exits_1(env, store, tmp_path, capsys, monkeypatch, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run_cli(capsys, monkeypatch, "massnahmen-import", str(path), "--apply")
    assert (code, out) == (1, "")
    assert err.startswith(f"{name}: 1 Problem(e), nichts übernommen:\n- {message}")
    assert store.audit_count() == 61


def test_import_missing_file_exits_1(env, tmp_path, capsys, monkeypatch):
    code, out, err = run_cli(capsys, monkeypatch, "massnahmen-import", str(tmp_path / "fehlt.csv"))
    assert (code, out) == (1, "")
    assert err.startswith(f"{tmp_path / 'fehlt.csv'}: nicht lesbar")


def test_as_processes(env, tmp_path):
    """End to end, as an operator runs it: settings from the environment, password from stdin."""
    result = run_process(env, "user", "add", "anna", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Benutzer „anna“ angelegt (Rolle: Verwaltung).\n"
    path = tmp_path / "liste.csv"
    path.write_text(HEADER + ";Neue Maßnahme;2;2;geplant;0;\n", encoding="utf-8")
    result = run_process(env, "massnahmen-import", str(path), "--apply", "--user", "anna")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("liste.csv: 1 neu, 0 geändert, 0 unverändert\n")
    assert result.stdout.endswith("Übernommen.\n")
    store = MeasureStore(env["DATABASE_URL"])
    try:
        assert store.verify_user("anna", PASSWORD).is_admin
        assert len(store.frame()) == 62 and store.audit_count() == 62
    finally:
        store.engine.dispose()
