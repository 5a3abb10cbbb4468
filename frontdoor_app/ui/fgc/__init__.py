"""Family Group Conference: the panel, its forms, the queue."""
