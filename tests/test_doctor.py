"""make doctor names what is wrong in plain words."""

from pipeline.doctor import check_files, check_setup


def test_unknown_and_unreadable_files_are_named_with_what_to_do(settings):
    (settings.raw_dir / "plan.csv").write_text(
        "campaign_id,campaign_name,utm_campaign,start_date\nC1,A,a,2026-01-01\n"
    )
    (settings.raw_dir / "notes.csv").write_text("foo,bar\n1,2\n")
    (settings.raw_dir / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    findings = check_files(settings)
    text = "\n".join(f"{f.level} {f.message}" for f in findings)
    assert "ok 3 files" in text and "1 campaigns" in text
    assert any(
        f.level == "warn" and "notes.csv" in f.message and "not a known export format" in f.message
        for f in findings
    )
    assert any(
        f.level == "error" and "broken.xlsx" in f.message and "download it again" in f.message
        for f in findings
    )


def test_missing_plan_and_loose_key_permissions_are_reported(settings):
    (settings.raw_dir / "t.csv").write_text(
        '"Tweet id","Tweet text","time"\n"1","hi","2021-01-01 10:00 +0000"\n'
    )
    assert any("no campaign plan" in f.message for f in check_files(settings))
    settings.key_file.parent.mkdir(parents=True)
    settings.key_file.write_text("k")
    settings.key_file.chmod(0o644)
    assert any(f.level == "error" and "chmod 600" in f.message for f in check_setup(settings))
