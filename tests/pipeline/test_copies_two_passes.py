"""analyze with the default wire-copy policy reads a corpus file twice instead of holding it (memory
(guide): memory stays bounded whatever the input): the same tables as the held route, rejects counted
once, and the copy detection keeps no text."""

from __future__ import annotations

import json
import random
import tracemalloc
import warnings

import pandas as pd
import pytest

from framing.output.views import attention_and_term_map
from framing.pipeline import extraction
from framing.pipeline.analyze import analyze
from framing.pipeline.config import AnalysisConfig
from framing.pipeline.copies import WireCopyFinder
from framing.pipeline.extraction import extract_stream
from framing.pipeline.progress import Clock

# words written for these tests; random sentences over them share almost no 5-word run
WORDS = [
    "الحكومة", "الوزير", "المدينة", "الشرطة", "المستشفى", "الجامعة", "السوق", "المطر", "الطريق", "الجسر",
    "المدرسة", "الفريق", "المباراة", "الاقتصاد", "النفط", "الميناء", "المطار", "القطار", "البرلمان", "القانون",
    "الميزانية", "الشركة", "العمال", "المزارعين", "القمح", "الماء", "الكهرباء", "المرضى", "الأطباء", "الطلاب",
    "الكتاب", "المعرض", "أعلن", "قال", "أكد", "افتتح", "زار", "ناقش", "رفض", "وافق", "طالب", "حذر", "أشار",
    "أضاف", "نفى", "قرر", "بدأ", "ارتفع", "انخفض", "اليوم", "أمس", "صباح", "مساء", "الأسبوع", "الشهر", "العام",
    "الجديد", "الكبير", "في", "على", "من", "إلى", "مع", "بعد", "قبل", "خلال", "حول", "ضد", "دون", "عند"
]
LABELS = ("ميليشيات حفتر", "الجيش الوطني الليبي", "حكومة الوفاق", "قوات حفتر")
OUTLETS = ("صحيفة الأفق", "نشرة المساء", "Wadi Times", "الرأي اليوم")


def _article(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    words.insert(rng.randrange(n), rng.choice(LABELS))
    return " ".join(words)


def _records(n_stories: int, seed: int = 3) -> tuple[list[str], set[str]]:
    """JSON lines: stories, some carried again by other outlets (the same day or the next, with a
    sentence added), some repeated too late or undated to be copies, and bad records; and the doc_id of
    the planted copies."""
    rng = random.Random(seed)
    lines, copies = [], set()
    for k in range(n_stories):
        day = 1 + k % 20
        text = _article(rng, rng.randint(40, 90))
        lines.append({"doc_id": f"s{k}", "outlet": OUTLETS[k % 4], "date": f"2020-03-{day:02d}", "text": text})
        if k % 3 == 0:  # a wire copy the next day, a sentence added
            lines.append({"doc_id": f"c{k}", "outlet": OUTLETS[(k + 1) % 4], "date": f"2020-03-{day + 1:02d}",
                          "text": text + " وأضاف المصدر أن التحقيق مستمر"})
            copies.add(f"c{k}")
        if k % 5 == 0:  # the same text a week later or undated: never a copy
            late = {"doc_id": f"l{k}", "outlet": OUTLETS[(k + 2) % 4], "date": f"2020-03-{day + 7:02d}", "text": text}
            lines.append(late if k % 2 else dict(late, date=None))
        if k % 7 == 0:  # a record without text, and a line that is not JSON: rejects
            lines.append({"doc_id": f"x{k}", "outlet": OUTLETS[0], "date": "2020-03-02"})
    rendered = [json.dumps(r, ensure_ascii=False) for r in lines]
    for k in range(0, len(rendered), 11):
        rendered.insert(k, '{"doc_id": "broken", ')
    return rendered, copies


@pytest.fixture
def corpus(tmp_path):
    lines, copies = _records(40)
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, copies, len(lines)


def _tables(out):
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix in (".csv", ".parquet")}


