"""Ingestion: directive files in, cleaned and chunked passages in the vector store out."""
