"""Administration: deployed processes, incidents, the demo clock."""
