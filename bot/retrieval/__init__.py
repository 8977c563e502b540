"""Finding and answering from the directive texts: Vietnamese text, BM25, hybrid search, the
vector store, embeddings and their offline model, document references, question intents,
cited answers, optional generation and the fact listings."""
