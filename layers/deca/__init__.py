"""DECA AI Studio shared core: flow models, nodes, stores, auth, errors."""