def test_two_passes_give_the_held_route_tables(corpus, tmp_path, monkeypatch):
    path, planted, n_lines = corpus
    options = {"n_boot": 20, "batch_size": 7}  # batches of read records cut across the accepted documents
    two = analyze(path, "libya", tmp_path / "two", **options)
    monkeypatch.setattr(extraction, "_rereadable", lambda corpus: False)  # a pipe: the corpus is held
    held = analyze(path, "libya", tmp_path / "held", **options)

    copies = pd.read_csv(two.tables["wire_copies"][0])
    assert set(copies.loc[~copies["is_first"], "doc_id"]) == planted
    assert two.n_copies == held.n_copies == len(planted)
    assert (two.n_read, two.n_accepted, two.n_rejected) == (held.n_read, held.n_accepted, held.n_rejected)
    assert two.n_read == n_lines == two.n_accepted + two.n_rejected  # rejects counted once, not per reading
    assert len(pd.read_csv(two.tables["rejects"][0])) == two.n_rejected > 0
    got, want = _tables(tmp_path / "two"), _tables(tmp_path / "held")
    assert "wire_copies.parquet" in got and "features.parquet" in got
    assert got.keys() == want.keys()
    assert [name for name in got if got[name] != want[name]] == []
    features = pd.read_parquet(two.tables["features"][1])
    assert not set(features["doc_id"]) & planted


def test_a_corpus_changed_between_the_readings_is_an_error(corpus, tmp_path, monkeypatch):
    path, _, _ = corpus
    reads = []
    real = extraction.iter_corpus

    def growing(source, **kw):
        reads.append(source)
        if len(reads) == 2:  # another process appends an article between the two readings
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"doc_id": "new", "outlet": "Wadi Times", "date": "2020-04-01",
                                     "text": "افتتح الوزير المعرض الجديد"}, ensure_ascii=False) + "\n")
        return real(source, **kw)

    monkeypatch.setattr(extraction, "iter_corpus", growing)
    with pytest.raises(Exception, match="changed while it was read"):
        analyze(path, "libya", tmp_path / "out", n_boot=20)
    assert len(reads) == 2
    assert not (tmp_path / "out" / "features.csv").exists()


def _generated_batches(n_batches: int, size: int, seed: int = 5):
    rng = random.Random(seed)
    for b in range(n_batches):
        texts = [_article(rng, 300) for _ in range(size)]
        yield pd.DataFrame({"doc_id": [f"g{b}_{i}" for i in range(size)], "outlet": OUTLETS[b % 4],
                            "date": pd.Timestamp("2020-01-01") + pd.Timedelta(days=b), "text": texts})


def _peak_while_finding(store_in_memory: bool, monkeypatch) -> tuple[int, int, pd.DataFrame]:
    """tracemalloc's peak while a WireCopyFinder takes a generated corpus batch by batch, and the
    characters of text it was given (each batch dropped once given)."""
    if store_in_memory:  # the control: shingle hashes kept in memory, as for a held corpus
        from framing.corpus import duplicates

        monkeypatch.setattr(duplicates.DuplicateFinder, "__init__",
                            _without_store(duplicates.DuplicateFinder.__init__))
    with WireCopyFinder() as finder:  # modules imported and caches filled before the measure
        for batch in _generated_batches(2, 20):
            finder.add(batch)
        finder.table()
    chars = 0
    tracemalloc.start()
    try:
        with WireCopyFinder() as finder:
            for batch in _generated_batches(80, 100):
                chars += int(batch["text"].str.len().sum())
                finder.add(batch)
                del batch
            table = finder.table()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, chars, table


def _without_store(init):
    def patched(self, **kw):
        kw.pop("store", None)
        init(self, **kw)
    return patched


def test_copy_detection_holds_no_text(monkeypatch):
    """The finder's peak stays far below the text it was given (80 batches of 100 articles); the same
    measure with the shingle hashes kept in memory is above the bound, so the bound can fail."""
    peak, chars, table = _peak_while_finding(False, monkeypatch)
    assert table.empty  # generated articles share no story
    bound = chars * 2 // 3  # a third of the text as Python holds it (2 bytes a character here)
    assert peak < bound, f"peak {peak / 2**20:.1f} MiB for {chars * 2 / 2**20:.1f} MiB of text"
    held_peak, held_chars, _ = _peak_while_finding(True, monkeypatch)
    assert held_chars == chars
    assert held_peak > bound


