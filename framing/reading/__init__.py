"""Reading the text behind a number: concordance (KWIC), collocates, audits."""

