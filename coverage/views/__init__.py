"""Views, one module per area: dashboard pages and API, data entry, manager tools."""
