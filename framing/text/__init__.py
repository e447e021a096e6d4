"""Text: Arabic normalization, clitics, quotation spans and the voice of every span."""

