"""``metadata.csv`` beside ``.txt`` articles: read in the articles' ``encoding`` unless it is UTF-8 itself,
and under the same record cap as the articles."""

from __future__ import annotations

import pytest

from framing.corpus.reader import read_corpus
from framing.errors import CorpusError

ARTICLE = "افتتحت البلدية سوقا جديدا للخضار قرب الميناء صباح اليوم."
# short Arabic values: too little text for a detector (charset-normalizer takes these bytes for cp932 or
# Big5 when they are Windows-1256), so only the given encoding reads them right
ROWS = [("a.txt", "قناة", "2022-04-03", "سوق"), ("b.txt", "عين", "2022-04-04", "الميناء")]


def _folder(tmp_path, meta_encoding: str, rows=ROWS):
    root = tmp_path / "txt"
    root.mkdir()
    for name, *_ in rows:
        (root / name).write_bytes(ARTICLE.encode("cp1256"))
    lines = ["file,outlet,date,title"] + [",".join(r) for r in rows]
    (root / "metadata.csv").write_bytes(("\n".join(lines) + "\n").encode(meta_encoding))
    return root


@pytest.mark.parametrize("meta_encoding", ["cp1256", "utf-8", "utf-8-sig"])
def test_metadata_read_in_the_given_encoding_unless_utf8(tmp_path, meta_encoding):
    df = read_corpus(_folder(tmp_path, meta_encoding), encoding="cp1256")
    assert df["outlet"].tolist() == [r[1] for r in ROWS]
    assert df["title"].tolist() == [r[3] for r in ROWS]
    assert df["text"].tolist() == [ARTICLE, ARTICLE]


def test_metadata_row_over_the_cap_is_refused(tmp_path):
    long_title = "عنوان " * 400  # about 4.4 kB of UTF-8 in one row
    rows = [(*ROWS[0][:3], long_title.strip())]
    root = _folder(tmp_path, "utf-8", rows)
    with pytest.raises(CorpusError, match=r"metadata\.csv.*line"):
        read_corpus(root, encoding="cp1256", max_record_bytes=1000)
    df = read_corpus(root, encoding="cp1256", max_record_bytes=10_000)
    assert df["title"].tolist() == [long_title.strip()]
