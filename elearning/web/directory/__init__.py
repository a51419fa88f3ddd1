"""The partner directory (one blueprint): the Table's organizations and their pivots' work contacts."""