@pytest.mark.slow
def test_extraction_holds_no_text(tmp_path, monkeypatch):
    """The whole reading and extraction with the default policy: the traced peak stays well below the
    text of the corpus file (the held route keeps every text, so it is above)."""
    rng = random.Random(11)
    path = tmp_path / "big.jsonl"
    chars = 0
    with open(path, "w", encoding="utf-8") as fh:
        for k in range(2400):
            text = _article(rng, 400)
            chars += len(text)
            fh.write(json.dumps({"doc_id": f"b{k}", "outlet": OUTLETS[k % 4], "date": f"2020-03-{1 + k % 28:02d}",
                                 "text": text}, ensure_ascii=False) + "\n")
    small = tmp_path / "small.jsonl"  # modules imported and the lexicon compiled before the measure
    small.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:50]), encoding="utf-8")
    peaks = {}
    for route in ("two passes", "held"):
        config = AnalysisConfig(lexicon="libya", out=tmp_path / route.replace(" ", "_"), batch_size=100, n_boot=20)
        lex = config.validate(path)
        config.out_dir.mkdir()
        if route == "held":
            monkeypatch.setattr(extraction, "_rereadable", lambda corpus: False)
        (tmp_path / f"warm {route}").mkdir()
        extract_stream(small, lex, config.replace(out=tmp_path / f"warm {route}"), Clock(), progress=False)
        tracemalloc.start()
        try:
            ex = extract_stream(path, lex, config, Clock(), progress=False)
            peaks[route] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert ex.n_accepted == 2400
    text_bytes = chars * 2
    assert peaks["two passes"] < 0.6 * text_bytes, {k: v / 2**20 for k, v in peaks.items()}
    assert peaks["held"] > text_bytes


def test_a_full_disk_for_the_shingle_hashes_is_one_output_error(corpus, tmp_path, monkeypatch):
    import errno

    from framing.corpus.shingles import FileShingles
    from framing.output.files import OutputError

    path, _, _ = corpus

    def full(self, hashes):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileShingles, "append", full)
    with pytest.raises(OutputError, match=r"shingle hashes in .*no space left on device.*free some space"):
        analyze(path, "libya", tmp_path / "out", n_boot=20)
    assert not (tmp_path / "out" / "features.csv").exists()


def _folder_with_warnings(tmp_path):
    """Six articles of two outlets, a hidden file and a file of another format (one reader warning each)."""
    root = tmp_path / "folder"
    for outlet, sentence in (("الشرق", "قال المتحدث إن قوات حفتر تقدمت نحو المطار"),
                             ("الغرب", "أعلنت الحكومة أن ميليشيات حفتر قصفت الحي")):
        (root / outlet).mkdir(parents=True)
        for k in range(3):
            (root / outlet / f"{k}.txt").write_text(f"{sentence} في اليوم {k}", encoding="utf-8")
    (root / ".draft.txt").write_text("مسودة", encoding="utf-8")
    (root / "notes.md").write_text("ملاحظات", encoding="utf-8")
    return root


@pytest.mark.parametrize("workers", [None, pytest.param(2, marks=pytest.mark.slow)])
def test_the_readers_warnings_are_given_once(tmp_path, workers):
    """No reading after the first repeats its warnings: the default route's second reading, the Dask
    route's reading for the wire copies and the report's own reading (one warning each, as with
    --keep-copies in one process)."""
    root = _folder_with_warnings(tmp_path)
    seen = {}
    for copies in ("exclude", "keep"):
        with pytest.warns(UserWarning) as record:
            analyze(root, "libya", tmp_path / copies, n_boot=20, copies=copies, workers=workers)
        seen[copies] = sorted(str(w.message) for w in record if str(root) in str(w.message))
    assert len(seen["keep"]) == 2
    assert seen["exclude"] == seen["keep"]


def test_the_report_reading_can_leave_the_readers_warnings_out(tmp_path):
    root = _folder_with_warnings(tmp_path)
    with pytest.warns(UserWarning) as record:
        attention_and_term_map(root, "libya", tmp_path / "given")
    assert sum(str(root) in str(w.message) for w in record) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a reader warning would raise
        views = attention_and_term_map(root, "libya", tmp_path / "quiet", reader_warnings=False)
    assert "attention" in views.tables
