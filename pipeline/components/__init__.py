"""Rule-based spaCy components, one factory per fact family.

Importing this package registers every factory with spaCy.
"""

import pkgutil
from importlib import import_module

from .base import FACTS_KEY, RuleComponent, add_fact

# Each module registers its @Language.factory on import.
for _info in pkgutil.iter_modules(__path__):
    if _info.name != "base":
        import_module(f"{__name__}.{_info.name}")

__all__ = ["FACTS_KEY", "RuleComponent", "add_fact"]
