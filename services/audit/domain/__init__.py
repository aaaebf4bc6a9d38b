"""The audit service's pure domain: Merkle trees (``merkle``), signed checkpoints (``notes``), link keys
(``links``), trail assembly (``trail``), chain checks (``chain``) and its own events and commands
(``events``). No database, broker, web or protobuf import (``tools/check_domain_purity.py``)."""
