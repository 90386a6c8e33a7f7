"""Team work: merging annotators' project files, agreement measures, adjudication (no Qt)."""

CURATOR = "curator"  # the annotator name of the curated (adjudicated) layer
