"""Changes to shoppers' accounts, one module per topic: ``signup`` and ``passwords``
(sign-up, terms, reset links), ``addresses``, ``contacts``, ``cards``, ``deletion``."""
