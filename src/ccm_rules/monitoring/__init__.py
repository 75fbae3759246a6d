"""Case monitoring: time-based duties over an event log, raised as alerts (the default Python engine)."""

from ..engine import Area, register_area
from ._monitoring import (
    Alert,
    Event,
    Monitoring,
    MonitoringSpec,
    PythonMonitor,
    agree,
    alert_message,
    alert_order,
    alert_record,
    check_monitoring,
    hours_values,
    iter_events,
    read_events,
    review_values,
    stream_events,
)

AREA = register_area(
    Area(
        name="monitoring",
        title="Time-based duties over an event log, raised as alerts",
        kinds={"monitoring": MonitoringSpec},
        pack_checks={"monitoring": check_monitoring},
    )
)
"""This area, as the engine's registry knows it (entry point `ccm_rules.areas`)."""

__all__ = [
    "AREA",
    "Alert",
    "Event",
    "Monitoring",
    "PythonMonitor",
    "agree",
    "alert_message",
    "alert_order",
    "alert_record",
    "hours_values",
    "iter_events",
    "read_events",
    "review_values",
    "stream_events",
]
