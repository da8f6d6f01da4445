"""What a hashtag looks like, written once for the importer's parser and the body's links."""

# The name after the `#`: a letter, then letters, digits and underscores (#MSResearch).
HASHTAG_NAME = r"[A-Za-z][A-Za-z0-9_]*"
