"""Format loaders: one module per file format behind the contract in base.py, chosen by registry.py."""
