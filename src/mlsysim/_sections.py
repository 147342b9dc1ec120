"""The report's section names and titles, in report order.

Kept apart from :mod:`mlsysim.report` (which loads the scenarios and the
catalog) so that the command line can build its parser, and answer
``--help``, without loading them.
"""

from __future__ import annotations

__all__ = ["SECTIONS"]

#: Section name -> title, in report order.
SECTIONS: dict[str, str] = {
    "catalog": "Hardware catalog",
    "storage": "Storage: feeding the accelerators",
    "ops": "Operations at scale: when a platform pays off",
    "metadata": "Metadata: when file opens stop the cluster",
    "checkpoint": "Fault tolerance: checkpoint intervals",
}
