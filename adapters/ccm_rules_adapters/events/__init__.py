"""Case monitoring on the durable-rules engine: optional (extra `events`), not the default.

`ccm-rules monitor` and the library run the built-in `ccm_rules.monitoring.PythonMonitor`
unless asked for this engine (`--engine durable`); durable-rules' last release is from
2020, it has no wheel and it does not import on Python 3.13+.

`DurableMonitor` replays case events through the monitoring rules of a rule pack,
compiled to a durable-rules ruleset by `compile_ruleset`. durable-rules is optional:
importing this package works without it; creating a monitor raises
`EngineUnavailableError` saying why (not installed, or Python 3.13+ where it does not
import).
"""

from ._compile import compile_ruleset
from ._durable import DurableMonitor, EngineUnavailableError, load_engine

__all__ = ["DurableMonitor", "EngineUnavailableError", "compile_ruleset", "load_engine"]
